"""Model fields of the site's own."""

from django.db import models
from django.db.models.functions import Now


class LastSavedField(models.DateTimeField):
    """When the row was last saved: `auto_now`, and the database's clock as the column's default.

    The default is for inserts that do not name the column: the previous release's, which keeps
    saving during a rolling upgrade (docs/operations.md, "Upgrades"). This release always writes
    the time itself, and a row not yet saved reads None, as with `auto_now` alone (a field with a
    `db_default` would read a placeholder expression there, which the admin's add forms cannot
    show).

    Being a field class of its own, it is another type to Django's expressions: one that mixes it
    with a plain DateTimeField (Greatest("published_at", "updated_at")) names its output_field."""

    def __init__(self, *args, **kwargs):
        kwargs["auto_now"] = True
        kwargs["db_default"] = Now()
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("auto_now", None)
        kwargs.pop("db_default", None)
        return name, path, args, kwargs

    def get_default(self):
        return None
