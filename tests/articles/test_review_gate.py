"""The site setting "Publishing needs a current clinical review" (docs/editorial-workflow.md,
"When publishing needs a current clinical review"): with it on, no article goes public or
scheduled, and no public article's words change, unless a clinician's review of those words is
recorded. Through the admin's own forms, as an editor's browser posts them."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Clinician
from carter_site.models import SiteSettings
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, edit_in_admin, signed_in, signed_in_as_clinician
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REVIEW_DAY = dt.date(2026, 3, 2)


@pytest.fixture
def rule_on():
    SiteSettings.objects.create(publishing_needs_review=True)


@pytest.fixture
def editor():
    return signed_in(MARKETING_EDITORS, "sam")


@pytest.fixture
def clinician():
    return Clinician.objects.create(name="Dana Reyes", credentials="LPC")


def reviewed(clinician, **fields):
    article = ArticleFactory(**fields)
    article.record_review(clinician, REVIEW_DAY)
    article.save()
    return article


def post(client, article, **changes):
    data = {**admin_form_data(client.get(change_url(article))), **changes}
    return client.post(change_url(article), data)


def form_errors(response):
    assert response.status_code == 200, "the save was not refused"
    return response.context["adminform"].form.errors


def published(when="now"):
    moment = timezone.localtime() + (dt.timedelta(days=3) if when == "later" else dt.timedelta())
    return {
        "status": "published",
        "published_at_0": moment.date().isoformat(),
        "published_at_1": moment.strftime("%H:%M"),
    }


def test_the_publishing_section_of_the_form_says_the_rule_only_when_it_is_on(editor):
    article = ArticleFactory(draft=True)
    note = "On this site, publishing needs a current clinical review"
    assert note not in editor.get(change_url(article)).content.decode()
    SiteSettings.objects.create(publishing_needs_review=True)
    assert note in editor.get(change_url(article)).content.decode()
    assert note in editor.get(reverse("admin:articles_article_add")).content.decode()


# --- Making an article public ---------------------------------------------------------------


def test_with_the_rule_off_an_editor_publishes_an_unreviewed_draft_as_before(editor):
    draft = ArticleFactory(draft=True)
    assert post(editor, draft, **published()).status_code == 302
    draft.refresh_from_db()
    assert draft.is_public


@pytest.mark.parametrize("when", ["now", "later"])
def test_an_unreviewed_draft_cannot_be_published_or_scheduled_and_the_form_says_what_to_do(
    rule_on, editor, when
):
    draft = ArticleFactory(draft=True, body="<p>Words nobody reviewed.</p>")
    response = post(editor, draft, body="<p>Words nobody reviewed, changed.</p>", **published(when))
    [error] = form_errors(response)["status"]
    assert "This site publishes only articles whose clinical review is current" in error
    assert "no clinician has reviewed it" in error
    assert "“Ask for clinical review”" in error
    draft.refresh_from_db()  # nothing saved: neither the status nor the words
    assert (draft.status, draft.body) == (Article.Status.DRAFT, "<p>Words nobody reviewed.</p>")
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_a_draft_whose_review_is_out_of_date_cannot_be_published_and_the_reviewer_is_named(
    rule_on, editor, clinician
):
    draft = reviewed(clinician, draft=True)
    Article.objects.filter(pk=draft.pk).update(body="<p>Edited after the review.</p>")
    [error] = form_errors(post(editor, draft, **published()))["status"]
    assert "Dana Reyes, LPC's review (March 2, 2026) is of other words" in error
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


def test_a_new_article_cannot_be_added_as_published(rule_on, editor):
    from tests.admin_forms import article_form_data

    now = timezone.localtime()
    data = article_form_data(
        status="published", published_at_0=now.date().isoformat(), published_at_1=now.strftime("%H:%M")
    )
    response = editor.post(reverse("admin:articles_article_add"), data)
    assert "no clinician has reviewed it" in form_errors(response)["status"][0]
    assert not Article.objects.exists()


@pytest.mark.parametrize("when", ["now", "later"])
def test_a_draft_whose_review_is_current_is_published_or_scheduled(rule_on, editor, clinician, when):
    draft = reviewed(clinician, draft=True)
    assert post(editor, draft, **published(when)).status_code == 302
    draft.refresh_from_db()
    assert draft.get_state() == (Article.State.LIVE if when == "now" else Article.State.SCHEDULED)


def test_an_expired_article_cannot_be_put_back_without_a_current_review(rule_on, editor):
    expired = ArticleFactory(expired=True)
    response = post(editor, expired, expires_at_0="", expires_at_1="")
    assert "no clinician has reviewed it" in form_errors(response)["status"][0]
    assert Article.objects.get(pk=expired.pk).get_state() == Article.State.EXPIRED


# --- Changing the words of a public article -------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"body": "<p>You meet your therapist, the group and a nurse.</p>"},
        {"title": "A headline nobody reviewed"},
        {"summary": "A summary nobody reviewed."},
    ],
)
def test_the_words_of_a_live_article_cannot_change_without_a_new_review(rule_on, editor, clinician, change):
    article = reviewed(clinician)
    saved = Article.objects.values("title", "summary", "body").get(pk=article.pk)
    response = post(editor, article, **change)
    [error] = form_errors(response)["__all__"]
    assert error.startswith(
        "This article is live, and this site publishes only words a clinician has reviewed"
    )
    assert "set the status to Draft and save" in error
    assert Article.objects.values("title", "summary", "body").get(pk=article.pk) == saved
    assert Article.objects.get(pk=article.pk).review_is_current


def test_a_scheduled_article_keeps_its_reviewed_words_until_its_time(rule_on, editor, clinician):
    """An edit after the review would have made it go live with words nobody reviewed: refused."""
    article = reviewed(clinician, scheduled=True)
    [error] = form_errors(post(editor, article, body="<p>New, unreviewed words.</p>"))["__all__"]
    assert error.startswith("This article is scheduled for ")
    article.refresh_from_db()
    assert article.get_state() == Article.State.SCHEDULED
    assert article.review_is_current
    assert Article.objects.published(now=article.published_at).filter(pk=article.pk).exists()


def test_fields_outside_the_reviewed_words_stay_editable(rule_on, editor, clinician):
    article = reviewed(clinician)
    edit_in_admin(
        editor,
        article,
        seo_title="Your first week of IOP",
        meta_description="What the first week looks like.",
        author="Carter admissions team",
    )
    article.refresh_from_db()
    assert (article.seo_title, article.author) == ("Your first week of IOP", "Carter admissions team")
    assert article.is_public and article.review_is_current


def test_an_editor_may_take_a_live_article_off_the_site_with_new_words(rule_on, editor, clinician):
    article = reviewed(clinician)
    edit_in_admin(editor, article, status="draft", body="<p>Rewritten, for review.</p>")
    article.refresh_from_db()
    assert (article.status, article.body) == (Article.Status.DRAFT, "<p>Rewritten, for review.</p>")
    assert article.review_is_out_of_date


def test_a_site_administrator_changes_the_words_and_records_the_review_in_one_save(rule_on, clinician):
    article = reviewed(clinician)
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    today = timezone.localdate()
    edit_in_admin(admin, article, body="<p>Corrected with the clinician.</p>", reviewed_on=today.isoformat())
    article.refresh_from_db()
    assert article.body == "<p>Corrected with the clinician.</p>"
    assert (article.reviewed_on, article.review_is_current, article.is_public) == (today, True, True)


def test_a_site_administrator_who_keeps_the_old_review_cannot_change_the_words(rule_on, clinician):
    article = reviewed(clinician)
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    assert "__all__" in form_errors(post(admin, article, body="<p>Changed, not reviewed.</p>"))


# --- Articles published before the rule was switched on ------------------------------------


def test_a_live_article_published_before_the_rule_keeps_its_other_fields_editable(rule_on, editor):
    article = ArticleFactory()  # live, never reviewed
    edit_in_admin(editor, article, meta_description="A better description.")
    article.refresh_from_db()
    assert article.meta_description == "A better description." and article.is_public
    # Its words, though, change only with a review, as every public article's.
    assert "__all__" in form_errors(post(editor, article, body="<p>New words.</p>"))


def test_a_clinician_may_withdraw_their_review_of_a_live_article(rule_on, clinician):
    """Refusing would keep their name on words they no longer vouch for, and a clinician cannot
    unpublish: the withdrawal is saved, the article stays as it is."""
    article = reviewed(clinician)
    reviewer = signed_in_as_clinician(clinician, "dana")
    edit_in_admin(reviewer, article, reviewed_by="", reviewed_on="")
    article.refresh_from_db()
    assert article.reviewed_by is None and article.is_public


# --- History: restoring and recovering ------------------------------------------------------


def test_restoring_an_older_wording_of_a_live_article_is_refused(rule_on, editor, clinician):
    article = ArticleFactory(body="<p>First wording.</p>")
    edit_in_admin(editor, article, meta_description="Versioned once.")  # a version of the first wording
    Article.objects.filter(pk=article.pk).update(body="<p>Second wording.</p>")
    article.refresh_from_db()
    article.record_review(clinician, REVIEW_DAY)
    article.save()
    first = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = editor.post(url, admin_form_data(editor.get(url)))
    assert "__all__" in form_errors(response)
    article.refresh_from_db()
    assert article.body == "<p>Second wording.</p>" and article.review_is_current


def test_recovering_a_deleted_unreviewed_article_as_published_is_refused(rule_on, editor):
    article = ArticleFactory(title="Deleted while live")
    edit_in_admin(editor, article, meta_description="Versioned.")
    version = Version.objects.get_for_object(article).first()
    editor.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.exists()
    url = reverse("admin:articles_article_recover", args=[version.pk])
    response = editor.post(url, admin_form_data(editor.get(url)))
    assert "no clinician has reviewed it" in form_errors(response)["status"][0]
    assert not Article.objects.exists()


# --- The bulk Publish action ----------------------------------------------------------------


def test_publishing_in_bulk_leaves_unreviewed_drafts_by_name_and_publishes_the_others(
    rule_on, editor, clinician
):
    ready = reviewed(clinician, draft=True, title="Reviewed and ready")
    unreviewed = ArticleFactory(draft=True, title="Never reviewed")
    stale = reviewed(clinician, draft=True, title="Edited after its review")
    Article.objects.filter(pk=stale.pk).update(body="<p>Edited after the review.</p>")
    already_live = ArticleFactory(title="Live before the rule")
    response = editor.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [str(a.pk) for a in (ready, unreviewed, stale, already_live)],
        },
        follow=True,
    )
    said = [str(message) for message in response.context["messages"]]
    assert "1 article is public now. 1 was published already." in said
    assert (
        "Left as drafts, this site publishing only articles whose clinical review is current: "
        "“Edited after its review”, “Never reviewed”." in said[-1]
    )
    states = dict(Article.objects.values_list("title", "status"))
    assert states == {
        "Reviewed and ready": "published",
        "Never reviewed": "draft",
        "Edited after its review": "draft",
        "Live before the rule": "published",
    }


def test_with_the_rule_off_publishing_in_bulk_publishes_unreviewed_drafts(editor):
    draft = ArticleFactory(draft=True)
    editor.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [str(draft.pk)]},
    )
    assert Article.objects.get(pk=draft.pk).is_public


# --- The importer ---------------------------------------------------------------------------


def test_importing_with_publish_is_refused_with_what_to_do_instead(rule_on, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    source = tmp_path / "coming-back.txt"
    source.write_text("Coming back to IOP\n\nYou can return after time away, without starting over.\n")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(source), "--publish", stdout=out, no_color=True)
    assert "import it without publishing, ask for a clinical review in the admin" in out.getvalue()
    assert not Article.objects.exists()
    call_command("import_articles", str(source), stdout=StringIO())  # as a draft, it is imported
    assert Article.objects.get().status == Article.Status.DRAFT


# --- The setting, and who changes it --------------------------------------------------------


def settings_form(client, **values):
    url = change_url(SiteSettings.objects.get())
    return url, {**admin_form_data(client.get(url)), **values}


def test_only_site_administrators_change_the_rule(editor):
    SiteSettings.objects.create()
    url, data = settings_form(editor, publishing_needs_review="on", phone_hours="Every day")
    assert "publishing_needs_review" not in editor.get(url).context["adminform"].form.fields
    assert editor.post(url, data).status_code == 302
    saved = SiteSettings.objects.get()
    assert (saved.phone_hours, saved.publishing_needs_review) == ("Every day", False)

    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    url, data = settings_form(admin, publishing_needs_review="on")
    assert admin.post(url, data).status_code == 302
    assert SiteSettings.objects.get().publishing_needs_review


def test_switching_the_rule_on_names_the_live_articles_it_leaves_as_they_are(clinician):
    SiteSettings.objects.create()
    reviewed(clinician, title="Reviewed and live")
    ArticleFactory(title="Live, never reviewed")
    stale = reviewed(clinician, title="Live, edited since")
    Article.objects.filter(pk=stale.pk).update(body="<p>Edited.</p>")
    ArticleFactory(scheduled=True, title="Scheduled, never reviewed")
    ArticleFactory(draft=True, title="A draft")
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    url, data = settings_form(admin, publishing_needs_review="on")
    response = admin.post(url, data, follow=True)
    said = [str(message) for message in response.context["messages"]]
    live = reverse("admin:articles_article_changelist") + "?state=live&amp;review=not_current"
    assert (
        "2 articles are on the site without a current clinical review: “Live, edited since”, “Live, never "
        f'reviewed”. Nothing was unpublished: the rule applies to what is published or changed from now on. <a href="{live}">'
        in " ".join(said)
    )
    assert Article.objects.published().count() == 3  # nothing unpublished
    # The link lists exactly those.
    listed = admin.get(
        reverse("admin:articles_article_changelist"), {"state": "live", "review": "not_current"}
    )
    assert sorted(a.title for a in listed.context["cl"].result_list) == [
        "Live, edited since",
        "Live, never reviewed",
    ]
    # Saving the settings again, the rule already on, says nothing more.
    url, data = settings_form(admin, phone_hours="Every day")
    said = [str(m) for m in admin.post(url, data, follow=True).context["messages"]]
    assert not any("without a current clinical review" in m for m in said)


def test_restoring_an_older_version_of_the_settings_keeps_the_rule(editor):
    SiteSettings.objects.create()
    edit_in_admin(editor, SiteSettings.objects.get(), phone_hours="Every day")
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    edit_in_admin(admin, SiteSettings.objects.get(), publishing_needs_review="on")
    first = Version.objects.get_for_object(SiteSettings.objects.get()).order_by("pk").first()
    url = reverse("admin:carter_site_sitesettings_revision", args=[1, first.pk])
    assert editor.post(url, admin_form_data(editor.get(url))).status_code == 302
    assert SiteSettings.objects.get().publishing_needs_review


# --- Switching the rule on: scheduled articles without a current review ---------------------
# An article scheduled while the rule was off would go live at its time without a review, with
# nobody in the admin to see it: switching the rule on takes it back to draft, in the same
# transaction as the setting, with a record in its history.

THREE_DAYS_ON = dt.timedelta(days=3, hours=1)  # past the factory's scheduled time


def switch_the_rule_on(admin):
    url, data = settings_form(admin, publishing_needs_review="on")
    return admin.post(url, data, follow=True)


def test_a_scheduled_article_without_a_review_does_not_go_live_once_the_rule_is_on():
    """The hole: scheduled while the rule was off, it went live at its time all the same."""
    SiteSettings.objects.create()
    article = ArticleFactory(scheduled=True, title="Scheduled, never reviewed")
    scheduled_for = article.published_at
    switch_the_rule_on(signed_in(SITE_ADMINISTRATORS, "ada"))
    assert not Article.objects.published(timezone.now() + THREE_DAYS_ON).filter(pk=article.pk).exists()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at == scheduled_for  # kept, to schedule it again once reviewed


def test_switching_the_rule_on_leaves_live_articles_drafts_and_reviewed_scheduled_ones_as_they_are(
    clinician,
):
    SiteSettings.objects.create()
    live_unreviewed = ArticleFactory(title="Live, never reviewed")
    live_reviewed = reviewed(clinician, title="Live and reviewed")
    scheduled_reviewed = reviewed(clinician, scheduled=True, title="Scheduled and reviewed")
    draft = ArticleFactory(draft=True, title="A draft")
    stale = reviewed(clinician, scheduled=True, title="Scheduled, edited since")
    Article.objects.filter(pk=stale.pk).update(body="<p>Edited after the review.</p>")
    untouched = [live_unreviewed, live_reviewed, scheduled_reviewed, draft]
    stamps = {article.pk: Article.objects.get(pk=article.pk).updated_at for article in untouched}

    switch_the_rule_on(signed_in(SITE_ADMINISTRATORS, "ada"))

    states = {article.title: article.get_state() for article in Article.objects.all()}
    assert states == {
        "Live, never reviewed": Article.State.LIVE,
        "Live and reviewed": Article.State.LIVE,
        "Scheduled and reviewed": Article.State.SCHEDULED,
        "A draft": Article.State.DRAFT,
        "Scheduled, edited since": Article.State.DRAFT,  # a review of other words is not current
    }
    for article in untouched:  # not saved at all: no new version, no new edit stamp
        assert Article.objects.get(pk=article.pk).updated_at == stamps[article.pk]
        assert (
            Version.objects.get_for_object(article).count()
            == Version.objects.get_for_object(Article.objects.get(pk=article.pk)).count()
        )
    later = timezone.now() + THREE_DAYS_ON
    assert set(Article.objects.published(later).values_list("title", flat=True)) == {
        "Live, never reviewed",
        "Live and reviewed",
        "Scheduled and reviewed",
    }


def test_switching_the_rule_on_names_and_links_each_article_sent_back_to_draft():
    SiteSettings.objects.create()
    first = ArticleFactory(scheduled=True, title="Returning after a relapse")
    second = ArticleFactory(scheduled=True, title="Evening groups, explained")
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    said = [str(message) for message in switch_the_rule_on(admin).context["messages"]]
    listed = reverse("admin:articles_article_changelist") + f"?id__in={second.pk},{first.pk}"
    message = (
        "2 scheduled articles without a current clinical review are back to draft, so that they do not "
        f'go live: <a href="{change_url(second)}">“Evening groups, explained”</a>, '
        f'<a href="{change_url(first)}">“Returning after a relapse”</a>. Each keeps its publish time, and '
        "its history says why. Ask for a review of each; once a clinician has recorded one, set its "
        f'status to Published and save to schedule it again. <a href="{listed}">See them in the article '
        "list</a>."
    )
    assert message in said, said
    # The link lists exactly those.
    shown = admin.get(reverse("admin:articles_article_changelist"), {"id__in": f"{second.pk},{first.pk}"})
    assert sorted(a.title for a in shown.context["cl"].result_list) == [
        "Evening groups, explained",
        "Returning after a relapse",
    ]


def test_one_article_sent_back_to_draft_is_named_in_the_singular():
    SiteSettings.objects.create()
    article = ArticleFactory(scheduled=True, title="Your first week")
    said = " ".join(
        str(m) for m in switch_the_rule_on(signed_in(SITE_ADMINISTRATORS, "ada")).context["messages"]
    )
    assert (
        "1 scheduled article without a current clinical review is back to draft, so that it does not go "
        f'live: <a href="{change_url(article)}">“Your first week”</a>. It keeps its publish time'
    ) in said
    assert "See it in the article list" in said


def test_each_article_sent_back_to_draft_has_a_record_in_its_history():
    SiteSettings.objects.create()
    article = ArticleFactory(scheduled=True, title="Your first week")
    opened_at = Article.objects.get(pk=article.pk).updated_at
    switch_the_rule_on(signed_in(SITE_ADMINISTRATORS, "ada"))
    record = (
        "Back to draft: it was scheduled without a current clinical review when a site administrator "
        "switched on “Publishing needs a current clinical review”. Its publish time is kept: once a "
        "clinician has reviewed it, set the status to Published and save to schedule it again."
    )
    entry = LogEntry.objects.get(content_type__model="article", object_id=str(article.pk))
    assert (entry.user.username, entry.get_change_message()) == ("ada", record)
    version = Version.objects.get_for_object(article).get()
    assert (version.revision.comment, version.revision.user.username) == (record, "ada")
    assert version.field_dict["status"] == Article.Status.DRAFT
    # A revision of its own: restoring the settings never writes the articles back.
    assert list(version.revision.version_set.values_list("content_type__model", "object_id")) == [
        ("article", str(article.pk))
    ]
    # The settings' own history says what changed there, not the articles' record.
    settings_version = Version.objects.get_for_object(SiteSettings.objects.get()).get()
    assert "publishing needs a current clinical review" in settings_version.revision.comment.lower()
    assert "Back to draft" not in settings_version.revision.comment
    # A change form opened before the switch cannot put it back unseen (edit conflicts).
    assert Article.objects.get(pk=article.pk).updated_at > opened_at


def test_once_reviewed_the_article_is_scheduled_again_for_its_kept_time(editor, clinician):
    SiteSettings.objects.create()
    article = ArticleFactory(scheduled=True, title="Your first week")
    switch_the_rule_on(signed_in(SITE_ADMINISTRATORS, "ada"))
    # Unreviewed, it cannot be scheduled again.
    data = {"status": "published"}
    assert "status" in form_errors(post(editor, article, **data))
    article.refresh_from_db()
    article.record_review(clinician, REVIEW_DAY)
    article.save()
    assert post(editor, article, **data).status_code == 302
    article.refresh_from_db()
    assert article.get_state() == Article.State.SCHEDULED


def test_saving_the_settings_with_the_rule_already_on_changes_no_article():
    SiteSettings.objects.create(publishing_needs_review=True)
    article = ArticleFactory(scheduled=True)  # as if scheduled in a race, or before this check existed
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    url, data = settings_form(admin, phone_hours="Every day")
    said = [str(m) for m in admin.post(url, data, follow=True).context["messages"]]
    assert not any("back to draft" in m for m in said)
    article.refresh_from_db()
    assert article.get_state() == Article.State.SCHEDULED


def test_switching_the_rule_on_with_nothing_scheduled_unreviewed_says_nothing_of_drafts(clinician):
    SiteSettings.objects.create()
    reviewed(clinician, scheduled=True)
    said = [str(m) for m in switch_the_rule_on(signed_in(SITE_ADMINISTRATORS, "ada")).context["messages"]]
    assert not any("back to draft" in m for m in said)
    assert not LogEntry.objects.filter(content_type__model="article").exists()


def test_switching_the_rule_on_is_all_or_nothing(monkeypatch):
    """When recording the articles' change fails, neither the articles nor the setting change."""
    import carter_site.admin

    SiteSettings.objects.create()
    article = ArticleFactory(scheduled=True)

    def fails(*args, **kwargs):
        raise RuntimeError("the history could not be written")

    monkeypatch.setattr(carter_site.admin, "log_bulk_change", fails)
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    url, data = settings_form(admin, publishing_needs_review="on")
    with pytest.raises(RuntimeError):
        admin.post(url, data)
    assert not SiteSettings.objects.get().publishing_needs_review
    article.refresh_from_db()
    assert article.get_state() == Article.State.SCHEDULED
    assert not Version.objects.get_for_object(SiteSettings.objects.get()).exists()


