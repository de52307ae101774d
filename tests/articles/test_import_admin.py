"""The admin's "Import articles" page: upload, preview, confirm; and who may use it."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.forms import make_payload
from articles.importing import Source
from articles.models import Article
from faqs.models import FAQ
from testimonials.models import Testimonial
from tests.factories import ArticleFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importing"
IMPORT_URL = reverse("admin:articles_article_import")
CHANGELIST_URL = reverse("admin:articles_article_changelist")


def upload(name, data=None):
    content = (FIXTURES / name).read_bytes() if data is None else data
    return SimpleUploadedFile(name, content, content_type="text/plain")


def payload_of(response):
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    return unescape(match.group(1)) if match else None


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def locations():
    return [LocationFactory(name=name, slug=name.lower()) for name in ("Alpharetta", "Jefferson", "Atlanta")]


@pytest.fixture
def viewer_client(client):
    """Staff who may look at articles but not add them."""
    user = UserFactory(username="viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    return client


def test_the_article_list_has_an_import_button(staff_client):
    html = staff_client.get(CHANGELIST_URL).content.decode()
    assert f'<a href="{IMPORT_URL}" class="addlink">Import articles</a>' in html


def test_the_import_page_explains_the_format_and_offers_an_upload(staff_client):
    response = staff_client.get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Import articles" in html
    assert 'type="file" name="files"' in html
    assert "multiple" in html
    assert "up to 2.0 MB each" in html


def test_upload_preview_and_confirm_create_drafts(staff_client, locations):
    response = staff_client.post(
        IMPORT_URL,
        {
            "files": [
                upload("repeated-title-blank-lines.txt"),
                upload("full-page.html"),
                upload("missing-title.txt"),
            ]
        },
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    # The preview shows what each file becomes, and nothing is saved yet.
    for expected in [
        "Preview: nothing has been saved yet",
        "Would create the draft “Evening IOP: Treatment After the Workday”",
        "/articles/evening-iop-treatment-after-the-workday/",
        "Group Work",
        "Can I switch to mornings later?",
        "“I came in thinking I would hide at the back of the room.",
        "— Former client, 2023",
        "Alpharetta",
        "📞 Call (470) 284-1834 to ask about the evening track in Alpharetta.",
        "every page already ends with the call box",
        "Would create the draft “When Anxiety and Substance Use Feed Each Other”",
        "Former client, 2022",  # Atlanta is the testimonial's location
        "taken from the first sentence: confirm or change it",
        "Import 3 files as drafts",
    ]:
        assert expected in html, expected
    assert Article.objects.count() == 0
    assert FAQ.objects.count() == 0

    confirmed = staff_client.post(IMPORT_URL, {"payload": payload_of(response)}, follow=True)
    assert confirmed.redirect_chain[-1] == (CHANGELIST_URL, 302)
    assert set(Article.objects.values_list("title", "status")) == {
        ("Evening IOP: Treatment After the Workday", "draft"),
        ("When Anxiety and Substance Use Feed Each Other", "draft"),
        ("Asking for help can feel like admitting defeat", "draft"),
    }
    assert FAQ.objects.count() == 5
    assert Testimonial.objects.filter(is_published=False, consent_on_file=False).count() == 2
    messages = messages_of(confirmed)
    evening = Article.objects.get(slug="evening-iop-treatment-after-the-workday")
    assert any(
        "repeated-title-blank-lines.txt: imported as the draft" in message
        and reverse("admin:articles_article_change", args=[evening.pk]) in message
        for message in messages
    )
    assert any("the title was taken from the file's first sentence" in message for message in messages)
    assert any("saved unpublished" in message for message in messages)
    entry = LogEntry.objects.get(object_id=str(evening.pk))
    assert entry.action_flag == ADDITION
    assert entry.get_change_message() == "Imported from repeated-title-blank-lines.txt."


def test_bad_files_are_reported_one_by_one_and_the_good_ones_still_import(staff_client):
    response = staff_client.post(
        IMPORT_URL,
        {
            "files": [
                upload("empty.txt"),
                upload("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00"),
                upload("windows-1252.txt"),
                upload("starts-with-a-list.txt"),
                upload("huge.txt", b"Huge\n\n" + b"x" * (20 * 1024 * 1024)),
                upload("one-paragraph-per-line.txt"),
            ]
        },
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "The file is empty. Nothing will be saved for this file." in html
    assert "This is not a text file" in html
    assert "The file is not UTF-8 text" in html
    assert "No recognisable title" in html
    assert "The file is 20.0 MB; the limit is 2.0 MB per file." in html
    assert "Import 1 file as draft" in html

    staff_client.post(IMPORT_URL, {"payload": payload_of(response)})
    assert list(Article.objects.values_list("title", flat=True)) == ["Coming Back to IOP After Time Away"]


def test_when_no_file_can_be_imported_there_is_nothing_to_confirm(staff_client):
    response = staff_client.post(IMPORT_URL, {"files": [upload("empty.txt")]})
    html = response.content.decode()
    assert "None of these files can be imported" in html
    assert payload_of(response) is None


def test_submitting_without_a_file_asks_for_one(staff_client):
    response = staff_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_a_changed_preview_is_refused_and_nothing_is_saved(staff_client):
    response = staff_client.post(IMPORT_URL, {"files": [upload("missing-title.txt")]})
    payload = payload_of(response)
    tampered = payload[:-3] + ("aaa" if not payload.endswith("aaa") else "bbb")
    refused = staff_client.post(IMPORT_URL, {"payload": tampered}, follow=True)
    assert refused.redirect_chain[-1] == (IMPORT_URL, 302)
    assert "The preview could not be verified. Upload the files again." in messages_of(refused)
    assert Article.objects.count() == 0


def test_a_preview_made_for_someone_else_is_refused(staff_client):
    other = UserFactory(username="someone-else", is_staff=True, is_superuser=True)
    payload = make_payload(other, [Source(name="a.txt", text="A Title\n\nSome text.\n", format="text")])
    staff_client.post(IMPORT_URL, {"payload": payload})
    assert Article.objects.count() == 0


def test_an_article_published_between_preview_and_confirm_is_left_alone(staff_client):
    response = staff_client.post(IMPORT_URL, {"files": [upload("missing-title.txt")]})
    live = ArticleFactory(
        title="Asking for help can feel like admitting defeat",
        slug="asking-for-help-can-feel-like-admitting-defeat",
        body="<p>Live text.</p>",
    )
    confirmed = staff_client.post(IMPORT_URL, {"payload": payload_of(response)}, follow=True)
    assert any("already published" in message for message in messages_of(confirmed))
    live.refresh_from_db()
    assert live.body == "<p>Live text.</p>"


def test_staff_without_permission_to_add_articles_get_403_and_no_button(viewer_client):
    assert viewer_client.get(IMPORT_URL).status_code == 403
    response = viewer_client.post(IMPORT_URL, {"files": [upload("missing-title.txt")]})
    assert response.status_code == 403
    assert viewer_client.post(IMPORT_URL, {"payload": "anything"}).status_code == 403
    assert Article.objects.count() == 0
    changelist = viewer_client.get(CHANGELIST_URL)
    assert changelist.status_code == 200
    assert "Import articles" not in changelist.content.decode()


def test_staff_with_only_the_add_permission_may_import(client):
    user = UserFactory(username="writer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(user)
    response = client.post(IMPORT_URL, {"files": [upload("hard-wrapped-lines.txt")]})
    assert response.status_code == 200
    client.post(IMPORT_URL, {"payload": payload_of(response)})
    assert Article.objects.get().title == "Sleep in Early Recovery"


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_confirmed_import_is_a_version_in_the_articles_history(staff_client):
    reversion = pytest.importorskip("reversion")
    if not reversion.is_registered(Article):
        pytest.skip("articles have no version history in this project")
    from reversion.models import Version

    response = staff_client.post(IMPORT_URL, {"files": [upload("hard-wrapped-lines.txt")]})
    staff_client.post(IMPORT_URL, {"payload": payload_of(response)})
    [version] = Version.objects.get_for_object(Article.objects.get())
    assert version.revision.comment == "Imported from hard-wrapped-lines.txt"
    assert version.revision.user.username == "editor"


def test_files_that_would_not_fit_in_the_confirmation_are_sent_to_another_batch(staff_client, settings):
    # The signed text must fit in what Django accepts in a POST (less 64 kB for the rest).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 + 1000
    response = staff_client.post(
        IMPORT_URL, {"files": [upload("hard-wrapped-lines.txt"), upload("repeated-title-blank-lines.txt")]}
    )
    html = unescape(response.content.decode())
    assert "too much text in this batch to carry to the confirmation" in html
    assert "Import 1 file as draft" in html
    staff_client.post(IMPORT_URL, {"payload": payload_of(response)})
    assert list(Article.objects.values_list("title", flat=True)) == ["Sleep in Early Recovery"]
