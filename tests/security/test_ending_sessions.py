"""`manage.py end_staff_sessions`: everyone signed out at once, after a restore, a departure or a
suspected break-in (docs/security.md, "Ending sessions"), in whichever session store is used."""

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from articles.models import PreviewLink
from tests.factories import ArticleFactory, StaffFactory
from tests.security.test_admin_access import break_glass, sign_in

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")


def end_sessions(*args):
    out = io.StringIO()
    call_command("end_staff_sessions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def signed_in(username):
    client = Client()
    client.force_login(StaffFactory(username=username))
    assert client.get(ADMIN).status_code == 200
    return client


def still_signed_in(client):
    return client.get(ADMIN).status_code == 200


def test_every_staff_member_is_signed_out_and_told_in_their_history():
    alex, dana, dana_on_her_phone = signed_in("alex"), signed_in("dana"), signed_in("dana")
    visitor = SessionStore()  # a session nobody signed in to holds nothing to end
    visitor["seen"] = True
    visitor.create()

    output = end_sessions("--reason", "restored the backup of Monday")

    assert "Signed out 2 accounts (3 sessions): alex, dana." in output
    assert "Active staff accounts: alex, dana." in output
    assert not any(still_signed_in(client) for client in (alex, dana, dana_on_her_phone))
    assert SessionStore(visitor.session_key).exists(visitor.session_key)
    entries = LogEntry.objects.filter(change_message__startswith="Signed out on the server by")
    assert sorted(entry.object_repr for entry in entries) == ["alex", "dana"]
    assert (
        "2 sessions ended. Reason: restored the backup of Monday"
        in entries.get(object_repr="dana").change_message
    )

    assert "Nobody was signed in: no session to end." in end_sessions()


def test_only_the_named_accounts_are_signed_out():
    alex, dana, sam = signed_in("alex"), signed_in("dana"), signed_in("sam")
    assert "Signed out 2 accounts (2 sessions): dana, sam." in end_sessions("--user", "dana", "--user", "sam")
    assert still_signed_in(alex)
    assert not still_signed_in(dana) and not still_signed_in(sam)


def test_signing_out_someone_whose_account_is_still_active_says_they_can_sign_in_again():
    """Run for someone who left before their account was deactivated, the command said only
    "Done.", and the administrator took them for gone: they could sign in again at once."""
    signed_in("dana"), signed_in("sam")
    output = end_sessions("--user", "dana", "--user", "sam")
    assert (
        "dana, sam can still sign in again: the accounts are active. For anyone among them who has "
        "left, untick Active on their account under Users." in output
    )
    get_user_model().objects.filter(username="sam").update(is_active=False)
    output = end_sessions("--user", "dana", "--user", "sam")
    assert "dana can still sign in again: the account is active. If they have left, untick Active" in output
    assert "sam can still" not in output
    get_user_model().objects.filter(username="dana").update(is_active=False)
    assert "can still sign in again" not in end_sessions("--user", "dana", "--user", "sam")
    assert "can still sign in again" not in end_sessions()


def test_a_user_name_that_does_not_exist_signs_nobody_out():
    alex = signed_in("alex")
    with pytest.raises(CommandError, match="There is no user 'dnaa': nobody was signed out"):
        end_sessions("--user", "alex", "--user", "dnaa")
    assert still_signed_in(alex)
    assert not LogEntry.objects.exists()


def test_unused_break_glass_codes_are_removed(client, settings):
    from django_otp.plugins.otp_static.models import StaticDevice

    settings.ADMIN_REQUIRE_OTP = True
    StaffFactory(username="dana")
    code = re.search(r"One-time code for dana: (\w+)", break_glass("dana")).group(1)

    output = end_sessions()
    assert "Removed 1 break-glass code (dana)." in output
    assert not StaticDevice.objects.exists()
    assert sign_in(client, "dana", code=code).status_code == 200  # refused
    assert not still_signed_in(client)
    assert LogEntry.objects.filter(change_message__contains="1 break-glass code removed").exists()


def test_a_second_step_session_is_ended_too(client, settings):
    from tests.security.test_admin_access import authenticator, totp_code

    settings.ADMIN_REQUIRE_OTP = True
    dana = StaffFactory(username="dana")
    assert sign_in(client, "dana", code=totp_code(authenticator(dana))).status_code == 302
    assert still_signed_in(client)
    end_sessions()
    assert not still_signed_in(client)


def test_shared_preview_links_are_revoked_only_when_asked(client):
    alex, dana = StaffFactory(username="alex"), StaffFactory(username="dana")
    by_alex = PreviewLink.objects.create(article=ArticleFactory(draft=True), created_by=alex)
    by_dana = PreviewLink.objects.create(article=ArticleFactory(draft=True), created_by=dana)

    assert "2 shared preview links still work; --revoke-preview-links ends them." in end_sessions()
    assert client.get(by_alex.get_absolute_url()).status_code == 200

    assert "Revoked 1 shared preview link." in end_sessions("--user", "dana", "--revoke-preview-links")
    assert client.get(by_alex.get_absolute_url()).status_code == 200
    assert client.get(by_dana.get_absolute_url()).status_code == 404

    assert "Revoked 1 shared preview link." in end_sessions("--revoke-preview-links")
    assert client.get(by_alex.get_absolute_url()).status_code == 404
    assert list(PreviewLink.objects.values_list("revoked", flat=True)) == [True, True]


def test_sessions_in_the_database_behind_the_cache_are_ended_in_both(settings):
    from django.contrib.sessions.backends.cached_db import SessionStore as CachedSessionStore
    from django.core.cache import caches

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    dana = signed_in("dana")
    cache_key = CachedSessionStore(dana.session.session_key).cache_key
    cache = caches[settings.SESSION_CACHE_ALIAS]
    assert cache.get(cache_key) is not None

    assert "Signed out 1 account (1 session): dana." in end_sessions()
    assert cache.get(cache_key) is None
    assert not still_signed_in(dana)


def test_sessions_in_files_are_ended(settings, tmp_path):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.file"
    settings.SESSION_FILE_PATH = str(tmp_path)
    dana = signed_in("dana")
    assert list(tmp_path.iterdir())

    assert "Signed out 1 account (1 session): dana." in end_sessions()
    assert not list(tmp_path.iterdir())
    assert not still_signed_in(dana)


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db", "file"]
)
def test_expired_sessions_are_removed_at_each_sign_in(settings, tmp_path, engine, monkeypatch):
    """Django never deletes a session whose time is up (only `clearsessions` does): left alone,
    the table grows with every sign-in there ever was. Each sign-in removes the expired ones, and
    only those."""
    import os
    import time

    from django.utils import timezone

    from tests.security.test_admin_access import PASSWORD

    if engine == "file":
        from django.contrib.sessions.backends.file import SessionStore as FileStore

        engine = "django.contrib.sessions.backends.file"
        settings.SESSION_FILE_PATH = str(tmp_path)
        # Django keeps the folder it read first on the class: this test's, then the next test's.
        monkeypatch.setattr(FileStore, "_storage_path", str(tmp_path), raising=False)
    settings.SESSION_ENGINE = engine
    store = __import__(engine, fromlist=["SessionStore"]).SessionStore
    prefix = settings.SESSION_COOKIE_NAME

    def kept():
        if engine.endswith("file"):
            return {path.name.removeprefix(prefix) for path in tmp_path.iterdir()}
        return set(store.get_model_class().objects.values_list("session_key", flat=True))

    def expire(key):
        """As if `key` had been written SESSION_COOKIE_AGE and a minute ago."""
        if engine.endswith("file"):
            then = time.time() - settings.SESSION_COOKIE_AGE - 60
            os.utime(tmp_path / f"{prefix}{key}", (then, then))
        else:
            gone = timezone.now() - timezone.timedelta(minutes=1)
            store.get_model_class().objects.filter(session_key=key).update(expire_date=gone)

    old_editor = signed_in("dana").session.session_key
    recent = signed_in("erin").session.session_key  # not expired: kept
    left_over = store()
    left_over["something"] = "kept by an anonymous request"
    left_over.create()
    for key in (old_editor, left_over.session_key):
        expire(key)
    assert kept() == {old_editor, left_over.session_key, recent}

    StaffFactory(username="sam")
    client = Client()
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    assert kept() == {recent, client.session.session_key}
    assert client.get(ADMIN).status_code == 200