# --- A scheduled article left without a current review, the rule on --------------------------
# A review stops being current only when the words change (refused on a scheduled article) or
# when it is withdrawn; it does not expire with time. A clinician withdrawing their review of a
# scheduled article left it to go live at its time unreviewed: it goes back to draft instead.


def test_withdrawing_the_review_of_a_scheduled_article_takes_it_back_to_draft(rule_on, clinician):
    article = reviewed(clinician, scheduled=True, title="Your first week")
    scheduled_for = article.published_at
    reviewer = signed_in_as_clinician(clinician, "dana")
    response = post(reviewer, article, reviewed_by="", reviewed_on="")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.reviewed_by, article.status, article.published_at) == (
        None,
        Article.Status.DRAFT,
        scheduled_for,
    )
    assert not Article.objects.published(timezone.now() + THREE_DAYS_ON).filter(pk=article.pk).exists()
    said = [str(m) for m in reviewer.get(response.url).context["messages"]]
    assert any(
        m.startswith(
            "Back to draft: this site publishes only articles whose clinical review is current, so without "
            "one it will not go live on "
        )
        and m.endswith(
            "Its publish time is kept: once a clinician has recorded a review, set the status to Published "
            "and save to schedule it again."
        )
        for m in said
    ), said


def test_the_history_of_a_withdrawal_says_the_article_went_back_to_draft(rule_on, clinician):
    article = reviewed(clinician, scheduled=True)
    edit_in_admin(signed_in_as_clinician(clinician, "dana"), article, reviewed_by="", reviewed_on="")
    record = (
        "Changed Clinically reviewed by and Clinical review date. Back to draft: this site publishes only "
        "articles whose clinical review is current, and this scheduled article was left without one. Its "
        "publish time is kept: once a clinician has reviewed it, set the status to Published and save to "
        "schedule it again."
    )
    entry = LogEntry.objects.filter(content_type__model="article", object_id=str(article.pk)).latest("pk")
    assert (entry.user.username, entry.get_change_message()) == ("dana", record)
    version = Version.objects.get_for_object(article).latest("pk")
    assert version.revision.comment.endswith(record)  # after "Added before its history was kept…"
    assert version.field_dict["status"] == Article.Status.DRAFT


