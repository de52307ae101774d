"""*Uploaded pictures* with years of history: which uploads earlier versions use is found without
reading every version at every visit, and found as surely as before.

The page read each version's whole serialized data (every text, as often as it was saved) to
find the pictures earlier versions show. Each version's names are now kept as it is saved
(carter_site.media_usage, NameInVersion). Versions here are real django-reversion versions,
many of them copies bulk-inserted, as a database restored from years of editing holds them."""

import io
import re

import pytest
import reversion
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from articles.models import Article
from carter_site.media_usage import read_names_in_versions, usage
from carter_site.models import NameInVersion, NamesInVersionsRead
from tests.factories import ArticleFactory, LocationFactory
from tests.seo.helpers import parse, text
from tests.site.test_unused_uploads import UPLOADS, store
from tests.versions import copies_of_latest_version

pytestmark = pytest.mark.django_db

OLD_SIGN = "editor/2026/11/05/old-sign.png"


def an_article_whose_first_version_showed(name, later_versions):
    article = ArticleFactory(body=f'<p>Old.</p><img src="/media/{name}" alt="The old sign">')
    with reversion.create_revision():
        article.save()
    article.body = "<p>New, without the sign.</p>"
    with reversion.create_revision():
        article.save()
    copies_of_latest_version(article, later_versions)
    return article


def sections(response):
    page = parse(response.content.decode())
    return {
        name: [text(cell) for cell in page.iterfind(f".//section[@id='uploads-{name}']//td[@class='name']")]
        for name in ("unused", "history", "in-use")
    }


