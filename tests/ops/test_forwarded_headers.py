"""What a client writes into a request header cannot move the site to another address.

gunicorn takes the WSGI `SCRIPT_NAME` from a request header of that name when the request comes
from an address in FORWARDED_ALLOW_IPS (its `forwarder_headers`), that is through the proxy, and
many proxies pass a client's headers on as they came. The site always lives at the root of its
host (SITE_URL refuses a path), so no such header is trusted: otherwise one request with
`SCRIPT_NAME: //elsewhere.example` made `https://<site>//elsewhere.example/articles/` a page whose
canonical link, link previews and structured data named the other site, stored in the page cache
and served like that to every visitor of that address.
"""

from . import helpers


def test_a_script_name_header_from_a_client_is_not_believed(ops_env, tmp_path):
    env = helpers.prepare_site({**ops_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    with helpers.gunicorn_server(env, tmp_path / "forwarded.log") as server:
        # 127.0.0.1 is a trusted proxy by default: as if the proxy passed the client's header on.
        for prefix in ("//elsewhere.example", "/elsewhere"):
            for attempt in range(2):  # the second would be the page cache's copy
                planted = helpers.request(server.port, f"{prefix}/articles/", headers={"SCRIPT_NAME": prefix})
                assert planted.status == 404, (prefix, attempt, planted.status)
                assert "elsewhere" not in planted.text
            # A visitor sent to that address meets no copy of the site there.
            visitor = helpers.request(server.port, f"{prefix}/articles/")
            assert visitor.status == 404
            assert "elsewhere" not in visitor.text
        # The site itself answers as ever, also with such a header.
        assert helpers.request(server.port, "/articles/").status == 200
        assert helpers.request(server.port, "/articles/", headers={"SCRIPT_NAME": "/articles"}).status == 200
