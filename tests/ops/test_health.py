"""/healthz and /readyz through Django's test client, on SQLite and on PostgreSQL."""

import pytest
from django.db import connections
from django.db.utils import OperationalError

from carter_site import drain, health


@pytest.fixture(autouse=True)
def forget_confirmed_migrations(monkeypatch):
    monkeypatch.setattr(health, "_migrations_confirmed", False)
    monkeypatch.setattr(health, "_traceback_logged_at", None, raising=False)


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access in the request would fail this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_health_checks_answer_head_and_refuse_writes(client, path):
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


@pytest.mark.django_db
def test_readyz_is_ok_when_the_database_answers_and_is_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_costs_one_query_once_migrations_were_seen_applied(client, django_assert_num_queries):
    assert client.get("/readyz").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_the_test_database_has_no_unapplied_migrations():
    assert health.unapplied_migrations(connections["default"]) == []


class _BrokenConnection:
    def cursor(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def test_readyz_is_503_with_a_reason_when_the_database_is_down(client, monkeypatch, caplog):
    monkeypatch.setattr(health, "connections", {"default": _BrokenConnection()})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: database unreachable\n"
    assert "no-store" in response["Cache-Control"]
    # The details go to the log for ops, not into the public response.
    assert "Connection refused" not in response.content.decode()
    assert "Not ready: the database did not answer." in caplog.text


def not_ready_records(caplog):
    return [record for record in caplog.records if record.getMessage().startswith("Not ready")]


@pytest.mark.django_db
def test_an_outage_logs_its_traceback_with_the_first_failed_check_then_once_a_minute(
    client, monkeypatch, caplog
):
    """A load balancer probes every few seconds: each failed check is a line in the log, but the
    traceback saying why, some 2 KB each time, comes with the first and then once a minute."""
    clock = [1000.0]
    monkeypatch.setattr(health.time, "monotonic", lambda: clock[0])
    working = health.connections
    monkeypatch.setattr(health, "connections", {"default": _BrokenConnection()})
    for seconds in (0, 5, 50, 10, 5):  # at 1000, 1005, 1055, 1065 and 1070
        clock[0] += seconds
        assert client.get("/readyz").status_code == 503
    assert [bool(record.exc_info) for record in not_ready_records(caplog)] == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert {record.error for record in not_ready_records(caplog)} == {"OperationalError"}
    # Back, then down again: the new outage's first check says why at once.
    monkeypatch.setattr(health, "connections", working)
    assert client.get("/readyz").status_code == 200
    monkeypatch.setattr(health, "connections", {"default": _BrokenConnection()})
    caplog.clear()
    clock[0] += 1
    assert client.get("/readyz").status_code == 503
    assert [bool(record.exc_info) for record in not_ready_records(caplog)] == [True]


@pytest.mark.django_db
def test_a_503_of_readyz_is_not_also_logged_as_a_server_error(client, monkeypatch, tmp_path, caplog):
    """Django logs every 5xx at ERROR ("Service Unavailable: /readyz"): while a container drains
    before a stop, that was an error on every probe of an ordinary deploy."""
    marker = tmp_path / "draining"
    marker.touch()
    monkeypatch.setattr(drain, "_marker", str(marker))
    assert client.get("/readyz").status_code == 503
    monkeypatch.setattr(drain, "_marker", str(tmp_path / "not-draining"))
    monkeypatch.setattr(health, "connections", {"default": _BrokenConnection()})
    assert client.get("/readyz").status_code == 503
    assert not [record for record in caplog.records if record.name == "django.request"]
    assert [record.levelname for record in caplog.records] == ["WARNING"]


@pytest.mark.django_db
def test_readyz_is_503_while_migrations_are_pending(client, monkeypatch, caplog):
    class Pending:
        app_label, name = "articles", "0099_future_change"

    monkeypatch.setattr(health, "unapplied_migrations", lambda connection: [Pending()])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: 1 migration(s) not applied\n"
    assert "articles.0099_future_change" in caplog.text
    assert health._migrations_confirmed is False


# While the container drains before a stop (DRAIN_SECONDS): the entrypoint has created the marker
# it named in CARTER_SITE_DRAIN_MARKER. tests/ops/test_entrypoint.py runs the real thing.


def test_readyz_is_503_while_the_container_drains_and_asks_nothing_of_the_database(
    client, monkeypatch, tmp_path
):
    # No django_db mark: the answer needs no database, which may already be going away too.
    marker = tmp_path / "draining"
    marker.touch()
    monkeypatch.setattr(drain, "_marker", str(marker))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: shutting down\n"
    assert "no-store" in response["Cache-Control"]
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_ok_until_the_drain_begins(client, monkeypatch, tmp_path):
    """The marker is named from the start; only its creation, on SIGTERM, starts the drain."""
    monkeypatch.setattr(drain, "_marker", str(tmp_path / "draining"))
    assert client.get("/readyz").status_code == 200
    (tmp_path / "draining").touch()
    assert client.get("/readyz").status_code == 503


@pytest.mark.parametrize(("raw", "seconds"), [(None, 0), ("", 0), (" 0 ", 0), ("007", 7), ("300", 300)])
def test_drain_seconds_that_fit(raw, seconds):
    assert drain.drain_seconds(raw) == seconds


@pytest.mark.parametrize("raw", ["abc", "-1", "301", "2.5", "5s", "\u0665"])
def test_drain_seconds_that_do_not_fit_are_one_sentence(raw):
    with pytest.raises(ValueError) as error:
        drain.drain_seconds(raw)
    assert str(error.value) == f"DRAIN_SECONDS must be a whole number of seconds from 0 to 300, not {raw!r}."
