# carter-site's production image: gunicorn serving Django as an unprivileged user, static files
# hashed and compressed at build time, configured only through environment variables.
#
#   docker build -t carter-site .
#   docker run --env-file .env -p 8000:8000 carter-site          (docs/operations.md)
#
# BASE must be Debian 12 with Python 3.11 and its venv module; the official slim image by
# default. Both stages use it, so the virtualenv built in the first runs unchanged in the second.
ARG BASE=python:3.11-slim-bookworm

# ---- Stage 1: the dependencies ---------------------------------------------------------------
# Compilers live in this stage only, for any dependency that has no wheel for the platform; the
# runtime stage copies the finished virtualenv and never contains a build tool.
FROM ${BASE} AS deps

# pip trusts the system's certificate store (with any company proxy CA added to it), not only
# the bundle it carries.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt

SHELL ["/bin/sh", "-eu", "-c"]

# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*

# Optional extras, e.g. --build-arg EXTRA_PIP_PACKAGES="sentry-sdk[django]==2.x.y" for SENTRY_DSN.
ARG EXTRA_PIP_PACKAGES=""

# Its own layer, rebuilt only when requirements.txt (or the extras) change.
COPY requirements.txt /tmp/requirements.txt
# pip and setuptools are needed only here: removed, the image has nothing that installs code.
# hadolint ignore=SC2086
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements.txt ${EXTRA_PIP_PACKAGES} \
    && /opt/venv/bin/python -m pip uninstall --yes --quiet pip setuptools \
    && /opt/venv/bin/python -m compileall -q -j 0 /opt/venv/lib

# ---- Stage 2: the runtime --------------------------------------------------------------------
FROM ${BASE} AS runtime

LABEL org.opencontainers.image.title="carter-site" \
      org.opencontainers.image.description="The Carter Treatment Center's website (Django, gunicorn)"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=carter_site.settings.prod \
    PORT=8000 \
    MEDIA_ROOT=/app/media \
    STATIC_ROOT=/app/staticfiles

SHELL ["/bin/sh", "-eu", "-c"]

# A fixed, unprivileged user (numeric, so Kubernetes' runAsNonRoot can verify it).
RUN groupadd --system --gid 10001 carter \
    && useradd --system --uid 10001 --gid carter --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin carter

COPY --from=deps /opt/venv /opt/venv

WORKDIR /app
COPY . .

# Static files hashed and compressed once, here, with the production settings (a throwaway key
# and an in-memory database satisfy their checks; no database is touched). The code stays owned
# by root: the server can read it but not change it. Only media (uploads) and var (a generated
# SECRET_KEY) are writable.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        ALLOWED_HOSTS=build.invalid ADMIN_URL=build-only/ DATABASE_URL=sqlite://:memory: \
        python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q -j 0 -x '/(staticfiles|media)/' /app \
    && chmod 0755 docker-entrypoint.sh scripts/healthcheck.py \
    && mkdir -p /app/media /app/var \
    && chown carter:carter /app/media /app/var \
    && chmod 0750 /app/var

USER 10001:10001

EXPOSE 8000

# gunicorn stops gracefully on SIGTERM (GUNICORN_GRACEFUL_TIMEOUT, default 30 s), after a drain
# of DRAIN_SECONDS (default 0) while /readyz answers 503: give `docker stop` / Kubernetes a longer
# grace period than the two together.
STOPSIGNAL SIGTERM

# Liveness only (/healthz touches no database): a database outage must not get every web
# container restarted. Load balancers should use /readyz. /healthz stays 200 while a stopping
# container drains: it still serves, and an unhealthy mark would only invite a restarter to cut
# the drain short (docs/operations.md, "Health checks"). The script waits HEALTHCHECK_TIMEOUT
# (4 s; at most 10, checked at start) for the answer: 12 s leaves it the time to start and report.
HEALTHCHECK --interval=15s --timeout=12s --start-period=60s --retries=3 \
    CMD ["python", "/app/scripts/healthcheck.py", "/healthz"]

ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "carter_site.wsgi"]
