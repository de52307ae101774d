"""`make bench`: the production configuration under load, against the static-file limit.

In one run on this machine:

1. A throwaway PostgreSQL 15 server (tests/postgres_server.py) with pg_stat_statements, a
   database migrated by the production command (`manage.py migrate_once --load-demo-content`)
   and seeded with enough content to be honest: the demo site plus BENCH_ARTICLES articles
   and BENCH_FAQS FAQs, placed on pages as editors would.
2. nginx (Debian's nginx-light) serving the same HTML each page had, from files: the limit.
3. The production server, exactly as shipped (`gunicorn -c gunicorn.conf.py carter_site.wsgi`,
   production settings), once with the page cache off ("cold": every request rendered), once
   as shipped ("warm": pages from the cache in each worker's memory), and once with a
   throwaway Redis server as the shared cache ("warm, Redis": REDIS_URL, as several web
   containers run).
4. wrk at 16 and 64 connections on the home page, an article, a location and the FAQ page.

It prints a table (requests a second, p50 and p99 latency, errors, ratio to nginx, database
queries and CPU milliseconds per request) and writes it with a description of the machine
into docs/performance.md, between the `bench:start` and `bench:end` markers. Targets are
reported, never asserted: the script fails only when something could not be measured.

wrk, nginx-light and redis-server are installed with apt-get when missing (as root). Everything it starts
is stopped, and its temporary folder removed, however it ends.

Environment: BENCH_DURATION (seconds per measured run, default 10), BENCH_ARTICLES (200),
BENCH_FAQS (60), BENCH_CONNECTIONS ("16,64"), BENCH_KEEP=1 (keep the temporary folder);
while tuning, BENCH_MODES=warm (or cold, redis, a comma-separated list) measures a part and
writes no report.
"""

import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.postgres_server import PostgresUnavailable, ThrowawayPostgres, free_port  # noqa: E402
from tests.redis_server import ThrowawayRedis  # noqa: E402

