"""Template tags for the <head>: one page title and description feed every tag that needs them.

`base.html` captures its `title` and `meta_description` blocks once (`{% capture %}`), and
the canonical link, Open Graph, Twitter card and JSON-LD all read those captured values,
so a page's title is written in one place, in its template.
"""

from django import template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe

from carter_site import structured_data as sd
from carter_site.seo import (
    LOGO_IMAGE,
    absolute_url,
    canonical_url,
    default_share_image,
    page_url,
    site_origin,
)

register = template.Library()


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)  # so that {% block %} tags inside stay overridable

    def __init__(self, nodelist, var_name):
        self.nodelist = nodelist
        self.var_name = var_name

    def render(self, context):
        rendered = self.nodelist.render(context)
        # Already escaped by the template engine; only whitespace is tidied.
        context[self.var_name] = mark_safe(" ".join(rendered.split()))
        return ""


# Search results show about this many characters of a title; longer ones are cut off.
TITLE_LIMIT = 65


@register.filter
def with_site_name(title, site_name):
    """The <title>: the page's own title, then " · " and the site's name when the whole fits
    in TITLE_LIMIT characters and the title does not name the site already. A long article
    title (or an editor's SEO title) stays whole rather than being cut off in search results.

    The title comes captured from the page's block, already escaped: it is turned back into
    text, so that "What's IOP & what does it cost?" is measured as a reader sees it and the
    template escapes the result once, not twice."""
    title, site_name = sd.text_of(title), str(site_name or "").strip()
    if not title or not site_name:
        return title or site_name
    if site_name in title:
        return title
    combined = f"{title} · {site_name}"
    return combined if len(combined) <= TITLE_LIMIT else title


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render the contents once, keep them as `name`."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def canonical(context):
    """The page's absolute canonical URL (a list's page number is its only query parameter)."""
    return canonical_url(context["request"], context.get("page_obj"))


@register.simple_tag(takes_context=True)
def page_href(context, number):
    """A link to page `number` of the current list; page 1 is the list's own address."""
    return page_url(context["request"].path, number)


@register.inclusion_tag("includes/social_meta.html", takes_context=True)
def social_meta(context, image=None, article=None):
    """Open Graph and Twitter card tags: the page's own picture, else the site's default one.

    None on a page that is not public (a draft shown to staff, a shared preview): its address is
    not one to share, and for a preview link it is a key to the draft."""
    if context.get("not_public"):
        return {"not_public": True}
    published, modified = sd.article_dates(article) if article else (None, None)
    origin = site_origin(context["request"])
    site_settings = context["site_settings"]
    image = image or default_share_image(site_settings)
    large = not (image.width and image.height) or (image.width >= 300 and image.height >= 157)
    return {
        "og_type": "article" if article else "website",
        "site_name": site_settings.organization_name,
        "title": context.get("page_title", ""),
        "description": context.get("page_description", ""),
        "url": canonical_url(context["request"], context.get("page_obj")),
        "image": image,
        "image_url": absolute_url(origin, image.url),
        "twitter_card": "summary_large_image" if large else "summary",
        "published": published,
        "modified": modified,
    }


@register.simple_tag(takes_context=True)
def json_ld(
    context,
    page_type="WebPage",
    article=None,
    image=None,
    faqs=None,
    clinics=None,
    clinic=None,
    clinic_phone=True,
    clinic_hours=False,
    clinic_services=False,
    clinic_access=False,
    about_organization=False,
    person=None,
):
    """The page's one `@graph`: organisation, website, this page, and what the page shows.

    Pass only what the template renders: `faqs` the visible questions, `clinics` the
    locations shown (or `clinic`, the one location a page is about), with `clinic_phone` / `clinic_hours` / `clinic_services` / `clinic_access` saying which of
    their facts the page shows; `person`, the clinician a profile page is about. Breadcrumbs
    come from the `breadcrumbs` the page renders.
    Nothing on a page that is not public: structured data describes pages to index.
    """
    if context.get("not_public"):
        return ""
    request = context["request"]
    site_settings = context["site_settings"]
    origin = site_origin(request)
    url = canonical_url(request, context.get("page_obj"))
    logo_path, logo_width, logo_height = LOGO_IMAGE

    crumbs = context.get("breadcrumbs")
    breadcrumb = sd.breadcrumb_list(url, origin, crumbs) if crumbs else None
    primary_image = None
    if image:
        primary_image = sd.image_object(
            absolute_url(origin, image.url),
            node_id=f"{url}#primaryimage",
            width=image.width,
            height=image.height,
            caption=image.alt,
        )
    today = timezone.localdate()  # as the page's list of holiday hours reads it
    clinic_nodes = [
        sd.medical_clinic(
            origin,
            location,
            site_settings,
            telephone=clinic_phone,
            hours=list(location.opening_hours.all()) if clinic_hours else None,
            special_days=location.special_days_shown(today) if clinic_hours else None,
            services=clinic_services,
            access=clinic_access,
            image=sd.ref(primary_image["@id"]) if clinic and primary_image else None,
        )
        for location in ([clinic] if clinic else clinics or ())
    ]
    about = None
    if clinic:
        about = sd.ref(clinic_nodes[0]["@id"])
    elif about_organization:
        about = sd.ref(sd.organization_id(origin))

    person_node = None
    if person:
        person_image = sd.ref(primary_image["@id"]) if primary_image else None
        person_node = sd.clinician(person, origin, with_bio=True, image=person_image)
    nodes = [
        sd.organization(
            origin,
            site_settings,
            logo_url=absolute_url(origin, static(logo_path)),
            logo_size=(logo_width, logo_height),
        ),
        sd.website(origin, site_settings),
        sd.webpage(
            url,
            origin,
            page_type=page_type,
            name=sd.text_of(context.get("page_title", "")),
            description=sd.text_of(context.get("page_description", "")),
            breadcrumb=breadcrumb,
            about=about,
            primary_image=primary_image,
            questions=[sd.question(origin, faq) for faq in faqs or ()],
            # Only a review the page shows: one that still vouches for the current text.
            reviewed_by=sd.clinician(article.reviewed_by, origin)
            if article and article.review_is_current
            else None,
            last_reviewed=article.reviewed_on if article and article.review_is_current else None,
            main_entity=sd.ref(person_node["@id"]) if person_node and "@id" in person_node else None,
        ),
        breadcrumb,
        primary_image,
        sd.article(
            url, origin, article, image=primary_image, organization_name=site_settings.organization_name
        )
        if article
        else None,
        *clinic_nodes,
        person_node,
    ]
    return sd.render_script(nodes)
