"""Browser tests: Playwright drives Debian's Chromium against the test suite's live server.

- They run with `--db=postgres` (the second half of `make test`). With `--db=sqlite` they are
  skipped, with that reason printed: the live server answers from another thread, which a
  PostgreSQL server handles like production does, and the SQLite half would only repeat them.
- The browser is Chromium from the system (`apt-get install chromium`), at CHROMIUM_PATH or
  /usr/bin/chromium. Playwright's own browser download is never used. Without Chromium every
  browser test fails, saying how to install it.
- Chromium reaches nothing but the live server: a host-resolver rule leaves only localhost and
  127.0.0.1 resolvable, and the tests also fail on any request to another host.
- Tests are marked `django_db(transaction=True)`: the live server reads from another thread,
  so what a test writes must be committed. The database is emptied after each one; Django then
  recreates content types, permissions and the Site row, and the `editor` fixture the roles.
  (`serialized_rollback` cannot help: once Playwright's event loop runs, Django hands the test
  a new connection object, without the copy of the database that it would restore.)
- Screenshots go to test-artifacts/screenshots/ (README, docs/accessibility.md).
"""

import contextlib
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from .browser import AXE_JS, CHROMIUM_ARGS, DESKTOP, E2E_DIR, FAILURES, ROOT, SCREENSHOTS

# Playwright's sync API runs an asyncio event loop in the test's thread, which makes Django
# refuse ORM calls from the test itself. Django reads this at each call, so setting it here (at
# collection, before any test runs) is early enough; these tests run last in the session (below).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEFAULT_CHROMIUM = "/usr/bin/chromium"
EDITOR_PASSWORD = "correct horse battery"


def _is_browser_test(item):
    return E2E_DIR in Path(item.path).parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests last (Playwright's event loop lives until the session ends); PostgreSQL only."""
    browser_tests = [item for item in items if _is_browser_test(item)]
    if not browser_tests:
        return
    items[:] = [item for item in items if not _is_browser_test(item)] + browser_tests
    if config.getoption("db") != "postgres":
        skip = pytest.mark.skip(
            reason="browser tests run on PostgreSQL only: `make test-postgres`, or "
            "`.venv/bin/python -m pytest --db=postgres tests/e2e`"
        )
        for item in browser_tests:
            item.add_marker(skip)


def chromium_executable():
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_executable()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        pytest.fail(
            f"The browser tests need Chromium, and there is none at {executable}. Install it with "
            "`apt-get install chromium` (Debian; `bash .ci/run` does it), or set CHROMIUM_PATH to "
            "a Chromium binary. Playwright's own browser download (`playwright install`) is not used.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are opened by path (`page.goto("/faqs/")`) on the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-US",
        "timezone_id": "America/New_York",
        "reduced_motion": "reduce",
    }


@pytest.fixture
def context(new_context):
    """A browser window at desktop size; phone-sized ones come from `new_context(**PHONE)`."""
    return new_context(**DESKTOP)


@pytest.fixture(scope="session")
def axe_js():
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_JS.relative_to(ROOT)}): run `make node-deps` (npm ci), "
            "which `make test` does first.",
            pytrace=False,
        )
    return AXE_JS


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def site(live_server, media_root):
    """The demo content (in which Jefferson closes for a day a week or two ahead), plus a hero
    image on the first article and a photo of Alpharetta (so pages show pictures), special hours
    at Atlanta from today (the other kind of holiday line, the longest), and a draft whose shared
    preview link has ended."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from articles.models import Article, PreviewLink
    from carter_site.demo_content import load_demo_content
    from faqs.models import Topic
    from locations.models import Location, SpecialDay
    from tests.factories import ArticleFactory
    from tests.images import png_bytes

    load_demo_content()
    today = timezone.localdate()
    SpecialDay.objects.create(
        location=Location.objects.get(slug="atlanta"),
        first_day=today,
        last_day=today + datetime.timedelta(days=2),
        reason="Building repairs",
        closed=False,
        opens=datetime.time(9),
        closes=datetime.time(12),
        opens_again=datetime.time(18),
        closes_again=datetime.time(20, 30),
    )
    draft = ArticleFactory(draft=True, title="A draft sent for outside review")
    ended_link = PreviewLink.objects.create(article=draft, note="Outside reviewer")
    ended_link.revoked = True
    ended_link.save()
    article = Article.objects.get(slug="what-to-expect-from-an-intensive-outpatient-program")
    article.hero_image = SimpleUploadedFile(
        "group-room.png", png_bytes((1200, 630), color=(214, 226, 222)), content_type="image/png"
    )
    article.hero_image_alt = "A bright group room with eight chairs in a circle"
    article.save()
    location = Location.objects.get(slug="alpharetta")
    location.photo = SimpleUploadedFile(
        "entrance.png", png_bytes((960, 640), color=(196, 210, 204)), content_type="image/png"
    )
    location.photo_alt = "The entrance of the Alpharetta office, with a bench beside the door"
    location.save()
    return SimpleNamespace(
        article=article,
        location=location,
        pages={
            "home": "/",
            "article-list": "/articles/",
            "article": article.get_absolute_url(),
            "location-list": "/locations/",
            "location": location.get_absolute_url(),
            "location-closure": "/locations/jefferson/",
            "location-nearest": "/locations/?near=30043",
            "location-nearest-unknown": "/locations/?near=Atlantis",
            "faqs": "/faqs/",
            "faq-topic": Topic.objects.filter(faqs__is_published=True)
            .order_by("order", "name")[0]
            .get_absolute_url(),
            "testimonials": "/testimonials/",
            "standing-page": "/privacy/",
            "clinician-list": "/clinicians/",
            "clinician": "/clinicians/morgan-hale/",
            "search-results": "/search/?q=insurance",
            "search-some-words": "/search/?q=alcohol+rehab+Jefferson",
            "search-crisis": "/search/?q=i+want+to+die",
            "preview-link-ended": ended_link.get_absolute_url(),
            "not-found": "/no-such-page/",
        },
    )


@pytest.fixture
def editor(transactional_db):
    """A member of marketing (the Marketing editors group), not a superuser."""
    from django.contrib.auth.models import Group

    from carter_site.roles import MARKETING_EDITORS, sync_roles
    from tests.factories import UserFactory

    sync_roles()  # the groups come from a data migration, and an earlier test emptied the tables
    user = UserFactory(username="maria", first_name="Maria", is_staff=True)
    user.groups.add(Group.objects.get(name=MARKETING_EDITORS))
    return SimpleNamespace(user=user, username=user.username, password=EDITOR_PASSWORD)


@pytest.fixture
def guard_page():
    """Attach to a page: collects script errors, dialogs and requests that leave the live server."""
    from .browser import PageGuard

    guards = []

    def attach(page, live_server_url):
        guard = PageGuard(page, live_server_url)
        guards.append(guard)
        return guard

    yield attach
    for guard in guards:
        guard.detach()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a screenshot of each page it had open in test-artifacts/failures/."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and browser is not None:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "-", item.name).strip("-")
        pages = [page for context in browser.contexts for page in context.pages]
        for index, page in enumerate(pages, start=1):
            with contextlib.suppress(Exception):  # a closed or crashed page: the report matters more
                page.screenshot(path=str(FAILURES / f"{name}-{index}.png"), full_page=True)
    return report
