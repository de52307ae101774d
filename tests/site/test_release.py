"""The release fingerprint that keeps one release's rendered pages from another's (carter_site/release.py)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from carter_site.release import SOURCES, fingerprint

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's code and templates, as another container of the same image has it."""
    for folder in SOURCES:
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "requirements.txt", tmp_path / "requirements.txt")
    return tmp_path


def test_the_settings_carry_this_codes_fingerprint():
    assert fingerprint(settings.BASE_DIR, settings.STATIC_ROOT) == settings.RELEASE


def test_identical_code_gives_the_same_fingerprint_wherever_it_lies(tree):
    assert fingerprint(tree) == fingerprint(REPO)


def test_a_changed_template_or_module_is_another_release(tree):
    before = fingerprint(tree)
    footer = tree / "templates/includes/footer.html"
    footer.write_text(footer.read_text().replace("</footer>", "<p>New line</p></footer>"))
    after_template = fingerprint(tree)
    assert after_template != before
    (tree / "articles/views.py").write_text((tree / "articles/views.py").read_text() + "\n# changed\n")
    assert fingerprint(tree) not in (before, after_template)


def test_another_version_of_a_pinned_package_is_another_release(tree):
    """A release that only upgrades a package (the sanitiser of rich text, say) renders pages its
    own way: it must not serve the pages the previous one rendered with the old version, nor the
    reverse, while both run on one Redis. With MIGRATE_ON_START=false no start forgets them."""
    before = fingerprint(tree)
    requirements = tree / "requirements.txt"
    pinned = requirements.read_text()
    assert "nh3==" in pinned
    requirements.write_text(pinned.replace("nh3==", "nh3==9", 1))
    assert fingerprint(tree) != before


def test_new_hashed_static_file_names_are_another_release(tree, tmp_path_factory):
    static = tmp_path_factory.mktemp("static")
    (static / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.1a2b3c.css"}}')
    first = fingerprint(tree, static)
    assert first != fingerprint(tree)
    (static / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.4d5e6f.css"}}')
    assert fingerprint(tree, static) != first


def test_compiled_files_and_other_files_do_not_count(tree):
    before = fingerprint(tree)
    (tree / "articles/__pycache__").mkdir(exist_ok=True)
    (tree / "articles/__pycache__/views.cpython-311.pyc").write_bytes(b"\x00compiled")
    (tree / "templates/notes.md").write_text("Not part of any page.")
    assert fingerprint(tree) == before