PYTHON = str(Path(sys.executable))
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DOC = REPO / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HOST = "localhost"
ADMIN_URL = "bench-editor/"

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = 2
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "200"))
FAQS = int(os.environ.get("BENCH_FAQS", "60"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "16,64").split(",")]
ALL_MODES = ("warm", "redis", "cold")
# A search a visitor might make, and the costliest kind: nearly every seeded article matches it
# (stemmed, "evenings" is "even"), so all of them are ranked.
SEARCH_PATH = "/search/?q=evenings"
# The empty search page: the page frame (header, footer, <head>), the middleware and gunicorn,
# with no query and no content of its own. Cold, it is the ceiling for any page on this machine.
FRAME_PATH = "/search/"
# Rows outside the targets, which are about the four pages.
OUTSIDE_TARGETS = {"search", "frame"}
MODES = os.environ.get("BENCH_MODES", ",".join(ALL_MODES)).split(",")  # a part only, while tuning
LABELS = {"nginx": "nginx", "warm": "warm", "redis": "warm, Redis", "cold": "cold"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

TARGETS = {
    "warm article req/s": 3000,
    "warm article share of nginx": 0.15,
    "cold req/s": 600,
    "warm p99 ms at 16": 20,
    "cold p99 ms at 16": 60,
}


def say(message):
    print(f"[bench] {message}", flush=True)


# --- System packages ----------------------------------------------------------------------


def ensure_tools():
    missing = [
        package
        for command, package in (("wrk", "wrk"), ("nginx", "nginx-light"), ("redis-server", "redis-server"))
        if not _which(command)
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(
            f"bench: missing {' '.join(missing)}; install them (apt-get install -y {' '.join(missing)})."
        )
    say(f"installing {' '.join(missing)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *missing], check=True, env=env, stdout=subprocess.DEVNULL
    )


def _which(command):
    return shutil.which(command) or next(
        (str(path) for path in (Path("/usr/sbin") / command, Path("/usr/bin") / command) if path.exists()),
        None,
    )


# --- Processes and their CPU time ---------------------------------------------------------


def _stat(pid):
    """(parent pid, own CPU ticks, reaped children's CPU ticks) of a process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def tree_cpu_seconds(root_pid):
    """CPU time of a process and all its descendants, including those that already exited.

    A child that exited was reaped by its parent, whose `cutime` then holds its time: gunicorn
    recycles workers (max_requests), PostgreSQL backends come and go.
    """
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat:
                stats[int(entry.name)] = stat
    children = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        if pid in stats:
            total += stats[pid][1] + (stats[pid][2] if pid == root_pid else 0)
            stack.extend(children.get(pid, []))
    return total / CLOCK_TICKS


class Process:
    def __init__(self, name, command, log_path, env=None, cwd=REPO):
        self.name = name
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        self.popen = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.log_path = log_path

    @property
    def pid(self):
        return self.popen.pid

    def stop(self):
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()


def get(port, path, headers=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def wait_for(port, path, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            sys.exit(f"bench: {process.name} exited:\n{Path(process.log_path).read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            if get(port, path)[0] == 200:
                return
        time.sleep(0.2)
    sys.exit(f"bench: {process.name} did not answer {path} within {timeout} s")


# --- PostgreSQL with statement statistics -------------------------------------------------


class BenchPostgres(ThrowawayPostgres):
    """The test suite's throwaway server, with pg_stat_statements to count queries under load."""

    def start_server(self):
        options = (
            f"-k {self.dir} -p {self.port} -c listen_addresses={self.host} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 "
            "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
        )
        result = self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "30", "-o", options, "start",
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise PostgresUnavailable(f"PostgreSQL did not start: {result.stderr.strip()}")

    def postmaster_pid(self):
        return int((self.data_dir / "postmaster.pid").read_text().split()[0])

    def sql(self, statement, database="postgres"):
        import psycopg2

        connection = psycopg2.connect(self.url(database))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def reset_statements(self, database):
        self.sql("SELECT pg_stat_statements_reset()", database)

    def statements(self, database):
        """(queries, health-check pings) run in `database` since the last reset, ours excluded.

        Neither counts what Django sends when it opens a connection (the time zone, as
        `set_config(...)`): each worker does that once a minute (`DB_CONN_MAX_AGE`), not per
        request, and in a 10 s window it was 5 statements among 3,300, enough to read 4.01
        queries per request for a page that runs 4."""
        rows = self.sql(
            "SELECT s.query, s.calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
            f"WHERE d.datname = '{database}' AND s.query NOT ILIKE '%pg_stat_statements%'",
            database,
        )
        pings = sum(calls for query, calls in rows if query.strip().upper() == "SELECT $1")
        setup = sum(calls for query, calls in rows if query.strip().lower().startswith("select set_config("))
        return sum(calls for _, calls in rows) - pings - setup, pings


# --- The site under test --------------------------------------------------------------------


def production_env(work, database_url, **extra):
    """The environment of a production process on `database_url`, with its files under `work`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_", "PAGE_CACHE_", "CACHE_", "SECRET_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="carter_site.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        ADMIN_URL=ADMIN_URL,
        DATABASE_URL=database_url,
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        CACHE_DIR=str(work / "cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def build_site(env):
    """Static files, the production migration with the demo content, then the seed: its pages."""
    for step in (["collectstatic", "--noinput", "--verbosity", "0"], ["migrate_once", "--load-demo-content"]):
        say(f"manage.py {step[0]}")
        subprocess.run([PYTHON, "manage.py", *step], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    say(f"seeding {ARTICLES} articles and {FAQS} FAQs")
    seeded = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "seed"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(seeded.strip().splitlines()[-1])


# --- Seeding ------------------------------------------------------------------------------

PARAGRAPHS = [
    "Intensive outpatient treatment fits around a working week: three evenings, a few hours each, "
    "with a small group and a therapist who gets to know you.",
    "Most people arrive tired of holding everything together. The first week is about settling in, "
    "learning the group's rhythm, and naming what has been hardest lately.",
    "Cravings and stress come in waves. Practical skills, practised in the room and tried at home, "
    "make the waves smaller and the time between them longer.",
    "Family members are welcome to a session of their own. Recovery is easier when the people at "
    "home understand what the evenings are for.",
    "Insurance usually covers IOP. Our admissions team checks your benefits before your first day "
    "and tells you plainly what, if anything, you will pay.",
    "When the program ends, most people step down to weekly therapy or a peer group, and many come "
    "back for a refresher when life gets heavy again.",
]


def seed():
    """Runs inside a production-settings process: BENCH_ARTICLES articles and BENCH_FAQS FAQs."""
    import random

    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, ArticleLocation
    from carter_site.caching import content_changed
    from faqs.models import FAQ, ArticleFAQ, Topic
    from locations.models import Location
    from testimonials.models import ArticleTestimonial, Testimonial

    rng = random.Random(8)
    now = timezone.now()
    topics = list(Topic.objects.all())
    locations = list(Location.objects.published())
    testimonials = list(Testimonial.objects.published())
    faqs = [
        FAQ(
            question=f"Question {n} people ask before starting: what happens in week {n % 6 + 1}?",
            answer=f"<p>{rng.choice(PARAGRAPHS)}</p><p>{rng.choice(PARAGRAPHS)}</p>",
            topic=rng.choice(topics),
            order=n,
            is_published=True,
        )
        for n in range(FAQS)
    ]
    FAQ.objects.bulk_create(faqs)
    faqs = list(FAQ.objects.published())
    articles = []
    for n in range(ARTICLES):
        body = "".join(
            f"<h2>Part {part + 1}</h2>" + "".join(f"<p>{rng.choice(PARAGRAPHS)}</p>" for _ in range(3))
            for part in range(4)
        )
        articles.append(
            Article(
                title=f"Recovery notes {n}: {rng.choice(['evenings', 'work', 'family', 'sleep', 'cost'])}",
                slug=f"recovery-notes-{n}",
                summary=rng.choice(PARAGRAPHS)[:150],
                body=body,
                author="Carter clinical team",
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(hours=n + 30),
            )
        )
    Article.objects.bulk_create(articles)
    articles = list(Article.objects.filter(slug__startswith="recovery-notes-"))
    ArticleLocation.objects.bulk_create(
        ArticleLocation(article=article, location=rng.choice(locations)) for article in articles
    )
    ArticleFAQ.objects.bulk_create(
        ArticleFAQ(article=article, faq=faq, order=order)
        for article in articles
        for order, faq in enumerate(rng.sample(faqs, 3))
    )
    if testimonials:
        ArticleTestimonial.objects.bulk_create(
            ArticleTestimonial(article=article, testimonial=rng.choice(testimonials))
            for article in articles[::4]
        )
    content_changed()  # bulk_create sends no signals
    # Statistics for the planner, as autovacuum would gather within a minute or so of such a
    # load: without them PostgreSQL plans the related-articles query for empty tables, and the
    # figures would depend on whether autovacuum happened to run before or during a run.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    article = (
        Article.objects.published()
        .exclude(slug__startswith="recovery-notes-")
        .filter(faq_placements__isnull=False, location_links__isnull=False)
        .distinct()
        .order_by("-published_at")
        .first()
    )
    # The pictures a real site's pages have: a photo of the location (what advertising
    # certification asks for) and the article's picture at the top, stored as uploads are.
    article.hero_image_alt = "A quiet group room with chairs in a circle"
    article.hero_image.save("group-room.jpg", ContentFile(_photo(rng)))
    locations[0].photo_alt = "The front door of the office"
    locations[0].photo.save("front-door.jpg", ContentFile(_photo(rng)))
    pictured = _with_pictures_in_its_text(Article.objects.get(slug="recovery-notes-1"), rng, locations[0])
    content_changed()
    print(
        json.dumps(
            {
                "home": "/",
                "article": article.get_absolute_url(),
                "location": locations[0].get_absolute_url(),
                "faqs": "/faqs/",
                "article_with_pictures": pictured.get_absolute_url(),
                "counts": {
                    "articles": Article.objects.published().count(),
                    "faqs": FAQ.objects.published().count(),
                    "locations": len(locations),
                },
            }
        )
    )


# Pictures an editor put into an article's text with the editor's Upload tab: photos as phones
# take them, each under its own heading.
TEXT_PICTURES = 4
TEXT_PICTURE_SIZE = (1600, 1067)


def _with_pictures_in_its_text(article, rng, location):
    """`article` with TEXT_PICTURES photos in its text, stored where the editor stores its uploads,
    with their smaller copies as the editor makes them, and then `location`'s photo, which editors
    put into texts too. `make profile PAGES=<its address>` measures what pictures in a text cost
    a page."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from carter_site.editor_uploads import record_picture

    width, height = TEXT_PICTURE_SIZE
    parts = []
    for number in range(1, TEXT_PICTURES + 1):
        data = _photo(rng, TEXT_PICTURE_SIZE)
        name = default_storage.save(
            f"{settings.CKEDITOR_UPLOAD_PATH}bench/evening-group-{number}.jpg", ContentFile(data)
        )
        record_picture(default_storage, name, data)
        parts.append(
            f"<h2>Evening {number}</h2><p>{rng.choice(PARAGRAPHS)}</p>"
            f'<p><img src="{default_storage.url(name)}" alt="The group room on evening {number}" '
            f'width="{width}" height="{height}"></p>'
        )
    parts.append(
        f"<h2>Finding us</h2><p>{rng.choice(PARAGRAPHS)}</p>"
        f'<p><img src="{location.photo.url}" alt="{location.photo_alt}" '
        f'width="{location.photo_width}" height="{location.photo_height}"></p>'
    )
    article.body = "".join(parts)
    article.save()
    return article


def _photo(rng, size=(1200, 800)):
    """A JPEG of a photo's size and weight (noise compresses as badly as a photo does)."""
    import io

    from PIL import Image

    picture = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


# --- Load ---------------------------------------------------------------------------------


def _milliseconds(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(port, path, connections, duration):
    command = [
        _which("wrk"), "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
        "-H", f"Host: {HOST}", "-H", "X-Forwarded-Proto: https", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": _milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "errors": (sum(int(n) for n in socket.groups()) if socket else 0)
        + (int(non_2xx.group(1)) if non_2xx else 0),
        "raw": output,
    }


def served_requests(log_path, offset):
    """Requests the server logged after `offset` in its access log (JSON lines)."""
    with open(log_path, "rb") as log:
        log.seek(offset)
        return sum(1 for line in log if b'"gunicorn.access"' in line)


def measure(
    label, page, port, connections, cpu_root, postgres=None, database=None, log_path=None, redis_pid=None
):
    """One wrk run. Queries and CPU are divided by the requests the server itself served in the
    window (wrk leaves up to `connections` requests in flight when it stops; the server still
    answers them): from its access log when it has one, else wrk's count."""
    wrk(port, page["path"], connections, WARMUP)
    time.sleep(1)  # requests left in flight by the warm-up finish before counting starts
    if postgres:
        postgres.reset_statements(database)
    offset = Path(log_path).stat().st_size if log_path else 0
    app_before = tree_cpu_seconds(cpu_root)
    db_before = tree_cpu_seconds(postgres.postmaster_pid()) if postgres else 0
    redis_before = tree_cpu_seconds(redis_pid) if redis_pid else 0
    result = wrk(port, page["path"], connections, DURATION)
    time.sleep(1)  # and so do the ones this run left in flight
    app_cpu = tree_cpu_seconds(cpu_root) - app_before
    db_cpu = (tree_cpu_seconds(postgres.postmaster_pid()) - db_before) if postgres else 0
    if redis_pid:  # the shared cache's server does the work a database would: counted with it
        db_cpu += tree_cpu_seconds(redis_pid) - redis_before
    queries = pings = 0
    if postgres:
        queries, pings = postgres.statements(database)
    n = max(served_requests(log_path, offset) if log_path else result["requests"], 1)
    row = {
        "server": label,
        "page": page["name"],
        "connections": connections,
        **{key: result[key] for key in ("requests", "rps", "p50", "p99", "errors")},
        "queries": queries / n,
        "pings": pings / n,
        "cpu_ms": app_cpu * 1000 / n,
        "db_cpu_ms": db_cpu * 1000 / n,
    }
    say(
        f"{label:<6} {page['name']:<9} c={connections:<3} {row['rps']:>9.0f} req/s  p50 {row['p50']:.2f} ms  "
        f"p99 {row['p99']:.2f} ms  errors {row['errors']}  {row['queries']:.2f} q/req  {row['cpu_ms']:.2f} CPU ms/req"
    )
    return row


# --- Report -------------------------------------------------------------------------------


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.system(),
    )

    def version(command):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        return (result.stdout + result.stderr).strip().splitlines()[0]

    return {
        "cpu": f"{cpu}, {len(os.sched_getaffinity(0))} usable cores",
        "memory": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "nginx": version([_which("nginx"), "-v"]).replace("nginx version: ", ""),
        "wrk": version([_which("wrk"), "-v"]).split(" [")[0],
        "postgres": version([str(ThrowawayPostgres().bin_dir / "postgres"), "--version"]),
    }


def table(rows, nginx):
    lines = [
        "| page | server | conns | req/s | p50 ms | p99 ms | errors | vs nginx | queries/req | CPU ms/req (app) | CPU ms/req (db) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        limit = nginx.get((row["page"], row["connections"]))
        share = "—" if row["server"] == "nginx" or limit is None else f"{row['rps'] / limit:.0%}"
        queries = "—" if row["server"] == "nginx" else f"{row['queries']:.2f}"
        db_cpu = "—" if row["server"] == "nginx" else f"{row['db_cpu_ms']:.2f}"
        lines.append(
            f"| {row['page']} | {LABELS[row['server']]} | {row['connections']} | {row['rps']:,.0f} | {row['p50']:.2f} | "
            f"{row['p99']:.2f} | {row['errors']} | {share} | {queries} | {row['cpu_ms']:.2f} | {db_cpu} |"
        )
    return "\n".join(lines)


def verdicts(rows, nginx):
    def pick(server, page=None, connections=None):
        """Rows of the pages the targets are about (search results, never cached, are not)."""
        return [
            r for r in rows
            if r["server"] == server and r["page"] not in OUTSIDE_TARGETS and (page is None or r["page"] == page)
            and (connections is None or r["connections"] == connections)
        ]  # fmt: skip

    warm_article = pick("warm", "article", 16)[0]
    checks = [
        (
            f"warm article ≥ {TARGETS['warm article req/s']:,} req/s (16 connections)",
            warm_article["rps"] >= TARGETS["warm article req/s"],
            f"{warm_article['rps']:,.0f}",
        ),
        (
            f"warm article ≥ {TARGETS['warm article share of nginx']:.0%} of nginx in the same run",
            warm_article["rps"] >= TARGETS["warm article share of nginx"] * nginx[("article", 16)],
            f"{warm_article['rps'] / nginx[('article', 16)]:.0%}",
        ),
        (
            f"cold ≥ {TARGETS['cold req/s']} req/s, every page (16 connections)",
            all(r["rps"] >= TARGETS["cold req/s"] for r in pick("cold", connections=16)),
            ", ".join(f"{r['page']} {r['rps']:,.0f}" for r in pick("cold", connections=16)),
        ),
        (
            f"warm p99 < {TARGETS['warm p99 ms at 16']} ms at 16 connections",
            all(r["p99"] < TARGETS["warm p99 ms at 16"] for r in pick("warm", connections=16)),
            f"worst {max(r['p99'] for r in pick('warm', connections=16)):.1f} ms",
        ),
        (
            f"cold p99 < {TARGETS['cold p99 ms at 16']} ms at 16 connections",
            all(r["p99"] < TARGETS["cold p99 ms at 16"] for r in pick("cold", connections=16)),
            f"worst {max(r['p99'] for r in pick('cold', connections=16)):.1f} ms",
        ),
        (
            "zero errors at 64 connections",
            all(r["errors"] == 0 for r in rows if r["connections"] == 64 and r["server"] != "nginx"),
            f"{sum(r['errors'] for r in rows if r['connections'] == 64 and r['server'] != 'nginx')} errors",
        ),
        (
            "at most 4 queries per request, cold (search results included)",
            all(r["queries"] <= 4.0 for r in rows if r["server"] == "cold"),
            f"worst {max(r['queries'] for r in rows if r['server'] == 'cold'):.2f}",
        ),
    ]
    return checks


def write_report(report):
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{START}\n{report.strip()}\n{END}{tail}")


# --- The run ------------------------------------------------------------------------------


def main():
    ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="carter-bench-", dir="/tmp"))
    os.chmod(work, 0o755)
    processes, postgres = [], None

    def stop_everything(*_):
        for process in reversed(processes):
            with contextlib.suppress(Exception):
                process.stop()
        processes.clear()
        if postgres:
            with contextlib.suppress(Exception):
                postgres.stop()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)

    def interrupted(signum, _frame):
        raise SystemExit(f"bench: stopped by signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    started = time.monotonic()
    load_before = os.getloadavg()
    try:
        say(f"working in {work}")
        postgres = BenchPostgres().start()
        database = "carter_bench"
        postgres.sql(f"CREATE DATABASE {database}")
        postgres.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", database)

        env = production_env(
            work, postgres.url(database), ALLOWED_HOSTS=f"{HOST},127.0.0.1", BIND_ADDRESS="127.0.0.1"
        )
        seeded = build_site(env)
        say(f"content: {seeded['counts']}")
        pages = [{"name": name, "path": seeded[name]} for name in ("home", "article", "location", "faqs")]
        # Search results are never cached (what someone searched for is theirs): measured with
        # the others, cold, as every visitor gets them; outside the targets, which are the pages'.
        search = {"name": "search", "path": SEARCH_PATH}
        frame = {"name": "frame", "path": FRAME_PATH}
        page_order = [page["name"] for page in pages] + [search["name"], frame["name"]]

        rows, nginx_rps, html, booted = [], {}, {}, {}
        for mode in MODES:
            port = free_port()
            server_env = {
                **env,
                "PORT": str(port),
                "PAGE_CACHE_ENABLED": "false" if mode == "cold" else "true",
            }
            redis = None
            if mode == "redis":
                redis = ThrowawayRedis().start()
                processes.append(redis)
                server_env["REDIS_URL"] = redis.url()
                say(f"redis-server on port {redis.port}")
            gunicorn = Process(f"gunicorn ({mode})", [GUNICORN, "-c", "gunicorn.conf.py", "carter_site.wsgi"],
                               work / f"gunicorn-{mode}.log", env=server_env)  # fmt: skip
            processes.append(gunicorn)
            wait_for(port, "/healthz", gunicorn)
            for page in pages:
                status, _headers, body = get(port, page["path"])
                assert status == 200, (page, status)
                html.setdefault(page["name"], body)
                if mode != "cold":  # each worker keeps its own copy: some requests find one
                    statuses = {get(port, page["path"])[1].get("X-Page-Cache") for _ in range(30)}
                    assert "hit" in statuses, (page, statuses)
            if mode == "warm":
                nginx_rps.update(run_nginx(work, pages, html, rows, processes))
            for page in pages + ([search, frame] if mode == "cold" else []):
                for connections in CONNECTIONS:
                    rows.append(
                        measure(
                            mode,
                            page,
                            port,
                            connections,
                            gunicorn.pid,
                            postgres,
                            database,
                            gunicorn.log_path,
                            redis_pid=redis.process.pid if redis else None,
                        )
                    )
            gunicorn.stop()
            processes.remove(gunicorn)
            if redis:
                redis.stop()
                processes.remove(redis)
            workers = re.findall(r"Booting worker with pid", Path(gunicorn.log_path).read_text())
            say(f"gunicorn ({mode}) booted {len(workers)} workers in all (recycling included)")
            booted[mode] = len(workers)

        if set(MODES) != set(ALL_MODES):
            return  # a partial run: the figures above, no report
        order = {"nginx": 0, "cold": 1, "warm": 2, "redis": 3}
        rows.sort(key=lambda r: (page_order.index(r["page"]), r["connections"], order[r["server"]]))
        checks = verdicts(rows, nginx_rps)
        info = machine()
        sizes = ", ".join(f"{name} {len(body) / 1024:.0f} KB" for name, body in html.items())
        report = "\n".join(
            [
                f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make bench` "
                f"({DURATION} s per run after a {WARMUP} s warm-up; {time.monotonic() - started:.0f} s in all).",
                "",
                f"- Machine: {info['cpu']}, {info['memory']} memory; {info['os']}. Load average "
                f"(1, 5, 15 min) {'/'.join(f'{x:.1f}' for x in load_before)} before the run (other work "
                "on the machine, which competes with the servers and wrk for its cores) and "
                f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())} at its end (the run's own processes "
                "included).",
                f"- Software: Python {info['python']}, {info['postgres']}, nginx {info['nginx']}, {info['wrk']}.",
                f"- Content: {seeded['counts']['articles']} live articles, {seeded['counts']['faqs']} FAQs, "
                f"{seeded['counts']['locations']} locations; the measured article and location each show a "
                f"picture, as a real site's do. Page sizes: {sizes}.",
                f"- Server: `gunicorn -c gunicorn.conf.py carter_site.wsgi`, production settings, the default "
                f"{min(2 * len(os.sched_getaffinity(0)) + 1, 8)} sync workers for this machine ({booted['warm']} "
                f"worker starts during the warm runs, {booted['redis']} with Redis, {booted['cold']} cold, "
                'recycling included). "warm": no Redis, pages in each worker\'s memory and the content '
                'version in a shared folder (one container). "warm, Redis": a Redis server on this '
                "machine holds both (REDIS_URL, as several containers share it); its CPU is counted "
                "in the db column.",
                "- wrk: 2 threads, one new connection per request for both servers (gunicorn's sync "
                "workers close after each response; nginx is set to `keepalive_timeout 0`).",
                f'- Outside the targets, cold only: "search", results for `{SEARCH_PATH}` (never cached; '
                'nearly every article matches), and "frame", the empty search page: header, footer and '
                "middleware with no query and no content, the ceiling for any page rendered here.",
                "",
                table(rows, nginx_rps),
                "",
                "Targets:",
                "",
                *[f"- {'met' if ok else '**missed**'}: {name} ({value})" for name, ok, value in checks],
            ]
        )
        print()
        print(report)
        write_report(report)
        say(f"written to {DOC.relative_to(REPO)}")
    finally:
        stop_everything()


def run_nginx(work, pages, html, rows, processes):
    """The limit: the same bytes from files, measured while gunicorn (warm) sits idle."""
    port = free_port()
    for page in pages:
        target = work / "pages" / page["path"].strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html[page["name"]])
    config = (
        (REPO / "scripts" / "bench-nginx.conf")
        .read_text()
        .replace("@WORK@", str(work))
        .replace("@PORT@", str(port))
    )
    (work / "nginx.conf").write_text(config)
    nginx = Process("nginx", [_which("nginx"), "-c", str(work / "nginx.conf"), "-e", str(work / "nginx-error.log")],
                    work / "nginx.log")  # fmt: skip
    processes.append(nginx)
    wait_for(port, pages[0]["path"], nginx)
    limits = {}
    for page in pages:
        assert get(port, page["path"])[2] == html[page["name"]]
        for connections in CONNECTIONS:
            row = measure("nginx", page, port, connections, nginx.pid)
            rows.append(row)
            limits[(page["name"], connections)] = row["rps"]
    nginx.stop()
    processes.remove(nginx)
    return limits


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        seed()
    else:
        main()
