"""Sign every staff member out, from the server's command line.

    python manage.py end_staff_sessions                          # everyone, and unused break-glass codes
    python manage.py end_staff_sessions --user dana              # one person (repeat --user for more)
    python manage.py end_staff_sessions --revoke-preview-links   # shared preview links too

For the times sessions made earlier must stop working: after restoring a database backup (the
sessions, break-glass codes and preview links of the backup's time are valid again, those of
someone who has left since included), when someone leaves, and when a break-in is suspected.
Ending a session deletes it from the session store the settings use (SESSION_ENGINE: the
database, the database with the cache in front, or files); a store the server cannot list
(sessions in the cache alone, or in signed cookies) is refused with a sentence saying what to do
instead, before anything is changed. Each account signed out gets an entry in its admin history,
and the security log a line. See docs/security.md, "Ending sessions".
"""

import getpass
import os
from collections import Counter
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import ngettext

from carter_site.audit import log_account_event
from carter_site.text import typed_on_the_command_line
from carter_site.two_factor import BREAK_GLASS_PREFIX


class Command(BaseCommand):
    help = "Sign out every staff member (or those named), remove break-glass codes, optionally revoke preview links."

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            action="append",
            dest="usernames",
            metavar="NAME",
            type=typed_on_the_command_line,
            help="Only this account (repeat for more); by default every account.",
        )
        parser.add_argument(
            "--revoke-preview-links",
            action="store_true",
            help="Also revoke every shared preview link that still works (with --user: those they made).",
        )
        parser.add_argument(
            "--reason",
            default="",
            type=typed_on_the_command_line,
            help="Why: goes into the log and the admin's history.",
        )

    def handle(self, *args, usernames, revoke_preview_links, reason, **options):
        from django_otp.plugins.otp_static.models import StaticDevice

        from articles.models import PreviewLink

        User = get_user_model()
        store = session_store()
        users = None
        if usernames:
            users = list(User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames}))
            missing = sorted(set(usernames) - {user.get_username() for user in users})
            if missing:
                raise CommandError(
                    f"There is no user {', '.join(map(repr, missing))}: nobody was signed out. Check the "
                    "user names (as they are listed under Users in the admin)."
                )

        # One transaction: a failure halfway (the database going away) leaves everything as it
        # was, and running the command again does all of it.
        with transaction.atomic():
            ended = store.end_sessions({str(user.pk) for user in users} if users is not None else None)

            codes = StaticDevice.objects.filter(name__startswith=BREAK_GLASS_PREFIX)
            if users is not None:
                codes = codes.filter(user__in=users)
            codes_by_user = Counter(codes.values_list("user_id", flat=True))
            codes.delete()

            links = PreviewLink.objects.active()
            if users is not None:
                links = links.filter(created_by__in=users)
            revoked = links.update(revoked=True) if revoke_preview_links else 0
            still_working = 0 if revoke_preview_links else links.count()

            operator = _operator()
            touched = User.objects.filter(pk__in={*ended, *(str(pk) for pk in codes_by_user)}).order_by(
                User.USERNAME_FIELD
            )
            for user in touched:
                sessions, removed = ended[str(user.pk)], codes_by_user[user.pk]
                done = (
                    [ngettext("%d session ended", "%d sessions ended", sessions) % sessions]
                    if sessions
                    else []
                )
                if removed:
                    done.append(
                        ngettext("%d break-glass code removed", "%d break-glass codes removed", removed)
                        % removed
                    )
                log_account_event(
                    user,
                    event="sessions_ended",
                    message=f"Signed out on the server by {operator}: {', '.join(done)}."
                    + (f" Reason: {reason}" if reason else ""),
                )

        self.report(touched, ended, codes_by_user, revoked, still_working, users)

    def report(self, touched, ended, codes_by_user, revoked, still_working, users):
        names = {str(user.pk): user.get_username() for user in touched}
        signed_out = sorted(names[pk] for pk in ended if pk in names)
        sessions = sum(ended.values())
        if sessions:
            accounts = len(ended)
            self.stdout.write(
                ngettext("Signed out %(n)d account", "Signed out %(n)d accounts", accounts) % {"n": accounts}
                + ngettext(" (%(n)d session)", " (%(n)d sessions)", sessions) % {"n": sessions}
                + (f": {', '.join(signed_out)}." if signed_out else ".")
            )
        else:
            self.stdout.write("Nobody was signed in: no session to end.")
        codes = sum(codes_by_user.values())
        if codes:
            owners = sorted(names[str(pk)] for pk in codes_by_user)
            self.stdout.write(
                ngettext("Removed %(n)d break-glass code", "Removed %(n)d break-glass codes", codes)
                % {"n": codes}
                + f" ({', '.join(owners)})."
            )
        if revoked:
            self.stdout.write(
                ngettext("Revoked %(n)d shared preview link.", "Revoked %(n)d shared preview links.", revoked)
                % {"n": revoked}
            )
        elif still_working:
            self.stdout.write(
                ngettext(
                    "%(n)d shared preview link still works; --revoke-preview-links ends it.",
                    "%(n)d shared preview links still work; --revoke-preview-links ends them.",
                    still_working,
                )
                % {"n": still_working}
            )
        if users is not None:
            # Ending someone's sessions does not stop them signing in again: for someone who left,
            # that is unticking Active, which the command does not do (docs/roles.md, "Leaving").
            active = sorted(user.get_username() for user in users if user.is_active and user.is_staff)
            if active:
                self.stdout.write(
                    ngettext(
                        "%(names)s can still sign in again: the account is active. If they have left, "
                        "untick Active on their account under Users.",
                        "%(names)s can still sign in again: the accounts are active. For anyone among "
                        "them who has left, untick Active on their account under Users.",
                        len(active),
                    )
                    % {"names": ", ".join(active)}
                )
        if users is None:
            User = get_user_model()
            active = User.objects.filter(is_active=True, is_staff=True).order_by(User.USERNAME_FIELD)
            self.stdout.write(
                f"Active staff accounts: {', '.join(user.get_username() for user in active) or 'none'}. "
                "After a restore, deactivate anyone among them who has left since the backup was taken, "
                "and delete the authenticators of phones lost since (TOTP devices)."
            )
        self.stdout.write(self.style.SUCCESS("Done."))


