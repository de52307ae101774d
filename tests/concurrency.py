"""Another editor's save, committed at the one moment a race needs: just before this request's
first write to a table, on a connection of its own (as another gunicorn worker's would be).

Used with `pytest.mark.django_db(transaction=True)`, so that both connections see committed rows,
and the fixture `sqlite_reads_take_no_table_locks` (tests/conftest.py).
The hook is a query wrapper on this request's connection (Django's own instrumentation,
`connection.execute_wrapper`); nothing of the save under test is replaced.

`at_the_same_moment` runs two people's requests in threads of their own, each on its own
connection, meeting before their first writes: what a check that locks nothing lets through.

`refuse_the_first_try` is the other way round: it stands in for the database's refusal itself,
where only what follows a refusal is under test."""

import threading

from django.db import connection


def just_before_the_first_write_to(table, other_save):
    """A query wrapper that commits `other_save()` from another connection before this
    connection's first UPDATE or INSERT of `table`."""
    state = {"done": False}

    def wrapper(execute, sql, params, many, context):
        if not state["done"] and sql.lstrip().upper().startswith(("UPDATE", "INSERT")) and table in sql:
            state["done"] = True
            failure = []

            def save():
                try:
                    other_save()
                except Exception as error:  # reported below, in the request's own thread
                    failure.append(error)
                finally:
                    connection.close()

            thread = threading.Thread(target=save)
            thread.start()
            thread.join()
            assert not failure, failure
        return execute(sql, params, many, context)

    return wrapper


def refuse_the_first_try(monkeypatch, admin_class):
    """Make the database refuse the first save through `admin_class` once its object is written
    (as a row placed by someone else at that moment would), so that the save is undone and tried
    again (RetryRefusedSaveMixin). Returns the list of tries, one item each."""
    from django.db import IntegrityError

    save_related, tries = admin_class.save_related, []

    def refused_once(self, request, form, formsets, change):
        tries.append(1)
        if len(tries) == 1:
            raise IntegrityError("refused, as a row added at the same moment would be")
        return save_related(self, request, form, formsets, change)

    monkeypatch.setattr(admin_class, "save_related", refused_once)
    return tries


def at_the_same_moment(requests, table, timeout=10):
    """Run each callable of `requests` in a thread of its own, on a database connection of its own,
    as two gunicorn workers serve two people's requests; return what each returned, in order.

    Each waits, just before its first write (UPDATE, INSERT or DELETE) to `table`, until every
    other has reached that point too, has finished, or is waiting for a row lock that one of them
    holds: so whatever one read before writing, the others read too, before anything is
    committed, unless a lock made them wait. PostgreSQL only: it asks pg_locks who is waiting."""
    import time

    state = {"writing": 0, "finished": 0}
    changed = threading.Condition()
    results, failures = [None] * len(requests), []

    def waiting_for_a_lock(raw):
        with raw.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted")
            return cursor.fetchone()[0]

    def wait_for_the_others():
        raw = connection.get_new_connection(connection.get_connection_params())
        raw.autocommit = True
        deadline = time.monotonic() + timeout
        try:
            with changed:
                state["writing"] += 1
                changed.notify_all()
            while time.monotonic() < deadline:
                with changed:
                    arrived = state["writing"] + state["finished"]
                if arrived >= len(requests) or arrived + waiting_for_a_lock(raw) >= len(requests):
                    return
                with changed:
                    changed.wait(0.05)
        finally:
            raw.close()

    def run(index, request):
        first_write = {"done": False}

        def wrapper(execute, sql, params, many, context):
            statement = sql.lstrip().upper()
            if (
                not first_write["done"]
                and statement.startswith(("UPDATE", "INSERT", "DELETE"))
                and table in sql
            ):
                first_write["done"] = True
                wait_for_the_others()
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(wrapper):
                results[index] = request()
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connection.close()
            with changed:
                state["finished"] += 1
                changed.notify_all()

    threads = [threading.Thread(target=run, args=(index, request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return results
