"""Importing existing articles from plain-text and HTML files.

The admin's "Import articles" page and `manage.py import_articles` both call this package
and nothing else; it holds no admin or command-line code.

- `sources`: bytes to clean text, or a clear refusal (empty, binary, not UTF-8, too big).
- `plaintext` and `htmlsource`: text to blocks; `structure`: blocks to a ParsedArticle
  (title, body, FAQs, quotes, call-to-action, summary, warnings).
- `writer`: one transaction per file; returns a FileReport, for real or as a dry run.

docs/importing.md describes the format for editors.
"""

from .sources import MAX_FILE_BYTES, ImportFailure, Source, decode_source, human_size, read_source
from .writer import FileReport, check_batch, import_file, import_source, parse_source

__all__ = [
    "MAX_FILE_BYTES",
    "FileReport",
    "ImportFailure",
    "Source",
    "check_batch",
    "decode_source",
    "human_size",
    "import_file",
    "import_source",
    "parse_source",
    "read_source",
]
