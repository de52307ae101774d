"""`manage.py email_coming_up`: each staff member who asked for it gets their Coming up by email, by a
real SMTP server; and the choice on *My notices* (docs/editorial-workflow.md, "Coming up";
carter_site/coming_up_email.py)."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import NoticePreference
from carter_site.management.commands.email_coming_up import Command
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import faq_editor, signed_in, staff_member
from tests.articles.test_review_notices import account_notices
from tests.factories import (
    ArticleFactory,
    LocationFactory,
    PageFactory,
    SpecialDayFactory,
    TestimonialFactory,
    UserFactory,
)
from tests.smtp_server import mail_server_down, received, run_command, running_smtp_server

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.carter.example"
MY_NOTICES = reverse("admin:my_notices")
MONDAY = dt.date(2026, 11, 23)


def at(day, hour=10, minute=0):
    """`day` at `hour`:`minute` in the center's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = ORIGIN
    settings.DEFAULT_FROM_EMAIL = "site@carter.example"


def email_coming_up(*args):
    return run_command("email_coming_up", *args)


def viewer_of_articles_only(username):
    """A staff member who may view articles and nothing else."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="articles", codename="view_article")
    )
    return user


@pytest.fixture
def week():
    """One change of most kinds in the next seven days, and one beyond them: {name: record}."""
    going_live = ArticleFactory(title="Your first week", published_at=at(dt.date(2026, 11, 25), 23, 30))
    coming_down = ArticleFactory(
        title="Paying for IOP", slug="paying-for-iop", expires_at=at(dt.date(2026, 11, 27), 9)
    )
    PageFactory(
        title="Costs", slug="costs", body='<p>See <a href="/articles/paying-for-iop/">what it costs</a>.</p>'
    )
    leaving = TestimonialFactory(attribution="Former client, 2024", consent_expires_on=dt.date(2026, 11, 24))
    location = LocationFactory(name="Alpharetta")
    SpecialDayFactory(location=location, first_day=dt.date(2026, 11, 26))
    later = ArticleFactory(title="In the new year", published_at=at(dt.date(2026, 12, 20), 9))
    return {
        "going_live": going_live,
        "coming_down": coming_down,
        "leaving": leaving,
        "location": location,
        "later": later,
    }


def change_url(obj):
    opts = obj._meta
    return ORIGIN + reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


# --- Who gets it ------------------------------------------------------------------------------


def test_it_goes_to_each_active_staff_member_who_may_see_the_page_and_did_not_turn_it_off(week, smtp_server):
    staff_member(MARKETING_EDITORS, "sam")
    staff_member(CLINICAL_REVIEWERS, "morgan")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    NoticePreference.objects.create(user=staff_member(SITE_ADMINISTRATORS, "ada"), coming_up=False)
    NoticePreference.objects.create(user=staff_member(MARKETING_EDITORS, "kim"), link_report=False)  # kept
    gone = staff_member(MARKETING_EDITORS, "lee")
    gone.is_active = False
    gone.save()
    not_staff = staff_member(MARKETING_EDITORS, "pat")
    not_staff.is_staff = False
    not_staff.save()
    faq_editor("fay")  # may see nothing on Coming up
    noa = staff_member(MARKETING_EDITORS, "noa")
    noa.email = ""
    noa.save()

    out, err, error = email_coming_up()

    assert sorted(received(smtp_server)) == [
        "kim@example.com",
        "morgan@example.com",
        "root@example.com",
        "sam@example.com",
    ]
    assert out.splitlines() == [
        "Emailed what is coming up in the next 7 days to 4 of 4 staff member(s).",
        "1 staff member(s) with something coming up have no email address and got nothing: noa. "
        "Add one under Users.",
    ]
    assert error is None and err == ""


def test_someone_who_may_view_only_articles_gets_no_testimonial_or_location_lines(week, smtp_server):
    viewer_of_articles_only("ari")

    email_coming_up()

    body = received(smtp_server)["ari@example.com"].get_content()
    assert "“Your first week” goes live" in body and "“Paying for IOP” comes down" in body
    assert "Former client" not in body and "testimonial" not in body
    assert "Alpharetta" not in body


def test_nobody_gets_an_empty_email_and_the_output_counts_them(smtp_server):
    TestimonialFactory(attribution="Former client, 2024", consent_expires_on=dt.date(2026, 11, 24))
    viewer_of_articles_only("ari")  # the testimonial is not theirs to see: nothing for them
    viewer_of_articles_only("bo")
    staff_member(MARKETING_EDITORS, "sam")

    out, _err, error = email_coming_up()

    assert sorted(received(smtp_server)) == ["sam@example.com"]
    assert out.splitlines() == [
        "Emailed what is coming up in the next 7 days to 1 of 1 staff member(s).",
        "Nothing coming up for 2 staff member(s): no email sent to them.",
    ]
    assert error is None


def test_the_commands_help_says_the_email_is_on_until_turned_off():
    """It is on for everyone who may see the page (My notices turns it off): help that said "who
    asked for it" sent people looking for a box to tick."""
    help_text = Command().create_parser("manage.py", "email_coming_up").format_help()
    assert "asked for it" not in help_text
    assert "unless they turned it off on My notices" in " ".join(help_text.split())