def test_a_sign_in_goes_on_when_expired_sessions_cannot_be_removed(settings, caplog):
    """The clean-up at each sign-in is a chore of the site's, not the person's: when the database
    refuses its DELETE, the sign-in still succeeds (on PostgreSQL the failed statement must not
    leave the sign-in's transaction unusable, where the new session is written next), the expired
    sessions stay for the next sign-in, and the log says so. The refusal is the database's own: a
    trigger that rejects deleting a session row, as a lock or a permission would."""
    from django.db import connection
    from django.utils import timezone

    from tests.security.test_admin_access import PASSWORD

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    expired = signed_in("dana").session.session_key
    SessionStore.get_model_class().objects.filter(session_key=expired).update(
        expire_date=timezone.now() - timezone.timedelta(minutes=1)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_session_delete() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'session rows are not deleted here'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_session_delete BEFORE DELETE ON django_session "
                "FOR EACH ROW EXECUTE FUNCTION refuse_session_delete()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_session_delete BEFORE DELETE ON django_session "
                "BEGIN SELECT RAISE(ABORT, 'session rows are not deleted here'); END"
            )

    StaffFactory(username="sam")
    client = Client()
    caplog.set_level("WARNING", logger="carter_site.security")
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    assert client.get(ADMIN).status_code == 200  # signed in, with the session just written
    assert SessionStore.get_model_class().objects.filter(session_key=expired).exists()
    refused = [
        record for record in caplog.records if getattr(record, "event", "") == "expired_sessions_not_removed"
    ]
    assert len(refused) == 1
    assert refused[0].getMessage().startswith("Expired sessions could not be removed at a sign-in (")
    assert "session rows are not deleted here" not in refused[0].getMessage()


