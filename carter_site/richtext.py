"""Rich text: edited with CKEditor in the admin, sanitised with nh3 on the way in.

CKEditor 4 filters markup only in the browser, and anyone can post to the admin without
a browser. So every rich-text field is a `RichTextField` from this module, which runs the
stored HTML through `sanitise_html()` whenever a form cleans it and whenever a model saves
it. Templates may then mark it safe, with the `richtext` filter and nowhere else.

The allow-list matches the editor's toolbar (settings.CKEDITOR_CONFIGS): headings,
paragraphs, emphasis, lists, quotes, links, images and tables. No styles, no event
handlers, and links only to http(s), mailto and tel. Images only from this site's own uploads:
a picture from another server would tell that server about every visitor (docs/security.md).
"""

import nh3
from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4",
        "p", "br", "hr",
        "strong", "b", "em", "i", "u", "s", "sub", "sup",
        "ul", "ol", "li",
        "blockquote",
        "a", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Tags whose content is dropped along with the tag, rather than kept as text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
)


def _local_image_source(tag, attribute, value):
    """nh3 attribute filter: an <img> may load only from this site (or its own media host)."""
    if tag == "img" and attribute == "src":
        source = value.strip()
        media_url = settings.MEDIA_URL
        if source.startswith(media_url) or (source.startswith("/") and not source.startswith(("//", "/\\"))):
            return source
        return None
    return value


def sanitise_html(html):
    """Return `html` reduced to the allow-list above. Safe to call more than once."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        attribute_filter=_local_image_source,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class RichTextField(RichTextUploadingField):
    """A CKEditor field (with staff-only image upload) whose HTML is always sanitised."""

    def to_python(self, value):
        value = super().to_python(value)
        return sanitise_html(value) if value else value

    def pre_save(self, model_instance, add):
        value = sanitise_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
