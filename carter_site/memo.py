"""Results of pure functions of long texts, remembered by a digest of the texts.

functools.lru_cache keeps its arguments: remembering the word count or review fingerprint of
512 article bodies would keep 512 bodies in every worker, up to a gigabyte at the largest text
the editor accepts (2 MB). `by_digest` keeps a 32-byte SHA-256 digest of the arguments instead;
computing it costs a few microseconds per 100 KB, against a millisecond or more for what it
saves (reading the words out of the HTML).
"""

import hashlib
import threading
from collections import OrderedDict
from functools import wraps


def by_digest(maxsize):
    """Decorate a function of strings: remember its last `maxsize` results by the arguments'
    digest, the least recently used forgotten first. None is taken as the empty string, as the
    functions it serves do."""

    def decorate(function):
        remembered = OrderedDict()
        lock = threading.Lock()

        @wraps(function)
        def wrapper(*texts):
            digest = hashlib.sha256()
            for text in texts:
                data = (text or "").encode()
                digest.update(len(data).to_bytes(8, "big"))  # ("ab", "c") is not ("a", "bc")
                digest.update(data)
            key = digest.digest()
            with lock:
                if key in remembered:
                    remembered.move_to_end(key)
                    return remembered[key]
            result = function(*texts)
            with lock:
                remembered[key] = result
                if len(remembered) > maxsize:
                    remembered.popitem(last=False)
            return result

        return wrapper

    return decorate
