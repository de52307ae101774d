#!/usr/bin/env bash
# make docker-check: build the production image and prove, on this machine, that it serves.
#
# 1. starts a private Docker engine: its own folders and socket, no bridge, no iptables rules,
#    containers on the host's loopback only (installs docker.io, debootstrap and
#    docker-compose first when they are missing: it needs root);
# 2. builds a Debian 12 + Python 3.11 base image with debootstrap, once: it is kept with the
#    engine's data in $XDG_CACHE_HOME/carter-site-docker (or ~/.cache/...) and reused;
# 3. builds the image with --build-arg BASE=local/bookworm-py:1;
# 4. starts a throwaway PostgreSQL on 127.0.0.1 (tests/postgres_server.py) and two containers
#    of the image at once against it, hardened as docker-compose.yml runs them (read-only,
#    no capabilities), and checks: both health checks turn healthy; the migrations ran in
#    exactly one of them; the home page, a static file, the demo content and /readyz answer;
#    no process runs as root; no compiler, and no test, doc or development tool, is in the
#    image; every log line is JSON; a `docker stop` ends gunicorn gracefully, and one during
#    the wait for the database ends the container at once; without a writable /tmp the
#    container stops with one sentence;
# 5. prints the image size, and stops and removes everything it started, on failure too.
#
# Environment: DOCKER_CHECK_CACHE (cache folder), DOCKER_CHECK_HEALTH_TIMEOUT (seconds, 240).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PY="$REPO/.venv/bin/python"
CACHE="${DOCKER_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/carter-site-docker}"
BASE_IMAGE=local/bookworm-py:1
IMAGE=carter-site:check
HEALTH_TIMEOUT="${DOCKER_CHECK_HEALTH_TIMEOUT:-240}"
DOCKER=/usr/bin/docker  # Debian's client, which has BuildKit built in
NAME="carter-check-$$"
CONTAINERS=()
VOLUMES=()

say() { printf '\n==> %s\n' "$*"; }
fail() {
    printf '\ndocker-check FAILED: %s\n' "$*" >&2
    exit 1
}
docker() { "$DOCKER" "$@"; }

[ -x "$PY" ] || fail "no virtualenv at .venv: run 'make install-dev' first."
[ "$(id -u)" -eq 0 ] || fail "needs root: it starts its own Docker engine and builds a base image with debootstrap."

missing=()
command -v dockerd >/dev/null 2>&1 && [ -x "$DOCKER" ] || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
if ! flock -n 9; then
    echo "Another docker-check uses $CACHE; waiting for it to finish."
    flock 9
fi
RUN="$(mktemp -d /tmp/carter-docker.XXXXXX)"

