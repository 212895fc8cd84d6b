# shellcheck shell=bash
# scripts/lib.sh: helpers shared by the Scoreline shell scripts (messages, the
# unprivileged service user, path checks). Sourced, never executed; the caller
# sets `set -euo pipefail` itself.

# Absolute path of the checkout (the folder above scripts/).
SCORELINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly SCORELINE_ROOT

# The system user that runs PostgreSQL, scoreline-api, nginx and the tests
# when a script is started as root.
readonly SERVICE_USER="scoreline"

SCRIPT_NAME="$(basename "$0")"

info() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
    printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
    exit 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Creates the service user (system account, no login shell, no home) when
# missing. Only root may call this.
ensure_service_user() {
    if id -u "$SERVICE_USER" >/dev/null 2>&1; then
        return 0
    fi
    info "creating system user '$SERVICE_USER' (no login shell) to run the services"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin --comment "Scoreline local stack" "$SERVICE_USER"
}

# Runs "$@" as the service user when root, else as the current user. Uses
# setpriv, which execs in place: the pid of a backgrounded call is the pid of
# the program itself, so it can go into a pidfile.
as_service_user() {
    if is_root; then
        setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- "$@"
    else
        "$@"
    fi
}

# Dies with advice unless the service user can read the checkout (root case
# only). A checkout under /root (mode 700) is the usual cause.
check_traversable() {
    is_root || return 0
    local path
    for path in "$SCORELINE_ROOT" "$SCORELINE_ROOT/migrations" "$SCORELINE_ROOT/nginx/www"; do
        if ! as_service_user test -r "$path" -a -x "$path"; then
            local blocker="$SCORELINE_ROOT"
            local dir="$SCORELINE_ROOT"
            while [[ "$dir" != "/" ]]; do
                if ! as_service_user test -x "$dir"; then
                    blocker="$dir"
                fi
                dir="$(dirname "$dir")"
            done
            die "the checkout $SCORELINE_ROOT is not readable by the '$SERVICE_USER' user" \
                "(it cannot enter $blocker, mode $(stat -c %a "$blocker")). PostgreSQL, the API and" \
                "nginx never run as root, so they need to read the checkout. Either move the" \
                "checkout somewhere world-readable (e.g. /srv/scoreline or /opt/scoreline)," \
                "or allow traversal with: chmod o+x $blocker"
        fi
    done
}

# Refuses paths that would need quoting in nginx.conf, postgresql.conf or a
# libpq URI.
check_plain_path() {
    local path="$1"
    if [[ "$path" =~ [[:space:]\'\"\\\;\$\{\}\#\%\?\&] ]]; then
        die "the path '$path' contains a space or one of ' \" \\ ; \$ { } # % ? &;" \
            "move the checkout to a plain path such as /srv/scoreline"
    fi
}
