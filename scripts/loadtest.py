#!/usr/bin/env python3
"""`make loadtest`: the production configuration under load while an editor saves edits.

1. Starts a throwaway PostgreSQL 15 (tests/postgres_server.py), migrates it with the production
   command and loads the demo content.
2. Starts the production web server exactly as the image does (`gunicorn -c gunicorn.conf.py
   carter_site.wsgi`, production settings, its default number of workers) on 127.0.0.1.
3. Runs wrk for DURATION seconds at CONNECTIONS connections across every public page (the
   sitemap's pages, the lists' later pages, feeds, search) through scripts/loadtest.lua.
4. Meanwhile an editor signs in to the admin with a password and a real TOTP code (no bypass)
   and saves edits to articles and FAQs through the change forms, one after another.
5. Reports wrk's errors (target: zero), latency percentiles, the editor's saves and their
   latency, and checks that every edit is present afterwards: in the database (the latest
   text of each object, one admin history entry and one django-reversion version per edit)
   and on the public pages.

Exit status 0 only if there were no errors and every edit is present. Traffic goes to
127.0.0.1 only; every loop is bounded in time. Options: --duration, --connections, --threads,
--report FILE (the results as JSON).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.ops import helpers  # noqa: E402
from tests.postgres_server import ThrowawayPostgres, free_port  # noqa: E402
from tests.security.prod_client import Session, form_fields  # noqa: E402

ADMIN_URL = "editor-loadtest/"
EDITOR, PASSWORD = "loadtest-editor", "a long passphrase for the load test"


def say(message):
    print(f"[loadtest] {message}", flush=True)


def manage(env, *args):
    result = helpers.manage(*args, env=env, timeout=600)
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(env):
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "migrate_once", "--load-demo-content")
    script = f"""
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
user = get_user_model().objects.create_user({EDITOR!r}, "editor@carter.example", {PASSWORD!r},
                                            is_staff=True, is_superuser=True)
print("KEY=" + TOTPDevice.objects.create(user=user, name="Load test", confirmed=True).key)
"""
    return re.search(r"KEY=(\w+)", manage(env, "shell", "-c", script)).group(1)


def totp_code(key):
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(key)).token():06d}"


def public_paths(port):
    """Every page in the sitemap, the lists' second pages, feeds, search and robots.txt."""
    web = Session(port)
    sitemap = web.get("/sitemap.xml")
    if sitemap.status != 200:
        sys.exit(f"/sitemap.xml answered {sitemap.status}")
    paths = sorted(
        {re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap.text)}
    )
    paths += ["/articles/?page=2", "/feeds/articles/", "/feeds/articles/atom/", "/robots.txt", "/sitemap.xml"]
    paths += [f"/search/?q={word}" for word in ("anxiety", "insurance", "evening", "family", "relapse")]
    checked = []
    for path in paths:
        status = web.get(path).status
        if status == 200:
            checked.append(path)
        else:
            say(f"left out {path} (HTTP {status})")
    return checked


