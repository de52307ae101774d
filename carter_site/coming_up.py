"""The admin's "Coming up" page: what the public site will do by itself in the next days, before
it does it, and what about it may go wrong (docs/editorial-workflow.md, "Coming up").

Many changes need nobody at the keyboard: a scheduled article goes live at its publish time, an
article comes down at its take-down time, a testimonial leaves every page on the day its consent
ends (or starts showing on the day its consent is dated), a location's holiday hours or closure
start and end, a shared preview link stops working. Each is read here from the rows that decide
it, with the same rules the public pages use (Article.get_state, TestimonialQuerySet.published,
SpecialDay.is_shown_on), so the page says what will happen, not a second guess at it.

A clinical review falling due again (SiteSettings.review_again_after_months) is listed too,
though the public site does not change with it: the article joins the admin's "Due for another
review", and this page lets the clinicians plan for it (Article.review_due_again_on).

Each kind of change is read in one query, whatever the number of rows; the published texts that
link to an article coming down come from carter_site.links.texts_linking_to (a query per kind
of text, however many articles). A viewer sees only the kinds of rows the admin lets them see.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Value
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateformat import time_format
from django.utils.html import format_html
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from .links import describe_text, texts_linking_to

# The choices of how far ahead to look, in days; the page's default, and the home page's summary.
WINDOWS = (7, 30, 90)
DEFAULT_WINDOW = 30
HOME_WINDOW = 7
# The texts linking to an article coming down are named up to this many; beyond, counted.
NAMED_TEXTS = 3


@dataclass(frozen=True)
class Change:
    """One change the site makes by itself: when (`at`, aware), what, in a sentence (HTML, its
    record linked to the change page), and what may go wrong, if anything. `page` is the address
    of that record's change page in the admin ("" when it has none), for the weekly email
    (carter_site.coming_up_email), which writes it out in full rather than as a link."""

    at: datetime.datetime
    kind: str
    what: str
    warning: str = ""
    notes: tuple = field(default=())
    # Changes on a date happen as the day starts in the center's time zone (midnight).
    whole_day: bool = False
    page: str = ""

    @property
    def when(self):
        """The time of day, as the admin writes it: "9 a.m.", or "Start of the day"."""
        if self.whole_day:
            return "Start of the day"
        return time_format(timezone.localtime(self.at), "P")


@dataclass(frozen=True)
class Viewer:
    """Which kinds of change the viewer may see, as the admin lets them see the rows."""

    articles: bool
    testimonials: bool
    special_days: bool
    preview_links: bool

    @property
    def sees_anything(self):
        return self.articles or self.testimonials or self.special_days or self.preview_links


def _may_view(user, model):
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def viewer_of(request):
    """What `request`'s user may see on the page: a model's rows when its admin lets them view
    it; holiday hours and shared preview links, rows of a location's or an article's form, when
    they may view the form and the rows, and the form shows them (a clinical reviewer who only
    records reviews is not shown an article's preview links)."""
    from articles.models import Article, PreviewLink
    from locations.models import Location, SpecialDay
    from testimonials.models import Testimonial

    if not hasattr(request, "_coming_up_viewer"):
        site, user = admin.site, request.user

        def sees(model):
            model_admin = site.get_model_admin(model) if site.is_registered(model) else None
            return model_admin is not None and model_admin.has_view_permission(request)

        articles = sees(Article)
        request._coming_up_viewer = Viewer(
            articles=articles,
            testimonials=sees(Testimonial),
            special_days=sees(Location) and _may_view(user, SpecialDay),
            preview_links=articles
            and _may_view(user, PreviewLink)
            and not site.get_model_admin(Article).is_reviewer_only(request),
        )
    return request._coming_up_viewer


def window_days(value):
    """The number of days asked for, when it is one of WINDOWS; DEFAULT_WINDOW for anything else."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW


def _start_of(day):
    """Midnight as `day` starts, in the center's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _change_page(obj):
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _linked(obj, text=None):
    text = str(obj) if text is None else text
    url = _change_page(obj)
    return format_html("<a href='{}'>{}</a>", url, text) if url else text


def _spoken_date(day, today):
    from locations.hours import spoken_date

    return spoken_date(day, today)


class _Period:
    """The days and times looked at: from `now` for `days` days. A change on a date counts when
    its day starts after now and no later than the end (today's has happened already)."""

    def __init__(self, days, now=None):
        self.now = now or timezone.now()
        self.end = self.now + datetime.timedelta(days=days)
        self.today = timezone.localdate(self.now)
        self.last_day = timezone.localdate(self.end)

    def holds_day(self, day):
        return self.today < day <= self.last_day

    def articles(self):
        from articles.models import Article

        return Article.objects.filter(status=Article.Status.PUBLISHED).filter(
            Q(published_at__gt=self.now, published_at__lte=self.end)
            | Q(expires_at__gt=self.now, expires_at__lte=self.end)
        )

    def testimonials(self):
        from testimonials.models import Testimonial

        return (
            Testimonial.objects.filter(is_published=True)
            .with_lasting_consent(self.today)
            .filter(
                Q(consent_expires_on__gt=self.today, consent_expires_on__lte=self.last_day)
                | Q(consent_signed_on__gt=self.today, consent_signed_on__lte=self.last_day)
            )
        )

    def special_days(self):
        """Those of published locations not over yet: the ones that start or end in the period,
        and any that follows one of them without a break (the usual hours do not come back in
        between). A location has a few a year, entered weeks ahead: all are read."""
        from locations.models import Location, SpecialDay

        return SpecialDay.objects.filter(location__in=Location.objects.published()).not_over(self.today)

    def preview_links(self):
        from articles.models import PreviewLink

        return PreviewLink.objects.active(self.now).filter(expires_at__lte=self.end)


def coming_up(request, days=DEFAULT_WINDOW, now=None):
    """The changes the viewer may see in the next `days` days, in the order they happen."""
    viewer, period = viewer_of(request), _Period(days, now)
    changes = []
    if viewer.articles:
        changes += _article_changes(request, period)
        changes += _review_due_changes(period)
    if viewer.testimonials:
        changes += _testimonial_changes(period)
    if viewer.special_days:
        changes += _special_day_changes(period)
    if viewer.preview_links:
        changes += _preview_link_changes(period)
    order = {kind: number for number, kind in enumerate(KINDS)}
    return sorted(changes, key=lambda change: (change.at, order[change.kind], change.what))


# The kinds of change, in the order the changes of one moment are listed.
KINDS = (
    "special_day_ends",
    "consent_ends",
    "comes_down",
    "special_day_starts",
    "consent_starts",
    "goes_live",
    "preview_ends",
    "review_due",
)


def by_day(changes):
    """[(day, [change, …]), …]: the changes grouped by their day in the center's time zone."""
    return [
        (day, list(group))
        for day, group in groupby(changes, key=lambda change: timezone.localdate(change.at))
    ]


def _review_warning(article, rule_on):
    if article.review_is_current:
        return ""
    why = (
        f"{article.reviewed_by}'s review is of earlier words"
        if article.reviewed_by_id
        else "no clinician has reviewed it"
    )
    if rule_on:
        return (
            f"No current clinical review: {why}. This site publishes only reviewed articles, but nothing "
            "stops a scheduled one at its time: unless a clinician records a review first, it goes live "
            "unreviewed. Have it reviewed before then, or set it to Draft (saving it as it is also sends "
            "it back to draft, under the same rule)."
        )
    return (
        f"No current clinical review: {why}. “Publishing needs a current clinical review” is off in "
        "Site settings, so it goes live without one."
    )


def _article_changes(request, period):
    from carter_site.models import SiteSettings

    articles = list(period.articles().select_related("reviewed_by").order_by("pk"))
    if not articles:
        return []
    rule_on = SiteSettings.load().publishing_needs_review
    changes = []
    for article in articles:
        if period.now < article.published_at <= period.end:
            changes.append(
                Change(
                    article.published_at,
                    "goes_live",
                    format_html("The article {} goes live.", _linked(article, f"“{article}”")),
                    warning=_review_warning(article, rule_on),
                    page=_change_page(article),
                )
            )
    coming_down = [
        article
        for article in articles
        if article.expires_at and period.now < article.expires_at <= period.end
    ]
    last = max((article.expires_at for article in coming_down), default=None)
    linking = texts_linking_to(coming_down, leave_out_pages=False, live_by=last) if coming_down else {}
    for article in coming_down:
        texts = _still_up_after(article, linking.get(article, []), coming_down)
        changes.append(
            Change(
                article.expires_at,
                "comes_down",
                format_html(
                    "The article {} comes down (its take-down time).", _linked(article, f"“{article}”")
                ),
                warning=_links_warning(texts),
                notes=tuple(_named_texts(request, texts)),
                page=_change_page(article),
            )
        )
    return changes


def _review_due_changes(period):
    """The live and scheduled articles whose review falls due again in the period, nobody having
    asked for a new one yet; in one query (the few days a month's length moves the due date by
    are read, and the exact day is Article.review_due_again_on's)."""
    from articles.models import Article, ReviewRequest, months_after
    from carter_site.models import SiteSettings

    months = SiteSettings.load().review_again_after_months
    if not months:
        return []
    slack = datetime.timedelta(days=3)
    rows = (
        Article.objects.filter(status=Article.Status.PUBLISHED, reviewed_by__isnull=False)
        .filter(
            reviewed_on__gt=months_after(period.today, -months) - slack,
            reviewed_on__lte=months_after(period.last_day, -months) + slack,
        )
        .exclude(expires_at__lte=period.now)
        .exclude(pk__in=ReviewRequest.objects.open().values("article_id"))
        .select_related("reviewed_by")
        .order_by("pk")
    )
    changes = []
    for article in rows:
        due = article.review_due_again_on(months)
        if not period.holds_day(due) or (article.expires_at and article.expires_at <= _start_of(due)):
            continue
        changes.append(
            Change(
                _start_of(due),
                "review_due",
                format_html(
                    "The clinical review of {} falls due again: {} read it on {}, and the site asks for a "
                    "new review every {} months. Nothing changes for readers; ask a clinician to read it again.",
                    _linked(article, f"“{article}”"),
                    article.reviewed_by,
                    date_format(article.reviewed_on, "F j, Y"),
                    months,
                ),
                whole_day=True,
                page=_change_page(article),
            )
        )
    return changes


def _still_up_after(article, texts, coming_down):
    """Of the texts linking to `article`, those published when it comes down: not itself, nor
    another of the articles `coming_down` at the same time or sooner, nor an article that goes
    live only after it. One coming down later has a link that leads nowhere in between, and so
    has one going live before. (Every article that comes down before `article` is among them:
    the period holds both.)"""
    gone_by_then = {other.pk for other in coming_down if other.expires_at <= article.expires_at}
    return [
        text
        for text in texts
        if not (
            type(text) is type(article)
            and (text.pk in gone_by_then or text.published_at > article.expires_at)
        )
    ]


def _links_warning(texts):
    if not texts:
        return ""
    count = len(texts)
    return ngettext(
        "%(count)d published text links to it: after that time its link leads visitors to "
        "“page not found”. Change the link, or add a redirect to the page that replaces it (Redirects).",
        "%(count)d published texts link to it: after that time their links lead visitors to "
        "“page not found”. Change the links, or add a redirect to the page that replaces it (Redirects).",
        count,
    ) % {"count": count}


def _named_texts(request, texts):
    """The first NAMED_TEXTS of `texts`, each linked to its change page when the viewer may open
    it; "and N more" after them."""
    named = []
    for text in texts[:NAMED_TEXTS]:
        model_admin = admin.site.get_model_admin(type(text)) if admin.site.is_registered(type(text)) else None
        may_open = model_admin is not None and model_admin.has_view_permission(request)
        named.append(_linked(text, describe_text(text)) if may_open else describe_text(text))
    more = len(texts) - NAMED_TEXTS
    if more > 0:
        named.append(ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more})
    return named