def test_with_the_rule_off_withdrawing_the_review_of_a_scheduled_article_leaves_it_scheduled(clinician):
    article = reviewed(clinician, scheduled=True)
    edit_in_admin(signed_in_as_clinician(clinician, "dana"), article, reviewed_by="", reviewed_on="")
    article.refresh_from_db()
    assert article.reviewed_by is None and article.get_state() == Article.State.SCHEDULED


def test_a_scheduled_article_with_a_current_review_keeps_its_schedule_when_edited(rule_on, editor, clinician):
    article = reviewed(clinician, scheduled=True)
    edit_in_admin(editor, article, meta_description="What your first week of treatment looks like.")
    article.refresh_from_db()
    assert article.get_state() == Article.State.SCHEDULED and article.review_is_current


def test_saving_a_scheduled_article_that_has_no_review_takes_it_back_to_draft(rule_on, editor):
    """Scheduled before the rule was on (and before switching it on unscheduled such articles):
    any save finds it cannot go live as it stands."""
    article = ArticleFactory(scheduled=True)
    edit_in_admin(editor, article, meta_description="What your first week of treatment looks like.")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.meta_description == "What your first week of treatment looks like."


def test_a_withdrawal_whose_record_fails_leaves_the_article_scheduled_and_reviewed(
    rule_on, clinician, monkeypatch
):
    from articles.admin import ArticleAdmin

    article = reviewed(clinician, scheduled=True)
    reviewer = signed_in_as_clinician(clinician, "dana")
    data = {**admin_form_data(reviewer.get(change_url(article))), "reviewed_by": "", "reviewed_on": ""}

    def fails(*args, **kwargs):
        raise RuntimeError("the history could not be written")

    monkeypatch.setattr(ArticleAdmin, "log_change", fails)
    with pytest.raises(RuntimeError):
        reviewer.post(change_url(article), data)
    article.refresh_from_db()
    assert article.get_state() == Article.State.SCHEDULED and article.review_is_current


