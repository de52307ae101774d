"""`make profile`: where an uncached page's time goes, measured in one process.

`make bench` says how fast the site is under load; this says why. It builds the same site as
the benchmark (the demo content plus BENCH_ARTICLES articles and BENCH_FAQS FAQs) in a
temporary SQLite database with the production settings and the page cache off, renders each
page many times through Django's test client, and prints, per request:

- queries: how many;
- SQL execution: time inside the database driver;
- SQL compilation: time turning querysets into SQL (Django's query compiler);
- templates: time rendering templates, not counting queries run from inside them;
- the rest: building querysets, creating model instances, the view, middleware.

With `--cprofile`, it then prints the functions that cost the most on the first page given
(Python's cProfile: its overhead inflates every figure about twofold, the proportions hold).

With `--checks`, it times instead what an editor's save costs besides the save itself, on the
same content: the wording and readability checks of the longest live article (they run after
each save, never for visitors), and finding the published texts that link to an article (what
unpublishing or deleting one asks, for its warning).

    python scripts/profile_page.py                        # the five pages (the empty search page last)
    python scripts/profile_page.py /faqs/ --cprofile      # one page, and where its time goes
    python scripts/profile_page.py --requests 500 /articles/
    python scripts/profile_page.py --checks               # the checks an editor's save runs

Figures are wall-clock time on an otherwise idle process: compare them with each other, before
and after a change, on the same machine. The temporary folder is removed at the end.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import bench  # noqa: E402  (the benchmark's site: its settings, its content)


def parse_arguments():
    parser = argparse.ArgumentParser(description="Where an uncached page's time goes.")
    parser.add_argument(
        "paths",
        nargs="*",
        help="pages to measure (default: home, an article, a location, FAQs, the empty search page)",
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per page (default 300)")
    parser.add_argument("--cprofile", action="store_true", help="then profile the first page with cProfile")
    parser.add_argument(
        "--checks", action="store_true", help="time the checks an editor's save runs, instead of pages"
    )
    arguments = parser.parse_args()
    if arguments.requests < 1:
        parser.error("--requests must be at least 1.")
    bad = [path for path in arguments.paths if not path.startswith("/")]
    if bad:
        parser.error(f"a page is a path on the site, starting with /: {', '.join(bad)}")
    return arguments


class Timers:
    """Time spent in SQL execution, SQL compilation and template rendering, without overlaps."""

    def __init__(self):
        self.totals = collections.Counter()
        self.queries = 0
        self._compiling = 0

    def install(self):
        from django.db.models.sql.compiler import SQLCompiler
        from django.template.backends.django import Template

        timers, compile_sql, render = self, SQLCompiler.as_sql, Template.render

        def timed_as_sql(compiler, *args, **kwargs):
            timers._compiling += 1  # a subquery compiles inside its outer query: count it once
            start = time.perf_counter()
            try:
                return compile_sql(compiler, *args, **kwargs)
            finally:
                timers._compiling -= 1
                if not timers._compiling:
                    timers.totals["SQL compilation"] += time.perf_counter() - start

        def timed_render(template, *args, **kwargs):
            start, inner = time.perf_counter(), self._sql_time()
            try:
                return render(template, *args, **kwargs)
            finally:
                spent = time.perf_counter() - start - (self._sql_time() - inner)
                timers.totals["templates"] += spent

        SQLCompiler.as_sql = timed_as_sql
        Template.render = timed_render

    def _sql_time(self):
        return self.totals["SQL execution"] + self.totals["SQL compilation"]

    def execute_wrapper(self, execute, sql, params, many, context):
        self.queries += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.totals["SQL execution"] += time.perf_counter() - start

    def reset(self):
        self.totals.clear()
        self.queries = 0


def measure(paths, requests, cprofile):
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from carter_site.warmup import warm_up

    warm_up()
    client = Client(HTTP_HOST="localhost")
    timers = Timers()
    timers.install()
    parts = ["SQL execution", "SQL compilation", "templates"]
    print(
        f"{'page':<48} {'ms/request':>10} {'queries':>8} "
        + " ".join(f"{p:>15}" for p in parts)
        + f" {'the rest':>9}"
    )
    with connection.execute_wrapper(timers.execute_wrapper):
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"profile: {path} answered {response.status_code}, not 200; nothing to measure.")
            timers.reset()
            start = time.perf_counter()
            for _ in range(requests):
                client.get(path)
            total = (time.perf_counter() - start) * 1000 / requests
            shares = [timers.totals[p] * 1000 / requests for p in parts]
            print(
                f"{path[:48]:<48} {total:>10.2f} {timers.queries / requests:>8.1f} "
                + " ".join(f"{share:>15.2f}" for share in shares)
                + f" {total - sum(shares):>9.2f}"
            )
        if cprofile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(max(requests // 3, 1)):
                client.get(paths[0])
            profiler.disable()
            print(f"\nWhere {paths[0]} spends its time (cProfile, by own time):")
            pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(25)


def best_of(runs, work):
    """The shortest of `runs` runs of `work`, in milliseconds, and what the last returned."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings), result


