"""/healthz and /readyz through Django's test client, on SQLite and on PostgreSQL."""

import pytest
from django.db import connections
from django.db.utils import OperationalError

from carter_site import health


@pytest.fixture(autouse=True)
def forget_confirmed_migrations(monkeypatch):
    monkeypatch.setattr(health, "_migrations_confirmed", False)


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
