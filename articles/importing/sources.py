"""Reading a file's bytes into clean text, or saying clearly why it cannot be imported."""

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from carter_site.text import ANY_DIRECTION_MARK

MAX_FILE_BYTES = 2 * 1024 * 1024  # a long article is 20-60 kB; 2 MB leaves room and refuses junk

TEXT = "text"
HTML = "html"

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCUMENT_FORMATS = {
    ".docx": "a Word document",
    ".doc": "a Word document",
    ".odt": "an OpenDocument text",
    ".rtf": "a rich-text (RTF) document",
    ".pdf": "a PDF",
    ".pages": "a Pages document",
}
MAGIC_NUMBERS = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a Word document or another zip-packed file",
    b"{\\rtf": "a rich-text (RTF) document",
    b"\xd0\xcf\x11\xe0": "an old Word document",
}

# Characters that look like spaces or nothing, and would otherwise end up in the page.
_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a"), " "
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class ImportFailure(Exception):
    """A file that cannot be imported; the message says why, in words an editor understands."""


@dataclass(frozen=True)
class Source:
    name: str
    text: str
    format: str  # TEXT or HTML


def human_size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size} bytes"


def read_source(name, fileobj, size=None):
    """Read at most MAX_FILE_BYTES (and one more, to notice a bigger file) and decode it."""
    if size is not None and size > MAX_FILE_BYTES:
        raise ImportFailure(too_big_message(size))
    data = fileobj.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFailure(too_big_message(size or len(data)))
    return decode_source(name, data)


def too_big_message(size):
    return (
        f"The file is {human_size(size)}; the limit is {human_size(MAX_FILE_BYTES)} per file. "
        "An article is rarely more than 100 kB: check that this is the right file."
    )


def decode_source(name, data):
    """Bytes to normalised text: UTF-8 (with or without a byte-order mark) or UTF-16 with one."""
    suffix = PurePath(name).suffix.lower()
    if not data or not data.strip():
        raise ImportFailure("The file is empty.")
    if suffix in DOCUMENT_FORMATS:
        raise ImportFailure(document_message(DOCUMENT_FORMATS[suffix]))
    for magic, kind in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise ImportFailure(document_message(kind))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFailure(not_utf8_message()) from None
    else:
        if b"\x00" in data:
            raise ImportFailure(
                "This is not a text file (it contains binary data). Import plain-text (.txt) or "
                "HTML (.html) files."
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            text = decode_as_declared(suffix, data)
            if text is None:
                raise ImportFailure(not_utf8_message(error)) from None
    text = normalise(text)
    if len(_CONTROL.findall(text)) > 0:
        raise ImportFailure(
            "This is not a text file (it contains control characters). Import plain-text (.txt) "
            "or HTML (.html) files."
        )
    if not text.strip():
        raise ImportFailure("The file is empty: it holds only spaces and blank lines.")
    if looks_like_html(suffix, text):
        return Source(name=name, text=text.replace("\t", " "), format=HTML)
    # Tabs stay in plain text: between the cells of a table, they are all that marks them.
    return Source(name=name, text=text, format=TEXT)


# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">.
_DECLARED_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE)
# As browsers read them (the WHATWG Encoding Standard): these labels all mean windows-1252.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819"}


def decode_as_declared(suffix, data):
    """An HTML file that is not UTF-8 but says which encoding it is in: Word's "Save as Web
    Page" on Windows writes windows-1252 and declares it. None when nothing usable is declared
    (a text file cannot declare one), or the bytes are not in the declared encoding either."""
    head = data[:4096]
    if not looks_like_html(suffix, head.decode("ascii", errors="replace")):
        return None
    declared = _DECLARED_CHARSET.search(head)
    if declared is None:
        return None
    label = declared.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252_LABELS:
        label = "windows-1252"
    try:
        encoding = codecs.lookup(label).name
    except LookupError:
        return None
    if encoding in ("utf-8", "utf-8-sig") or encoding.startswith("utf-16") or encoding.startswith("utf-32"):
        return None  # declared as UTF-8 (or 16) and is not: the file is damaged
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def document_message(kind):
    return (
        f"This looks like {kind}, which the importer cannot read. Open it, save or export it as "
        "plain text (.txt, UTF-8) or as a web page (.html), and upload that."
    )


def not_utf8_message(error=None):
    where = f" (byte {error.start + 1} cannot be read)" if error is not None else ""
    return (
        f"The file is not UTF-8 text{where}. It may be in an older Windows encoding. Open it in a "
        "text editor, choose “Save as” with the encoding UTF-8, and upload it again."
    )


def normalise(text):
    """One kind of line break, ordinary spaces (and tabs), no invisible characters, composed accents."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\f", "\n").replace("\v", "\n")
    # The marks that set the direction of text go too: a title with U+202E in it reads backwards.
    text = ANY_DIRECTION_MARK.sub("", text.translate(_SPACES).translate(_INVISIBLE))
    return unicodedata.normalize("NFC", text)


def looks_like_html(suffix, text):
    if suffix in HTML_SUFFIXES:
        return True
    start = text.lstrip()[:200].lower()
    if start.startswith(("<!doctype html", "<html")):
        return True
    return start.startswith("<") and bool(re.search(r"</(p|h1|h2|body|article|div)>", text[:20000], re.I))
