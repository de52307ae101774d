"""What README.md and docs/ name exists: the sections their links point at, the manage.py
commands and options they tell people to run, the make targets, and the modules, functions
and models they point to (`carter_site.links.check_texts`).

A reader who joins the team takes these pages as the truth; a renamed heading, command or
option would send them nowhere.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class

from . import helpers

DOCS = [helpers.REPO / "README.md", *sorted((helpers.REPO / "docs").glob("*.md"))]
CODE_BLOCK = re.compile(r"^[ \t]*```.*?^[ \t]*```", re.MULTILINE | re.DOTALL)
# `code`, which may run on over a line break (not over a blank line).
CODE_SPAN = re.compile(r"`((?:[^`\n]|\n(?!\s*\n))+)`")


def without_code_blocks(text):
    return CODE_BLOCK.sub("", text)


def anchor(heading):
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path):
    found, seen = set(), {}
    for heading in re.findall(r"^#+\s+(.+)$", without_code_blocks(path.read_text()), re.MULTILINE):
        slug = anchor(heading)
        # A second heading of the same name gets -1, a third -2, ...
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return found


def links():
    for path in DOCS:
        for target in re.findall(r"\]\(([^)\s]+)\)", without_code_blocks(path.read_text())):
            if not re.match(r"[a-z]+:", target):
                yield path, target


def commands_run():
    """(page, command, options) for each `manage.py COMMAND ...` in a code span or a code line."""
    for path in DOCS:
        text = path.read_text()
        pieces = CODE_SPAN.findall(without_code_blocks(text))
        pieces += [line for block in CODE_BLOCK.findall(text) for line in block.splitlines()]
        for piece in pieces:
            for match in re.finditer(r"manage\.py ([a-z_]+)([^|;&]*)", piece):
                yield path, match.group(1), re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", match.group(2))


def test_the_pages_hold_links_and_commands_to_check():
    assert len(list(links())) > 20
    assert len(list(commands_run())) > 30


@pytest.mark.parametrize(("page", "target"), list(links()), ids=lambda value: getattr(value, "name", value))
def test_every_link_between_the_pages_leads_to_a_file_and_section_that_exist(page, target):
    path, _, section = target.partition("#")
    linked = (page.parent / path).resolve() if path else page
    assert linked.exists(), f"{page.name} links to {target}: there is no such file"
    if section and linked.suffix == ".md":
        assert section in anchors(linked), f"{page.name} links to {target}: {linked.name} has no such section"


def test_every_command_and_option_the_pages_name_exists():
    known = get_commands()
    missing = []
    for page, command, options in commands_run():
        if command not in known:
            missing.append(f"{page.name}: manage.py {command}")
            continue
        parser = load_command_class(known[command], command).create_parser("manage.py", command)
        accepted = {option for action in parser._actions for option in action.option_strings}
        missing += [
            f"{page.name}: manage.py {command} {option}" for option in options if option not in accepted
        ]
    assert missing == []


def test_every_make_target_the_pages_name_exists():
    makefile = (helpers.REPO / "Makefile").read_text()
    targets = set()
    for line in re.findall(r"^([a-z][\w -]*):(?!=)", makefile, re.MULTILINE):
        targets.update(line.split())
    named = set()
    for page in DOCS:
        for piece in CODE_SPAN.findall(page.read_text()):
            named.update(re.findall(r"(?:^|\s)make ([a-z][\w-]*)", piece))
    assert len(named) > 8
    assert sorted(named - targets) == []


def test_the_kubernetes_startup_probe_outlasts_the_entrypoints_waits():
    """gunicorn listens only after the entrypoint waited for the database and for another pod's
    migration: a liveness probe without a startup probe that long kills the pod while it waits."""
    entrypoint = (helpers.REPO / "docker-entrypoint.sh").read_text()
    waits = sum(
        int(re.search(rf"\${{{name}:-([0-9]+)}}", entrypoint).group(1))
        for name in ("DB_WAIT_TIMEOUT", "MIGRATE_LOCK_TIMEOUT")
    )
    text = (helpers.REPO / "docs" / "operations.md").read_text()
    [probe] = re.findall(r"^startupProbe: .*$", text, re.MULTILINE)
    assert "path: /healthz" in probe
    period = int(re.search(r"periodSeconds: ([0-9]+)", probe).group(1))
    failures = int(re.search(r"failureThreshold: ([0-9]+)", probe).group(1))
    assert period * failures >= waits + 60, probe  # and a minute for the migration and the start


def test_the_readmes_layout_names_every_script_and_error_page():
    """The README's layout is where a new developer looks for what runs in the browser and which
    error pages exist: a script or an error page added without a word there is missed."""
    readme = (helpers.REPO / "README.md").read_text()
    layout = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    scripts = sorted(path.name for path in (helpers.REPO / "static" / "js").glob("*.js"))
    assert scripts
    assert [name for name in scripts if f"js/{name}" not in layout] == []
    [pages] = re.findall(r"error pages \(([^)]*)\)", layout)
    statuses = sorted(path.stem for path in (helpers.REPO / "templates").glob("[0-9][0-9][0-9].html"))
    assert statuses
    assert sorted(re.findall(r"[0-9]{3}", pages)) == statuses


APPS = ("carter_site", "articles", "locations", "faqs", "pages", "testimonials")
DOTTED_NAME = re.compile(rf"`((?:{'|'.join(APPS)})(?:\.[A-Za-z_]\w*)+)`")


def code_names():
    """(page, name) for each `app.module.Name` the pages point a reader to."""
    for page in DOCS:
        for name in sorted(set(DOTTED_NAME.findall(page.read_text()))):
            yield page, name


def names_something(name):
    """Whether `name` is a module, or something in one, or an app's model (`carter_site.EditorPicture`)."""
    parts = name.split(".")
    if parts[:2] == ["carter_site", "settings"]:  # importing the production settings checks the environment
        return (helpers.REPO / Path(*parts).with_suffix(".py")).exists()
    for end in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        try:
            for attribute in parts[end:]:
                found = getattr(found, attribute)
        except AttributeError:
            break
        return True
    try:
        return apps.get_model(name) is not None
    except (LookupError, ValueError):
        return False


# Logger names of the entrypoint's shell, which no Python module holds.
LOGGERS = {"carter_site.entrypoint"}


def test_the_pages_name_code_to_check():
    assert len(list(code_names())) > 40


def test_every_module_function_and_model_the_pages_name_exists():
    missing = [
        f"{page.name}: {name}"
        for page, name in code_names()
        if name not in LOGGERS and not names_something(name)
    ]
    assert missing == []


def test_the_entrypoints_logger_is_the_one_the_pages_name():
    assert all(
        f'logger": "{name}"' in (helpers.REPO / "docker-entrypoint.sh").read_text() for name in LOGGERS
    )


TOP_LEVEL = (
    "carter_site",
    "articles",
    "locations",
    "faqs",
    "pages",
    "testimonials",
    "templates",
    "static",
    "tests",
    "scripts",
)
FILE_PATH = re.compile(rf"`((?:{'|'.join(TOP_LEVEL)})/[\w./-]+\.(?:py|html|js|css|sh|txt|json))(?:::\w+)?`")


def test_every_file_the_pages_name_exists():
    named = [(page, path) for page in DOCS for path in FILE_PATH.findall(page.read_text())]
    assert len(named) > 100
    assert [f"{page.name}: {path}" for page, path in named if not (helpers.REPO / path).exists()] == []