def test_a_week_with_nothing_coming_up_sends_nothing(smtp_server):
    ArticleFactory(title="Live already")
    ArticleFactory(title="In the new year", published_at=at(dt.date(2026, 12, 20), 9))
    staff_member(MARKETING_EDITORS, "sam")
    staff_member(CLINICAL_REVIEWERS, "morgan")

    out, err, error = email_coming_up()

    assert smtp_server.accepted == []
    assert out == "Nothing coming up for 2 staff member(s): no email sent to them.\n"
    assert error is None and err == ""


def test_nobody_has_it_turned_on(week, smtp_server):
    faq_editor("fay")
    NoticePreference.objects.create(user=staff_member(MARKETING_EDITORS, "sam"), coming_up=False)

    out, _err, error = email_coming_up()

    assert smtp_server.accepted == [] and error is None
    assert out == "No email sent: nobody who may see Coming up has this email turned on (My notices).\n"


# --- What it says -----------------------------------------------------------------------------


def test_the_email_lists_the_changes_by_day_with_local_times_absolute_links_and_warnings(week, smtp_server):
    staff_member(MARKETING_EDITORS, "sam")

    email_coming_up()

    message = received(smtp_server)["sam@example.com"]
    assert message["Subject"] == "Coming up on the site: 5 changes from Tuesday, November 24"
    assert message["From"] == "site@carter.example"
    assert message.get_content_type() == "text/plain"
    body = message.get_content().replace("\r\n", "\n")  # as the server took it, lines end in CRLF
    # 11:30 p.m. on Wednesday in Atlanta is Thursday in UTC: listed on Wednesday, at its local time.
    start = body.index("Tuesday, November 24, 2026 (tomorrow)")
    listed = body[start : body.index("\n\nThe same list")].split("\n\n")
    assert listed == [
        "Tuesday, November 24, 2026 (tomorrow)\n"
        "- Start of the day: The client's consent for the testimonial of “Former client, 2024” ends: it leaves "
        "every page this day. Record a renewed consent before then to keep it.\n"
        f"  {change_url(week['leaving'])}",
        "Wednesday, November 25, 2026\n"
        "- 11:30 p.m.: The article “Your first week” goes live.\n"
        f"  {change_url(week['going_live'])}\n"
        "  Warning: No current clinical review: no clinician has reviewed it. “Publishing needs a current "
        "clinical review” is off in Site settings, so it goes live without one.",
        "Thursday, November 26, 2026\n"
        "- Start of the day: Alpharetta is closed all day (Thanksgiving). Its page has said so since Thursday, "
        "November 12. The usual weekly hours are back on Friday, November 27.\n"
        f"  {change_url(week['location'])}",
        "Friday, November 27, 2026\n"
        "- Start of the day: Alpharetta's usual weekly hours are back after Thanksgiving; its page stops "
        "mentioning it.\n"
        f"  {change_url(week['location'])}\n"
        "- 9 a.m.: The article “Paying for IOP” comes down (its take-down time).\n"
        f"  {change_url(week['coming_down'])}\n"
        "  Warning: 1 published text links to it: after that time its link leads visitors to “page not "
        "found”. Change the link, or add a redirect to the page that replaces it (Redirects).\n"
        "  The texts: standing page “Costs” (/costs/).",
    ]
    assert "In the new year" not in body  # beyond the 7 days
    assert f"{ORIGIN}/admin/coming-up/?days=7" in body
    assert f"{ORIGIN}/admin/my-notices/" in body
    assert "<a " not in body and "&" not in body  # the page's HTML made plain


