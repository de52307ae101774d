#!/bin/sh
# The web container's entrypoint.
#
# When the command is the web server (gunicorn, the image's default), it first
#   1. refuses to go on, in one sentence, if the production settings are incomplete, or a
#      setting of gunicorn.conf.py, DB_WAIT_TIMEOUT, MIGRATE_LOCK_TIMEOUT or HEALTHCHECK_TIMEOUT
#      does not fit;
#   2. waits for the database, at most DB_WAIT_TIMEOUT seconds (default 60);
#   3. applies migrations once, however many containers start together (manage.py
#      migrate_once: a PostgreSQL advisory lock), unless MIGRATE_ON_START=false; and, on a
#      fresh database with LOAD_DEMO_CONTENT=true, loads the demo content;
# then replaces itself with the server (exec), so that gunicorn is PID 1 and receives Docker's
# SIGTERM for a graceful stop. Until then a SIGTERM or SIGINT (`docker stop`) ends the start-up at
# once. With DRAIN_SECONDS above 0 it stays instead, as the server's parent, to drain on SIGTERM
# (serve_draining, below). Any other command (manage.py createsuperuser, a shell) runs as given,
# with none of the above.
#
# SECRET_KEY may come from a file instead (Docker or Kubernetes secrets): SECRET_KEY_FILE. With
# SECRET_KEY_GENERATE=true, a missing file is created with a new random key (the compose
# file keeps it in a volume, so a fresh checkout starts without any configuration).
set -eu

cd "$(dirname "$0")"

# docker-compose.yml passes every documented variable, empty when .env does not set it: empty
# means "the default". gunicorn reads two of these itself and takes an empty one literally
# (WEB_CONCURRENCY= stops it with a ValueError, FORWARDED_ALLOW_IPS= trusts no proxy), so
# they go.
for name in WEB_CONCURRENCY FORWARDED_ALLOW_IPS; do
    eval "[ -n \"\${$name:-}\" ]" || unset "$name"
done

# One sentence, and the container stops.
cannot_start() {
    echo "carter-site cannot start: $*" >&2
    exit 1
}

# A yes/no variable NAME, DEFAULT when unset or empty: true/false, 1/0, yes/no, on/off, in any
# case. Anything else ("ture", "maybe") stops here with a sentence: read as "no", a typo in
# MIGRATE_ON_START would serve an unmigrated database without a word.
flag() {
    eval "raw=\${$1:-}"
    value="$(printf '%s' "$raw" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
    case "${value:-$2}" in
        1 | true | yes | on) return 0 ;;
        0 | false | no | off) return 1 ;;
        *) cannot_start "$1 must be true or false, not '$raw'." ;;
    esac
}

if [ -z "${SECRET_KEY:-}" ] && [ -n "${SECRET_KEY_FILE:-}" ]; then
    key_file=$SECRET_KEY_FILE
    key_folder="$(dirname "$key_file")"
    if [ -d "$key_file" ]; then
        cannot_start "SECRET_KEY_FILE=$key_file is a folder: name a file in it, such as $key_file/secret_key."
    fi
    if [ ! -s "$key_file" ] && flag SECRET_KEY_GENERATE false; then
        if [ ! -d "$key_folder" ]; then
            cannot_start "SECRET_KEY_FILE=$key_file cannot be created: there is no folder $key_folder."
        fi
        # Several containers sharing the volume may start at once, and $$ is 1 in every one of
        # them: each writes its key to a file of its own (mktemp, readable by this user only) and
        # links it to the key file's name, which only the first can do. The others find the
        # first one's key there, complete, since it was written before it was linked.
        if ! temporary="$(mktemp "$key_file.XXXXXX" 2>/dev/null)"; then
            cannot_start "SECRET_KEY_FILE=$key_file cannot be created: the folder $key_folder is read-only or not this user's to write to (mount a writable volume on it, or set SECRET_KEY)."
        fi
        if ! python -c 'import secrets; print(secrets.token_urlsafe(64))' >"$temporary" 2>/dev/null; then
            rm -f "$temporary"
            cannot_start "SECRET_KEY_FILE=$key_file cannot be created: writing the new key into $key_folder failed (is the volume full?)."
        fi
        ln "$temporary" "$key_file" 2>/dev/null || true
        # A filesystem without hard links: rename instead (atomic as well, but the last one wins).
        [ -e "$key_file" ] || mv -f "$temporary" "$key_file"
        rm -f "$temporary"
    fi
    if [ ! -e "$key_file" ]; then
        cannot_start "SECRET_KEY_FILE=$key_file cannot be read: there is no such file (set SECRET_KEY_GENERATE=true to create it, or set SECRET_KEY)."
    fi
    if [ ! -r "$key_file" ] || ! SECRET_KEY="$(cat "$key_file" 2>/dev/null)"; then
        cannot_start "SECRET_KEY_FILE=$key_file cannot be read by this user (uid $(id -u)): make it readable to the server's user, or set SECRET_KEY."
    fi
    export SECRET_KEY
