#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

A configuration error (ImproperlyConfigured while loading the settings) and a database that does
not answer each stop the command with one sentence on stderr and exit status 1, as gunicorn.conf.py
does, instead of a long traceback that buries the sentence. Any other error keeps its traceback.
"""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carter_site.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 (imports the settings module, which checks itself)
    except ImproperlyConfigured as error:
        sys.exit(f"carter-site cannot start: {error}")

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        from django.db import connection

        from carter_site.database_errors import did_not_answer, is_connection_failure

        if not is_connection_failure(error):
            raise
        sys.exit(f"carter-site: {did_not_answer(connection, error)}")


if __name__ == "__main__":
    main()