# --- The admin's home page: what would still go live without a review ------------------------


def home_line(client):
    """The words of the home page's "Scheduled, no review" row, or None when there is none."""
    import re

    page = client.get(reverse("admin:index")).content.decode()
    found = re.search(r">Scheduled, no review</a></th>\s*<td>(.*?)</td>", page, re.S)
    return " ".join(found.group(1).split()) if found else None


def test_the_home_page_counts_scheduled_articles_that_would_go_live_without_a_review(editor, clinician):
    """Scheduled before the rule was on, and never saved since: nothing sent them back to draft."""
    ArticleFactory(scheduled=True, title="Sleep in early recovery")
    reviewed(clinician, scheduled=True)  # current review: fine
    ArticleFactory(draft=True)  # not going anywhere
    ArticleFactory()  # live: the rule leaves live articles as they are
    assert home_line(editor) is None  # the rule is off: publishing needs no review

    SiteSettings.objects.create(publishing_needs_review=True)
    assert home_line(editor) == (
        "1 scheduled article has no current clinical review, which this site needs, but will go live at "
        "its time: have a clinician review it, or set it to Draft."
    )
    page = editor.get(reverse("admin:index")).content.decode()
    link = reverse("admin:articles_article_changelist") + "?state=scheduled&amp;review=not_current"
    assert f'href="{link}"' in page
    listed = editor.get(
        reverse("admin:articles_article_changelist"), {"state": "scheduled", "review": "not_current"}
    )
    assert [article.title for article in listed.context["cl"].result_list] == ["Sleep in early recovery"]

    ArticleFactory(scheduled=True)
    assert home_line(editor).startswith("2 scheduled articles have no current clinical review")


def test_the_line_is_for_those_who_may_change_articles(rule_on, clinician):
    """Editors and administrators, and reviewers, who may record the review it needs; not someone
    who may only look at articles."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    ArticleFactory(scheduled=True)
    assert home_line(signed_in_as_clinician(clinician, "dana")).startswith("1 scheduled article has")
    assert home_line(signed_in(SITE_ADMINISTRATORS, "ada")).startswith("1 scheduled article has")
    onlooker = UserFactory(username="lee", is_staff=True)
    onlooker.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(onlooker)
    assert client.get(reverse("admin:index")).status_code == 200
    assert home_line(client) is None