def visit(client):
    """The page, and the queries it asked that read versions' serialized data."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(UPLOADS)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries if "serialized_data" in query["sql"]]


def test_a_picture_only_the_first_of_two_thousand_versions_shows_is_still_used_by_an_earlier_version(
    staff_client,
):
    store(OLD_SIGN)
    unused = store("editor/2026/11/06/never-shown.png")
    an_article_whose_first_version_showed(OLD_SIGN, later_versions=1000)
    location = LocationFactory()
    with reversion.create_revision():
        location.save()
    copies_of_latest_version(location, 1000)

    first, _ = visit(staff_client)
    assert sections(first) == {"unused": [unused], "history": [OLD_SIGN], "in-use": []}
    again, read = visit(staff_client)
    assert sections(again) == sections(first)
    # The only versions read are those saved since the last visit (none), found by their id.
    [query] = read
    assert re.search(rf'"reversion_version"\."id" > {Version.objects.latest("pk").pk}\b', query)


def test_versions_saved_since_the_last_visit_are_read_and_remembered(staff_client):
    """Versions inserted around django-reversion (no signal) are read at the next visit, and
    only those."""
    visit(staff_client)
    store(OLD_SIGN)
    an_article_whose_first_version_showed(OLD_SIGN, later_versions=50)
    newest = Version.objects.latest("pk").pk
    assert NamesInVersionsRead.objects.get().up_to < newest

    assert sections(visit(staff_client)[0])["history"] == [OLD_SIGN]
    assert NamesInVersionsRead.objects.get().up_to == newest


def test_the_page_asks_as_many_queries_for_two_thousand_versions_as_for_two(staff_client):
    def queries(later_versions, name):
        store(name)
        an_article_whose_first_version_showed(name, later_versions)
        visit(staff_client)  # reads the versions inserted around django-reversion
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(UPLOADS)
        assert name in sections(response)["history"]
        return len(captured)

    few = queries(0, "editor/2026/11/05/a.png")
    assert queries(2000, "editor/2026/11/05/b.png") == few


def test_a_version_saved_through_django_reversion_has_its_names_kept_as_it_is_saved():
    store(OLD_SIGN)
    article = ArticleFactory(body=f'<p><img src="/media/{OLD_SIGN}" alt="The old sign"></p>')
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    assert NameInVersion.objects.filter(version=version).exists()
    assert OLD_SIGN in usage_places_in_history()


def usage_places_in_history():
    from django.core.files.storage import default_storage

    found = usage(default_storage)
    return {file.name for file in found.only_in_history} | {file.name for file in found.in_use}


def test_a_picture_field_of_an_earlier_version_keeps_its_picture(staff_client):
    photo = store("locations/2026/10/old-entrance.png")
    location = LocationFactory()
    location.photo.name = photo
    location.photo_alt = "The old entrance"
    with reversion.create_revision():
        location.save()
    location.photo = None
    with reversion.create_revision():
        location.save()
    copies_of_latest_version(location, 300)
    assert sections(visit(staff_client)[0])["history"] == [photo]


def test_when_the_uploads_addresses_change_every_version_is_read_again(staff_client, settings):
    store(OLD_SIGN)
    settings.MEDIA_URL = "/uploads/"  # where uploads were when the article was written
    article = ArticleFactory(body=f'<p><img src="/uploads/{OLD_SIGN}" alt="The old sign"></p>')
    with reversion.create_revision():
        article.save()
    article.body = "<p>New.</p>"
    article.save()
    assert sections(visit(staff_client)[0])["history"] == [OLD_SIGN]
    assert NamesInVersionsRead.objects.get().rules == "/uploads/"

    settings.MEDIA_URL = "/media/"
    assert sections(visit(staff_client)[0])["history"] == []  # /uploads/ is not where uploads are now
    assert NamesInVersionsRead.objects.get().rules == "/media/"


def test_deleting_a_version_forgets_its_names(staff_client):
    store(OLD_SIGN)
    article = an_article_whose_first_version_showed(OLD_SIGN, later_versions=3)
    assert sections(visit(staff_client)[0])["history"] == [OLD_SIGN]
    Version.objects.get_for_object(article).order_by("pk").first().revision.delete()
    assert sections(visit(staff_client)[0])["history"] == []
    assert sections(visit(staff_client)[0])["unused"] == [OLD_SIGN]


def test_reading_again_finds_the_same_names():
    store(OLD_SIGN)
    an_article_whose_first_version_showed(OLD_SIGN, later_versions=20)
    from django.core.files.storage import default_storage

    read_names_in_versions(default_storage)
    kept = set(NameInVersion.objects.values_list("version_id", "digest"))
    read_names_in_versions(default_storage, again=True)
    assert set(NameInVersion.objects.values_list("version_id", "digest")) == kept


def test_versions_changed_in_the_database_by_hand_are_read_again_on_request(staff_client):
    """An update of a version's data sends no signal: `unused_uploads --read-history-again`."""
    store(OLD_SIGN)
    article = an_article_whose_first_version_showed("editor/2026/11/05/other.png", later_versions=2)
    first = Version.objects.get_for_object(article).order_by("pk").first()
    visit(staff_client)
    Version.objects.filter(pk=first.pk).update(
        serialized_data=first.serialized_data.replace("other.png", "old-sign.png")
    )
    assert sections(visit(staff_client)[0])["history"] == []

    out = io.StringIO()
    call_command("unused_uploads", "--read-history-again", stdout=out)
    assert "1 used only by earlier versions" in out.getvalue()
    assert sections(visit(staff_client)[0])["history"] == [OLD_SIGN]


@pytest.mark.django_db(transaction=True)
def test_upgrading_reads_the_names_of_the_versions_saved_before():
    """The migration that keeps versions' names reads those of the versions already saved, so the
    first visit after an upgrade finds what they use without reading every version itself."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        MigrationExecutor(connection).migrate(targets)

    store(OLD_SIGN)
    migrate([("carter_site", "0007_review_requests_in_roles")])
    try:
        article = ArticleFactory(body="<p>New.</p>")
        old = MigrationExecutor(connection).loader.project_state(
            ("carter_site", "0007_review_requests_in_roles")
        )
        revision = old.apps.get_model("reversion", "Revision").objects.create(date_created=article.created_at)
        old.apps.get_model("reversion", "Version").objects.create(
            revision_id=revision.pk,
            object_id=str(article.pk),
            content_type_id=ContentType.objects.get_for_model(Article).pk,
            db="default",
            format="json",
            serialized_data=f'[{{"model": "articles.article", "pk": {article.pk}, '
            f'"fields": {{"body": "<img src=\\"/media/{OLD_SIGN}\\">"}}}}]',
            object_repr=str(article),
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    version = Version.objects.get(object_id=str(article.pk))
    assert NameInVersion.objects.filter(version=version).exists()  # read by the migration
    assert NamesInVersionsRead.objects.get().up_to == version.pk
    assert OLD_SIGN in {file.name for file in usage(default_storage).only_in_history}