def test_a_closure_to_the_last_day_of_the_calendar_is_emailed_too(smtp_server):
    # It stopped the command for every staff member with a traceback: no email went out at all.
    SpecialDayFactory(
        location=LocationFactory(name="Jefferson"),
        first_day=dt.date(2026, 11, 26),
        last_day=dt.date(9999, 12, 31),
        reason="Renovation",
    )
    staff_member(MARKETING_EDITORS, "sam")

    out, err, error = email_coming_up()

    assert error is None and err == ""
    assert out == "Emailed what is coming up in the next 7 days to 1 of 1 staff member(s).\n"
    body = received(smtp_server)["sam@example.com"].get_content()
    assert "Jefferson is closed all day, through Friday, December 31, 9999 (Renovation)." in " ".join(
        body.split()
    )


def test_a_longer_window_reaches_further(week, smtp_server):
    staff_member(MARKETING_EDITORS, "sam")

    out, _err, error = email_coming_up("--days", "30")

    message = received(smtp_server)["sam@example.com"]
    assert message["Subject"] == "Coming up on the site: 6 changes from Tuesday, November 24"
    assert "- 9 a.m.: The article “In the new year” goes live." in message.get_content()
    assert f"{ORIGIN}/admin/coming-up/?days=30" in message.get_content()
    assert out.startswith("Emailed what is coming up in the next 30 days to 1 of 1")
    assert error is None


def test_one_change_is_said_in_the_singular(smtp_server):
    ArticleFactory(title="Tomorrow's", published_at=at(dt.date(2026, 11, 24), 8))
    staff_member(MARKETING_EDITORS, "sam")

    email_coming_up()

    message = received(smtp_server)["sam@example.com"]
    assert message["Subject"] == "Coming up on the site: 1 change from Tuesday, November 24"
    assert "- 8 a.m.: The article “Tomorrow's” goes live." in message.get_content()


@pytest.mark.parametrize("days", ["5", "0", "-7", "abc", "", "7.5", "365"])
def test_a_number_of_days_the_page_does_not_offer_is_a_sentence_and_status_two(week, smtp_server, days):
    staff_member(MARKETING_EDITORS, "sam")

    out, _err, error = email_coming_up("--days", days)

    assert smtp_server.accepted == [] and out == ""
    assert error is not None and error.returncode == 2
    assert str(error) == "--days is how many days ahead to look: 7, 30 or 90, as on the Coming up page."


def test_without_site_url_the_emails_cannot_link_to_the_site_editor(week, smtp_server, settings):
    settings.SITE_URL = ""
    staff_member(MARKETING_EDITORS, "sam")

    out, _err, error = email_coming_up()

    assert out == "" and smtp_server.accepted == []
    assert error is not None and error.returncode == 2
    assert str(error).startswith("email_coming_up needs SITE_URL")


# --- When the mail server does not take it ----------------------------------------------------


def test_a_mail_server_that_is_down_is_a_sentence_and_status_three(week, settings):
    mail_server_down(settings)
    staff_member(MARKETING_EDITORS, "sam")
    staff_member(MARKETING_EDITORS, "lee")

    out, _err, error = email_coming_up()

    assert out == "Emailed what is coming up in the next 7 days to 0 of 2 staff member(s).\n"
    assert error is not None and error.returncode == 3
    assert str(error) == (
        f"What is coming up could not be emailed to sam, lee (2 of 2): the mail server at "
        f"127.0.0.1:{settings.EMAIL_PORT} did not take it (Connection refused)."
    )


def test_from_the_command_line_a_mail_server_that_is_down_gives_no_traceback(week, settings, capsys):
    mail_server_down(settings)
    staff_member(MARKETING_EDITORS, "sam")

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "email_coming_up"])

    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith(
        "CommandError: What is coming up could not be emailed to sam (1 of 1)"
    )


