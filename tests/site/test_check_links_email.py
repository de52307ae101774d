"""`manage.py check_links --email`: each person who may fix a link that leads nowhere gets their
part of the list, by a real SMTP server (docs/editorial-workflow.md, "The report of links that
lead nowhere"; carter_site/link_report.py)."""

import pytest
from django.contrib.auth.models import Group
from django.core.mail.backends.base import BaseEmailBackend

from articles.models import NoticePreference
from carter_site.management.commands.check_links import Command
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import faq_editor, staff_member
from tests.factories import ArticleFactory, FAQFactory, TopicFactory, UserFactory
from tests.smtp_server import mail_server_down, received, run_command

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.carter.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = ORIGIN
    settings.DEFAULT_FROM_EMAIL = "site@carter.example"


def link(href, words):
    return f'<p>See <a href="{href}">{words}</a>.</p>'


def check_links(*args):
    return run_command("check_links", *args)


@pytest.fixture
def two_broken_texts():
    """An article whose link leads to an article taken down at its time, and an FAQ whose link
    leads to no page: (article, faq)."""
    ArticleFactory(expired=True, slug="paying-for-iop", title="Paying for IOP")
    article = ArticleFactory(
        title="Does insurance cover IOP?",
        slug="does-insurance-cover-iop",
        body=link("/articles/paying-for-iop/", "how to pay"),
    )
    faq = FAQFactory(
        question="Can I keep my job?",
        topic=TopicFactory(slug="keeping-your-job"),
        answer=link("/locations/nowhere/", "our rooms"),
    )
    return article, faq


def test_the_list_goes_to_each_active_staff_member_who_may_fix_a_link_and_asked_for_it(
    two_broken_texts, smtp_server
):
    staff_member(MARKETING_EDITORS, "sam")
    faq_editor("fay")
    staff_member(CLINICAL_REVIEWERS, "morgan")  # may record reviews only, not change a text
    NoticePreference.objects.create(user=staff_member(SITE_ADMINISTRATORS, "ada"), link_report=False)
    gone = staff_member(MARKETING_EDITORS, "lee")
    gone.is_active = False
    gone.save()
    UserFactory(username="pat", is_staff=False).groups.add(Group.objects.get(name=MARKETING_EDITORS))
    noa = staff_member(MARKETING_EDITORS, "noa")
    noa.email = ""
    noa.save()
    UserFactory(username="root", is_staff=True, is_superuser=True)
    without_email_out, _err, _error = check_links()

    out, err, error = check_links("--email")

    assert sorted(received(smtp_server)) == ["fay@example.com", "root@example.com", "sam@example.com"]
    assert out.startswith(without_email_out)  # the list itself as without --email
    assert out.splitlines()[2:] == [
        "Emailed the list to 3 of 3 staff member(s) who may fix these links.",
        "1 staff member(s) who may fix some of these links have no email address and got nothing: noa. "
        "Add one under Users.",
    ]
    assert error is not None and error.returncode == 1
    assert str(error) == "2 link(s) in 2 published texts lead visitors nowhere."
    assert err == ""


def test_each_line_names_the_text_its_page_in_the_site_editor_the_link_and_what_is_wrong(
    two_broken_texts, smtp_server
):
    article, faq = two_broken_texts
    staff_member(MARKETING_EDITORS, "sam")
    faq_editor("fay")

    check_links("--email")

    got = received(smtp_server)
    message = got["sam@example.com"]
    assert message["Subject"] == "Links that lead nowhere: 2 links in texts you may edit"
    assert message["From"] == "site@carter.example"
    assert message.get_content_type() == "text/plain"  # as the emails about review requests: no HTML
    body = message.get_content()
    taken_down, no_page = [line for line in body.splitlines() if line.startswith("- ")]
    assert taken_down.startswith(
        f"- article “Does insurance cover IOP?” ({ORIGIN}/admin/articles/article/{article.pk}/change/): "
        "The link “how to pay” (/articles/paying-for-iop/) leads to the article “Paying for IOP”, taken down "
        "on "
    )
    assert taken_down.endswith(": visitors get “page not found” there.")
    assert no_page == (
        f"- FAQ “Can I keep my job?” ({ORIGIN}/admin/faqs/faq/{faq.pk}/change/): The link “our rooms” "
        "(/locations/nowhere/) leads to no page: visitors get “page not found” there. Open the page on the "
        "site and copy its address from the browser, or take the link out."
    )
    assert f"{ORIGIN}/admin/my-notices/" in body

    fays = got["fay@example.com"]
    assert fays["Subject"] == "Links that lead nowhere: 1 link in texts you may edit"
    lines = [line for line in fays.get_content().splitlines() if line.startswith("- ")]
    assert lines == [no_page]  # her part only