class Editor(threading.Thread):
    """Signs in once, then saves edits to articles and FAQs until told to stop."""

    def __init__(self, port, key, pause):
        super().__init__(daemon=True)
        self.port, self.key, self.pause = port, key, pause
        self.stop = threading.Event()
        self.edits, self.errors, self.latencies = [], [], []

    def targets(self, web):
        found = []
        # Public ones only, so that the edits can be looked for on the public pages afterwards.
        for model, field, live in (
            ("articles/article", "summary", "state=live"),
            ("faqs/faq", "question", "is_published__exact=1"),
        ):
            listing = web.get(f"/{ADMIN_URL}{model}/?{live}")
            ids = sorted(set(re.findall(rf'href="/{ADMIN_URL}{model}/(\d+)/change/', listing.text)), key=int)
            found += [(model, int(pk), field) for pk in ids]
        return found

    def run(self):
        web = Session(self.port, timeout=60)
        signed_in = web.sign_in(ADMIN_URL, EDITOR, PASSWORD, code=totp_code(self.key))
        if signed_in.status != 302:
            self.errors.append(f"sign-in answered {signed_in.status}")
            return
        targets = self.targets(web)
        if not targets:
            self.errors.append("no articles or FAQs to edit")
            return
        for number in range(100_000):  # bounded; the stop event ends it long before
            if self.stop.is_set():
                return
            model, pk, field = targets[number % len(targets)]
            marker = f"[edit {number + 1} {uuid.uuid4().hex[:8]}]"
            url = f"/{ADMIN_URL}{model}/{pk}/change/"
            started = time.monotonic()
            try:
                page = web.get(url)
                data = form_fields(page.text, f"{model.split('/')[1]}_form")
                original = re.sub(r" \[edit \d+ \w+\]$", "", data[field])
                data[field] = f"{original} {marker}"
                data["_save"] = "Save"
                response = web.post(url, data)
            except OSError as error:
                self.errors.append(f"{url}: {error!r}")
                continue
            self.latencies.append(time.monotonic() - started)
            if response.status != 302:
                errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
                self.errors.append(f"{url}: HTTP {response.status} {errors[:3]}")
                continue
            self.edits.append(
                {"model": model, "pk": pk, "field": field, "text": data[field], "marker": marker}
            )
            time.sleep(self.pause)