def test_from_the_command_line_a_bad_number_of_days_is_status_two_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "email_coming_up", "--days", "14"])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == (
        "CommandError: --days is how many days ahead to look: 7, 30 or 90, as on the Coming up page."
    )


def test_a_refused_address_leaves_the_others_emailed_logged_without_the_address(week, smtp_server, caplog):
    dana = staff_member(MARKETING_EDITORS, "dana")  # refused by the server
    staff_member(MARKETING_EDITORS, "sam")

    with caplog.at_level("WARNING", logger="carter_site.coming_up"):
        out, _err, error = email_coming_up()

    [logged] = [record for record in caplog.records if getattr(record, "event", "") == "coming_up_not_sent"]
    assert (logged.recipient_user, logged.error, logged.smtp_code) == (dana.pk, "SMTPRecipientsRefused", None)
    assert "dana@example.com" not in logged.getMessage()
    assert "dana@example.com" not in str(vars(logged))  # nor anywhere in the record

    assert sorted(received(smtp_server)) == ["sam@example.com"]
    assert out.startswith("Emailed what is coming up in the next 7 days to 1 of 2 staff member(s).")
    assert error is not None and error.returncode == 3
    assert str(error).startswith("What is coming up could not be emailed to dana (1 of 2)")


# --- My notices and the account page ----------------------------------------------------------


def box(page, name):
    """The checkbox `name` of the page, or None."""
    found = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', page)
    return found.group(0) if found else None


def test_my_notices_offers_it_on_by_default_and_unticking_it_stops_the_email(week, settings):
    editor = signed_in(MARKETING_EDITORS, "sam")
    page = editor.get(MY_NOTICES).content.decode()
    assert "Email me each week what the site will change by itself" in page
    assert box(page, "coming_up").endswith(" checked>")

    response = editor.post(MY_NOTICES, {"review_requests": "on", "link_report": "on"})

    assert response.status_code == 302
    assert NoticePreference.objects.get(user__username="sam").coming_up is False
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "You will get emails about requests for a clinical review. You will get the report of links that "
        "lead nowhere. You will not get the weekly email of what is coming up."
    ]
    assert not box(editor.get(MY_NOTICES).content.decode(), "coming_up").endswith(" checked>")
    with running_smtp_server(settings) as server:
        out, _err, _error = email_coming_up()
    assert server.accepted == []
    assert out == "No email sent: nobody who may see Coming up has this email turned on (My notices).\n"

    editor.post(MY_NOTICES, {"coming_up": "on"})
    assert NoticePreference.objects.get(user__username="sam").coming_up is True


def test_someone_who_may_see_nothing_on_coming_up_is_not_offered_it_and_keeps_their_choice():
    user = faq_editor("fay")
    client = Client()
    client.force_login(user)
    page = client.get(MY_NOTICES).content.decode()
    assert box(page, "review_requests") is not None
    assert box(page, "coming_up") is None
    assert "Coming up" not in page

    response = client.post(MY_NOTICES, {"review_requests": "on", "link_report": "on"})

    assert response.status_code == 302
    assert NoticePreference.objects.get(user=user).coming_up is True  # as it was, for the day they may
    assert "coming up" not in " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_the_account_page_names_the_email_to_those_who_may_see_the_page_only():
    administrator = signed_in(SITE_ADMINISTRATORS, "ada")
    coming = "the weekly email of what the site will change by itself in the days ahead"
    ari = viewer_of_articles_only("ari")
    assert account_notices(administrator, ari) == (
        f"Emails to ari@example.com about what became of the requests for a clinical review they asked; "
        f"and {coming}. Its owner can turn them off on My notices."
    )
    NoticePreference.objects.create(user=ari, coming_up=False)
    assert account_notices(administrator, ari) == (
        "Emails to ari@example.com about what became of the requests for a clinical review they asked. "
        "Its owner turned off the weekly email of what is coming up on My notices."
    )
    fay = faq_editor("fay")
    line = account_notices(administrator, fay)
    assert "coming up" not in line and "change by itself" not in line
