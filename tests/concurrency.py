"""Another editor's save, committed at the one moment a race needs: just before this request's
first write to a table, on a connection of its own (as another gunicorn worker's would be).

Used with `pytest.mark.django_db(transaction=True)`, so that both connections see committed rows,
and the fixture `sqlite_reads_take_no_table_locks` (tests/conftest.py).
The hook is a query wrapper on this request's connection (Django's own instrumentation,
`connection.execute_wrapper`); nothing of the save under test is replaced.

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
