"""Text comparison shared by the apps: when two spellings are the same words."""

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
