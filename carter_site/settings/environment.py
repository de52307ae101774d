"""Read configuration from environment variables, with one clear error for bad values.

Every setting that may change between machines comes through these helpers, so that
`.env.example` and `docs/operations.md` can list them all in one place.
"""

import errno
import ipaddress
import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name, default=None):
    """The variable's value, or `default` when it is unset or empty (docker-compose.yml passes every
    documented variable, empty when .env does not set it)."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value


def env_bool(name, default=False):
    """True or false; unset or empty means `default` (so `SECURE_SSL_REDIRECT=` keeps it on)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name, default, minimum=None, maximum=None):
    """A whole number from `minimum` to `maximum` (either may be None); unset or empty means `default`."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {raw!r}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {raw!r}.")
    return value


def env_list(name, default=()):
    """A comma-separated list; blank items are dropped. Unset or empty means `default`."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


# An address as the mail settings take it: web@carter.example, or with a name in front,
# Carter <web@carter.example>.
_NAMED_ADDRESS = re.compile(r"^[^<>]*<([^<>]+)>$")


def _is_email_address(value):
    from django.core.validators import validate_email

    named = _NAMED_ADDRESS.match(value)
    try:
        validate_email(named.group(1).strip() if named else value)
    except ValidationError:
        return False
    return True


def email_address(name, default):
    """One sender address (DEFAULT_FROM_EMAIL, SERVER_EMAIL); unset or empty means `default`. Django
    reads it only when it sends, and a typo there loses every email, error mail included."""
    value = (env_str(name) or default).strip()
    if not _is_email_address(value):
        raise ImproperlyConfigured(
            f"{name} must be an email address such as web@carter.example, or Carter <web@carter.example>, "
            f"not {value!r}."
        )
    return value


def email_addresses(name):
    """Comma-separated addresses (ADMINS), each checked: Django sends the error mail silently, so an
    address it cannot use would lose every report without a word."""
    addresses = env_list(name)
    for address in addresses:
        if not _is_email_address(address):
            raise ImproperlyConfigured(
                f"{name} has {address!r}, which is not an email address: write addresses such as "
                "ops@carter.example, separated by commas."
            )
    return addresses


# What Django can match a Host header against (django.http.request.host_validation_re): a name of
# letters, digits, dots and hyphens, a leading dot for its subdomains too, or an IP address
# (IPv6 in brackets). No scheme, path, port, space or wildcard.
_HOST_NAME = re.compile(r"^\.?[a-z0-9-]+(\.[a-z0-9-]+)*\.?$|^\[[0-9a-f:.]+\]$", re.IGNORECASE)


def host_names(name):
    """ALLOWED_HOSTS for production: host names only, each checked, so that a URL, a stray slash
    or space-separated names (which Django would keep and never match) or * stop the start."""
    hosts = env_list(name)
    for host in hosts:
        if host == "*":
            raise ImproperlyConfigured(
                f"{name} must not be * (any host name) in production: list the site's host names, "
                "comma-separated, such as www.carter.example,carter.example."
            )
        if not _HOST_NAME.match(host):
            raise ImproperlyConfigured(
                f"{name} has {host!r}, which is not a host name: list host names only, comma-separated, "
                "such as www.carter.example,carter.example (.carter.example allows every subdomain)."
            )
    return hosts


# A mail server as smtplib connects to it: a host name (underscores too, as in a compose service's
# name) or an IP address, written bare. No scheme, port (EMAIL_PORT), path or user.
_MAIL_HOST = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$", re.IGNORECASE)


def mail_host(name, default):
    """EMAIL_HOST: unset or empty means `default`. Django connects only when it sends, so that
    smtp://mail.carter.example or mail.carter.example:587 would lose every email, and the error
    mail without a word."""
    value = (env_str(name) or default).strip()
    try:
        ipaddress.ip_address(value)
    except ValueError:
        if not _MAIL_HOST.match(value):
            raise ImproperlyConfigured(
                f"{name} must be the mail server's host name or IP address such as smtp.carter.example, "
                f"without a scheme or a port (the port goes in EMAIL_PORT), not {value!r}."
            ) from None
    return value


# An origin as Django's CSRF check compares it with a request's Origin header: a scheme and a host
# (*. for every subdomain), with a port if it is not the default one, and nothing after.
_ORIGIN = re.compile(
    r"^https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?$|^https?://\[[0-9a-f:.]+\](:[0-9]{1,5})?$",
    re.IGNORECASE,
)


