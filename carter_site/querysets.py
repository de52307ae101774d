"""Querysets built once per process, handed out as fresh copies.

Building a queryset is Python work the database never sees: resolving each lookup, each
subquery and each join. The article page's prefetches of its FAQs and testimonials and the
subquery for its locations took about 0.65 ms of every uncached article page to build
(docs/performance.md, "Lean rendering"), though they are the same for every request of the
day. `@built_once` remembers what a function returns for its arguments and gives every
caller its own clone (`.all()`), so:

- the remembered queryset is never evaluated, holds no rows and no instances, and nothing a
  caller does to its copy (filtering, prefetching, routing hints) reaches it or another caller;
- anything that changes with time is an argument (for example `today` for consent dates), so
  a new day, or a test's frozen clock, builds a new one; the few most recent are kept.

Only for querysets that depend on nothing but their arguments: not on the request, the user,
settings that tests change, or the current time unless it is passed in.
"""

from functools import lru_cache, wraps


def built_once(function):
    remembered = lru_cache(maxsize=4)(function)

    @wraps(function)
    def fresh_copy(*args):
        return remembered(*args).all()

    fresh_copy.cache_clear = remembered.cache_clear
    return fresh_copy
