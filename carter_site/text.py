"""Plain text shared by the apps: what it may not carry, and when two spellings are the same words."""

import os
import re
import unicodedata


def matching_key(text):
    """What two spellings of the same sentence have in common: case, spaces and punctuation ignored.

    The importer matches FAQs, topics and quotes with it, and the FAQ form refuses a question
    whose key another question already has, so both agree on what "the same" means.
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


# Characters no plain text shown on a page may carry. Control characters: XML 1.0 refuses them
# (one in a title took both feeds down), PostgreSQL refuses NUL, and Word's manual line break
# (\x0b) arrives with pasted text. Then the invisible marks that set the direction of text
# (U+200E/F, U+202A-E, U+2066-9): in a title or a search echoed back, "\u202e988 llac" reads
# as "call 889" reversed. Then the characters of no width that come with text copied from web
# pages and change nothing a reader sees (U+200B zero width space, U+2060 word joiner, U+FEFF
# byte order mark), but split a word or a ZIP code in two for a program. The zero width joiner
# and non-joiner stay: they shape emoji and the letters of some scripts. Tab, line feed and
# carriage return are ordinary text.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
DIRECTION_MARKS = r"\u200e\u200f\u202a-\u202e\u2066-\u2069"
ZERO_WIDTH = r"\u200b\u2060\ufeff"
HIDDEN_CHARACTERS = re.compile(f"[{CONTROL_CHARACTERS}{DIRECTION_MARKS}{ZERO_WIDTH}]")
ANY_DIRECTION_MARK = re.compile(f"[{DIRECTION_MARKS}]")
_CONTROLS = re.compile(f"[{CONTROL_CHARACTERS}]")
_NO_WIDTH = re.compile(f"[{DIRECTION_MARKS}{ZERO_WIDTH}]")


def visible_text(text, single_line=False):
    """`text` without HIDDEN_CHARACTERS: a control character becomes a space (it separated
    words), a direction mark or a zero-width character nothing. `single_line`: runs of spaces
    it leaves become one."""
    if not text or not HIDDEN_CHARACTERS.search(text):
        return text
    text = _CONTROLS.sub(" ", _NO_WIDTH.sub("", text))
    return " ".join(text.split()) if single_line else text


def strip_hidden_characters(sender, instance, **kwargs):
    """pre_save of content models: plain-text fields (not rich text, which the sanitiser
    cleans) are saved without HIDDEN_CHARACTERS, however they are saved (admin, importer,
    shell). The editor loses nothing they could see."""
    from ckeditor.fields import RichTextField
    from django.db import models

    for field in sender._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or isinstance(field, RichTextField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            setattr(
                instance, field.attname, visible_text(value, single_line=isinstance(field, models.CharField))
            )


def typed_on_the_command_line(text):
    """argparse type: `text` as typed on the command line, with bytes that are not UTF-8 (from a
    terminal set to another encoding, "jos\\xe9") as �. Python keeps them as lone surrogates,
    which neither the database nor the output takes: a user name with one failed the staff
    commands with a traceback, where it is a user that does not exist."""
    return os.fsencode(text).decode("utf-8", "replace")


def nested_quotes(text):
    """`text` with quotation marks inside quotation marks made single, as English writes them:
    Django's admin messages put an object's name in “ ” ("The testimonial “…” was changed"), and
    a name that is a quote itself read ““I kept my job.” — Client”. Text whose double marks do not
    pair up is returned as it is. Marks never touch HTML, so safe text stays safe."""
    from django.utils.safestring import SafeData, mark_safe

    if text.count("“") < 2 or text.count("“") != text.count("”"):
        return text
    depth, out = 0, []
    for character in text:
        if character == "“":
            depth += 1
            out.append("“" if depth % 2 else "‘")
        elif character == "”" and depth:
            out.append("”" if depth % 2 else "’")
            depth -= 1
        else:
            out.append(character)
    nested = "".join(out)
    return mark_safe(nested) if isinstance(text, SafeData) else nested
