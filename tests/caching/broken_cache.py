"""A cache backend that fails every call, as Redis does when it is down."""

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache


class BrokenCache(BaseCache):
    calls = 0  # how often anyone asked it, in this process

    def __init__(self, location=None, params=None):
        super().__init__(params or {})

    def _fail(self, *args, **kwargs):
        BrokenCache.calls += 1
        raise ConnectionError("the cache is down")

    add = get = set = touch = delete = has_key = clear = incr = get_many = set_many = _fail


class FailingCache(LocMemCache):
    """A working cache until `FailingCache.down` is set: then every call fails, as Redis does
    when it goes down under a running site."""

    down = False

    def _check(self):
        if FailingCache.down:
            raise ConnectionError("the cache is down")

    def get(self, *args, **kwargs):
        self._check()
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        self._check()
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        self._check()
        return super().add(*args, **kwargs)