def session_store():
    """What ends sessions in the store settings.SESSION_ENGINE names; refused (CommandError) for a
    store the server cannot list, before anything is changed."""
    engine = settings.SESSION_ENGINE
    SessionStore = import_module(engine).SessionStore
    if hasattr(SessionStore, "get_model_class"):  # the database, with or without the cache in front
        return DatabaseSessions(SessionStore)
    if hasattr(SessionStore, "_get_storage_path"):  # files
        return FileSessions(SessionStore)
    if engine.endswith("signed_cookies"):
        raise CommandError(
            f"Sessions are kept in the browsers' own cookies (SESSION_ENGINE={engine}), which the server "
            "cannot delete: nobody was signed out. A new SECRET_KEY ends them all (and every shared "
            "preview link with them)."
        )
    raise CommandError(
        f"Sessions are kept where they cannot be listed (SESSION_ENGINE={engine}): nobody was signed "
        "out. Clearing the cache that holds them ends them all; or keep sessions in the database "
        "(Django's default), which this command can sign people out of."
    )


class DatabaseSessions:
    """Sessions in the database (`db`), or in the database with the cache in front (`cached_db`):
    deleting through the store removes the cached copy too."""

    def __init__(self, SessionStore):
        self.SessionStore = SessionStore

    def end_sessions(self, user_ids=None):
        """Delete the sessions signed in as `user_ids` (strings; None: anyone signed in), expired
        ones first; {user id: sessions ended}."""
        self.SessionStore.clear_expired()
        decoder = self.SessionStore()
        rows = self.SessionStore.get_model_class().objects.values_list("session_key", "session_data")
        ended = Counter()
        for key, data in rows.iterator():
            user_id = decoder.decode(data).get(SESSION_KEY)
            if user_id is not None and (user_ids is None or str(user_id) in user_ids):
                self.SessionStore(session_key=key).delete()
                ended[str(user_id)] += 1
        return ended


class FileSessions:
    """Sessions in files (`file`), one per session in SESSION_FILE_PATH."""

    def __init__(self, SessionStore):
        self.SessionStore = SessionStore

    def end_sessions(self, user_ids=None):
        self.SessionStore.clear_expired()
        folder = self.SessionStore._get_storage_path()
        prefix = settings.SESSION_COOKIE_NAME
        ended = Counter()
        for name in os.listdir(folder):
            if not name.startswith(prefix):
                continue
            session = self.SessionStore(session_key=name.removeprefix(prefix))
            user_id = session.load().get(SESSION_KEY)
            if user_id is not None and (user_ids is None or str(user_id) in user_ids):
                session.delete()
                ended[str(user_id)] += 1
        return ended


def _operator():
    try:
        return getpass.getuser()
    except Exception:
        return "an unknown operating-system user"