def origins(name, example="https://www.carter.example"):
    """Origins such as CSRF_TRUSTED_ORIGINS: each with its scheme, as Django requires (without one,
    its system check fails later in several lines), and without a path, which no Origin header
    ever has. CSP_MEDIA_ORIGINS goes into the Content-Security-Policy as it is, where * would let
    pages show pictures from anywhere and a space would start another source."""
    values = env_list(name)
    for value in values:
        if not _ORIGIN.match(value):
            raise ImproperlyConfigured(
                f"{name} has {value!r}, which is not an origin: write each with its scheme and host "
                f"and nothing after, such as {example}, comma-separated."
            )
    return values


# A host name with a port if need be: what django-storages writes between https:// and the path.
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?$", re.IGNORECASE)


def domain(name):
    """AWS_S3_CUSTOM_DOMAIN: a host name, or "" when unset. The storage writes https:// before it
    and the pages' Content-Security-Policy allows https:// and it, so a scheme or a path here
    would make every picture's address https://https://... and the policy's origin a broken one."""
    value = env_str(name) or ""
    if value and not _DOMAIN.match(value):
        raise ImproperlyConfigured(
            f"{name} is a host name such as media.carter.example, without https:// or a path, not {value!r}."
        )
    return value


def email_backend(name, default):
    """EMAIL_BACKEND: the dotted path of a class that can be imported. Django imports it only when
    an email is sent, so a typo would lose every email (error reports too) in a traceback."""
    from django.utils.module_loading import import_string

    value = env_str(name) or default
    try:
        import_string(value)
    except ImportError:
        raise ImproperlyConfigured(
            f"{name} is {value!r}, which cannot be imported: name an email backend class, such as "
            "django.core.mail.backends.smtp.EmailBackend."
        ) from None
    return value


def secret_key():
    """SECRET_KEY, or else the contents of the file SECRET_KEY_FILE names (Docker and Kubernetes
    secrets; the entrypoint creates the file on first start with SECRET_KEY_GENERATE=true).

    The settings read the file themselves, not only the entrypoint: `docker compose exec web
    python manage.py createsuperuser` runs without the entrypoint, and must find the same key.
    """
    value = os.environ.get("SECRET_KEY", "").strip()
    path = os.environ.get("SECRET_KEY_FILE", "").strip()
    if value or not path:
        return env_required("SECRET_KEY")
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise ImproperlyConfigured(f"SECRET_KEY_FILE={path} cannot be read.") from None
    if not value:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE={path} is empty: put the key in it, or set SECRET_KEY.")
    return value


# Django's own test of a key (check --deploy, security.W009) lets through 50 characters of
# "abcde" repeated; a key from secrets.token_hex(25) (16 symbols) has far more than 10 different
# characters, and one from token_urlsafe(64) several dozen.
MIN_DISTINCT_CHARACTERS = 10


def strong_secret_key(key):
    """True for a key Django's deploy check accepts (50 characters, no django-insecure- prefix) that
    also has MIN_DISTINCT_CHARACTERS different characters and is not one short piece repeated."""
    from django.core.checks.security.base import _check_secret_key

    if not _check_secret_key(key) or len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return False
    # "0123456789" five times over: the key is a rotation of itself by the length of the piece.
    return (key + key).find(key, 1) == len(key)


def env_required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required in production and is not set. "
            "See .env.example for what it means."
        )
    return value


# First path segments the public site uses: the admin may not hide behind one of them.
RESERVED_URL_SEGMENTS = frozenset(
    {"articles", "locations", "faqs", "testimonials", "clinicians", "search", "feeds", "static", "media"}
)
_URL_PATH = re.compile(r"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$")


def url_path(name, value):
    """A relative URL prefix such as "site-editor/": no leading slash, one trailing slash.

    Refuses characters that need escaping, and prefixes the public site already uses.
    """
    path = (value or "").strip().strip("/")
    if not path or not _URL_PATH.match(path) or ".." in path:
        raise ImproperlyConfigured(
            f"{name} must be a URL path such as site-editor-7f3k/ (letters, digits, - _ . ~ and /), "
            f"not {value!r}."
        )
    if path.split("/")[0].lower() in RESERVED_URL_SEGMENTS:
        raise ImproperlyConfigured(f"{name} must not start with a path the public site uses, not {value!r}.")
    return f"{path}/"


