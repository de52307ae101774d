#!/usr/bin/env python3
"""`make lighthouse`: Lighthouse scores of the main public pages, served as in production.

    .venv/bin/python scripts/lighthouse.py [--no-docs] [--min-score N]

1. In a temporary folder: a SQLite database with the demo content (`load_demo_content
   --allow-production`) and the static files collected as production does (WhiteNoise's
   compressed manifest), with DJANGO_SETTINGS_MODULE=carter_site.settings.prod, a generated
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,localhost and SECURE_SSL_REDIRECT=false (the server
   speaks plain HTTP on 127.0.0.1; a real deployment sits behind TLS).
2. gunicorn with the repository's gunicorn.conf.py, on a free port of 127.0.0.1.
3. Lighthouse (pinned in package.json, installed by `make node-deps`) with Chromium
   (CHROME_PATH, default /usr/bin/chromium), in its mobile and desktop presets, on the home
   page, an article, a location, the FAQ page and the article list. Chromium reaches nothing
   but 127.0.0.1 and localhost.
4. Prints the four category scores per page and preset, and what keeps a score below 100;
   writes the table into docs/accessibility.md (unless --no-docs); keeps every report, HTML
   and JSON, in test-artifacts/lighthouse/.

With --min-score N it exits 1 when any score is below N. Other variables it sets can be
overridden from the environment (DATABASE_URL, for example, to measure against PostgreSQL).
"""

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
DOC = ROOT / "docs" / "accessibility.md"
BEGIN, END = "<!-- lighthouse:begin -->", "<!-- lighthouse:end -->"

PAGES = [
    ("Home", "/"),
    ("Article", "/articles/what-to-expect-from-an-intensive-outpatient-program/"),
    ("Location", "/locations/alpharetta/"),
    ("FAQ page", "/faqs/"),
    ("FAQ topic page", "/faqs/returning-to-iop/"),
    ("Article list", "/articles/"),
    ("Standing page", "/privacy/"),
]
PRESETS = ["mobile", "desktop"]
CATEGORIES = [
    ("performance", "Performance"),
    ("accessibility", "Accessibility"),
    ("best-practices", "Best practices"),
    ("seo", "SEO"),
]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic "
    "--disable-background-networking --disable-component-update --disable-sync --no-first-run "
    "--host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'"
)


