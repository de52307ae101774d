"""Standing pages: what a health-care provider's site keeps at one address and links from every
page's footer, such as its privacy notice, its notice of nondiscrimination and its accessibility
statement.

A page lives at the top of the site, /privacy/, because that is where people and regulators look
for it and what a printed notice can point to. Its address may not be one the site already
answers (`validate_free_address`): the page would never be shown.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve

from carter_site.publishing import PublishedFlag, PublishedFlagQuerySet, SeoFields
from carter_site.redirects import KeepsOldAddresses, validate_lower_case
from carter_site.reversing import cached_reverse
from carter_site.richtext import RichTextField
from carter_site.settings.environment import RESERVED_URL_SEGMENTS

DETAIL_VIEW = "pages:detail"


def _first_segment(url):
    return url.strip("/").split("/")[0]


def validate_free_address(slug):
    """A page's slug may not name an address the site already uses: its sections (/articles/),
    its own files (/healthz, /static/), or the admin's address.

    Nor may it hold capitals, as no slug may (carter_site.redirects.validate_lower_case): a page
    at /Privacy/ would stand apart from the one a visitor reaches, and could sit beside another
    page at /privacy/."""
    validate_lower_case(slug)
    reserved = RESERVED_URL_SEGMENTS | {
        _first_segment(settings.STATIC_URL),
        _first_segment(settings.MEDIA_URL),
    }
    taken = slug.lower() in reserved
    for path in (f"/{slug}/", f"/{slug}"):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        taken = taken or match.view_name != DETAIL_VIEW
    if taken:
        raise ValidationError(
            "The site already uses the address /%(slug)s/. Choose another address for this page.",
            code="address_taken",
            params={"slug": slug},
        )


class PageQuerySet(PublishedFlagQuerySet):
    def in_footer(self):
        """Published pages listed in every page's footer, in the editors' order."""
        return self.published().filter(in_footer=True).order_by("order", "title")


class Page(KeepsOldAddresses, PublishedFlag, SeoFields):
    title = models.CharField(
        max_length=120,
        help_text="The page's heading, as people will look for it: for example 'Privacy notice' or "
        "'Accessibility'. Also the link's words in the footer.",
    )
    slug = models.SlugField(
        unique=True,
        max_length=80,
        validators=[validate_free_address],
        help_text="The page's address at the top of the site: 'privacy' makes /privacy/. Filled in "
        "from the title. Short and lasting: printed notices and other sites will point to it.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences under the heading: what this page is for and who it is for. "
        "Also shown in search results.",
    )
    body = RichTextField(help_text="The page itself. Use headings for its parts, so people can find theirs.")
    effective_on = models.DateField(
        "in effect from",
        null=True,
        blank=True,
        help_text="Optional. For a notice that takes effect on a date (a privacy notice, a notice of "
        "nondiscrimination): shown at the top of the page. Change it when the notice itself changes, "
        "not for a corrected typo.",
    )
    in_footer = models.BooleanField(
        "linked in the footer",
        default=True,
        help_text="Tick to list this page under 'About this site' in the footer of every page.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first in the footer.")
    was_public = models.BooleanField(
        default=False,
        editable=False,
        help_text="Set for good once the page has been published: renaming it keeps its old address.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = "standing page"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse(DETAIL_VIEW, self.slug)