cleanup() {
    local status=$?
    set +e
    if [ -S "$RUN/docker.sock" ]; then
        [ ${#CONTAINERS[@]} -eq 0 ] || docker rm -f "${CONTAINERS[@]}" >/dev/null 2>&1
        [ ${#VOLUMES[@]} -eq 0 ] || docker volume rm -f "${VOLUMES[@]}" >/dev/null 2>&1
    fi
    if [ -n "${PG_PID:-}" ]; then
        kill -TERM "$PG_PID" 2>/dev/null
        wait "$PG_PID" 2>/dev/null
    fi
    if [ -n "${DOCKERD_PID:-}" ]; then
        kill -TERM "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 60); do
            kill -0 "$DOCKERD_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$DOCKERD_PID" 2>/dev/null
        wait "$DOCKERD_PID" 2>/dev/null
    fi
    # The engine's network namespace, debootstrap's /proc and anything else left mounted.
    findmnt -rn -o TARGET | grep "^$RUN/" | sort -r | while read -r mount; do
        umount "$mount" 2>/dev/null || umount -l "$mount"
    done
    rm -rf "$RUN"
    if [ "$status" -eq 0 ]; then
        echo "Cleaned up: containers, volumes, PostgreSQL, Docker engine."
    else
        echo "Cleaned up after the failure: containers, volumes, PostgreSQL, Docker engine." >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "Compose file: docker-compose config (the schema docker compose v2 also reads)"
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile redis config --services | tr '\n' ' '
echo "- valid"

say "Starting a private Docker engine (no bridge, no iptables, host networking only)"
dockerd --bridge=none --iptables=false --ip-masq=false --log-level=warn \
    --data-root "$CACHE/engine" --exec-root "$RUN/exec" \
    -H "unix://$RUN/docker.sock" --pidfile "$RUN/dockerd.pid" >"$RUN/dockerd.log" 2>&1 &
DOCKERD_PID=$!
export DOCKER_HOST="unix://$RUN/docker.sock"
for _ in $(seq 120); do
    docker version >/dev/null 2>&1 && break
    kill -0 "$DOCKERD_PID" 2>/dev/null || { tail -20 "$RUN/dockerd.log"; fail "the Docker engine stopped."; }
    sleep 0.5
done
docker version --format 'Docker engine {{.Server.Version}}' || { tail -20 "$RUN/dockerd.log"; fail "the Docker engine did not start."; }

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    say "Base image $BASE_IMAGE: cached in $CACHE"
else
    say "Building the base image $BASE_IMAGE with debootstrap (once; a minute or two)"
    started=$SECONDS
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$RUN/rootfs" >"$RUN/debootstrap.log" 2>&1 || { tail -30 "$RUN/debootstrap.log"; fail "debootstrap."; }
    # This machine's certificate authorities, so that pip in the build trusts what this machine trusts.
    cp /etc/ssl/certs/ca-certificates.crt "$RUN/rootfs/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$RUN/rootfs/var/lib/apt/lists/"* "$RUN/rootfs/var/cache/apt/archives/"*.deb
    tar -C "$RUN/rootfs" -c . | docker import -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$RUN/rootfs"
    echo "done in $((SECONDS - started)) s"
fi

say "Building $IMAGE (--build-arg BASE=$BASE_IMAGE --network host)"
started=$SECONDS
DOCKER_BUILDKIT=1 docker build --network host --progress plain --build-arg "BASE=$BASE_IMAGE" \
    -t "$IMAGE" . >"$RUN/build.log" 2>&1 || { tail -60 "$RUN/build.log"; fail "docker build."; }
echo "built in $((SECONDS - started)) s"

say "The image: unprivileged user, no compiler, no development files"
user="$(docker image inspect -f '{{.Config.User}}' "$IMAGE")"
case "$user" in
    "" | 0 | 0:* | root | root:*) fail "the image runs as root (USER is '$user')." ;;
esac
echo "USER $user"
tools="$(docker run --rm --network none --entrypoint /bin/sh "$IMAGE" -c \
    'for tool in gcc cc c++ make; do command -v "$tool"; done; true')"
[ -z "$tools" ] || fail "build tools in the runtime image: $tools"
echo "no gcc, cc, c++ or make"
# .dockerignore keeps these out (tests/ops/test_build_context.py reads it; this checks the result).
extras="$(docker run --rm --network none --entrypoint /bin/sh "$IMAGE" -c \
    'cd /app && for path in tests docs backups .env Makefile package.json requirements-dev.txt pyproject.toml README.md scripts/bench.py; do [ ! -e "$path" ] || echo "$path"; done; [ -f scripts/healthcheck.py ] || echo "(no scripts/healthcheck.py)"')"
[ -z "$extras" ] || fail "in /app, the image has what it should not: $extras"
echo "no tests, docs, backups or development tools in /app"

say "Starting a throwaway PostgreSQL on 127.0.0.1"
"$PY" .ci/throwaway_postgres.py --database carter >"$RUN/pg.out" 2>"$RUN/pg.err" &
PG_PID=$!
for _ in $(seq 120); do
    grep -q '^DATABASE_URL=' "$RUN/pg.out" && break
    kill -0 "$PG_PID" 2>/dev/null || { cat "$RUN/pg.err"; fail "PostgreSQL did not start."; }
    sleep 0.5
done
DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$RUN/pg.out")"
[ -n "$DATABASE_URL" ] || fail "PostgreSQL did not start in time."
echo "$DATABASE_URL"

say "Starting two containers at once on a fresh database (read-only, no capabilities)"
read -r PORT1 PORT2 < <("$PY" -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
')
VOLUMES=("$NAME-media" "$NAME-var")
for volume in "${VOLUMES[@]}"; do docker volume create "$volume" >/dev/null; done
containers_started=$SECONDS
for n in 1 2; do
    port_var="PORT$n"
    CONTAINERS+=("$NAME-$n")
    docker run -d --name "$NAME-$n" --network host \
        --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
        --health-interval 2s \
        -v "$NAME-media:/app/media" -v "$NAME-var:/app/var" \
        -e DATABASE_URL="$DATABASE_URL" -e ALLOWED_HOSTS=localhost,127.0.0.1 -e ADMIN_URL=editor-check/ \
        -e BIND_ADDRESS=127.0.0.1 -e PORT="${!port_var}" -e GUNICORN_WORKERS=2 \
        -e SECRET_KEY_FILE=/app/var/secret_key -e SECRET_KEY_GENERATE=true \
        -e LOAD_DEMO_CONTENT=true \
        "$IMAGE" >/dev/null
    echo "$NAME-$n on 127.0.0.1:${!port_var}"
done

say "Waiting for both health checks (at most $HEALTH_TIMEOUT s)"
for container in "${CONTAINERS[@]}"; do
    deadline=$((SECONDS + HEALTH_TIMEOUT))
    while :; do
        state="$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$container")"
        [ "$state" = "running healthy" ] && break
        if [ "${state%% *}" != running ] || [ "$SECONDS" -ge "$deadline" ]; then
            docker logs --tail 40 "$container" 2>&1 || true
            fail "$container is '$state', not healthy."
        fi
        sleep 1
    done
    echo "$container: healthy $((SECONDS - containers_started)) s after the start"
done

say "HTTP, as a load balancer that terminates TLS would ask"
"$PY" - "$PORT1" "$PORT2" <<'PY'
import re
import sys
import urllib.error
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get(port, path, https=True):
    headers = {"Host": "localhost", "User-Agent": "carter-docker-check"}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def expect(port, path, status=200, contains=None, https=True):
    got, headers, body = get(port, path, https)
    ok = got == status and (contains is None or contains in body)
    print(f"  {got} {path:<24} {len(body):>7,} bytes  (port {port})")
    if not ok:
        sys.exit(f"expected {status} with {contains!r} from {path}, got {got}: {body[:300]!r}")
    return headers, body


for port in sys.argv[1:]:
    headers, home = expect(port, "/", contains="Carter")
    if "max-age" not in headers.get("Strict-Transport-Security", ""):
        sys.exit("no HSTS header on an HTTPS page: not the production settings?")
    css = re.search(r"""/static/[^"']+\.css""", home)
    if not css:
        sys.exit("the home page links no stylesheet")
    static_headers, _ = expect(port, css.group(0))
    if "immutable" not in static_headers.get("Cache-Control", ""):
        sys.exit(f"static file not served as hashed and immutable: {static_headers.get('Cache-Control')}")
    expect(port, "/locations/", contains="Alpharetta")
    expect(port, "/healthz", contains="ok")
    expect(port, "/readyz", contains="ok")
    redirect_headers, _ = expect(port, "/", status=301, https=False)
    if not redirect_headers.get("Location", "").startswith("https://"):
        sys.exit("plain HTTP is not redirected to HTTPS")
print("home, a hashed static file, demo content, /healthz, /readyz: 200; plain HTTP: 301 to https")
PY

say "Media volume: backup and restore through the running container (docs/operations.md)"
probe="uploaded-$$-$RANDOM"
docker exec "${CONTAINERS[0]}" sh -c "mkdir -p /app/media/articles && echo $probe >/app/media/articles/probe.txt"
docker exec "${CONTAINERS[0]}" tar -C /app/media -czf - . >"$RUN/media.tar.gz"
docker exec "${CONTAINERS[0]}" rm -rf /app/media/articles
docker exec -i "${CONTAINERS[0]}" tar -C /app/media -xzf - <"$RUN/media.tar.gz"
[ "$(docker exec "${CONTAINERS[1]}" cat /app/media/articles/probe.txt)" = "$probe" ] ||
    fail "the media backup did not restore."
echo "media.tar.gz: $(stat -c %s "$RUN/media.tar.gz") bytes; restored, and seen by the other container"

say "Processes: none as root, gunicorn is PID 1"
docker exec "${CONTAINERS[0]}" python -c '
import glob, sys
rows = []
for status in glob.glob("/proc/[0-9]*/status"):
    try:
        fields = dict(line.split(":", 1) for line in open(status) if ":" in line)
        cmd = " ".join(open(status.replace("status", "cmdline"), "rb").read().decode().replace("\0", " ").split())
    except OSError:
        continue
    if cmd.startswith("runc init"):
        continue  # the container runtime starting this very `docker exec`, gone a moment later
    rows.append((int(fields["Pid"]), int(fields["Uid"].split()[0]), cmd))
for pid, uid, cmd in sorted(rows):
    print(f"  pid {pid:<5} uid {uid:<6} {cmd[:90]}")
if any(uid == 0 for _, uid, _ in rows):
    sys.exit("a process runs as root")
if "gunicorn" not in dict((pid, cmd) for pid, _, cmd in rows).get(1, ""):
    sys.exit("PID 1 is not gunicorn: the entrypoint did not exec it")
'

say "Logs: JSON lines; migrations and demo content applied by exactly one container"
for container in "${CONTAINERS[@]}"; do
    docker logs "$container" >"$RUN/$container.out" 2>"$RUN/$container.err"
done
"$PY" - "$RUN" "${CONTAINERS[@]}" <<'PY'
import json
import sys
from pathlib import Path

run, containers = Path(sys.argv[1]), sys.argv[2:]
migrated = demo = 0
for container in containers:
    lines = [line for line in (run / f"{container}.out").read_text().splitlines() if line.strip()]
    records = []
    for number, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            sys.exit(f"{container}: stdout line {number} is not JSON: {line[:200]!r}")
    events = [record.get("event") for record in records]
    migrated += "migrate_done" in events
    demo += "demo_loaded" in events
    access = [r for r in records if r.get("logger") == "gunicorn.access" and r.get("path") == "/"]
    if not access or access[0].get("status") != 200:
        sys.exit(f"{container}: no structured access-log line for GET /")
    stderr = (run / f"{container}.err").read_text().strip()
    print(f"  {container}: {len(records)} JSON lines, events {[e for e in events if e]}")
    if stderr:
        print(f"  {container}: stderr:\n{stderr[-2000:]}")
if migrated != 1 or demo != 1:
    sys.exit(f"migrations applied by {migrated} containers and demo content by {demo}: expected 1 each")
print("every stdout line is JSON; one container migrated and loaded the demo content, the other waited")
PY

say "Graceful stop: SIGTERM reaches gunicorn"
started=$SECONDS
docker stop -t 40 "${CONTAINERS[1]}" >/dev/null
code="$(docker inspect -f '{{.State.ExitCode}}' "${CONTAINERS[1]}")"
[ "$code" = 0 ] || fail "${CONTAINERS[1]} exited with $code after docker stop (not a graceful shutdown)."
echo "${CONTAINERS[1]} stopped with exit code 0 in $((SECONDS - started)) s"

say "A stop during start-up (waiting for a database that does not answer) ends at once"
# The entrypoint's shell is PID 1 until it execs gunicorn; PID 1 gets only the signals it handles.
CONTAINERS+=("$NAME-waiting")
docker run -d --name "$NAME-waiting" --network host \
    --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges -v "$NAME-media:/app/media" \
    -e DATABASE_URL="postgres://carter:unused@127.0.0.1:1/carter" -e DB_WAIT_TIMEOUT=120 \
    -e ALLOWED_HOSTS=localhost -e ADMIN_URL=editor-check/ \
    -e SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    "$IMAGE" >/dev/null
deadline=$((SECONDS + 60))
until docker logs "$NAME-waiting" 2>/dev/null | grep -q '"event": "db_wait"'; do
    [ "$SECONDS" -lt "$deadline" ] || { docker logs --tail 20 "$NAME-waiting" 2>&1; fail "$NAME-waiting never started waiting for the database."; }
    sleep 0.5
done
started=$SECONDS
docker stop -t 30 "$NAME-waiting" >/dev/null
elapsed=$((SECONDS - started))
[ "$elapsed" -le 5 ] || fail "docker stop during the database wait took $elapsed s: the entrypoint ignored SIGTERM."
echo "$NAME-waiting stopped in $elapsed s (exit code $(docker inspect -f '{{.State.ExitCode}}' "$NAME-waiting"))"

say "Read-only without a tmpfs on /tmp: one sentence, no traceback"
CONTAINERS+=("$NAME-no-tmp")
status=0
docker run --name "$NAME-no-tmp" --network host --read-only --cap-drop ALL --security-opt no-new-privileges \
    -e DATABASE_URL="postgres://carter:unused@127.0.0.1:1/carter" -e DB_WAIT_TIMEOUT=5 \
    -e ALLOWED_HOSTS=localhost -e ADMIN_URL=editor-check/ \
    -e SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    "$IMAGE" >"$RUN/no-tmp.out" 2>"$RUN/no-tmp.err" || status=$?
[ "$status" -ne 0 ] || fail "the container started without a writable /tmp."
if grep -q Traceback "$RUN/no-tmp.out" "$RUN/no-tmp.err" || [ "$(wc -l <"$RUN/no-tmp.err")" -ne 1 ] ||
    ! grep -q "mount a tmpfs on /tmp" "$RUN/no-tmp.err"; then
    cat "$RUN/no-tmp.out" "$RUN/no-tmp.err"
    fail "without /tmp the container did not stop with one sentence."
fi
echo "exit code $status: $(cat "$RUN/no-tmp.err")"

say "Housekeeping: old build cache and dangling images in $CACHE"
docker image prune -f >/dev/null
docker builder prune -f --filter until=168h >/dev/null

say "Image size"
"$PY" - "$(docker image inspect -f '{{.Size}}' "$IMAGE")" "$(docker image inspect -f '{{.Size}}' "$BASE_IMAGE")" <<'PY'
import sys

image, base = (int(value) for value in sys.argv[1:])
print(f"carter-site:check  {image / 1e6:.1f} MB  (base local/bookworm-py:1 {base / 1e6:.1f} MB, "
      f"app and dependencies {(image - base) / 1e6:.1f} MB)")
PY
docker history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | awk -F'\t' '$1 !~ /^0B$/ && $1 !~ /kB$/ {
    sub(/^\/bin\/sh -c #\(nop\) */, "", $2); sub(/^\/bin\/sh -eu -c /, "RUN ", $2); printf "  %8s  %.90s\n", $1, $2 }'

echo
echo "docker-check passed."
