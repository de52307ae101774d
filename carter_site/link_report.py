"""The report of links that lead nowhere, emailed to the staff who can fix them
(`manage.py check_links --email`; docs/editorial-workflow.md, "The report of links that lead
nowhere").

A link that worked when its text was saved breaks by itself later, when the page it leads to is
taken down at its time, unpublished or deleted; the admin warned nobody then. The weekly check
lists these links, and this module turns its list into emails:

- **Who**: every active staff account that did not untick the report on *My notices*
  (NoticePreference.link_report; an account without a row gets it) and may edit at least one of
  the texts in the list, by the admin's own rule for that kind of text (the model admin's
  `has_edit_content_permission` where it has one, as articles do, else `has_change_permission`):
  a clinical reviewer who may only record reviews is not asked to fix an article's link, nor an
  account without the FAQ permissions an FAQ's.
- **What**: each person gets the lines of the texts they may edit only, one line per link: the
  kind and title of the text, its address in the site editor (SITE_URL followed by the admin's
  address, as in the emails about review requests), then the checker's own sentence (the link's
  words, its address as written, and what is wrong). Plain text, from DEFAULT_FROM_EMAIL.
- Accounts without an email address are left out and counted, for whoever reads the command's
  output to add one.

All the emails share one connection. A server that cannot be reached fails them all at once; a
server that refuses one address fails that email only. The caller says which did not leave.
"""

import contextlib
import smtplib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.http import HttpRequest
from django.urls import reverse

from .links import KIND_NAMES, RICH_TEXTS

# Refusals of one message (one address, one message's data); any other error means the server
# cannot be reached or dropped the connection, and the emails after it are not tried.
_ONE_MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _as_request(user):
    """A request made by `user`, for the admin's permission checks (they read only its user)."""
    request = HttpRequest()
    request.user = user
    return request


def may_edit(user, model, obj=None):
    """Whether `user` may change the text `obj` (or, without one, texts of `model`) in the admin."""
    model_admin = admin.site.get_model_admin(model)
    check = getattr(model_admin, "has_edit_content_permission", model_admin.has_change_permission)
    return bool(check(_as_request(user), obj))


def text_models():
    return [apps.get_model(app_label, model_name) for app_label, model_name in RICH_TEXTS]


def edits_texts(user):
    """Whether `user` may edit any kind of text the check reads (and so may get the report)."""
    return user.is_active and user.is_staff and any(may_edit(user, model) for model in text_models())


def wants_link_report(users):
    """`users` less those who turned the report off (an account without a NoticePreference row
    gets it)."""
    return users.exclude(notice_preference__link_report=False)


def text_name(obj):
    """ "article “Paying for IOP”": the kind of text and its title, on one line."""
    kind = KIND_NAMES.get(type(obj).__name__, obj._meta.verbose_name)
    return f"{kind} “{' '.join(str(obj).split())}”"


def change_url(origin, obj):
    opts = obj._meta
    return origin + reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@dataclass(frozen=True)
class Report:
    recipient: object  # a user
    problems: tuple  # ((text, LinkProblem), …): the texts they may edit only


def reports_for(found):
    """(reports, without_address) for `found`, {text: [LinkProblem, …]} of the links that lead
    nowhere: one Report per person to email, and the accounts that have it turned on and may fix some
    of these links but have no email address."""
    staff = get_user_model().objects.filter(is_active=True, is_staff=True)
    reports, without_address = [], []
    for user in wants_link_report(staff).order_by("pk"):
        theirs = tuple(
            (obj, problem)
            for obj, problems in found.items()
            if may_edit(user, type(obj), obj)
            for problem in problems
        )
        if not theirs:
            continue
        if user.email:
            reports.append(Report(user, theirs))
        else:
            without_address.append(user)
    return reports, without_address


def message_of(report, origin):
    """The email of `report`: its subject and its plain-text body."""
    count = len(report.problems)
    links = "1 link" if count == 1 else f"{count} links"
    subject = f"Links that lead nowhere: {links} in texts you may edit"
    lines = "\n".join(
        f"- {text_name(obj)} ({change_url(origin, obj)}): {problem}" for obj, problem in report.problems
    )
    body = (
        f"The site's check of its links found {links} in published texts that lead visitors nowhere. "
        "They are in texts you may edit, one line each: the text, its page in the site editor, then the "
        "link and what is wrong.\n\n"
        f"{lines}\n\n"
        "Open the text's page, change the link or take it out, and save: the site editor checks the "
        "links again as you save. A link to a page taken down on purpose is best taken out.\n"
        "\n-- \nYou get this email because you may edit these texts. To stop it, untick it under "
        "“My notices” at the top of any page of the site editor: "
        f"{origin}{reverse('admin:my_notices')}\n"
    )
    return subject, body


def send_reports(reports, origin, compose=message_of):
    """Email each of `reports`, on one connection; [(report, error), …] for those not sent.
    `compose(report, origin)` gives each one's subject and body (the weekly email of what is coming
    up uses this too: carter_site.coming_up_email)."""
    failed = []
    try:
        connection = get_connection()
        connection.open()
    except Exception as error:  # the server cannot be reached, or the backend is misconfigured
        return [(report, error) for report in reports]
    try:
        for index, report in enumerate(reports):
            subject, body = compose(report, origin)
            message = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [report.recipient.email], connection=connection
            )
            try:
                message.send()
            except Exception as error:
                failed.append((report, error))
                if not isinstance(error, _ONE_MESSAGE_REFUSED):
                    failed += [(rest, error) for rest in reports[index + 1 :]]
                    break
    finally:
        with contextlib.suppress(Exception):  # closing a connection that broke: nothing more to do
            connection.close()
    return failed


def people(users, shown=5):
    """The usernames of `users`, the first few, for a command's output: "sam, lee and 3 more"."""
    listed = ", ".join(user.get_username() for user in users[:shown])
    more = len(users) - shown
    return f"{listed} and {more} more" if more > 0 else listed


def mail_server():
    """What did not take an email, as a command's sentence names it."""
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return f"the mail server at {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"the email backend ({settings.EMAIL_BACKEND})"


def why_not_sent(error):
    """The error of an email not sent, in a word or two: "Connection refused", "SMTPRecipientsRefused"."""
    return getattr(error, "strerror", None) or type(error).__name__


def log_not_sent(logger, failed, sentence, event):
    """Log to `logger` each email of `failed` ((report, error) pairs) not sent, at WARNING: `event`
    with the account's id and the error's kind, never the address (as the emails about reviews are)."""
    for report, error in failed:
        logger.warning(
            sentence,
            extra={
                "event": event,
                "recipient_user": report.recipient.pk,
                "error": type(error).__name__,
                "smtp_code": getattr(error, "smtp_code", None),
            },
        )
