"""carter_site.memo: results of functions of long texts remembered without keeping the texts."""

import tracemalloc

from carter_site.memo import by_digest


def counting(maxsize=4):
    calls = []

    @by_digest(maxsize)
    def words(*texts):
        calls.append(len(texts))  # how many, not the texts: the test below weighs what is kept
        return sum((text or "").count(" ") + 1 for text in texts)

    return words, calls


def test_a_result_is_computed_once_per_texts_and_the_oldest_is_forgotten_first():
    words, calls = counting(maxsize=2)
    assert words("one two", "three") == 3
    assert words("one two", "three") == 3
    assert len(calls) == 1
    words("four")
    words("one two", "three")  # used again: now the most recent
    words("five six")  # forgets "four", the least recently used
    assert len(calls) == 3
    words("one two", "three")
    assert len(calls) == 3
    words("four")
    assert len(calls) == 4


def test_where_one_text_ends_and_the_next_begins_matters():
    words, calls = counting()
    assert words("a b", "c") == 3 and words("a", "b c") == 3  # the same count, computed twice
    assert len(calls) == 2


def test_the_texts_themselves_are_not_kept():
    words, _ = counting(maxsize=100)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for number in range(100):
            words(f"{number} " + "word " * 200_000)  # 1 MB each
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 200_000  # 100 digests and counts, not 100 MB of text
