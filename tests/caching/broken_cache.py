"""A cache backend that fails every call, as Redis does when it is down."""

from django.core.cache.backends.base import BaseCache


class BrokenCache(BaseCache):
    calls = 0  # how often anyone asked it, in this process

    def __init__(self, location=None, params=None):
        super().__init__(params or {})

    def _fail(self, *args, **kwargs):
        BrokenCache.calls += 1
        raise ConnectionError("the cache is down")

    add = get = set = touch = delete = has_key = clear = incr = get_many = set_many = _fail