def _testimonial_changes(period):
    changes = []
    rows = period.testimonials().order_by("pk")
    for testimonial in rows:
        name = _linked(testimonial, f"“{testimonial.attribution}”")
        if period.holds_day(testimonial.consent_signed_on):
            changes.append(
                Change(
                    _start_of(testimonial.consent_signed_on),
                    "consent_starts",
                    format_html("The testimonial of {} starts showing: its consent is dated this day.", name),
                    whole_day=True,
                    page=_change_page(testimonial),
                )
            )
        if testimonial.consent_expires_on and period.holds_day(testimonial.consent_expires_on):
            where = " It is featured on the home page." if testimonial.is_featured else ""
            changes.append(
                Change(
                    _start_of(testimonial.consent_expires_on),
                    "consent_ends",
                    format_html(
                        "The client's consent for the testimonial of {} ends: it leaves every page this "
                        "day.{} Record a renewed consent before then to keep it.",
                        name,
                        where,
                    ),
                    whole_day=True,
                    page=_change_page(testimonial),
                )
            )
    return changes


def _special_day_changes(period):
    from locations.hours import spoken_periods

    rows = list(period.special_days().select_related("location").order_by("location_id", "first_day", "pk"))
    runs = {}  # each location's special days, as (first day, last day)
    for special in rows:
        runs.setdefault(special.location_id, []).append((special.first_day, special.last_day))

    def covered(location_id, day):
        return any(first <= day <= last for first, last in runs[location_id])

    changes = []
    for special in rows:
        location = _linked(special.location)
        # The day the usual hours come back; none after a closure to the calendar's last day
        # (31 December 9999, typed for "until further notice"), which has no day after it.
        after = (
            special.last_day + datetime.timedelta(days=1) if special.last_day < datetime.date.max else None
        )
        until = (
            f", through {_spoken_date(special.last_day, period.today)}"
            if special.last_day != special.first_day
            else ""
        )
        if period.holds_day(special.first_day):
            if special.closed:
                what = format_html("{} is closed all day{} ({}).", location, until, special.reason)
            else:
                what = format_html(
                    "{} keeps special hours{}: {} only ({}).",
                    location,
                    until,
                    spoken_periods(special.periods),
                    special.reason,
                )
            shown_from = special.first_day - datetime.timedelta(days=special.SHOWN_DAYS_AHEAD)
            back = (
                f" The usual weekly hours are back on {_spoken_date(after, period.today)}."
                if after is not None and not covered(special.location_id, after)
                else ""
            )
            announced = (
                f"Its page has said so since {_spoken_date(shown_from, period.today)}."
                if shown_from <= period.today
                else f"Its page says so from {_spoken_date(shown_from, period.today)}."
            )
            changes.append(
                Change(
                    _start_of(special.first_day),
                    "special_day_starts",
                    format_html("{} {}{}", what, announced, back),
                    whole_day=True,
                    page=_change_page(special.location),
                )
            )
        if after is not None and period.holds_day(after) and not covered(special.location_id, after):
            changes.append(
                Change(
                    _start_of(after),
                    "special_day_ends",
                    format_html(
                        "{}'s usual weekly hours are back after {}; its page stops mentioning it.",
                        location,
                        special.reason,
                    ),
                    whole_day=True,
                    page=_change_page(special.location),
                )
            )
    return changes


