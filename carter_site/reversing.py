"""`reverse()` remembered: page addresses computed once per process, not once per link.

Django's `reverse()` costs tens of microseconds a call (it looks the name up through the
URL resolver, checks the arguments against the pattern and quotes the result). A page that
links to 77 FAQs, their topics and a dozen articles called it a hundred times: milliseconds
of every uncached request (docs/performance.md, "Lean rendering").

An address depends only on the view name, the arguments, the URL configuration and the
script prefix, so those are the key; nothing about content is kept here. The memory is
bounded (least recently used addresses go first) and is forgotten whenever a test changes
the URL configuration.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=8192)
def _reverse(prefix, urlconf, viewname, args):
    return reverse(viewname, urlconf=urlconf, args=args)


def cached_reverse(viewname, *args):
    """`reverse(viewname, args=args)`, computed once per process for each set of arguments."""
    return _reverse(get_script_prefix(), get_urlconf(), viewname, args)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "ADMIN_URL"}:
        _reverse.cache_clear()
