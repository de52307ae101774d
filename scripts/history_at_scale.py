"""The admin's pages that grow with the history, timed on years of versions.

Builds a temporary database (SQLite, or with `--postgres` a throwaway PostgreSQL server, as the
test suite starts one), fills it with articles and `--versions` saved versions of them, each
article's first version showing one of `--pictures` pictures that its later ones no longer show,
and one article with `--longest` versions. Then it opens, as a site administrator, with Django's test client:

- *Uploaded pictures* (`/admin/uploads/`): its first visit, then the median of `--repeat` more;
- the history of the article with the most versions: its first page, size and time.

    .venv/bin/python scripts/history_at_scale.py                      # 17,777 versions on SQLite
    .venv/bin/python scripts/history_at_scale.py --versions 2000 --postgres
    .venv/bin/python scripts/history_at_scale.py --versions 2000 --search-articles 2000

With `--search-articles N` it then makes the articles N in all and times the article list's
search (`?q=`) for a word they all have and for words none has.

The versions after each article's first are copies bulk-inserted, as a database restored from
years of editing holds them. Figures are wall-clock time in one process: compare them with
each other, before and after a change, on the same machine. The temporary folder is removed.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PARAGRAPH = (
    "<p>Intensive outpatient care fits around your week: you keep your job and your evenings "
    "at home, and you come in for group and individual sessions three to five days a week. "
    "Nobody here expects you to have it all figured out on the first day.</p>"
)


def parse_arguments():
    parser = argparse.ArgumentParser(description="Time the admin pages that grow with the history.")
    parser.add_argument("--versions", type=int, default=17_777, help="versions in all (default 17,777)")
    parser.add_argument("--longest", type=int, default=251, help="versions of one article (default 251)")
    parser.add_argument(
        "--per-article", type=int, default=70, help="versions of each other article (default 70)"
    )
    parser.add_argument("--pictures", type=int, default=40, help="pictures the articles show (default 40)")
    parser.add_argument("--repeat", type=int, default=5, help="visits timed after the first (default 5)")
    parser.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL server")
    parser.add_argument(
        "--search-articles",
        type=int,
        default=0,
        metavar="N",
        help="then make it N articles in all and time the article list's search (default: not)",
    )
    arguments = parser.parse_args()
    if (
        min(
            arguments.versions, arguments.longest, arguments.per_article, arguments.pictures, arguments.repeat
        )
        < 1
    ):
        parser.error("--versions, --longest, --per-article, --pictures and --repeat must be at least 1.")
    if arguments.longest > arguments.versions:
        parser.error("--longest cannot be more than --versions.")
    return arguments


def seed(arguments):
    import reversion
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from articles.models import Article
    from tests.factories import ArticleFactory
    from tests.images import png_bytes
    from tests.versions import copies_of_latest_version

    body = PARAGRAPH * 40  # about 8 kB, a long article
    sizes = [arguments.longest]
    left = arguments.versions - arguments.longest
    while left > 0:
        sizes.append(min(arguments.per_article, left))
        left -= sizes[-1]
    pictures = [
        default_storage.save(f"editor/2026/11/05/sign-{number}.png", ContentFile(png_bytes()))
        for number in range(arguments.pictures)
    ]
    longest = None
    for number, size in enumerate(sizes):
        name = pictures[number % len(pictures)]
        article = ArticleFactory(
            slug=f"article-{number}", body=f'{body}<img src="/media/{name}" alt="A sign">'
        )
        with reversion.create_revision():
            article.save()
        if size > 1:
            Article.objects.filter(pk=article.pk).update(body=body)
            article.refresh_from_db()
            with reversion.create_revision():
                article.save()
        copies_of_latest_version(article, size - 2)
        longest = longest or article
    default_storage.save("editor/2026/11/06/never-shown.png", ContentFile(png_bytes()))
    return longest, len(sizes)


def timed(client, url):
    from django.db import connection, reset_queries

    reset_queries()
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(response.content), len(connection.queries)


def measure(arguments, work):
    os.environ["DJANGO_SETTINGS_MODULE"] = "carter_site.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse
    from reversion.models import Version

    from tests.factories import StaffFactory

    setup_test_environment()
    with override_settings(MEDIA_ROOT=work / "media", DEBUG=True):
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        longest, articles = seed(arguments)
        print(
            f"Seeded {Version.objects.count():,} versions of {articles} articles "
            f"in {time.perf_counter() - start:.1f} s ({arguments.longest} of one article)."
        )
        client = Client()
        client.force_login(StaffFactory(username="measure"))
        uploads = reverse("admin:uploads")
        first = timed(client, uploads)
        later = [timed(client, uploads) for _ in range(arguments.repeat)]
        print(f"Uploaded pictures, first visit:  {first[0]:8.1f} ms, {first[2]} queries")
        print(
            f"Uploaded pictures, next {arguments.repeat} visits: {statistics.median(t for t, _, _ in later):8.1f} ms "
            f"(median), {later[-1][2]} queries"
        )
        history = reverse("admin:articles_article_history", args=[longest.pk])
        timed(client, history)
        pages = [timed(client, history) for _ in range(arguments.repeat)]
        size = pages[-1][1]
        print(
            f"History of the article with {arguments.longest} versions: {statistics.median(t for t, _, _ in pages):8.1f} ms "
            f"(median), {size / 1000:.0f} kB of HTML, {pages[-1][2]} queries"
        )
        if arguments.search_articles:
            search(arguments, client)


def search(arguments, client):
    """The article list searched, on `--search-articles` articles of about 8 kB each."""
    from django.urls import reverse

    from articles.models import Article
    from tests.factories import ArticleFactory

    missing = arguments.search_articles - Article.objects.count()
    if missing > 0:
        body = PARAGRAPH * 40
        Article.objects.bulk_create(
            ArticleFactory.build(slug=f"more-{number}", title=f"More number {number}", body=body)
            for number in range(missing)
        )
    changelist = reverse("admin:articles_article_changelist")
    for words in ("evenings", "no article says this"):
        timed(client, f"{changelist}?q={words}")
        runs = [timed(client, f"{changelist}?q={words}") for _ in range(arguments.repeat)]
        print(
            f"Article list searched for “{words}” among {Article.objects.count():,} articles: "
            f"{statistics.median(t for t, _, _ in runs):8.1f} ms (median), {runs[-1][2]} queries"
        )


def main():
    arguments = parse_arguments()
    work = Path(tempfile.mkdtemp(prefix="carter-history-"))
    server = None
    try:
        if arguments.postgres:
            from tests.postgres_server import PostgresUnavailable, ThrowawayPostgres

            try:
                server = ThrowawayPostgres().start()
            except PostgresUnavailable as error:
                sys.exit(str(error))
            os.environ["DATABASE_URL"] = server.url("postgres")
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
        measure(arguments, work)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
