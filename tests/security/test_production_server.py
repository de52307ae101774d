"""The production configuration, for real: gunicorn, production settings, a PostgreSQL of its own.

- The admin is at ADMIN_URL, not /admin/, and a staff member without a confirmed authenticator
  cannot sign in; with one, the code lets them in.
- Headers and cookies as a browser receives them over HTTPS.
- CKEditor works in Chromium under the admin's Content-Security-Policy, and public pages raise
  no CSP violation (the JSON-LD block is data, which CSP does not block).
- PostgreSQL is stopped under traffic: pages answer 503 within 2 s, /readyz fails while /healthz
  stays up; PostgreSQL starts again and the same processes serve 200 without a restart.

This module starts its own PostgreSQL server (tests/postgres_server.py), not the suite's shared
one, because it stops it.
"""

import os
import re
import shutil
import threading
import time
import uuid

import pytest

from tests.ops import helpers
from tests.postgres_server import PostgresUnavailable, ThrowawayPostgres, free_port

from .prod_client import Session

pytestmark = pytest.mark.postgres_only

ADMIN_URL = "editor-sec-tests/"
PASSWORD = "a long passphrase for tests"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def own_postgres():
    try:
        server = ThrowawayPostgres().start()
    except PostgresUnavailable as error:
        pytest.fail(str(error))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def prod_env(own_postgres, tmp_path_factory):
    static = tmp_path_factory.mktemp("static")
    env = helpers.production_env(
        STATIC_ROOT=static,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        ADMIN_URL=ADMIN_URL,
        DATABASE_URL=helpers.create_database(own_postgres, "carter"),
    )
    for command in (
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["migrate_once", "--load-demo-content"],
    ):
        result = helpers.manage(*command, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    script = f"""
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
User = get_user_model()
for name in ("dana", "robin"):
    User.objects.create_user(name, f"{{name}}@carter.example", {PASSWORD!r}, is_staff=True, is_superuser=True)
device = TOTPDevice.objects.create(user=User.objects.get(username="robin"), name="Phone", confirmed=True)
print("KEY=" + device.key)
"""
    result = helpers.manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    env["_ROBIN_KEY"] = re.search(r"KEY=(\w+)", result.stdout).group(1)
    return env


def production_server(prod_env, log_path, **changes):
    port = free_port()
    env = {
        **{k: v for k, v in prod_env.items() if not k.startswith("_")},
        "PORT": str(port),
        "BIND_ADDRESS": "127.0.0.1",
        "GUNICORN_WORKERS": "2",
        **changes,
    }
    return helpers.Server(
        [helpers.GUNICORN, "-c", "gunicorn.conf.py", "carter_site.wsgi"], env, log_path, port
    )


@pytest.fixture(scope="module")
def site(prod_env, tmp_path_factory):
    with production_server(prod_env, tmp_path_factory.mktemp("gunicorn") / "site.log") as server:
        yield server


@pytest.fixture
def plain_http_site(prod_env, tmp_path):
    """The same, for a browser on http://localhost (Chromium keeps Secure cookies there): no
    redirect to https, so no upgrade-insecure-requests either; everything else as in production."""
    with production_server(prod_env, tmp_path / "plain.log", SECURE_SSL_REDIRECT="false") as server:
        yield server


def code_for(key, at=None):
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def fresh_code(key, used=set()):  # noqa: B006 (remembers codes already spent in this module)
    """A TOTP code not used before: django-otp accepts each code once."""
    while True:
        now = time.time()
        code = code_for(key, now)
        if (code, int(now // 30)) not in used:
            used.add((code, int(now // 30)))
            return code
        time.sleep(max(0.5, 30 - now % 30 + 0.1))


# --- The admin's door ----------------------------------------------------------------------------


def test_the_admin_is_at_its_own_address_and_nowhere_public(site):
    web = Session(site.port)
    assert web.get("/admin/").status == 404
    assert web.get("/admin/login/").status == 404
    response = web.get(f"/{ADMIN_URL}")
    assert response.status == 302 and f"/{ADMIN_URL}login/" in response.header("Location")
    assert ADMIN_URL.strip("/") not in web.get("/robots.txt").text
    assert ADMIN_URL.strip("/") not in web.get("/").text


def test_a_staff_member_without_an_authenticator_cannot_sign_in_in_production(site):
    web = Session(site.port)
    response = web.sign_in(ADMIN_URL, "dana", PASSWORD, code="123456")
    assert response.status == 200
    assert "The user name, password or code is not right." in response.text
    assert "__Host-sessionid" not in web.cookies
    assert web.get(f"/{ADMIN_URL}").status == 302


def test_the_code_from_the_app_lets_a_staff_member_in_with_safe_cookies(site, prod_env):
    web = Session(site.port)
    login = web.get(f"/{ADMIN_URL}login/")
    csrf_cookie = login.header("Set-Cookie")
    assert csrf_cookie.startswith("__Host-csrftoken=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in csrf_cookie
    response = web.sign_in(ADMIN_URL, "robin", PASSWORD, code=fresh_code(prod_env["_ROBIN_KEY"]))
    assert response.status == 302, response.text[:2000]
    session_cookie = response.header("Set-Cookie")
    assert "__Host-sessionid=" in session_cookie
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in session_cookie
    assert "Domain=" not in session_cookie
    assert web.get(f"/{ADMIN_URL}").status == 200


def test_production_headers_on_a_public_page_and_the_admin(site):
    web = Session(site.port)
    for path in ["/", f"/{ADMIN_URL}login/"]:
        response = web.get(path)
        assert response.status == 200, path
        assert response.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
        assert response.header("X-Content-Type-Options") == "nosniff"
        assert response.header("Referrer-Policy") == "strict-origin-when-cross-origin"
        assert response.header("Cross-Origin-Opener-Policy") == "same-origin"
        assert "camera=()" in response.header("Permissions-Policy")
        assert "upgrade-insecure-requests" in response.header("Content-Security-Policy")
    public = web.get("/").header("Content-Security-Policy")
    assert "unsafe" not in public and "script-src 'self'" in public


def test_check_deploy_is_clean_with_the_production_settings(prod_env):
    result = helpers.manage("check", "--deploy", "--fail-level", "DEBUG", env=prod_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


# --- In a real browser ---------------------------------------------------------------------------


def test_ckeditor_works_under_the_admin_policy_and_public_pages_raise_no_violation(
    plain_http_site, prod_env, tmp_path
):
    site = plain_http_site
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is installed by requirements-dev.txt"
    )
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is needed at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).")
    from PIL import Image

    picture = tmp_path / "room.png"
    Image.new("RGB", (40, 30), (31, 78, 90)).save(picture)
    base = f"http://localhost:{site.port}"
    violations, errors, foreign = [], [], []
    args = [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ]  # fmt: skip
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(
                "document.addEventListener('securitypolicyviolation', e => console.warn("
                "'CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI), true)"
            )
            page.on("console", lambda m: "CSP-VIOLATION" in m.text and violations.append((page.url, m.text)))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: not r.url.startswith((base, "data:", "blob:", "about:")) and foreign.append(r.url),
            )

            for path in ["/", "/articles/", "/locations/", "/faqs/", "/testimonials/", "/search/?q=group"]:
                page.goto(base + path)
            article = page.locator("main a[href^='/articles/']").first.get_attribute("href")
            page.goto(base + article)
            assert page.locator("script[type='application/ld+json']").count() >= 1

            page.goto(f"{base}/{ADMIN_URL}login/")
            page.fill("#id_username", "robin")
            page.fill("#id_password", PASSWORD)
            page.fill("#id_otp_token", fresh_code(prod_env["_ROBIN_KEY"]))
            page.click("input[type=submit]")
            page.wait_for_url(f"**/{ADMIN_URL}")

            page.goto(f"{base}/{ADMIN_URL}articles/article/add/")
            ready = "!!(window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready')"
            for _ in range(
                100
            ):  # polled from here: the admin's policy forbids eval, which wait_for_function uses
                if page.evaluate(ready):
                    break
                time.sleep(0.1)
            else:
                pytest.fail(f"CKEditor did not start. CSP violations: {violations}; errors: {errors}")
            page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
            page.keyboard.type("Typed under the admin's policy.")
            assert "Typed under the admin" in page.evaluate("CKEDITOR.instances.id_body.getData()")

            page.click("a.cke_button__image")
            page.click("a.cke_dialog_tab[title='Upload']")
            page.frame_locator(".cke_dialog_ui_input_file iframe").locator(
                "input[type=file]"
            ).set_input_files(str(picture))
            with page.expect_response(lambda r: "/editor/upload/" in r.url) as upload:
                page.click("a.cke_dialog_ui_fileButton")
            assert upload.value.status == 200
            for _ in range(50):
                url = page.evaluate("CKEDITOR.dialog.getCurrent().getValueOf('info', 'txtUrl')")
                if url:
                    break
                time.sleep(0.1)
            assert url.startswith("/media/editor/"), url
        finally:
            browser.close()
    assert violations == []
    assert errors == []
    assert foreign == []


# --- PostgreSQL goes away, and comes back ------------------------------------------------------


def test_database_outage_answers_503_fast_then_recovers_without_a_restart(site, own_postgres):
    """Last in this module: it stops this module's own PostgreSQL server."""
    web = Session(site.port, timeout=10)
    article = next(
        href
        for href in re.findall(r'href="(/articles/[^"/]+/)"', web.get("/articles/").text)
        if "preview" not in href
    )
    pages = ["/", "/articles/", article, "/locations/", "/faqs/", "/testimonials/"]
    for path in pages:
        assert web.get(path).status == 200, path
    booted = site.output().count("Booting worker")
    master = site.process.pid

    log, stop = [], threading.Event()

    def traffic():
        client = Session(site.port, timeout=10)
        for _ in range(5000):  # bounded; stops on the event long before
            if stop.is_set():
                return
            for path in [*pages, f"/search/?q=group{uuid.uuid4().hex[:6]}"]:
                try:
                    response = client.get(path)
                    log.append((time.monotonic(), path, response.status, response.elapsed))
                except OSError as error:
                    log.append((time.monotonic(), path, repr(error), 99.0))
            time.sleep(0.02)

    thread = threading.Thread(target=traffic, daemon=True)
    thread.start()
    try:
        time.sleep(1)
        own_postgres.stop_server()
        stopped = time.monotonic()

        # Uncached pages: 503 in the site's design, well within 2 seconds, again and again.
        for attempt in range(8):
            response = web.get(f"/search/?q=outage{attempt}")
            assert response.status == 503, response.status
            assert response.elapsed < 2.0, response.elapsed
            assert 'href="tel:' in response.text and "988" in response.text
            assert "Traceback" not in response.text
            assert response.header("Retry-After") == "30"
            missing = web.get(f"/articles/no-such-article-{attempt}/")
            assert missing.status == 503 and missing.elapsed < 2.0
            time.sleep(0.25)
        # Cached pages may still be served; nothing else than 200 or 503, and fast.
        for path in pages:
            response = web.get(path)
            assert response.status in {200, 503}, (path, response.status)
            assert response.elapsed < 2.0, (path, response.elapsed)
        ready = web.get("/readyz")
        assert ready.status == 503 and ready.elapsed < 2.0
        assert ready.text == "not ready: database unreachable\n"
        assert web.get("/healthz").status == 200

        own_postgres.start_server()
        restarted = time.monotonic()
        deadline = restarted + 30
        while True:
            if web.get("/search/?q=back").status == 200 and web.get("/readyz").status == 200:
                break
            assert time.monotonic() < deadline, "the site did not recover within 30 s of the database"
            time.sleep(0.25)
        recovered = time.monotonic()
        for path in pages:
            assert web.get(path).status == 200, path
    finally:
        stop.set()
        thread.join(timeout=30)

    outage = [entry for entry in log if stopped <= entry[0] <= restarted]
    assert outage, "no traffic was recorded during the outage"
    statuses = {entry[2] for entry in log}
    assert statuses <= {200, 503}, statuses
    assert max(entry[3] for entry in outage) < 2.0
    assert [entry for entry in log if entry[0] > recovered + 1 and entry[2] != 200] == []
    # The same processes: gunicorn's master, and no worker was booted again or timed out.
    assert site.process.poll() is None and site.process.pid == master
    output = site.output()
    assert output.count("Booting worker") == booted
    assert "WORKER TIMEOUT" not in output
    assert '"status": 500' not in output
