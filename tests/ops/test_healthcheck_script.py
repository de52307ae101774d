"""scripts/healthcheck.py, the image's HEALTHCHECK: the Host header and address it chooses."""

import importlib.util

import pytest

from .helpers import REPO

spec = importlib.util.spec_from_file_location("healthcheck", REPO / "scripts" / "healthcheck.py")
healthcheck = importlib.util.module_from_spec(spec)
spec.loader.exec_module(healthcheck)


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("www.carter.example,carter.example", "www.carter.example"),
        (" .carter.example , localhost", "carter.example"),  # a leading dot accepts the bare domain
        ("*", "localhost"),
        ("", "localhost"),
        (",,", "localhost"),
    ],
)
def test_host_header_is_one_that_allowed_hosts_accepts(allowed_hosts, host):
    assert healthcheck.host_header(allowed_hosts) == host


@pytest.mark.parametrize(
    ("bind_address", "address"),
    [
        (None, "127.0.0.1"),
        ("0.0.0.0", "127.0.0.1"),
        ("[::]", "127.0.0.1"),
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
    ],
)
def test_it_asks_the_address_the_server_listens_on(bind_address, address):
    assert healthcheck.server_address(bind_address) == address


@pytest.mark.parametrize(
    ("name", "value"), [("HEALTHCHECK_TIMEOUT", "abc"), ("HEALTHCHECK_TIMEOUT", "-1"), ("PORT", "x")]
)
def test_a_bad_value_is_a_sentence_not_a_traceback(monkeypatch, capsys, name, value):
    monkeypatch.setenv(name, value)
    assert healthcheck.main(["healthcheck.py"]) == 1
    assert capsys.readouterr().out.strip().startswith(f"unhealthy {name} must be a number from")