@pytest.mark.parametrize(
    "engine, sentence",
    [
        ("signed_cookies", "Sessions are kept in the browsers' own cookies"),
        ("cache", "Sessions are kept where they cannot be listed"),
    ],
)
def test_a_session_store_that_cannot_be_listed_is_refused_before_anything_changes(settings, engine, sentence):
    from django_otp.plugins.otp_static.models import StaticDevice

    StaffFactory(username="dana")
    break_glass("dana")
    link = PreviewLink.objects.create(article=ArticleFactory(draft=True))
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"

    with pytest.raises(CommandError, match=f"{sentence}.*: nobody was signed out"):
        end_sessions("--revoke-preview-links")
    assert StaticDevice.objects.exists()
    link.refresh_from_db()
    assert link.is_active


def test_an_editor_signed_out_while_editing_is_told_the_change_was_not_saved(settings):
    """A sign-in ends SESSION_COOKIE_AGE after it began, however busy the editor is: the form they
    then save lands on the sign-in page, which says their change was not saved."""
    from tests.admin_forms import admin_form_data

    settings.SESSION_COOKIE_AGE = 10 * 60 * 60
    article = ArticleFactory(title="Coming back after a break")
    editor = Client()
    editor.force_login(StaffFactory(username="sam"))
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**admin_form_data(editor.get(url)), "title": "Coming back after a long break"}
    SessionStore(session_key=editor.session.session_key).delete()  # the session ran out

    response = editor.post(url, data, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    said = [str(message) for message in response.context["messages"]]
    assert said == [
        "You were signed out before this was sent (a sign-in lasts 10 hours), so the change you were "
        "saving was not saved. Sign in again, open the page again and make the change again."
    ]
    article.refresh_from_db()
    assert article.title == "Coming back after a break"
    # Only a form being sent: opening a page after the session ran out is the usual sign-in page.
    response = Client().get(url, follow=True)
    assert not list(response.context["messages"])