def fail(message):
    sys.exit(f"make lighthouse: {message}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check_tools(chrome):
    if not (os.path.isfile(chrome) and os.access(chrome, os.X_OK)):
        fail(f"no Chromium at {chrome}. Install it with `apt-get install chromium`, or set CHROME_PATH.")
    if not LIGHTHOUSE.exists():
        fail("Lighthouse is not installed: run `make node-deps` (npm ci).")
    if not PYTHON.exists():
        fail("no virtualenv: run `make install-dev` first.")


def production_environment(folder, port):
    env = dict(os.environ)
    defaults = {
        "DJANGO_SETTINGS_MODULE": "carter_site.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "plain",
        "BIND_ADDRESS": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_WORKERS": "2",
        # The admin's address is a required production setting; no page measured here uses it.
        "ADMIN_URL": "site-editor/",
    }
    for name, value in defaults.items():
        env.setdefault(name, value)
    env.pop("DEBUG", None)
    return env


def manage(env, *args):
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def start_server(env, port, log):
    if (ROOT / "gunicorn.conf.py").exists():
        command = [str(GUNICORN), "-c", "gunicorn.conf.py", "carter_site.wsgi"]
    else:
        command = [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", "2", "carter_site.wsgi"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"gunicorn stopped at start (exit {server.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return server, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    server.terminate()
    fail(f"gunicorn did not answer on {base} within 30 seconds; see {log.name}")


def stop_server(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def browser_version(chrome):
    """The browser and its full version, from the binary (the user agent hides the minor numbers)."""
    result = subprocess.run([chrome, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"(Chromium|Google Chrome|Chrome) [\d.]+", result.stdout)
    return found.group(0) if found else "Chromium"


def run_lighthouse(url, preset, output_base, chrome):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={output_base}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": chrome}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    report = Path(f"{output_base}.report.json")
    if result.returncode != 0 or not report.exists():
        fail(f"Lighthouse failed on {url} ({preset}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return json.loads(report.read_text())


def scores_of(report):
    return {key: round(100 * (report["categories"][key]["score"] or 0)) for key, _ in CATEGORIES}


def shortfalls(report):
    """Audits that cost points: (category, audit title, score, display value)."""
    found = []
    for key, _ in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                found.append((key, audit["title"], audit["score"], audit.get("displayValue", "")))
    return found


def table(results):
    lines = [
        "| page | preset | " + " | ".join(label for _, label in CATEGORIES) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in CATEGORIES) + " |",
    ]
    for (name, path), preset, scores, _ in results:
        cells = " | ".join(str(scores[key]) for key, _ in CATEGORIES)
        lines.append(f"| {name} (`{path}`) | {preset} | {cells} |")
    return "\n".join(lines)


def write_doc(block):
    if not DOC.exists():
        fail(f"{DOC.relative_to(ROOT)} is missing")
    text = DOC.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        fail(f"{DOC.relative_to(ROOT)} has no {BEGIN} … {END} block to write the scores into")
    DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{block}\n{END}", text))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-docs", action="store_true", help="print only; leave docs/accessibility.md alone"
    )
    parser.add_argument("--min-score", type=int, default=0, help="exit 1 when any score is below this")
    options = parser.parse_args()

    chrome = os.environ.get("CHROME_PATH") or os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    check_tools(chrome)
    shutil.rmtree(REPORTS, ignore_errors=True)
    REPORTS.mkdir(parents=True)
    folder = Path(tempfile.mkdtemp(prefix="carter-lighthouse-"))
    port = free_port()
    env = production_environment(folder, port)
    started = time.monotonic()
    server = None
    try:
        print(f"Preparing the production configuration in {folder} ...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_demo_content", "--allow-production")
        with open(REPORTS / "gunicorn.log", "w") as log:
            server, base = start_server(env, port, log)
            print(f"gunicorn (gunicorn.conf.py, carter_site.settings.prod) on {base}", flush=True)
            results = []
            for name, path in PAGES:
                for preset in PRESETS:
                    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
                    report = run_lighthouse(base + path, preset, REPORTS / f"{slug}-{preset}", chrome)
                    results.append(((name, path), preset, scores_of(report), report))
                    scores = scores_of(report)
                    print(f"  {name:<13} {preset:<8} " + "  ".join(f"{scores[k]:>3}" for k, _ in CATEGORIES))
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)

    versions = f"Lighthouse {results[0][3]['lighthouseVersion']}, {browser_version(chrome)}"
    below = [
        (name, preset, category, title, score, value)
        for (name, _), preset, _, report in results
        for category, title, score, value in shortfalls(report)
    ]
    print()
    print(table(results))
    print(f"\n{versions}; production settings, gunicorn, demo content; {time.monotonic() - started:.0f} s.")
    if below:
        print("\nAudits below full marks (the category scores above are already rounded):")
        for name, preset, category, title, score, value in below:
            print(f"- {name}, {preset}, {category}: {title} ({score:.2f}{', ' + value if value else ''})")
    else:
        print("Every audit that counts towards a score passed.")
    print(f"Reports (HTML and JSON): {REPORTS.relative_to(ROOT)}/")

    if not options.no_docs:
        block = [
            f"Measured {dt.date.today().isoformat()} by `make lighthouse` ({versions}, "
            "production settings behind gunicorn, demo content, on a 2-core machine):",
            "",
            table(results),
        ]
        if below:
            block += ["", "Audits below full marks in that run (the category scores are rounded):", ""]
            block += [f"- {n}, {p}, {c}: {t} ({s:.2f}{', ' + v if v else ''})" for n, p, c, t, s, v in below]
        write_doc("\n".join(block))
        print(f"Written into {DOC.relative_to(ROOT)}.")

    lowest = min(score for _, _, scores, _ in results for score in scores.values())
    if lowest < options.min_score:
        sys.exit(f"make lighthouse: a score of {lowest} is below the minimum of {options.min_score}.")


if __name__ == "__main__":
    main()
