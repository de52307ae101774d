"""scripts/healthcheck.py, the image's HEALTHCHECK: the Host header and address it chooses."""

import importlib.util
import re

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
    ("name", "value", "fits"),
    [
        ("HEALTHCHECK_TIMEOUT", "abc", "0.1 to 10 s"),
        ("HEALTHCHECK_TIMEOUT", "-1", "0.1 to 10 s"),
        ("HEALTHCHECK_TIMEOUT", "30", "0.1 to 10 s"),
        ("HEALTHCHECK_TIMEOUT", "nan", "0.1 to 10 s"),
        ("PORT", "x", "1 to 65535"),
    ],
)
def test_a_bad_value_is_a_sentence_not_a_traceback(monkeypatch, capsys, name, value, fits):
    monkeypatch.setenv(name, value)
    assert healthcheck.main(["healthcheck.py"]) == 1
    assert capsys.readouterr().out.strip() == f"unhealthy {name} must be a number from {fits}, not {value!r}."


@pytest.mark.parametrize(("value", "seconds"), [("", 4), ("0.1", 0.1), ("10", 10)])
def test_the_timeout_may_be_anything_the_image_waits_for(monkeypatch, value, seconds):
    monkeypatch.setenv("HEALTHCHECK_TIMEOUT", value)
    assert healthcheck.setting(*healthcheck.TIMEOUT) == (seconds, None)


def test_docker_gives_the_check_time_to_wait_its_longest_and_report():
    """Docker kills a check that outlasts HEALTHCHECK --timeout: a longer HEALTHCHECK_TIMEOUT would
    never take effect, and the check would end without saying why."""
    dockerfile = (REPO / "Dockerfile").read_text()
    docker_timeout = float(re.search(r"^HEALTHCHECK .*--timeout=([0-9.]+)s", dockerfile, re.MULTILINE)[1])
    longest = healthcheck.TIMEOUT[4]
    assert docker_timeout >= longest + 2
