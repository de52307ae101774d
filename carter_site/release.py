"""Which release of the code this process runs, as a short fingerprint.

Rendered pages and the site-wide data kept beside them (carter_site.caching) are what this
code made of the content: another release may render the same content differently, link to
stylesheets under other hashed names, or be unable to unpickle what this one stored. During a
rolling upgrade old and new containers share one Redis, so the "pages" cache's keys carry this
fingerprint (settings: CACHES["pages"]["KEY_PREFIX"]): each release reads only what it
wrote itself. Identical containers compute the same fingerprint, so they share their pages.

The fingerprint covers what shapes a page: the Python code and templates of the project's own
apps, the static files manifest (hashed file names), Django's version, and the versions of every
other package pinned in requirements.txt (the sanitiser of rich text, the editor's widget, the
cache client that unpickles what it reads). Reading them takes a
few milliseconds, once per process, when the settings load.
"""

import hashlib
from pathlib import Path

import django

SOURCES = ("carter_site", "articles", "locations", "faqs", "testimonials", "pages", "templates")
SUFFIXES = frozenset({".py", ".html", ".txt", ".xml"})
MANIFEST = "staticfiles.json"
REQUIREMENTS = "requirements.txt"


def fingerprint(base_dir, static_root=None):
    """A 12-character digest of the code, templates and pinned requirements under `base_dir` (and
    the static files manifest in `static_root`, when there is one)."""
    digest = hashlib.blake2b(digest_size=6)
    digest.update(django.get_version().encode())
    base = Path(base_dir)
    files = sorted(
        path
        for folder in SOURCES
        for path in (base / folder).rglob("*")
        if path.suffix in SUFFIXES and "__pycache__" not in path.parts and path.is_file()
    )
    if (base / REQUIREMENTS).is_file():
        files.append(base / REQUIREMENTS)
    if static_root is not None and (Path(static_root) / MANIFEST).is_file():
        files.append(Path(static_root) / MANIFEST)
    for path in files:
        name = path.relative_to(base) if path.is_relative_to(base) else Path(MANIFEST)
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
