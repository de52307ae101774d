"""manage.py stops on a configuration error or a silent database with one sentence, not a traceback.

Each case runs manage.py in a fresh process with the production settings, as an operator would.
"""

import pytest

from . import helpers

# --- manage.py: errors in the settings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (
            {"SECRET_KEY": None},
            "The environment variable SECRET_KEY is required in production and is not set. "
            "See .env.example for what it means.",
        ),
        (
            {"DEBUG": "true"},
            "DEBUG is on, but these are the production settings. Unset DEBUG, or use "
            "DJANGO_SETTINGS_MODULE=carter_site.settings.dev on a developer machine.",
        ),
        ({"PAGE_CACHE_TIMEOUT": "x"}, "PAGE_CACHE_TIMEOUT must be a whole number, not 'x'."),
    ],
)
def test_manage_py_refuses_bad_settings_in_one_sentence(audited_env, change, sentence):
    result = helpers.manage("check", "--deploy", env=helpers.with_env(audited_env, **change))
    helpers.assert_one_sentence(result, f"carter-site cannot start: {sentence}")


def test_manage_py_still_shows_the_traceback_of_a_programming_error(audited_env):
    result = helpers.manage("shell", "-c", "raise RuntimeError('a genuine bug')", env=audited_env)
    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "RuntimeError: a genuine bug" in result.stderr


# --- manage.py: a database that does not answer --------------------------------------------------


def test_a_command_whose_database_does_not_answer_says_so_in_one_sentence(audited_env):
    result = helpers.manage(
        "migrate_once", env=helpers.with_env(audited_env, DATABASE_URL=helpers.UNREACHABLE_DATABASE)
    )
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("carter-site: the postgresql database 'x' at 127.0.0.1:1 did not answer (")
    assert "Connection refused" in line
    assert line.endswith("Check DATABASE_URL, and that the database server is running and reachable.")
    assert "Traceback" not in result.stdout + result.stderr
    assert "pw-must-not-leak" not in result.stdout + result.stderr


@pytest.mark.parametrize("dry_run", [["--dry-run"], []])
def test_an_import_whose_database_does_not_answer_says_so_and_not_that_the_file_was_refused(
    audited_env, tmp_path, dry_run
):
    """The importer reports each file's fault on its own line; a silent database is no file's fault."""
    article = tmp_path / "coming-back.txt"
    article.write_text("Coming back after a break\n\nYou do not have to start over.\n", encoding="utf-8")
    result = helpers.manage(
        "import_articles",
        *dry_run,
        str(article),
        env=helpers.with_env(audited_env, DATABASE_URL=helpers.UNREACHABLE_DATABASE),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("carter-site: the postgresql database 'x' at 127.0.0.1:1 did not answer (")
    assert "Failed" not in result.stdout and "refused the article" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