def test_links_to_old_addresses_work_and_are_not_emailed(smtp_server):
    renamed = ArticleFactory(slug="paying-for-treatment")
    renamed.slug = "how-to-pay"
    renamed.save()
    ArticleFactory(title="Costs", body=link("/articles/paying-for-treatment/", "how to pay"))
    staff_member(MARKETING_EDITORS, "sam")

    out, _err, error = check_links("--email", "--old-addresses")

    assert error is None and smtp_server.accepted == []
    assert "No email sent: no link leads nowhere." in out.splitlines()


def test_nothing_is_sent_when_every_link_leads_to_a_page(smtp_server):
    target = ArticleFactory(slug="paying-for-iop")
    ArticleFactory(body=link(target.get_absolute_url(), "how to pay"))
    staff_member(MARKETING_EDITORS, "sam")

    out, err, error = check_links("--email")

    assert error is None and err == "" and smtp_server.accepted == []
    assert out == (
        "No email sent: no link leads nowhere.\n"
        "Checked 2 published texts: every link to this site leads to a page.\n"
    )


def test_nobody_who_has_it_turned_on_may_fix_the_links(two_broken_texts, smtp_server):
    staff_member(CLINICAL_REVIEWERS, "morgan")
    NoticePreference.objects.create(user=staff_member(MARKETING_EDITORS, "sam"), link_report=False)

    out, _err, error = check_links("--email")

    assert smtp_server.accepted == []
    assert (
        "No email sent: nobody who may fix these links has the report turned on (My notices)."
        in out.splitlines()
    )
    assert error is not None and error.returncode == 1


def test_a_mail_server_that_is_down_is_a_sentence_and_status_three(two_broken_texts, settings):
    mail_server_down(settings)
    staff_member(MARKETING_EDITORS, "sam")
    staff_member(MARKETING_EDITORS, "lee")

    out, err, error = check_links("--email")

    assert "Emailed the list to 0 of 2 staff member(s) who may fix these links." in out
    assert error is not None and error.returncode == 3
    assert str(error) == (
        f"The list could not be emailed to sam, lee (2 of 2): the mail server at 127.0.0.1:{settings.EMAIL_PORT} "
        "did not take it (Connection refused)."
    )
    assert err == "2 link(s) in 2 published texts lead visitors nowhere.\n"  # the summary, as without --email


def test_from_the_command_line_a_mail_server_that_is_down_gives_no_traceback(
    two_broken_texts, settings, capsys
):
    mail_server_down(settings)
    staff_member(MARKETING_EDITORS, "sam")

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "check_links", "--email"])

    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("CommandError: The list could not be emailed to sam (1 of 1)")


def test_a_refused_address_leaves_the_others_emailed_and_status_three(two_broken_texts, smtp_server, caplog):
    dana = staff_member(MARKETING_EDITORS, "dana")  # refused by the server
    staff_member(MARKETING_EDITORS, "sam")

    with caplog.at_level("WARNING", logger="carter_site.link_report"):
        out, _err, error = check_links("--email")

    [logged] = [record for record in caplog.records if getattr(record, "event", "") == "link_report_not_sent"]
    assert (logged.recipient_user, logged.error) == (dana.pk, "SMTPRecipientsRefused")
    assert "dana@example.com" not in logged.getMessage()  # the log names the account, not the address

    assert sorted(received(smtp_server)) == ["sam@example.com"]
    assert "Emailed the list to 1 of 2 staff member(s) who may fix these links." in out
    assert error is not None and error.returncode == 3
    assert str(error).startswith("The list could not be emailed to dana (1 of 2)")


def test_without_site_url_the_emails_cannot_link_to_the_site_editor(two_broken_texts, smtp_server, settings):
    settings.SITE_URL = ""
    staff_member(MARKETING_EDITORS, "sam")

    out, _err, error = check_links("--email")

    assert out == "" and smtp_server.accepted == []
    assert error is not None and error.returncode == 2
    assert str(error).startswith("--email needs SITE_URL")


def test_a_backend_other_than_smtp_is_named_as_what_failed(two_broken_texts, settings):
    settings.EMAIL_BACKEND = "tests.site.test_check_links_email.RefusingBackend"
    staff_member(MARKETING_EDITORS, "sam")

    _out, _err, error = check_links("--email")

    assert error is not None and error.returncode == 3
    assert str(error) == (
        "The list could not be emailed to sam (1 of 1): the email backend "
        "(tests.site.test_check_links_email.RefusingBackend) did not take it (ConnectionRefusedError)."
    )


class RefusingBackend(BaseEmailBackend):
    """An email backend whose service cannot be reached, as an API-based one may be."""

    def open(self):
        raise ConnectionRefusedError

    def send_messages(self, messages):
        raise ConnectionRefusedError
