"""Fixtures for the operations tests: production settings, collected static files, databases."""

from types import SimpleNamespace

import pytest

from . import helpers


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic with the production settings (hashed, compressed), as the image build does."""
    root = tmp_path_factory.mktemp("static")
    result = helpers.manage(
        "collectstatic", "--noinput", "--verbosity", "0", env=helpers.production_env(STATIC_ROOT=root)
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def ops_env(static_root, tmp_path_factory):
    """The environment of a production process, minus its database."""
    return helpers.production_env(STATIC_ROOT=static_root, MEDIA_ROOT=tmp_path_factory.mktemp("media"))


@pytest.fixture
def prod_env(tmp_path):
    """The production environment for commands that need neither static files nor a database."""
    return helpers.production_env(MEDIA_ROOT=tmp_path / "media")


@pytest.fixture
def audited_env(prod_env):
    """The production environment of the ops audit: a real host name and admin path."""
    return helpers.with_env(prod_env, ALLOWED_HOSTS="www.carter.example", ADMIN_URL="editor-3f9c1a7b/")


@pytest.fixture
def fresh_database(postgres_server):
    """A new, empty database on the suite's PostgreSQL server; dropped afterwards."""
    name = helpers.unique_name("carter_ops")
    url = helpers.create_database(postgres_server, name)
    yield SimpleNamespace(name=name, url=url)
    helpers.drop_database(postgres_server, name)


@pytest.fixture(scope="module")
def site_database(postgres_server, ops_env):
    """A database migrated by the production command, with the demo content: a running site."""
    name = helpers.unique_name("carter_site")
    url = helpers.create_database(postgres_server, name)
    result = helpers.manage("migrate_once", "--load-demo-content", env={**ops_env, "DATABASE_URL": url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo_loaded" in helpers.events(result.stdout)
    yield SimpleNamespace(name=name, url=url)
    helpers.drop_database(postgres_server, name)