def _preview_link_changes(period):
    changes = []
    for link in period.preview_links().select_related("article").order_by("pk"):
        for_whom = f" (for {link.note})" if link.note else ""
        changes.append(
            Change(
                link.expires_at,
                "preview_ends",
                format_html(
                    "The shared preview link of {}{} stops working.",
                    _linked(link.article, f"“{link.article}”"),
                    for_whom,
                ),
                page=_change_page(link.article),
            )
        )
    return changes


# --- The admin's home page: the next HOME_WINDOW days, counted in one query.


def summary(request, now=None):
    """For the admin's home page: the counts of the changes of the next HOME_WINDOW days, as a
    sentence, to those who may see something on the page; None to everyone else. One query,
    whatever the viewer may see."""
    viewer = viewer_of(request)
    if not viewer.sees_anything:
        return None
    period = _Period(HOME_WINDOW, now)
    parts = []
    if viewer.articles:
        articles = period.articles().order_by()
        parts.append(
            articles.filter(published_at__gt=period.now, published_at__lte=period.end).annotate(
                kind=Value("goes_live")
            )
        )
        parts.append(
            articles.filter(expires_at__gt=period.now, expires_at__lte=period.end).annotate(
                kind=Value("comes_down")
            )
        )
    if viewer.testimonials:
        parts.append(
            period.testimonials()
            .filter(consent_expires_on__gt=period.today, consent_expires_on__lte=period.last_day)
            .order_by()
            .annotate(kind=Value("consent_ends"))
        )
    if viewer.special_days:
        parts.append(
            period.special_days()
            .filter(first_day__gt=period.today, first_day__lte=period.last_day)
            .order_by()
            .annotate(kind=Value("special_day_starts"))
        )
    counts = Counter()
    if parts:
        first, *rest = (part.values_list("kind", flat=True) for part in parts)
        counts = Counter(first.union(*rest, all=True) if rest else first)
    return HomeSummary(counts)