def verify_edits(env, port, edits):
    """Every edit is in the database and its history; the latest of each object is on the site."""
    script = f"""
import json
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from reversion.models import Version
from articles.models import Article
from faqs.models import FAQ
edits = json.loads({json.dumps(json.dumps(edits))})
models = {{"articles/article": Article, "faqs/faq": FAQ}}
editor = get_user_model().objects.get(username={EDITOR!r})
latest, missing = {{}}, []
for edit in edits:
    latest[(edit["model"], edit["pk"])] = edit
    model = models[edit["model"]]
    versions = Version.objects.get_for_object_reference(model, edit["pk"])
    if not any(edit["marker"] in version.serialized_data for version in versions):
        missing.append(("no version", edit["marker"]))
counts = {{}}
for edit in edits:
    counts[(edit["model"], edit["pk"])] = counts.get((edit["model"], edit["pk"]), 0) + 1
for (name, pk), count in counts.items():
    logged = LogEntry.objects.filter(user=editor, object_id=str(pk), action_flag=2,
                                     content_type__model=name.split("/")[1]).count()
    if logged < count:
        missing.append(("history", name, pk, logged, count))
for (name, pk), edit in latest.items():
    value = getattr(models[name].objects.get(pk=pk), edit["field"])
    if value != edit["text"]:
        missing.append(("current text", name, pk, value, edit["text"]))
print("RESULT=" + json.dumps({{"missing": missing, "objects": len(latest)}}))
"""
    output = manage(env, "shell", "-c", script)
    result = json.loads(output.split("RESULT=", 1)[1].strip())
    # And visitors see the latest text of each edited object (pages are not left stale in the cache).
    web = Session(port)
    latest = {}
    for edit in edits:
        latest[(edit["model"], edit["pk"])] = edit
    pages = web.get("/articles/").text + web.get("/articles/?page=2").text + web.get("/faqs/").text
    for edit in latest.values():
        if edit["marker"] not in pages.replace("&quot;", '"'):
            result["missing"].append(["not on the public pages", edit["model"], edit["pk"], edit["marker"]])
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between two edits (0.5)")
    parser.add_argument("--report", help="also write the results as JSON to this file")
    options = parser.parse_args()

    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed: apt-get install wrk (make loadtest does it when run as root).")

    work = Path(tempfile.mkdtemp(prefix="carter-loadtest-"))
    postgres = ThrowawayPostgres().start()
    server = None
    try:
        say(f"PostgreSQL on 127.0.0.1:{postgres.port}")
        env = helpers.production_env(
            STATIC_ROOT=work / "static",
            MEDIA_ROOT=work / "media",
            ADMIN_URL=ADMIN_URL,
            DATABASE_URL=helpers.create_database(postgres, "carter"),
        )
        key = prepare_database(env)
        port = free_port()
        server = helpers.Server(
            [helpers.GUNICORN, "-c", "gunicorn.conf.py", "carter_site.wsgi"],
            {**env, "PORT": str(port), "BIND_ADDRESS": "127.0.0.1"},
            work / "gunicorn.log",
            port,
        ).start()
        paths = public_paths(port)
        workers = server.output().count("Booting worker")
        say(f"gunicorn (production settings, {workers} workers) on 127.0.0.1:{port}")
        (work / "paths.txt").write_text("\n".join(paths) + "\n")
        say(f"{len(paths)} public paths; {options.duration} s at {options.connections} connections")

        editor = Editor(port, key, options.pause)
        editor.start()
        command = [
            wrk, "--latency", "-t", str(options.threads), "-c", str(options.connections),
            "-d", f"{options.duration}s", "--timeout", "10s", "-s", str(REPO / "scripts" / "loadtest.lua"),
            f"http://127.0.0.1:{port}", "--", str(work / "paths.txt"), "localhost",
        ]  # fmt: skip
        run = subprocess.run(
            command, capture_output=True, text=True, timeout=options.duration + 120, check=False
        )
        editor.stop.set()
        editor.join(timeout=120)
        if run.returncode != 0:
            sys.exit(f"wrk failed:\n{run.stdout}\n{run.stderr}")
        load = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("{")))
        verified = verify_edits(env, port, editor.edits)

        output = server.output()
        server_errors = output.count('"status": 500') + output.count("WORKER TIMEOUT")
        wrk_errors = sum(load["errors"].values())
        latencies = sorted(editor.latencies)
        report = {
            "configuration": {
                "settings": "carter_site.settings.prod",
                "server": f"gunicorn -c gunicorn.conf.py, {workers} sync workers",
                "database": "PostgreSQL 15 (throwaway), persistent connections",
                "duration_s": options.duration,
                "connections": options.connections,
                "paths": len(paths),
                "cpus": os.cpu_count(),
            },
            "load": {**load, "requests_per_s": round(load["requests"] / (load["duration_us"] / 1e6), 1)},
            "editor": {
                "saves": len(editor.edits),
                "errors": editor.errors,
                "save_p50_ms": round(latencies[len(latencies) // 2] * 1000) if latencies else None,
                "save_max_ms": round(latencies[-1] * 1000) if latencies else None,
                "objects_edited": verified["objects"],
                "missing": verified["missing"],
            },
            "server_errors": server_errors,
        }
        print(json.dumps(report, indent=2))
        if options.report:
            Path(options.report).write_text(json.dumps(report, indent=2) + "\n")
        failures = []
        if wrk_errors:
            failures.append(f"{wrk_errors} request error(s): {load['errors']}")
        if editor.errors:
            failures.append(f"{len(editor.errors)} failed save(s): {editor.errors[:5]}")
        if not editor.edits:
            failures.append("the editor saved nothing")
        if verified["missing"]:
            failures.append(f"{len(verified['missing'])} edit(s) missing: {verified['missing'][:5]}")
        if server_errors:
            failures.append(f"{server_errors} server error(s) or worker timeouts in the log")
        say(
            f"{load['requests']} requests ({report['load']['requests_per_s']}/s), "
            f"p50 {load['latency_ms']['p50']} ms, p99 {load['latency_ms']['p99']} ms, "
            f"errors {wrk_errors}; {len(editor.edits)} edits saved, all present: {not verified['missing']}"
        )
        if failures:
            for failure in failures:
                say(f"FAILED: {failure}")
            return 1
        say("passed: no errors, every edit present")
        return 0
    finally:
        if server is not None:
            server.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