def measure_checks(runs):
    import django

    django.setup()
    from django.db.models.functions import Length

    from articles.content_checks import ARTICLE_PROSE, ARTICLE_TEXTS, check_readability, check_wording
    from articles.models import Article
    from carter_site.links import texts_linking_to

    live = Article.objects.published()
    longest = live.annotate(length=Length("body")).order_by("-length").first()
    print(f"{'what':<80} {'best ms':>8}")
    for name, check, texts in [
        ("wording check", check_wording, ARTICLE_TEXTS),
        ("readability check", check_readability, ARTICLE_PROSE),
    ]:
        spent, warnings = best_of(runs, lambda check=check, texts=texts: check(longest, texts))
        what = (
            f"{name}, the longest live article ({len(longest.body):,} characters): {len(warnings)} warning(s)"
        )
        print(f"{what:<80} {spent:>8.2f}")
    target = live.order_by("published_at").first()
    spent, found = best_of(max(runs // 10, 1), lambda: texts_linking_to([target]))
    what = f"texts linking to one article, among {live.count()} live ones: {len(found.get(target, []))} found"
    print(f"{what:<80} {spent:>8.2f}")


def main():
    arguments = parse_arguments()
    if os.environ.get("PROFILE_INSIDE") == "1":
        if arguments.checks:
            measure_checks(arguments.requests)
        else:
            measure(arguments.paths, arguments.requests, arguments.cprofile)
        return
    work = Path(tempfile.mkdtemp(prefix="carter-profile-"))
    try:
        print("Building the benchmark's site in a temporary SQLite database...", flush=True)
        env = bench.production_env(
            work, f"sqlite:///{work / 'db.sqlite3'}", PAGE_CACHE_ENABLED="false", SECURE_SSL_REDIRECT="false"
        )
        seeded = bench.build_site(env)
        # The empty search page is the floor: header, footer and middleware, and no query.
        paths = arguments.paths or [
            *(seeded[name] for name in ("home", "article", "location", "faqs")),
            "/search/",
        ]
        counts = seeded["counts"]
        print(
            f"{counts['articles']} live articles, {counts['faqs']} FAQs, {counts['locations']} locations; "
            f"production settings, page cache off; "
            + (
                f"each check run {arguments.requests} times.\n"
                if arguments.checks
                else f"{arguments.requests} requests per page.\n"
            ),
            flush=True,
        )
        command = [PYTHON, __file__, *paths, "--requests", str(arguments.requests)]
        if arguments.cprofile:
            command.append("--cprofile")
        if arguments.checks:
            command.append("--checks")
        result = subprocess.run(command, cwd=REPO, env={**env, "PROFILE_INSIDE": "1"})
        sys.exit(result.returncode)
    except subprocess.CalledProcessError as error:
        sys.exit(f"profile: could not build the site ({' '.join(map(str, error.cmd[1:3]))} failed).")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