@dataclass(frozen=True)
class HomeSummary:
    counts: Counter

    @property
    def text(self):
        live, down = self.counts["goes_live"], self.counts["comes_down"]
        ending, starting = self.counts["consent_ends"], self.counts["special_day_starts"]
        parts = []
        if live:
            parts.append(
                ngettext("%(count)d article goes live", "%(count)d articles go live", live) % {"count": live}
            )
        if down:
            if live:
                said = ngettext("%(count)d comes down", "%(count)d come down", down)
            else:
                said = ngettext("%(count)d article comes down", "%(count)d articles come down", down)
            parts.append(said % {"count": down})
        if ending:
            parts.append(
                ngettext(
                    "%(count)d testimonial's consent ends", "%(count)d testimonials' consents end", ending
                )
                % {"count": ending}
            )
        if starting:
            parts.append(
                ngettext(
                    "%(count)d location's holiday hours or closure starts",
                    "%(count)d holiday hours or closures start at the locations",
                    starting,
                )
                % {"count": starting}
            )
        if not parts:
            return f"Nothing on the site is set to change by itself in the next {HOME_WINDOW} days."
        return f"In the next {HOME_WINDOW} days: {', '.join(parts)}."


@never_cache
def coming_up_view(request):
    viewer = viewer_of(request)
    if not viewer.sees_anything:
        raise PermissionDenied
    days = window_days(request.GET.get("days"))
    changes = coming_up(request, days)
    context = {
        **admin.site.each_context(request),
        "title": "Coming up",
        "days": days,
        "windows": WINDOWS,
        "default_window": DEFAULT_WINDOW,
        "by_day": by_day(changes),
        "today": timezone.localdate(),
        "tomorrow": timezone.localdate() + datetime.timedelta(days=1),
        "viewer": viewer,
    }
    return TemplateResponse(request, "admin/coming_up.html", context)
