"""The testimonial admin tells editors when a 'published' testimonial is not on the site, and why."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from testimonials.models import Testimonial
from tests.admin_forms import admin_form_data
from tests.factories import TestimonialFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:testimonials_testimonial_changelist"


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_list_shows_the_state_of_consent_not_only_the_tick(staff_client):
    TestimonialFactory(attribution="Withdrawn one", consent_withdrawn_on=days_ago(3))
    TestimonialFactory(attribution="Expired one", consent_expires_on=days_ago(1))
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "Withdrawn " in html and "Expired " in html


@pytest.mark.parametrize(
    "consent, reason",
    [
        ({"consent_withdrawn_on": days_ago(2)}, "the client withdrew consent"),
        ({"consent_expires_on": days_ago(1)}, "the consent expired"),
        ({"consent_signed_on": timezone.localdate() + dt.timedelta(days=5)}, "it shows from that day"),
    ],
)
def test_saving_a_published_testimonial_that_cannot_show_says_why(staff_client, consent, reason):
    testimonial = TestimonialFactory(attribution="Evening-track client, 2024", **consent)
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)), follow=True)
    messages = texts(response)
    assert any("is saved but not on the site" in m and reason in m for m in messages), messages


def test_saving_a_testimonial_that_shows_gives_no_warning(staff_client):
    testimonial = TestimonialFactory()
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)), follow=True)
    assert not any("not on the site" in m for m in texts(response))


def test_bulk_publish_refuses_withdrawn_and_expired_consent_and_says_so(staff_client):
    withdrawn = TestimonialFactory(is_published=False, consent_withdrawn_on=days_ago(3))
    expired = TestimonialFactory(is_published=False, consent_expires_on=days_ago(1))
    valid = TestimonialFactory(is_published=False)
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [withdrawn.pk, expired.pk, valid.pk]},
        follow=True,
    )
    assert set(Testimonial.objects.filter(is_published=True).values_list("pk", flat=True)) == {valid.pk}
    messages = texts(response)
    assert "Published 1 item." in messages
    assert any(m.startswith("2 testimonial(s) were not published") for m in messages), messages


def test_restoring_an_old_version_never_undoes_a_withdrawal_of_consent(staff_client, client):
    """The helper's path: publish, edit the words, the client withdraws, an editor restores the
    version from before the withdrawal. The old words come back; the withdrawal stays."""
    testimonial = TestimonialFactory(quote="The first words I approved.")
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])

    def save(**changes):
        data = admin_form_data(staff_client.get(url))
        data.update(changes)
        assert staff_client.post(url, data).status_code == 302

    save()
    save(quote="Words I approved later.", words_approved="on")
    withdrawn = days_ago(1)
    save(consent_withdrawn_on=withdrawn.isoformat())
    assert "approved" not in client.get("/testimonials/").content.decode()

    first = Version.objects.get_for_object(testimonial).order_by("pk").first()
    revision_url = reverse("admin:testimonials_testimonial_revision", args=[testimonial.pk, first.pk])
    response = staff_client.get(revision_url)
    assert (
        "but not “Written consent on file”, “Consent signed on”, “Consent expires on” and"
        in response.content.decode()
    )
    response = staff_client.post(revision_url, {**admin_form_data(response), "words_approved": "on"})
    assert response.status_code == 302
    testimonial.refresh_from_db()
    assert testimonial.quote == "The first words I approved."
    assert testimonial.consent_withdrawn_on == withdrawn
    assert "approved" not in client.get("/testimonials/").content.decode()
    assert "approved" not in client.get("/").content.decode()


def test_a_consent_date_written_day_first_says_how_to_write_a_date(staff_client):
    testimonial = TestimonialFactory(consent_on_file=False, consent_signed_on=None, is_published=False)
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    data = admin_form_data(staff_client.get(url))
    data.update(consent_on_file="on", consent_signed_on="24/11/2026")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    # Said once: not also "Enter the date the client signed the authorization.", as if none was typed.
    assert response.context["adminform"].form.errors["consent_signed_on"] == [
        "“24/11/2026” is not a date. Write it as 2026-06-30 or 6/30/2026 (the month first), or choose "
        "it with the calendar button."
    ]
    testimonial.refresh_from_db()
    assert not testimonial.consent_on_file


def test_restoring_words_the_client_never_approved_asks_for_their_approval(staff_client, client):
    """Words written before consent was recorded, then changed and consented to: putting the old
    words back is new text to the client, as if typed, and their consent does not cover it."""
    testimonial = TestimonialFactory(
        quote="Unapproved draft words.", attribution="Jane D., a nurse in Alpharetta",
        consent_on_file=False, consent_signed_on=None, is_published=False,
    )  # fmt: skip
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    assert staff_client.post(url, admin_form_data(staff_client.get(url))).status_code == 302  # version 1
    data = admin_form_data(staff_client.get(url))
    data.update(quote="Coming back was easier than I feared.", attribution="Former client, 2024")
    assert staff_client.post(url, data).status_code == 302
    data = admin_form_data(staff_client.get(url))
    data.update(consent_on_file="on", consent_signed_on=days_ago(2).isoformat(), is_published="on")
    assert staff_client.post(url, data).status_code == 302

    first = Version.objects.get_for_object(testimonial).order_by("pk").first()
    revision_url = reverse("admin:testimonials_testimonial_revision", args=[testimonial.pk, first.pk])
    response = staff_client.post(revision_url, admin_form_data(staff_client.get(revision_url)))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["words_approved"][0].startswith("You changed the quote and the attribution.")
    testimonial.refresh_from_db()
    assert (testimonial.quote, testimonial.attribution) == (
        "Coming back was easier than I feared.",
        "Former client, 2024",
    )
    assert "Unapproved draft words" not in client.get("/testimonials/").content.decode()


def test_bulk_publish_counts_only_what_it_changed(staff_client):
    shown = TestimonialFactory.create_batch(2)
    hidden = TestimonialFactory(is_published=False)
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [t.pk for t in [*shown, hidden]]},
        follow=True,
    )
    assert "Published 1 item. 2 were published already." in texts(response)
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [t.pk for t in shown]},
        follow=True,
    )
    assert "2 were published already." in texts(response)
    assert not any(m.startswith("Published") for m in texts(response))


def test_a_bulk_unpublish_is_in_the_history_of_each_item_it_changed(staff_client):
    shown, hidden = TestimonialFactory(), TestimonialFactory(is_published=False)
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "unpublish_selected", "_selected_action": [shown.pk, hidden.pk]},
        follow=True,
    )
    assert any("Unpublished 1 item" in m and "1 was not published." in m for m in texts(response))
    versions = Version.objects.get_for_object(shown)
    assert [v.revision.comment for v in versions] == ["Unpublished with the bulk action."]
    assert versions[0].field_dict["is_published"] is False
    assert versions[0].revision.user.username == "editor"
    assert not Version.objects.get_for_object(hidden).exists()
    history = staff_client.get(reverse("admin:testimonials_testimonial_history", args=[shown.pk]))
    assert "Unpublished with the bulk action." in history.content.decode()


def test_new_words_on_a_consented_testimonial_need_the_clients_approval(staff_client, client):
    testimonial = TestimonialFactory(
        quote="Group gave me my evenings back.", attribution="Former client, 2024"
    )
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    data = admin_form_data(staff_client.get(url))
    data["quote"] = "After six weeks I was cured for good. It will work for you too."
    response = staff_client.post(url, data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["words_approved"]
    assert error.startswith("You changed the quote. The client's consent covers the words they approved")
    testimonial.refresh_from_db()
    assert testimonial.quote == "Group gave me my evenings back."
    assert "cured for good" not in client.get("/testimonials/").content.decode()
    # Once the client has approved the new words, the editor says so and the save goes through.
    data = admin_form_data(response)
    data["words_approved"] = "on"
    assert staff_client.post(url, data).status_code == 302
    testimonial.refresh_from_db()
    assert testimonial.quote.startswith("After six weeks")


def test_a_testimonial_without_consent_is_edited_freely(staff_client):
    testimonial = TestimonialFactory(consent_on_file=False, consent_signed_on=None, is_published=False)
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    data = admin_form_data(staff_client.get(url))
    data["quote"] = "Words still being agreed with the client."
    assert staff_client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    ("withdrawn", "message"),
    [(1, "cannot be in the future"), (-400, "cannot be withdrawn before the day it was signed")],
)
def test_a_withdrawal_date_must_be_possible(staff_client, withdrawn, message):
    testimonial = TestimonialFactory(consent_signed_on=days_ago(30))
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    data = admin_form_data(staff_client.get(url))
    data["consent_withdrawn_on"] = (timezone.localdate() + dt.timedelta(days=withdrawn)).isoformat()
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["consent_withdrawn_on"][0]
    testimonial.refresh_from_db()
    assert testimonial.consent_withdrawn_on is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent_on_file": ""}, "is_published", "only be published once written consent is on file"),
        ({"consent_signed_on": ""}, "consent_signed_on", "Enter the date the client signed"),
        ({"consent_expires_on": "2024-04-30"}, "consent_expires_on", "expire after the date it was signed"),
    ],
    ids=["published-without-consent", "consent-without-date", "expiry-before-signing"],
)
def test_a_consent_mistake_is_shown_beside_its_field_once(staff_client, changes, field, message):
    """The database refuses these too (its constraints), but the editor reads the message beside
    the field to correct, and only there, not also at the top of the form."""
    testimonial = TestimonialFactory(consent_signed_on=dt.date(2024, 5, 1))
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    data = {**admin_form_data(staff_client.get(url)), **changes}
    response = staff_client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [message in error for error in form.errors[field]] == [True]
    assert not form.non_field_errors()
    assert response.content.decode().count(message) == 1
    testimonial.refresh_from_db()
    assert testimonial.consent_on_file and testimonial.consent_signed_on == dt.date(2024, 5, 1)


def listed(staff_client, search):
    response = staff_client.get(reverse(CHANGELIST), {"q": search})
    return sorted(t.attribution for t in response.context["cl"].result_list)


def test_the_list_search_finds_testimonials_by_the_places_they_are_shown_on(staff_client):
    from tests.factories import ArticleFactory, ArticleTestimonialFactory, LocationFactory

    jefferson = LocationFactory(name="Jefferson")
    TestimonialFactory(attribution="Treated in Jefferson", location=jefferson)
    on_article = TestimonialFactory(attribution="Quoted in an article")
    for title in ("Your first week in IOP", "After your first week"):  # two matches: listed once
        ArticleTestimonialFactory(testimonial=on_article, article=ArticleFactory(title=title))
    TestimonialFactory(attribution="Shown nowhere in particular")
    assert listed(staff_client, "jefferson") == ["Treated in Jefferson"]
    assert listed(staff_client, "first week") == ["Quoted in an article"]
    assert listed(staff_client, "nowhere") == ["Shown nowhere in particular"]


def test_searching_the_list_costs_the_same_queries_however_many_rows_match(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ArticleFactory, ArticleTestimonialFactory, LocationFactory

    def queries(search):
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse(CHANGELIST), {"q": search}).status_code == 200
        return len(captured)

    article = ArticleFactory(title="Coming back after a break")
    for place in ("Alpharetta", "Atlanta"):
        location = LocationFactory(name=place)
        for _ in range(1 if place == "Alpharetta" else 5):
            ArticleTestimonialFactory(article=article, testimonial=TestimonialFactory(location=location))
    assert queries("alpharetta") == queries("atlanta")


def test_the_consent_column_says_the_last_day_shown_and_the_day_it_expires(staff_client):
    """The expiry date is the first day the testimonial is off the site, not the last one shown."""
    expires = timezone.localdate() + dt.timedelta(days=10)
    testimonial = TestimonialFactory(attribution="Consent ends soon", consent_expires_on=expires)
    last_day = expires - dt.timedelta(days=1)
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert f"Valid through {date_format(last_day)} (expires {date_format(expires)})" in html
    assert "Valid until" not in html
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59))), tick=False):
        assert Testimonial.objects.published().filter(pk=testimonial.pk).exists()  # the last day shown
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(expires, dt.time(0, 1))), tick=False):
        assert not Testimonial.objects.published().filter(pk=testimonial.pk).exists()


def test_the_consent_expiry_field_says_what_its_date_means(staff_client):
    html = staff_client.get(reverse("admin:testimonials_testimonial_add")).content.decode()
    assert "The first day the testimonial is off the site" in html


def post_change(staff_client, testimonial, **changes):
    """Save `testimonial`'s change form as the editor's browser posts it, with `changes` made."""
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    data = admin_form_data(staff_client.get(url))
    data.update(changes)
    return staff_client.post(url, data)


def on_the_site(client, words):
    return words in client.get(reverse("testimonials:list")).content.decode()


def withdrawal_message(day):
    return (
        f"The client withdrew consent on {date_format(day)}: record the date they signed new written "
        "consent, after that day, before the quote can show again."
    )


@pytest.mark.parametrize(
    "lifting",
    [
        lambda withdrawn: {},
        lambda withdrawn: {"consent_signed_on": withdrawn.isoformat()},
        lambda withdrawn: {"consent_signed_on": (withdrawn - dt.timedelta(days=1)).isoformat()},
        # Consent taken off the file with the withdrawal, to be ticked again in a later save.
        lambda withdrawn: {"consent_on_file": "", "consent_signed_on": "", "is_published": ""},
    ],
    ids=["date-cleared", "signed-the-day-of-the-withdrawal", "signed-before-it", "consent-off-the-file"],
)
def test_a_withdrawal_is_lifted_only_by_new_consent_signed_after_it(staff_client, client, lifting):
    signed = days_ago(60)
    testimonial = TestimonialFactory(quote="Words the client took back.", consent_signed_on=signed)
    withdrawn = days_ago(5)
    assert (
        post_change(staff_client, testimonial, consent_withdrawn_on=withdrawn.isoformat()).status_code == 302
    )
    assert not on_the_site(client, "took back")

    response = post_change(staff_client, testimonial, consent_withdrawn_on="", **lifting(withdrawn))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["consent_withdrawn_on"] == [
        withdrawal_message(withdrawn)
    ]
    testimonial.refresh_from_db()
    assert (testimonial.consent_on_file, testimonial.consent_signed_on, testimonial.consent_withdrawn_on) == (
        True,
        signed,
        withdrawn,
    )
    assert testimonial.is_published
    assert not on_the_site(client, "took back")

    # The client signs new written consent after withdrawing: recorded, it puts the quote back.
    renewed = withdrawn + dt.timedelta(days=1)
    response = post_change(
        staff_client, testimonial, consent_withdrawn_on="", consent_signed_on=renewed.isoformat()
    )
    assert response.status_code == 302
    testimonial.refresh_from_db()
    assert (testimonial.consent_signed_on, testimonial.consent_withdrawn_on) == (renewed, None)
    assert on_the_site(client, "took back")


def test_new_consent_must_follow_the_withdrawal_date_as_corrected(staff_client, client):
    """Correcting the withdrawal date is fine either way (the testimonial stays off the site): the
    new consent must then be signed after the corrected date."""
    testimonial = TestimonialFactory(quote="Words the client took back.", consent_signed_on=days_ago(60))
    assert (
        post_change(staff_client, testimonial, consent_withdrawn_on=days_ago(10).isoformat()).status_code
        == 302
    )
    assert (
        post_change(staff_client, testimonial, consent_withdrawn_on=days_ago(3).isoformat()).status_code
        == 302
    )
    assert not on_the_site(client, "took back")

    response = post_change(
        staff_client, testimonial, consent_withdrawn_on="", consent_signed_on=days_ago(5).isoformat()
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["consent_withdrawn_on"] == [
        withdrawal_message(days_ago(3))
    ]
    testimonial.refresh_from_db()
    assert (testimonial.consent_signed_on, testimonial.consent_withdrawn_on) == (days_ago(60), days_ago(3))

    response = post_change(
        staff_client, testimonial, consent_withdrawn_on="", consent_signed_on=days_ago(2).isoformat()
    )
    assert response.status_code == 302
    assert on_the_site(client, "took back")


def test_new_consent_recorded_without_clearing_the_withdrawal_says_to_clear_it(staff_client):
    testimonial = TestimonialFactory(consent_signed_on=days_ago(60))
    assert (
        post_change(staff_client, testimonial, consent_withdrawn_on=days_ago(5).isoformat()).status_code
        == 302
    )
    response = post_change(staff_client, testimonial, consent_signed_on=days_ago(2).isoformat())
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["consent_withdrawn_on"]
    assert error.endswith(
        "If the client signed new written consent after withdrawing, clear this date: the new consent lifts "
        "the withdrawal."
    )
    testimonial.refresh_from_db()
    assert (testimonial.consent_signed_on, testimonial.consent_withdrawn_on) == (days_ago(60), days_ago(5))


def test_the_version_from_before_a_withdrawal_cannot_be_restored_without_it(staff_client, client):
    """Restoring keeps the withdrawal (kept_on_restore); clearing it in the restored form is
    refused as in any other save."""
    testimonial = TestimonialFactory(quote="Words the client took back.", consent_signed_on=days_ago(60))
    assert post_change(staff_client, testimonial).status_code == 302  # its first version
    withdrawn = days_ago(5)
    assert (
        post_change(staff_client, testimonial, consent_withdrawn_on=withdrawn.isoformat()).status_code == 302
    )

    first = Version.objects.get_for_object(testimonial).order_by("pk").first()
    revision_url = reverse("admin:testimonials_testimonial_revision", args=[testimonial.pk, first.pk])
    data = {**admin_form_data(staff_client.get(revision_url)), "consent_withdrawn_on": ""}
    response = staff_client.post(revision_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["consent_withdrawn_on"] == [
        withdrawal_message(withdrawn)
    ]
    testimonial.refresh_from_db()
    assert testimonial.consent_withdrawn_on == withdrawn
    assert not on_the_site(client, "took back")


APPROVED_QUOTE = "Group gave me my evenings back."
NEW_QUOTE = "After six weeks I was cured for good. It will work for you too."


def words_message(said):
    return (
        f"{said} The client's consent covers the words they approved: tick this once they have approved the "
        "new text, or record the date they signed new written consent for it (after "
        f"{date_format(dt.date(2024, 5, 1))}). Otherwise, put the approved words back."
    )


@pytest.mark.parametrize(
    ("while_off_the_file", "back_with", "said"),
    [
        # The editor review's steps: consent off the file, then new words and consent ticked again.
        ([], {"quote": NEW_QUOTE}, "You changed the quote."),
        # New words saved while consent is off the file; consent ticked again without touching them.
        ([{"quote": NEW_QUOTE}], {}, "The quote changed since the client approved it."),
        # The signing date cleared too, then the same date entered again.
        (
            [{"consent_signed_on": ""}],
            {"quote": NEW_QUOTE, "attribution": "Former client", "consent_signed_on": "2024-05-01"},
            "You changed the quote and the attribution.",
        ),
        # An earlier date is no new consent.
        ([], {"quote": NEW_QUOTE, "consent_signed_on": "2024-04-01"}, "You changed the quote."),
    ],
    ids=[
        "words-changed-as-consent-comes-back",
        "words-changed-while-off-the-file",
        "date-cleared",
        "earlier-date",
    ],
)
def test_new_words_need_the_clients_approval_however_many_saves_it_takes(
    staff_client, client, while_off_the_file, back_with, said
):
    testimonial = TestimonialFactory(quote=APPROVED_QUOTE, attribution="Former IOP client, 2024")
    for changes in [{"consent_on_file": "", "is_published": ""}, *while_off_the_file]:
        assert post_change(staff_client, testimonial, **changes).status_code == 302
    testimonial.refresh_from_db()
    saved_before = (testimonial.quote, testimonial.attribution, testimonial.consent_signed_on)

    back_on_file = {"consent_on_file": "on", "is_published": "on", **back_with}
    response = post_change(staff_client, testimonial, **back_on_file)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["words_approved"] == [words_message(said)]
    testimonial.refresh_from_db()
    assert (testimonial.quote, testimonial.attribution, testimonial.consent_signed_on) == saved_before
    assert not (testimonial.consent_on_file or testimonial.is_published)
    assert not on_the_site(client, "cured for good")

    # The client signs new written consent for the new words: recorded with them, they show.
    renewed = {**back_on_file, "consent_signed_on": days_ago(1).isoformat()}
    assert post_change(staff_client, testimonial, **renewed).status_code == 302
    testimonial.refresh_from_db()
    assert (testimonial.quote, testimonial.consent_signed_on) == (NEW_QUOTE, days_ago(1))
    assert on_the_site(client, "cured for good")
    # And those words are now the approved ones: saving them again asks for nothing.
    assert post_change(staff_client, testimonial).status_code == 302


def test_recovering_a_deleted_testimonial_from_before_its_withdrawal_keeps_the_withdrawal(
    staff_client, client
):
    """Recover's address names any version of the deleted testimonial, not only its last: an
    older one brings back its words, but the consent as it stood when it was deleted."""
    testimonial = TestimonialFactory(quote="Words the client took back.")
    assert post_change(staff_client, testimonial).status_code == 302  # a version from before the withdrawal
    withdrawn = days_ago(2)
    assert (
        post_change(staff_client, testimonial, consent_withdrawn_on=withdrawn.isoformat()).status_code == 302
    )
    delete_url = reverse("admin:testimonials_testimonial_delete", args=[testimonial.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302

    first = Version.objects.get_for_object_reference(Testimonial, testimonial.pk).order_by("pk").first()
    assert first.field_dict["consent_withdrawn_on"] is None
    recover_url = reverse("admin:testimonials_testimonial_recover", args=[first.pk])
    response = staff_client.post(recover_url, admin_form_data(staff_client.get(recover_url)))
    assert response.status_code == 302
    recovered = Testimonial.objects.get(pk=testimonial.pk)
    assert (recovered.quote, recovered.consent_withdrawn_on) == ("Words the client took back.", withdrawn)
    assert not on_the_site(client, "took back")


def test_the_saved_message_quotes_the_quote_once(staff_client):
    """Django names the object in “ ” and a testimonial's name is a quote: ““…” — Client” read
    as a typing mistake. Inside the message's quotation marks, the quote's own become single."""
    testimonial = TestimonialFactory(quote="I kept my job.", attribution="Evening client, 2025")
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)), follow=True)
    [message] = texts(response)
    assert "““" not in message and "””" not in message
    assert message.startswith("The testimonial “<a href=")
    assert message.endswith(">‘I kept my job.’ — Evening client, 2025</a>” was changed successfully.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The testimonial ““Hi.” — Sam” was added.", "The testimonial “‘Hi.’ — Sam” was added."),
        ("“A” on “B”", "“A” on “B”"),  # side by side, not nested: unchanged
        ("Saved “Review of “A” asked on Monday”.", "Saved “Review of ‘A’ asked on Monday”."),
        ("A stray “ mark and “this”", "A stray “ mark and “this”"),  # not in pairs: unchanged
    ],
)
def test_quotation_marks_inside_quotation_marks_become_single(text, expected):
    from carter_site.text import nested_quotes

    assert nested_quotes(text) == expected