fi

# A log record of the entrypoint's own, as carter_site/logging.py writes those of Django and
# gunicorn: one JSON object per line on stdout (LOG_FORMAT=plain: its plain line), INFO records
# left out when LOG_LEVEL asks for WARNING or above. log_info EVENT MESSAGE [MORE JSON FIELDS];
# the message holds no quote or backslash.
log_info() {
    level="$(printf '%s' "${LOG_LEVEL:-}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
    case "$level" in
        warning | error | critical) return 0 ;;
    esac
    if [ "$(printf '%s' "${LOG_FORMAT:-}" | tr -d '[:space:]')" = plain ]; then
        printf '%s INFO carter_site.entrypoint %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%S.%3NZ')" "$2"
    else
        printf '{"time": "%s", "level": "INFO", "logger": "carter_site.entrypoint", "message": "%s", "pid": %s, "event": "%s"%s}\n' \
            "$(date -u '+%Y-%m-%dT%H:%M:%S.%3NZ')" "$2" "$$" "$1" "${3:+, $3}"
    fi
}

# The web server with a drain (DRAIN_SECONDS above 0): on the first SIGTERM, /readyz answers 503
# in every worker while pages are served as before, so that the load balancer stops sending
# visitors here; DRAIN_SECONDS later gunicorn gets the SIGTERM and stops gracefully, as it does
# without a drain. This shell stays PID 1, the server's parent, and ends with its status.
#   - a second SIGTERM ends the drain at once: gunicorn gets it now (requests in flight finish);
#   - SIGINT and SIGQUIT go to gunicorn at once, drain or not: its quick stop;
#   - HUP, USR1, USR2, TTIN, TTOU and WINCH go to gunicorn as they come (reload, reopen logs,
#     more or fewer workers): PID 1 receives only the signals it handles, so each has a trap.
# The workers learn of the drain from a file, the marker, in a folder of this shell's own among
# the temporary files (TMPDIR or the system's; compose mounts a tmpfs there): its name is in
# CARTER_SITE_DRAIN_MARKER, which they inherit (carter_site/drain.py).
serve_draining() {
    if ! drain_folder="$(mktemp -d -t carter-site-drain.XXXXXX 2>/dev/null)"; then
        cannot_start "DRAIN_SECONDS=$drain_seconds needs a writable folder for temporary files, and there is none: mount a tmpfs on /tmp, or set DRAIN_SECONDS=0."
    fi
    CARTER_SITE_DRAIN_MARKER="$drain_folder/draining"
    export CARTER_SITE_DRAIN_MARKER
    server='' timer='' phase=serving stop_signal=''

    pass_on() {
        if [ -n "$server" ]; then kill -"$1" "$server" 2>/dev/null || true; fi
    }
    stop_timer() {
        if [ -n "$timer" ]; then
            kill -TERM "$timer" 2>/dev/null || true
            wait "$timer" 2>/dev/null || true
            timer=''
        fi
    }
    # gunicorn's own stop, now: after the drain, or at once when told to.
    stop_server() {
        phase=stopping stop_signal=$1
        stop_timer
        pass_on "$1"
    }
    on_term() {
        case "$phase" in
            serving)
                phase=draining
                true >"$CARTER_SITE_DRAIN_MARKER" || true
                log_info drain_start "Draining for $drain_seconds s: /readyz answers 503 so that the load balancer stops sending requests here, and pages are still served." "\"drain_seconds\": $drain_seconds"
                # The timer: ALRM to this shell when the drain is over. TERM ends it, sleep and all.
                (
                    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
                    sleep "$drain_seconds" &
                    nap=$!
                    wait "$nap" && kill -ALRM "$$"
                ) &
                timer=$!
                ;;
            draining)
                log_info drain_done "A second SIGTERM ends the drain early: gunicorn stops gracefully now, finishing the requests in flight." '"early": true'
                stop_server TERM
                ;;
            *) pass_on TERM ;;
        esac
    }
    on_alarm() {
        if [ "$phase" = draining ]; then
            timer=''
            log_info drain_done "Drained for $drain_seconds s: gunicorn stops gracefully now, finishing the requests in flight." '"early": false'
            stop_server TERM
        fi
    }

    trap on_term TERM
    trap on_alarm ALRM
    trap 'stop_server INT' INT
    trap 'stop_server QUIT' QUIT
    for signal in HUP USR1 USR2 TTIN TTOU WINCH; do
        # shellcheck disable=SC2064 # the signal's name, now
        trap "pass_on $signal" "$signal"
    done

    "$@" &
    server=$!
    # A stop that came before gunicorn's process id was known.
    if [ "$phase" = stopping ]; then pass_on "$stop_signal"; fi
    # A signal interrupts wait, and its trap runs: wait again until gunicorn itself has ended.
    while :; do
        status=0
        wait "$server" || status=$?
        if ! kill -0 "$server" 2>/dev/null; then break; fi
    done
    stop_timer
    rm -rf "$drain_folder"
    exit "$status"
}

