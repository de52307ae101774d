"""gunicorn.conf.py refuses values gunicorn would accept but cannot serve with, in one sentence."""

import pytest

from . import helpers

# --- gunicorn.conf.py ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"GUNICORN_WORKERS": "0"}, "GUNICORN_WORKERS must be at least 1, not '0'."),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be at least 1, not '0'."),
        ({"GUNICORN_THREADS": "0"}, "GUNICORN_THREADS must be at least 1, not '0'."),
        ({"PORT": "0"}, "PORT must be at least 1, not '0'."),
        ({"PORT": "70000"}, "PORT must be at most 65535, not '70000'."),
        # Values gunicorn cannot sleep for, or that would open a connection per worker by the
        # thousand: GUNICORN_TIMEOUT=10**22 made every worker die at boot and respawn, without end.
        (
            {"GUNICORN_TIMEOUT": "99999999999999999999999"},
            "GUNICORN_TIMEOUT must be at most 3600, not '99999999999999999999999'.",
        ),
        (
            {"GUNICORN_GRACEFUL_TIMEOUT": "86400"},
            "GUNICORN_GRACEFUL_TIMEOUT must be at most 3600, not '86400'.",
        ),
        ({"GUNICORN_KEEPALIVE": "1e9"}, "GUNICORN_KEEPALIVE must be a whole number, not '1e9'."),
        ({"GUNICORN_WORKERS": "5000"}, "GUNICORN_WORKERS must be at most 64, not '5000'."),
        ({"WEB_CONCURRENCY": "65"}, "WEB_CONCURRENCY must be at most 64, not '65'."),
        ({"GUNICORN_THREADS": "1000"}, "GUNICORN_THREADS must be at most 64, not '1000'."),
        (
            {"GUNICORN_MAX_REQUESTS": "10000000000"},
            "GUNICORN_MAX_REQUESTS must be at most 1000000000, not '10000000000'.",
        ),
        (
            {"BIND_ADDRESS": "localhost:80"},
            "BIND_ADDRESS must be an IP address such as 0.0.0.0, 127.0.0.1 or ::, not 'localhost:80'.",
        ),
    ],
)
def test_gunicorn_refuses_out_of_range_values_in_one_sentence(audited_env, change, sentence):
    result = helpers.run(
        [helpers.GUNICORN, "-c", "gunicorn.conf.py", "carter_site.wsgi"],
        env=helpers.with_env(audited_env, **{"BIND_ADDRESS": "127.0.0.1", "PORT": "1", **change}),
        timeout=60,
    )
    helpers.assert_one_sentence(result, f"carter-site cannot start: {sentence}")