# The databases the site is built and tested for.
DATABASE_ENGINES = frozenset({"django.db.backends.postgresql", "django.db.backends.sqlite3"})


def _unencoded_in_credentials(url):
    """Whether the user name or password of a database URL holds a character that ends it early:
    a / ? or # there makes the rest of the password the path, query or fragment, and a second @
    moves the host. Generated passwords hold them often; the URL then fails in a way that names
    something else (no database name, a port that is not a number)."""
    rest = url.partition("://")[2]
    if "@" not in rest:
        return False
    credentials = rest.rpartition("@")[0]
    return any(character in credentials for character in "/?#@")


def _credentials_sentence(name):
    return (
        f"{name} has a character in its user name or password that must be percent-encoded: / as %2F, "
        '? as %3F, # as %23, @ as %40 (python3 -c "import urllib.parse; print(urllib.parse.quote(input(), '
        "safe=''))\" encodes a password typed in)."
    )


def database_config(name, default, **options):
    """DATABASES["default"] from a URL such as postgres://user:password@host:5432/name.

    A malformed URL is refused in a sentence that never repeats it: it holds the password.
    """
    import dj_database_url

    url = env_str(name) or default
    try:
        config = dj_database_url.parse(url, **options)
    except ValueError:  # UnknownSchemeError and ParseError too; a port that is not a number
        if _unencoded_in_credentials(url):
            raise ImproperlyConfigured(_credentials_sentence(name)) from None
        raise ImproperlyConfigured(
            f"{name} is not a database address: it must look like postgres://user:password@host:5432/name "
            "(or sqlite:///path/to/file.sqlite3)."
        ) from None
    # Addresses that parse but cannot work would otherwise fail at the first connection, in a
    # traceback: another database (no driver in the image), or no database name.
    if config["ENGINE"] not in DATABASE_ENGINES:
        scheme = url.split(":", 1)[0]  # one dj_database_url knows: never the password
        raise ImproperlyConfigured(
            f"{name} names a {scheme} database, but the site runs on PostgreSQL "
            "(postgres://user:password@host:5432/name) or SQLite (sqlite:///path/to/file.sqlite3)."
        )
    if not config.get("NAME") and "service" not in config.get("OPTIONS", {}):
        if _unencoded_in_credentials(url):
            raise ImproperlyConfigured(_credentials_sentence(name))
        raise ImproperlyConfigured(
            f"{name} has no database name: put it after the host, as in postgres://user:password@host:5432/name."
        )
    return config


def temporary_folder():
    """The folder for temporary files (uploads in progress, the default cache folder).

    Python looks for a writable one among /tmp, /var/tmp, /usr/tmp and the current folder; in a
    container with a read-only root filesystem and no tmpfs there is none.
    """
    import tempfile

    try:
        return tempfile.gettempdir()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            "No folder for temporary files is writable: with a read-only root filesystem, mount a "
            "tmpfs on /tmp (docker run --tmpfs /tmp; docker-compose.yml does)."
        ) from None


def env_path(name, default):
    """A folder's path: the variable's value, or `default`. A path the system cannot name (a part
    of it over 255 characters, or the whole over 4,096) stops the start here, in a sentence: it
    ended in a traceback where the folder was first looked at (collectstatic, the cache, the
    release's fingerprint)."""
    value = env_str(name) or default
    try:
        os.stat(value)
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            shown = value if len(value) <= 80 else f"{value[:60]}… ({len(value)} characters)"
            raise ImproperlyConfigured(
                f"{name}={shown} is longer than this system allows a path (each folder's name at "
                "most 255 characters): name another folder, or leave it unset."
            ) from None
    return value


def cache_folder(name, default):
    """The file-based cache's folder. Django makes it when the cache is first used; one it could
    not make there, or not write to, stops the start here instead of failing then, in a
    traceback. Nothing is made here: the settings are loaded at the image's build too, by
    another user than the one the site runs as."""
    value = env_path(name, default)
    folder = Path(value)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the folder Django would make it in
    if not folder.is_dir():
        reason = f"{folder} is not a folder"
    elif not os.access(folder, os.W_OK | os.X_OK):
        reason = f"{folder} is not writable"
    else:
        return value
    raise ImproperlyConfigured(
        f"{name}={value} cannot be the cache folder ({reason}): name a folder this user can write "
        "to, or leave it unset."
    )