if [ "${1:-}" = "gunicorn" ]; then
    # Until `exec gunicorn` this shell is the container's PID 1, and the kernel drops every signal
    # PID 1 has no handler for: a `docker stop` during the database wait or the migration lock
    # would take the whole grace period and end in SIGKILL. So each step runs in the background
    # while the shell waits, and TERM or INT stop the step and the start-up at once. exec resets
    # the handlers: gunicorn then receives SIGTERM itself and stops gracefully.
    step=
    stop_starting() {
        trap - TERM INT
        if [ -n "$step" ]; then
            kill -TERM "$step" 2>/dev/null || true
            wait "$step" 2>/dev/null || true
        fi
        echo "carter-site stopped during start-up, before the web server started." >&2
        exit "$1"
    }
    trap 'stop_starting 143' TERM
    trap 'stop_starting 130' INT
    run_step() {
        "$@" &
        step=$!
        status=0
        wait "$step" || status=$?
        step=
        return "$status"
    }

    # Read both now, so that a typo stops the container before it waits for anything.
    migrate=false demo=false
    if flag MIGRATE_ON_START true; then migrate=true; fi
    if flag LOAD_DEMO_CONTENT false; then demo=true; fi
    # The production settings, every value gunicorn.conf.py reads (WEB_CONCURRENCY too, which
    # gunicorn would otherwise read first and answer with a traceback), the two timeouts below,
    # the health check's and DRAIN_SECONDS: one sentence for the first that does not fit.
    run_step python -m carter_site.startup_check
    # Checked there: ASCII digits, 0 to 300, maybe with spaces around. Leading zeros go, so that
    # "007" is 7 and "000" no drain.
    drain_seconds="$(printf '%s' "${DRAIN_SECONDS:-}" | tr -d '[:space:]' | sed 's/^0*//')"
    run_step python manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-60}"
    if [ "$migrate" = true ]; then
        if [ "$demo" = true ]; then
            run_step python manage.py migrate_once --lock-timeout "${MIGRATE_LOCK_TIMEOUT:-600}" --load-demo-content
        else
            run_step python manage.py migrate_once --lock-timeout "${MIGRATE_LOCK_TIMEOUT:-600}"
        fi
    fi
fi

if [ "${1:-}" = "gunicorn" ]; then
    # Set by serve_draining only, never inherited: a stale name would turn /readyz to 503 for good.
    unset CARTER_SITE_DRAIN_MARKER
    if [ -n "$drain_seconds" ]; then
        serve_draining "$@"
    fi
fi

exec "$@"
