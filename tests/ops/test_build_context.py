""".dockerignore: what `docker build .` sends, and so what `COPY . .` can put into the image.

The rules are read as Docker reads them (github.com/moby/patternmatcher): each pattern is
matched against the whole path from the top of the context, `*` and `?` stop at a slash, `**`
crosses them, a path is left out when it or a folder above it matches, `!` brings a path back,
and the last pattern that matches wins.
"""

import re
import subprocess

import pytest

from .helpers import REPO


def _regex(pattern):
    out, i = "^", 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            if pattern[i + 1 : i + 2] == "*":
                i += 1
                if pattern[i + 1 : i + 2] == "/":
                    i += 1
                out += ".*" if i + 1 == len(pattern) else "(.*/)?"
            else:
                out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.index("]", i)
            out += pattern[i : end + 1]
            i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(char)
        i += 1
    return re.compile(out + "$")


def _rules():
    rules = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line.removeprefix("!").strip().strip("/") or "/"
        rules.append((exception, _regex(pattern)))
    return rules


RULES = _rules()


def sent(path):
    """True when `docker build .` sends the file at this path (relative, with / between folders)."""
    parts = path.split("/")
    candidates = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    left_out = False
    for exception, regex in RULES:
        if exception != left_out:  # an exception only matters once left out, and the reverse
            continue
        if any(regex.match(candidate) for candidate in candidates):
            left_out = not exception
    return not left_out


def tracked_files():
    result = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.split()


# What the image needs from the context, besides the apps' code: the Dockerfile installs
# requirements.txt and makes the entrypoint and the health check executable; the entrypoint runs
# manage.py and gunicorn with gunicorn.conf.py; collectstatic reads static/; pages use templates/.
NEEDED = [
    "requirements.txt",
    "manage.py",
    "gunicorn.conf.py",
    "docker-entrypoint.sh",
    "scripts/healthcheck.py",
    "static/css/site.css",
    "templates/base.html",
    "carter_site/settings/prod.py",
    "carter_site/demo_content.py",
    "articles/models.py",
]
APPS = {"carter_site", "articles", "locations", "faqs", "testimonials", "pages"}


@pytest.mark.parametrize("path", NEEDED)
def test_what_the_image_needs_is_sent(path):
    assert (REPO / path).is_file()
    assert sent(path)


@pytest.mark.parametrize(
    "path",
    [
        # docs/operations.md writes database dumps and media archives here, then builds.
        "backups/pre-upgrade.dump",
        "backups/carter-20250601-091203.dump",
        "backups/media-20250601-091203.tar.gz",
        "pre-upgrade.dump",
        # Development, test and benchmark tools.
        "Makefile",
        "package.json",
        "package-lock.json",
        "requirements-dev.txt",
        "pyproject.toml",
        "README.md",
        "scripts/bench.py",
        "scripts/bench-nginx.conf",
        "scripts/lighthouse.py",
        "scripts/loadtest.py",
        "scripts/loadtest.lua",
        "scripts/profile_page.py",
        # And what was left out before.
        ".env",
        ".git/config",
        "tests/ops/helpers.py",
        "docs/operations.md",
        "carter_site/__pycache__/urls.cpython-311.pyc",
        "db.sqlite3",
        "media/editor/a.png",
        "node_modules/axe-core/axe.js",
    ],
)
def test_what_the_image_does_not_need_is_left_out(path):
    assert not sent(path)


def test_the_image_gets_the_apps_and_nothing_else_of_the_repository():
    """A file added to the repository reaches the image only when it belongs to the site."""
    runtime = {"requirements.txt", "manage.py", "gunicorn.conf.py", "docker-entrypoint.sh"}
    unexpected = [
        path
        for path in tracked_files()
        if sent(path)
        and path not in runtime
        and path != "scripts/healthcheck.py"
        and path.split("/")[0] not in {*APPS, "static", "templates"}
    ]
    assert unexpected == []


def test_git_ignores_the_backups_folder():
    """docs/operations.md writes dumps into backups/ in the checkout: never to be committed."""
    paths = ["backups/pre-upgrade.dump", "backups/media-20250601-091203.tar.gz", "pre-upgrade.dump"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.stdout.split() == paths