def time_zone(name, default):
    """An IANA time zone name such as America/New_York."""
    import zoneinfo

    value = (env_str(name) or default).strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be a time zone name such as America/New_York or UTC, not {value!r}."
        ) from None
    return value


def redis_url(name):
    """A Redis address (redis://, rediss:// or unix://), or "" when unset. Never repeated: it may hold a password.

    Django's cache splits the value at each , and ; (the first address for writes, the others for
    reads), and redis-py reads each only when the cache is first used: then at every use, while
    the site runs without its cache. So each address is read here as redis-py will, as far as
    can be without the network: a database that is not a number (redis-py quietly takes 0), an
    option after the ? it cannot read or does not know. A database number the server does not
    have (above 15 on a default server) only the server can refuse: docs/operations.md.
    """
    value = (env_str(name) or "").strip()
    if not value:
        return ""
    for address in re.split("[;,]", value):  # as django.core.cache.backends.redis does
        _check_redis_address(name, address)
    return value


_REDIS_TIMEOUTS = ("socket_timeout", "socket_connect_timeout")


def _check_redis_address(name, address):
    import math
    from urllib.parse import unquote, urlsplit

    from redis.connection import ConnectionPool, parse_url
    from redis.exceptions import RedisError

    try:
        parts = urlsplit(address)
        valid = parts.scheme in {"redis", "rediss"} and bool(parts.hostname) and (parts.port or 1) > 0
        valid = valid or (parts.scheme == "unix" and bool(parts.path))
        valid = valid and address.startswith(f"{parts.scheme}://")  # redis-py's own test
    except ValueError:
        valid = False
    if not valid:
        raise ImproperlyConfigured(
            f"{name} must be a Redis address such as redis://cache:6379/0 (redis://, rediss:// or unix://)."
        )
    path = unquote(parts.path)
    if parts.scheme != "unix" and not re.fullmatch(r"/?|/[0-9]+", path):
        raise ImproperlyConfigured(
            f"{name} must name the Redis database by its number after the host, such as redis://cache:6379/0."
        )
    problem = None
    try:
        options = parse_url(address)
        for option in _REDIS_TIMEOUTS:
            if option in options and not (math.isfinite(options[option]) and options[option] > 0):
                problem = f"{option} must be a number of seconds above 0"
        if options.get("db", 0) < 0:
            problem = "db must be a number, 0 or more"
        # Builds what the cache would connect with, without connecting: every other option is
        # handed to redis-py's connection class, which refuses one it does not know.
        ConnectionPool.from_url(address).make_connection()
    except ValueError as error:
        known = re.fullmatch(r"Invalid value for '(.+)' in connection URL\.", str(error))
        problem = problem or (f"{known[1]} has a value it cannot read" if known else _first_line(error))
    except TypeError as error:
        unknown = re.search(r"unexpected keyword argument '(.+)'", str(error))
        problem = problem or (f"it has no option {unknown[1]}" if unknown else _first_line(error))
    except RedisError as error:
        problem = problem or _first_line(error)
    if problem:
        raise ImproperlyConfigured(
            f"{name} has an option after the ? that Redis cannot use ({problem}): correct it or leave it out."
        )


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0].rstrip(".")


def site_url(name):
    """The public address with its scheme and no trailing slash, such as https://www.carter.example.

    Scheme and host (and a port) only: page addresses are written after it, so a path, a query
    or a fragment would end up in the middle of every canonical link, sitemap entry and feed.
    """
    from urllib.parse import urlsplit

    value = (env_str(name) or "").strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname) and " " not in value
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        valid = False
    if not valid:
        raise ImproperlyConfigured(
            f"{name} must be the site's public address such as https://www.carter.example, not {value!r}."
        )
    # "?" and "#" with nothing after them leave query and fragment empty, but stay in the value.
    if parts.path not in {"", "/"} or "?" in value or "#" in value or "@" in parts.netloc:
        raise ImproperlyConfigured(
            f"{name} must be the scheme and host only, such as https://www.carter.example, with no path, "
            f"query or fragment after them: not {value!r}."
        )
    return value.rstrip("/")
