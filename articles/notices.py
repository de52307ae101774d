"""Emails about requests for a clinical review, so that nobody has to watch the admin to hear of
one (docs/editorial-workflow.md, "Emails about review requests"); and *My notices*, where each
staff member chooses these, the weekly report of links that lead nowhere (carter_site.link_report)
and the weekly email of what is coming up (carter_site.coming_up_email).

- **Asked** (the article's *Ask for clinical review* page, or the bulk action): to the account of
  the clinician the request names, when it is active and has an email address; otherwise to
  every active staff account with an address that may record clinical reviews (Clinical
  reviewers, Site administrators). One email per person: the bulk action lists its articles in
  one email rather than sending one per article.
- **Closed** (answered by a review, declined with its reason, or withdrawn): to the editor who
  asked, unless they closed it themselves.

Nobody gets an email about what they did themselves, nor one they turned off on *My notices*
(NoticePreference, `my_notices_view`). The emails carry the article's title, who acted, the
editor's note or the clinician's reason, and the article's address in the admin: staff text
only. Requests hold no visitor data, and neither do these emails.

Emails leave after the transaction of the action commits (`transaction.on_commit`): an action
undone (two editors asking at the same moment, a save refused and tried again) sends nothing.
Sending never undoes or breaks the action: a mail server that is down or refuses an address is
logged (event `review_notice_not_sent`, with the request and account ids and the error's kind;
never the note, the reason or an address) and the person acting reads a warning naming whom the
email did not reach. All the emails of one action share one connection, and a server that cannot
be reached is tried once, so an action waits at most EMAIL_TIMEOUT for it.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from carter_site.coming_up_email import may_see_coming_up
from carter_site.link_report import edits_texts
from carter_site.publishing import local_time
from carter_site.seo import site_origin

from .models import NoticePreference, ReviewRequest

logger = logging.getLogger("articles.notices")

# Refusals of one message (one address, one message's data); any other error means the server
# cannot be reached or dropped the connection, and the emails after it are not tried.
_ONE_MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class Notice:
    recipient: object  # a user
    subject: str
    body: str
    requests: tuple = ()  # the ids of the requests it is about, for the log


def one_line(text):
    """Titles go into a subject line: one line, whatever was typed."""
    return " ".join(str(text).split())


def person(user):
    return ReviewRequest.person(user)


def names(users, shown=5):
    listed = ", ".join(person(user) for user in users[:shown])
    more = len(users) - shown
    return f"{listed} and {more} more" if more > 0 else listed


def wants_review_emails(users):
    """`users` less those who turned these emails off (an account without a NoticePreference row
    gets them)."""
    return users.exclude(notice_preference__review_requests=False)


def reviewers():
    """Active staff accounts with an email address that may record clinical reviews: the groups
    and the accounts holding the permission, and superusers."""
    may_review = Permission.objects.filter(content_type__app_label="articles", codename="review_article")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True) | Q(groups__permissions__in=may_review) | Q(user_permissions__in=may_review)
        )
        .distinct()
        .order_by("pk")
    )


def reachable(user):
    return user is not None and user.is_active and user.is_staff and bool(user.email)


def asked_recipients(request_for_review, actor):
    """Who hears of a new request: (users, named) where `named` says it was asked of them."""
    clinician = request_for_review.clinician
    account = clinician.user if clinician is not None else None
    User = get_user_model()
    if reachable(account):
        # Asked by name: only that clinician, or nobody if they turned these emails off.
        users = wants_review_emails(User.objects.filter(pk=account.pk)).exclude(pk=actor.pk)
        return list(users), True
    return list(wants_review_emails(reviewers()).exclude(pk=actor.pk)), False


def change_url(request, article):
    return site_origin(request) + reverse("admin:articles_article_change", args=[article.pk])


def footer(request):
    return (
        "\n\n-- \nYou get this email because you work on the site's articles. To stop these emails, "
        "untick them under “My notices” at the top of any page of the site editor: "
        f"{site_origin(request)}{reverse('admin:my_notices')}\n"
    )


def asked_notices(request, asked):
    """The emails announcing the new requests `asked` (all made by one action, with the same
    clinician and note): one per recipient, listing every article."""
    if not asked:
        return []
    first, actor = asked[0], request.user
    users, named = asked_recipients(first, actor)
    articles = [one.article for one in asked]
    if len(articles) == 1:
        subject = f"Clinical review asked for: {one_line(articles[0])}"
        what = f"a clinical review of “{one_line(articles[0])}”:\n{change_url(request, articles[0])}"
    else:
        subject = f"Clinical review asked for: {len(articles)} articles"
        listed = "\n".join(
            f"- “{one_line(article)}”\n  {change_url(request, article)}" for article in articles
        )
        what = f"a clinical review of {len(articles)} articles:\n{listed}"
    of_whom = "you for" if named else "any clinical reviewer for"
    body = f"{person(actor)} asked {of_whom} {what}\n"
    if first.note:
        body += f"\nTheir note: {first.note}\n"
    body += (
        "\nThe article's page in the site editor is where you record your review, or decline the "
        "request with a reason."
    )
    ids = tuple(one.pk for one in asked)
    return [Notice(user, subject, body + footer(request), ids) for user in users]


def closed_notice(request, closed):
    """The email telling whoever asked what became of their request `closed`, or None (they
    closed it themselves, have no address, or turned these emails off)."""
    asker, actor = closed.asked_by, request.user
    if not reachable(asker) or asker.pk == actor.pk:
        return None
    if not wants_review_emails(get_user_model().objects.filter(pk=asker.pk)).exists():
        return None
    title = one_line(closed.article)
    asked = f"Your request for a clinical review of “{title}”, asked on {local_time(closed.asked_at)},"
    match closed.outcome:
        case ReviewRequest.Outcome.REVIEWED:
            by = f" from {closed.answered_by}" if closed.answered_by_id else ""
            entered = actor.clinician if hasattr(actor, "clinician") else None
            recorded = "" if entered == closed.answered_by else f" (recorded by {person(actor)})"
            subject = f"Clinical review done: {title}"
            body = f"{asked} is answered by a review{by}{recorded}."
        case ReviewRequest.Outcome.DECLINED:
            subject = f"Clinical review declined: {title}"
            body = (
                f"{asked} was declined by {person(actor)}.\n\nTheir reason: {closed.decline_reason}\n\n"
                "You can ask again from the article's page, of someone else perhaps."
            )
        case _:
            subject = f"Request for a clinical review withdrawn: {title}"
            body = f"{asked} was withdrawn by {person(actor)}. Nobody is asked to review it now."
    body += f"\n\n{change_url(request, closed.article)}\n"
    return Notice(asker, subject, body + footer(request), (closed.pk,))


def deliver(request, notices, saved):
    """Send `notices`, one connection for all of them; warn the person acting of those not sent.
    `saved` begins the warning ("The request is saved")."""
    failed = []
    try:
        connection = get_connection()
        connection.open()
    except Exception as error:  # the server cannot be reached, or the backend is misconfigured
        failed = [(notice, error) for notice in notices]
        connection = None
    if connection is not None:
        try:
            for index, notice in enumerate(notices):
                message = EmailMessage(
                    notice.subject,
                    notice.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [notice.recipient.email],
                    connection=connection,
                )
                try:
                    message.send()
                except Exception as error:
                    failed.append((notice, error))
                    if not isinstance(error, _ONE_MESSAGE_REFUSED):
                        failed += [(rest, error) for rest in notices[index + 1 :]]
                        break
        finally:
            with contextlib.suppress(Exception):  # closing a connection that broke: nothing more to do
                connection.close()
    if not failed:
        return
    for notice, error in failed:
        logger.warning(
            "An email about a request for a clinical review could not be sent.",
            extra={
                "event": "review_notice_not_sent",
                "review_requests": list(notice.requests),
                "recipient_user": notice.recipient.pk,
                "error": type(error).__name__,
                "smtp_code": getattr(error, "smtp_code", None),
            },
        )
    messages.warning(
        request,
        f"{saved}; the email to {names([notice.recipient for notice, _ in failed])} could not be sent "
        "(the mail server did not take it). Tell them yourself if it cannot wait.",
    )


def _send_after_commit(request, make_notices, saved):
    def send():
        notices = [notice for notice in make_notices() if notice is not None]
        if notices:
            deliver(request, notices, saved)

    transaction.on_commit(send)


def review_asked(request, asked):
    """Call inside the transaction that saves the requests `asked` (one action's)."""
    _send_after_commit(request, partial(asked_notices, request, list(asked)), "The request is saved")


def review_recorded(request, article):
    """Call after saving an article whose recorded review may have answered its request."""
    answered = article.__dict__.pop("answered_review_requests", [])
    if answered:
        _send_after_commit(
            request, lambda: [closed_notice(request, one) for one in answered], "The review is saved"
        )


def request_declined(request, declined):
    _send_after_commit(request, lambda: [closed_notice(request, declined)], "The request is declined")


def request_withdrawn(request, withdrawn):
    _send_after_commit(request, lambda: [closed_notice(request, withdrawn)], "The request is withdrawn")


# --- My notices: each staff member's own choice.


def spoken_list(items):
    """ "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def notices_of(user):
    """What emails `user` gets from the site editor, in a sentence for whoever looks after staff
    accounts (the account's page in the admin): about review requests, the report of links that
    lead nowhere when they may edit texts (carter_site.link_report), and the weekly email of what
    is coming up when they may see something on that page (carter_site.coming_up_email). Each
    person sets their own choices on *My notices*; without an email address, or with them turned
    off, nothing reaches them."""
    if not reachable(user):
        if not (user.is_active and user.is_staff):
            return "None: this account cannot sign in to the admin, and gets no emails."
        return (
            "None: this account has no email address, so it gets no emails: it learns of requests for a "
            f"clinical review{' and of what is coming up' if may_see_coming_up(user) else ''} only from the "
            "admin home page. Add one above."
        )
    preference = NoticePreference.objects.filter(user=user).first()
    reviews = preference is None or preference.review_requests
    link_report = edits_texts(user)
    links = link_report and (preference is None or preference.link_report)
    sees_coming_up = may_see_coming_up(user)
    coming = sees_coming_up and (preference is None or preference.coming_up)
    off = [
        *([] if reviews else ["emails about requests for a clinical review"]),
        *(["the report of links that lead nowhere"] if link_report and not links else []),
        *(["the weekly email of what is coming up"] if sees_coming_up and not coming else []),
    ]
    if not reviews and not links and not coming:
        shown = [
            "the requests waiting for a review",
            *(["what is coming up"] if sees_coming_up else []),
        ]
        return (
            f"None: its owner turned off {spoken_list(off)} on My notices. "
            f"The admin home page still shows them {spoken_list(shown)}."
        )
    weekly = [
        *(["the weekly report of links that lead nowhere in texts they may edit"] if links else []),
        *(["the weekly email of what the site will change by itself in the days ahead"] if coming else []),
    ]
    if reviews:
        about = (
            "requests for a clinical review asked of them or of any reviewer, and what became of the "
            "requests they asked"
            if user.has_perm("articles.review_article")
            else "what became of the requests for a clinical review they asked"
        )
        parts = [f"about {about}", *weekly]
    else:
        parts = [f"with {weekly[0]}", *weekly[1:]]
    what = "; ".join(parts[:-1]) + f"; and {parts[-1]}" if len(parts) > 1 else parts[0]
    choice = (
        f"Its owner turned off {spoken_list(off)} on My notices."
        if off
        else "Its owner can turn them off on My notices."
    )
    return f"Emails to {user.email} {what}. {choice}"


class NoticePreferenceForm(forms.ModelForm):
    class Meta:
        model = NoticePreference
        fields = ["review_requests", "link_report", "coming_up"]


def my_notices_view(request):
    """The signed-in staff member's own email notices (linked from the admin's user tools)."""
    from django.contrib.admin import site

    preference = NoticePreference.objects.filter(user=request.user).first() or NoticePreference(
        user=request.user
    )
    form = NoticePreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    edits = edits_texts(request.user)
    if not edits:
        # Not shown to someone who may edit no text: their choice stays as it was, for the day they may.
        del form.fields["link_report"]
    sees_coming_up = may_see_coming_up(request.user)
    if not sees_coming_up:
        # Likewise for someone who may see nothing on Coming up.
        del form.fields["coming_up"]
    if request.method == "POST" and form.is_valid():
        form.save()
        on = form.cleaned_data["review_requests"]
        said = (
            "You will get emails about requests for a clinical review."
            if on
            else "You will get no emails about requests for a clinical review. The admin still shows them."
        )
        if edits:
            said += (
                " You will get the report of links that lead nowhere."
                if form.cleaned_data["link_report"]
                else " You will not get the report of links that lead nowhere."
            )
        if sees_coming_up:
            said += (
                " You will get the weekly email of what is coming up."
                if form.cleaned_data["coming_up"]
                else " You will not get the weekly email of what is coming up."
            )
        messages.success(request, said)
        return redirect("admin:my_notices")
    context = {
        **site.each_context(request),
        "title": "My notices",
        "form": form,
        "email": request.user.email,
        "records_reviews": request.user.has_perm("articles.review_article"),
        "asks_for_reviews": request.user.has_perm("articles.add_reviewrequest"),
        "edits_texts": edits,
        "sees_coming_up": sees_coming_up,
    }
    return TemplateResponse(request, "admin/my_notices.html", context)
