"""The weekly email of what the site will change by itself (`manage.py email_coming_up`;
docs/editorial-workflow.md, "Coming up"), so that nobody has to remember to open the page.

- **Who**: every active staff account that did not untick it on *My notices*
  (NoticePreference.coming_up; an account without a row gets it) and may see something on
  *Coming up*, by the page's own rule (carter_site.coming_up.viewer_of, asked with a request made
  by the account, as the report of links that lead nowhere asks the admin's permissions).
- **What**: that person's *Coming up*, as the page would show it to them for the days asked for:
  the Change objects of carter_site.coming_up.coming_up, not a second reading of the rows. One
  heading per day in the center's time zone, each change on one line with its time, then the
  address of its record in the site editor (SITE_URL followed by the admin's address), then its
  warning and the texts it names, if any. Plain text, from DEFAULT_FROM_EMAIL.
- **Nothing to say, nothing sent**: someone with nothing coming up gets no email that week; the
  command counts them. Accounts with something coming up but no email address are counted too.

The emails leave as the report of links does (carter_site.link_report.send_reports): one
connection, a server that cannot be reached fails them all, a refused address fails its own.
"""

import html
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import strip_tags

from .coming_up import by_day, coming_up, viewer_of
from .link_report import _as_request


def may_see_coming_up(user):
    """Whether `user` may see something on *Coming up* (and so may get its weekly email)."""
    return user.is_active and user.is_staff and viewer_of(_as_request(user)).sees_anything


def wants_coming_up(users):
    """`users` less those who turned the email off (an account without a NoticePreference row gets it)."""
    return users.exclude(notice_preference__coming_up=False)


@dataclass(frozen=True)
class Digest:
    recipient: object  # a user
    changes: tuple  # their Change objects, in the order they happen
    days: int
    today: object  # the date the window starts on, in the center's time zone


@dataclass(frozen=True)
class Recipients:
    digests: list  # one Digest per person to email
    nothing: list  # accounts that have it turned on and may see the page, with nothing coming up
    without_address: list  # accounts with something coming up but no email address


def digests_for(days, now=None):
    """Who gets what for the next `days` days from `now` (everyone the same window)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    staff = get_user_model().objects.filter(is_active=True, is_staff=True)
    found = Recipients([], [], [])
    for user in wants_coming_up(staff).order_by("pk"):
        request = _as_request(user)
        if not viewer_of(request).sees_anything:
            continue
        changes = tuple(coming_up(request, days, now))
        if not changes:
            found.nothing.append(user)
        elif user.email:
            found.digests.append(Digest(user, changes, days, today))
        else:
            found.without_address.append(user)
    return found


def plain(text):
    """A sentence of the page (HTML, its record linked) as plain text."""
    return " ".join(html.unescape(strip_tags(str(text))).split())


def _day_heading(day, today):
    """As the page heads its days: "Tuesday, November 24, 2026 (tomorrow)"."""
    after = {0: " (today)", 1: " (tomorrow)"}.get((day - today).days, "")
    return date_format(day, "l, F j, Y") + after


def _change_lines(change, origin):
    lines = [f"- {change.when}: {plain(change.what)}"]
    if change.page:
        lines.append(f"  {origin}{change.page}")
    if change.warning:
        lines.append(f"  Warning: {plain(change.warning)}")
    if change.notes:
        lines.append(f"  The texts: {', '.join(plain(note) for note in change.notes)}.")
    return lines


def message_of(digest, origin):
    """The email of `digest`: its subject and its plain-text body."""
    count = len(digest.changes)
    changes = "1 change" if count == 1 else f"{count} changes"
    first_day = timezone.localdate(digest.changes[0].at)
    subject = f"Coming up on the site: {changes} from {date_format(first_day, 'l, F j')}"
    sections = []
    for day, on_the_day in by_day(digest.changes):
        lines = [_day_heading(day, digest.today)]
        for change in on_the_day:
            lines += _change_lines(change, origin)
        sections.append("\n".join(lines))
    page = f"{origin}{reverse('admin:coming_up')}?days={digest.days}"
    body = (
        f"In the next {digest.days} days the site will make {changes} by itself, with nobody saving "
        "anything. Here they are by day, in the center's time zone, each with its page in the site editor, "
        "where you can change it before it happens.\n\n"
        + "\n\n".join(sections)
        + f"\n\nThe same list, always up to date, is on the Coming up page: {page}\n"
        "\n-- \nYou get this email because you may see Coming up in the site editor. To stop it, untick it "
        "under “My notices” at the top of any page of the site editor: "
        f"{origin}{reverse('admin:my_notices')}\n"
    )
    return subject, body
