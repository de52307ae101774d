"""`manage.py import_articles`: the report per file, dry runs, publishing, and the exit status."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from faqs.models import FAQ
from testimonials.models import Testimonial
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importing"
EVENING = str(FIXTURES / "repeated-title-blank-lines.txt")
RETURNING = str(FIXTURES / "one-paragraph-per-line.txt")
HTML_PAGE = str(FIXTURES / "full-page.html")


@pytest.fixture(autouse=True)
def locations():
    for name in ("Alpharetta", "Jefferson", "Atlanta"):
        LocationFactory(name=name, slug=name.lower())


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err, no_color=True)
    return out.getvalue()


def test_imports_each_file_as_a_draft_and_reports_its_parts():
    output = run(EVENING, RETURNING, HTML_PAGE)
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    for expected in [
        "Created draft: Evening IOP: Treatment After the Workday",
        "Address: /articles/evening-iop-treatment-after-the-workday/",
        "Sections (8):",
        "    - Who the Evening Track Serves",
        "      - Group Work",
        "FAQs (3; 3 new, 0 already on the site):",
        "- Can I switch to mornings later? [new, unpublished, topic Imported]",
        "Client quotes (1), as unpublished testimonials without consent:",
        "— Former client, 2023 [new]",
        "Locations: Alpharetta",
        "Call-to-action left out: 📞 Call (470) 284-1834 to ask about the evening track in Alpharetta.",
        "every page already ends with the call box",
        "Created draft: Coming Back to IOP After Time Away",
        "Locations: Atlanta, Jefferson",
        "Created draft: When Anxiety and Substance Use Feed Each Other",
        "3 of 3 file(s) imported.",
    ]:
        assert expected in output, expected


def test_a_title_from_the_first_sentence_is_flagged():
    output = run(str(FIXTURES / "missing-title.txt"))
    assert "Created draft: Asking for help can feel like admitting defeat" in output
    assert "The title was taken from the first sentence: confirm it." in output


def test_dry_run_reports_but_saves_nothing():
    output = run("--dry-run", EVENING)
    assert "Would create draft: Evening IOP: Treatment After the Workday" in output
    assert "FAQs (3; 3 new" in output
    assert "1 of 1 file(s) checked (dry run: nothing was saved)." in output
    assert Article.objects.count() == 0
    assert FAQ.objects.count() == 0
    assert Testimonial.objects.count() == 0


def test_publish_publishes_articles_and_their_new_faqs_but_not_testimonials():
    output = run("--publish", EVENING)
    assert "Created published article: Evening IOP" in output
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_public
    assert FAQ.objects.filter(is_published=False).count() == 0
    assert Testimonial.objects.get().is_published is False


def test_running_again_updates_the_same_articles():
    run(EVENING, RETURNING)
    output = run(EVENING, RETURNING)
    assert "Updated draft: Evening IOP: Treatment After the Workday" in output
    assert Article.objects.count() == 2
    assert FAQ.objects.count() == 6
    assert Testimonial.objects.count() == 1


def test_failed_files_change_nothing_the_others_import_and_the_exit_status_is_not_zero(tmp_path):
    empty = FIXTURES / "empty.txt"
    latin = FIXTURES / "windows-1252.txt"
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Big\n\n" + b"x" * (20 * 1024 * 1024))
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_articles",
            str(empty),
            EVENING,
            str(latin),
            str(huge),
            str(tmp_path / "missing.txt"),
            str(tmp_path),
            stdout=out,
            no_color=True,
        )
    assert failure.value.returncode == 1
    assert "1 of 6 file(s) imported. 5 failed and changed nothing" in str(failure.value)
    output = out.getvalue()
    assert "Failed: The file is empty. Nothing was saved for this file." in output
    assert "Failed: The file is not UTF-8 text" in output
    assert "Failed: The file is 20.0 MB; the limit is 2.0 MB per file." in output
    assert "Failed: The file could not be opened: No such file or directory." in output
    assert "Failed: This is a folder." in output
    assert list(Article.objects.values_list("title", flat=True)) == [
        "Evening IOP: Treatment After the Workday"
    ]


def test_a_published_article_is_reported_and_left_alone():
    run("--publish", EVENING)
    with pytest.raises(CommandError):
        run(EVENING)
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_two_files_with_the_same_title_in_one_batch_are_pointed_out(tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(Path(EVENING).read_bytes())
    output = run(EVENING, str(copy))
    assert "has the same title, so this file updates the same article" in output
    assert Article.objects.count() == 1


def test_a_file_whose_name_is_not_utf8_is_imported_and_named_readably(tmp_path):
    """Files unpacked from another system's archive may have names in another encoding: the
    name arrives with its odd bytes escaped, which the database refused (the article's history
    records the name), so the file failed with a traceback in the log."""
    path = Path(os.fsdecode(bytes(tmp_path) + b"/r\xe9sum\xe9 of the evening track.txt"))
    path.write_bytes(Path(EVENING).read_bytes())
    output = run(str(path))
    assert Article.objects.count() == 1
    assert "r\ufffdsum\ufffd of the evening track.txt" in output
    assert "\udce9" not in output
    assert "Created draft: Evening IOP: Treatment After the Workday" in output
