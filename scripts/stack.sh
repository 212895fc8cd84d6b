#!/usr/bin/env bash
# scripts/stack.sh: the local Scoreline stack inside the checkout: PostgreSQL,
# scoreline-api, scoreline-sse (one or more processes) and nginx, with every
# file under .run/. Called by the Makefile.
#
# Usage: scripts/stack.sh build|run|restart-api|stop|status|logs|psql [psql arguments]
#   build   configure and build the Release binaries (build/release)
#   run     install missing packages, build, start what is down (a dead
#           scoreline-api master too, after stopping workers it left), wait
#           for /readyz, print the URL as the last line; safe to repeat
#   restart-api  stop scoreline-api (SIGTERM, drain) and start it again with
#           this environment's settings (e.g. another API_DATABASE_URL), wait
#           for /readyz; PostgreSQL, scoreline-sse and nginx stay as they are
#   stop    stop nginx, scoreline-sse and scoreline-api (SIGTERM, drain) and PostgreSQL
#   status  show each component up/down, a dead scoreline-api master as DEAD
#           (exit 0 only when all are up)
#   logs    follow .run/logs/*.log
#   psql    open psql on the local database
#
# Settings (environment; the Makefile passes them through):
#   HTTPS_PORT=8443 HTTP_PORT=8080 PG_PORT=55432 JOBS=<cores>
#   STACK_DIR=DIR        absolute folder of the stack's files (default .run/ in the
#                        checkout), so that a second stack (bench/) can run beside
#                        the first one; also give it other ports
#   LOG_LEVEL=info       SCORELINE_LOG_LEVEL of scoreline-api
#   READY_TIMEOUT=60     seconds to wait for /readyz
#   NO_BUILD=1           skip the build (use the binaries already there)
#   API_BIN, MIGRATE_BIN, SSE_BIN  other binaries than build/release's
#   API_DATABASE_URL     the database scoreline-api (only it) connects to, e.g.
#                        a PgBouncer in front of the stack's PostgreSQL (bench/);
#                        default: the stack's PostgreSQL through its unix socket
#   SSE_PROCESSES=N      scoreline-sse processes (default: one per core, and at
#                        least enough for SSE_TARGET_STREAMS under the hard limit
#                        of open files per process)
#   SSE_TARGET_STREAMS=40000  streams the stack is sized for (nginx workers and
#                        connections, number of scoreline-sse processes)
#   SSE_METRICS_PORT=9465  /healthz and /metrics of scoreline-sse process i on
#                        127.0.0.1:SSE_METRICS_PORT+i
#   PG_BIN               PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin)
#   DEMO=0               do not load the demo events (they are loaded only into a
#                        database without any event, so repeating 'run' is safe)
#   DEMO_DATA=DIR        the real results the demo is built from
#                        (default: ../shared/data/football beside the checkout)
# Any SCORELINE_* variable in the environment reaches scoreline-api unchanged
# (e.g. SCORELINE_WORKERS=4), except the ones this script sets.
# Likewise any nginx/render.sh variable this script does not set reaches
# render.sh (e.g. BENCH_ROUTES=1 for bench/; the per-address limits API_RATE,
# API_BURST, WRITE_*, AUTH_*, STREAM_*, which a load test must raise; and
# TRUSTED_PROXIES, CORS_ORIGINS, API_BODY_MAX, AUTH_BODY_MAX, MONITORING_ALLOW;
# docs/edge.md).
#
# As root, PostgreSQL, scoreline-api and nginx run as the system user
# "scoreline" (created when missing), which owns .run/. Otherwise they run as
# the invoking user.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly ROOT="$SCORELINE_ROOT"
readonly RUN="${STACK_DIR:-$ROOT/.run}"
readonly LOGS="$RUN/logs"
readonly STATE_FILE="$RUN/stack.env"
readonly PG_DIR="$RUN/pg"
readonly PG_DATA="$PG_DIR/data"
readonly PG_SOCK="$PG_DIR/sock"
readonly PG_PASSWORD_FILE="$PG_DIR/password"
readonly PG_USER="scoreline"
readonly PG_DB="scoreline"
readonly TLS_DIR="$RUN/tls"
readonly NGINX_RUN="$RUN/nginx"
readonly NGINX_CONF="$NGINX_RUN/nginx.conf"
readonly NGINX_PID="$NGINX_RUN/nginx.pid"
readonly API_PID="$RUN/api.pid"
readonly API_SOCK="$RUN/api.sock"
readonly JWT_DIR="$RUN/jwt"
readonly BUILD_DIR="$ROOT/build/release"

HTTPS_PORT="${HTTPS_PORT:-8443}"
HTTP_PORT="${HTTP_PORT:-8080}"
PG_PORT="${PG_PORT:-55432}"
JOBS="${JOBS:-$(nproc)}"
LOG_LEVEL="${LOG_LEVEL:-info}"
READY_TIMEOUT="${READY_TIMEOUT:-60}"
NO_BUILD="${NO_BUILD:-0}"
API_BIN="${API_BIN:-$BUILD_DIR/workers/scoreline-api}"
MIGRATE_BIN="${MIGRATE_BIN:-$BUILD_DIR/migrations/scoreline-migrate}"
SSE_BIN="${SSE_BIN:-$BUILD_DIR/sse/scoreline-sse}"
SSE_TARGET_STREAMS="${SSE_TARGET_STREAMS:-40000}"
SSE_METRICS_PORT="${SSE_METRICS_PORT:-9465}"
SSE_PROCESSES="${SSE_PROCESSES:-}"
DEMO="${DEMO:-1}"
DEMO_DATA="${DEMO_DATA:-$ROOT/../shared/data/football}"

# ---------------------------------------------------------------------------
# Small helpers

# The newest installed PostgreSQL server binaries, unless PG_BIN is set.
find_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        printf '%s' "$PG_BIN"
        return
    fi
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" ]] && printf '%s\n' "$dir"
    done | sort -t/ -k5,5n | tail -n1
}

# libpq URI of the local database, through the unix socket.
database_url() {
    local enc="" c i
    for ((i = 0; i < ${#PG_SOCK}; i++)); do
        c="${PG_SOCK:i:1}"
        if [[ "$c" =~ [A-Za-z0-9/._~-] ]]; then
            enc+="$c"
        else
            enc+="$(printf '%%%02X' "'$c")"
        fi
    done
    printf 'postgresql://%s@/%s?host=%s&port=%s' "$PG_USER" "$PG_DB" "$enc" "$PG_PORT"
}

# True when process PID exists and has not exited. An exited child that is
# not reaped yet (a zombie: state Z after "(comm) " in /proc/PID/stat) counts
# as gone; some container inits reap late.
proc_alive() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ -n "$stat" && "${stat:0:1}" != "Z" ]]
}

# True when PIDFILE names a live process that is ours: its name starts with
# COMM, or (for wrappers and scripts) its command line contains PATH.
pid_alive() {
    local pidfile="$1" comm="$2" path="${3:-}" pid
    [[ -r "$pidfile" ]] || return 1
    pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "${comm:0:15}"* ]]; then
        [[ -n "$path" ]] || return 1
        [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" == *"$path"* ]] || return 1
    fi
    proc_alive "$pid"
}

pid_of() { head -n1 "$1" 2>/dev/null || true; }

pg_running() {
    [[ -f "$PG_DATA/PG_VERSION" ]] || return 1
    as_service_user "$PGBIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

api_running() { pid_alive "$API_PID" "$(basename "$API_BIN")" "$API_BIN"; }

# scoreline-api's state: "up" (the master in api.pid runs), "dead" (api.pid
# names a master that is gone: it crashed or was killed, since `stop` and a
# failed start remove the file) or "stopped" (no api.pid).
api_state() {
    if api_running; then
        echo up
    elif [[ -s "$API_PID" ]]; then
        echo dead
    else
        echo stopped
    fi
}

# While no master runs: pids of this stack's scoreline-api processes, i.e.
# workers that outlived their master (they get SIGTERM when it dies, but may
# be busy draining, or stopped). Other stacks' processes are told apart by
# the SCORELINE_LISTEN in their environment.
api_leftover_pids() {
    local dir pid comm
    api_running && return 0
    comm="$(basename "$API_BIN")"
    for dir in /proc/[0-9]*; do
        pid="${dir#/proc/}"
        [[ "$(cat "$dir/comm" 2>/dev/null)" == "${comm:0:15}" ]] || continue
        proc_alive "$pid" || continue
        if tr '\0' '\n' 2>/dev/null <"$dir/environ" | grep -qxF "SCORELINE_LISTEN=unix:$API_SOCK"; then
            printf '%s\n' "$pid"
        fi
    done
}

# Stops workers left by a dead master (SIGTERM: they finish what they hold;
# SIGCONT in case one is stopped), SIGKILL after 15 s.
stop_api_leftovers() {
    local pids pid i
    mapfile -t pids < <(api_leftover_pids)
    [[ ${#pids[@]} -gt 0 ]] || return 0
    info "stopping ${#pids[@]} scoreline-api process(es) left by the dead master (pids ${pids[*]}, SIGTERM)"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    kill -CONT "${pids[@]}" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        for pid in "${pids[@]}"; do
            proc_alive "$pid" && break
            pid=""
        done
        [[ -z "$pid" ]] && return 0
        sleep 0.1
    done
    warn "scoreline-api processes ${pids[*]} still running after 15s; sending SIGKILL"
    kill -KILL "${pids[@]}" 2>/dev/null || true
}
nginx_running() { pid_alive "$NGINX_PID" nginx; }

port_in_use() {
    [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
}

check_port_free() {
    local name="$1" port="$2"
    if port_in_use "$port"; then
        die "port $port ($name) is already in use by another program:" \
            "$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n1)." \
            "Pick another one, e.g.: make run $name=$((port + 1))"
    fi
}

# Prints the last lines of a log file, indented, for error messages.
show_log_tail() {
    local file="$1" lines="${2:-20}"
    if [[ -s "$file" ]]; then
        printf '\n--- last %s lines of %s ---\n' "$lines" "$file" >&2
        tail -n "$lines" "$file" | sed 's/^/  /' >&2
        printf -- '---\n' >&2
    fi
}

# curl /readyz over HTTPS, verifying our own certificate; prints the status code.
readyz_code() {
    curl -sS -o /dev/null -w '%{http_code}' --max-time 3 \
        --cacert "$TLS_DIR/cert.pem" "https://127.0.0.1:$HTTPS_PORT/readyz" 2>/dev/null || true
}

# Ports of the running stack (from its last `run`), so stop/status/psql find it
# whatever the current environment says.
load_state() {
    [[ -r "$STATE_FILE" ]] || return 0
    local key value
    while IFS='=' read -r key value; do
        case "$key" in
            HTTPS_PORT | HTTP_PORT | PG_PORT | SSE_PROCESSES | SSE_METRICS_PORT)
                [[ "$value" =~ ^[0-9]+$ ]] && printf -v "$key" '%s' "$value"
                ;;
        esac
    done <"$STATE_FILE"
}

save_state() {
    printf 'HTTPS_PORT=%s\nHTTP_PORT=%s\nPG_PORT=%s\nSSE_PROCESSES=%s\nSSE_METRICS_PORT=%s\n' \
        "$HTTPS_PORT" "$HTTP_PORT" "$PG_PORT" "$SSE_PROCESSES" "$SSE_METRICS_PORT" >"$STATE_FILE"
}

# .run/ must belong to whoever runs the services (see the header).
check_run_owner() {
    [[ -d "$RUN" ]] || return 0
    local owner
    owner="$(stat -c %U "$RUN")"
    if is_root; then
        if [[ "$owner" != "$SERVICE_USER" && "$owner" != "root" ]]; then
            die "$RUN belongs to '$owner', who ran the stack before without root." \
                "Stop it as that user (make stop), then remove $RUN, or keep using '$owner'."
        fi
    elif [[ "$owner" != "$(id -un)" ]]; then
        die "$RUN belongs to '$owner' (the stack was started with sudo/as root?)." \
            "Use the same user: 'sudo make ${1:-run}'; to start over: sudo make stop && sudo rm -rf $RUN"
    fi
}

check_ports_valid() {
    local name value
    for name in HTTPS_PORT HTTP_PORT PG_PORT; do
        value="${!name}"
        if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1024 || value > 65535)); then
            die "$name=$value: use a port from 1024 to 65535 (the stack runs without privileges)"
        fi
    done
    if [[ "$HTTPS_PORT" == "$HTTP_PORT" || "$HTTPS_PORT" == "$PG_PORT" || "$HTTP_PORT" == "$PG_PORT" ]]; then
        die "HTTPS_PORT, HTTP_PORT and PG_PORT must differ ($HTTPS_PORT, $HTTP_PORT, $PG_PORT)"
    fi
}

# Unix socket paths are limited to 107 bytes.
check_socket_paths() {
    local sock
    for sock in "$PG_SOCK/.s.PGSQL.$PG_PORT" "$API_SOCK"; do
        if ((${#sock} > 100)); then
            die "the socket path $sock is too long for a unix socket (${#sock} > 100 bytes);" \
                "use a shorter checkout path"
        fi
    done
}

# ---------------------------------------------------------------------------
# Live updates: scoreline-sse processes and the sizing for SSE_TARGET_STREAMS

# The hard limit of open files a process of the service user gets (it cannot
# be raised here, not even as root; every process must live within it).
nofile_hard() {
    local hard
    hard="$(as_service_user bash -c 'ulimit -Hn')"
    [[ "$hard" =~ ^[0-9]+$ ]] || hard=1048576
    printf '%s' "$hard"
}

# Sets SSE_PROCESSES (unless given), NGINX_WORKERS, NGINX_CONNECTIONS and
# NGINX_NOFILE. Each stream costs scoreline-sse one descriptor and an nginx
# worker two (client and upstream); a quarter of headroom for nginx because
# its workers do not share connections evenly.
size_for_streams() {
    local hard cores per_sse need
    hard="$(nofile_hard)"
    cores="$(nproc)"
    per_sse=$((hard * 95 / 100 - 128))
    need=$(((SSE_TARGET_STREAMS + per_sse - 1) / per_sse))
    if [[ -z "$SSE_PROCESSES" ]]; then
        SSE_PROCESSES=$((cores > need ? cores : need))
    fi
    [[ "$SSE_PROCESSES" =~ ^[1-9][0-9]*$ ]] || die "SSE_PROCESSES=$SSE_PROCESSES: use a positive number"
    NGINX_NOFILE=$hard
    NGINX_CONNECTIONS=$((hard - 1024 > 1024 ? hard - 1024 : 1024))
    ((NGINX_CONNECTIONS <= 65535)) || NGINX_CONNECTIONS=65535
    need=$(((SSE_TARGET_STREAMS * 2 * 5 / 4 + NGINX_CONNECTIONS - 1) / NGINX_CONNECTIONS))
    NGINX_WORKERS=$((cores > need ? cores : need))
}

sse_sock() { printf '%s/sse-%s.sock' "$RUN" "$1"; }
sse_pid() { printf '%s/sse-%s.pid' "$RUN" "$1"; }
sse_running() { pid_alive "$(sse_pid "$1")" "$(basename "$SSE_BIN")" "$SSE_BIN"; }

# The SSE_UPSTREAMS list for nginx/render.sh.
sse_upstreams() {
    local i list=""
    for ((i = 0; i < SSE_PROCESSES; i++)); do
        list+="${list:+,}unix:$(sse_sock "$i")"
    done
    printf '%s' "$list"
}

# The token keys: scoreline-api signs with the private one, scoreline-sse
# verifies stream tickets with the public ones. Kept across runs.
make_jwt_key() {
    as_service_user "$ROOT/scripts/make-jwt-key.sh" "$JWT_DIR" | sed 's/^/  /'
}

# One line of JWT_DIR/jwt.env (empty when missing).
jwt_setting() {
    sed -n "s/^$1=//p" "$JWT_DIR/jwt.env" 2>/dev/null | head -n1
}

start_sse() {
    local i="$1" sock pidfile port
    sock="$(sse_sock "$i")"
    pidfile="$(sse_pid "$i")"
    port=$((SSE_METRICS_PORT + i))
    if sse_running "$i"; then
        info "scoreline-sse $i is already running (pid $(pid_of "$pidfile"))"
        return 0
    fi
    [[ -x "$SSE_BIN" ]] || die "$SSE_BIN is missing: run 'make build' (or set SSE_BIN)"
    check_port_free SSE_METRICS_PORT "$port"
    rm -f "$sock" "$pidfile"
    info "starting scoreline-sse $i on unix:$sock, /metrics on 127.0.0.1:$port (log: $LOGS/sse-$i.log)"
    local cmd=(env "--default-signal=INT,QUIT"
        SCORELINE_DATABASE_URL="$(database_url)" SCORELINE_SSE_LISTEN="unix:$sock"
        SCORELINE_SSE_SOCKET_MODE=0660 SCORELINE_SSE_METRICS_LISTEN="127.0.0.1:$port"
        SCORELINE_LOG_LEVEL="$LOG_LEVEL" SCORELINE_JWT_VERIFY_KEYS="$(jwt_setting SCORELINE_JWT_VERIFY_KEYS)"
        "$SSE_BIN")
    if is_root; then
        cmd=(setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- env HOME="$RUN" "${cmd[@]}")
    fi
    touch "$LOGS/sse-$i.log"
    is_root && chown "$SERVICE_USER:$SERVICE_USER" "$LOGS/sse-$i.log"
    setsid "${cmd[@]}" >>"$LOGS/sse-$i.log" 2>&1 </dev/null &
    local pid=$!
    printf '%s\n' "$pid" >"$pidfile"
    is_root && chown "$SERVICE_USER:$SERVICE_USER" "$pidfile"
    local n
    for ((n = 0; n < 100; n++)); do
        [[ -S "$sock" ]] && return 0
        if ! proc_alive "$pid"; then
            rm -f "$pidfile"
            show_log_tail "$LOGS/sse-$i.log"
            die "scoreline-sse $i exited at start (log: $LOGS/sse-$i.log)"
        fi
        sleep 0.1
    done
    warn "scoreline-sse $i (pid $pid) has not created $sock after 10 s"
}

# True when some scoreline-sse process of the stack runs.
stack_sse_running() {
    local pidfile i
    for pidfile in "$RUN"/sse-*.pid; do
        [[ -e "$pidfile" ]] || continue
        i="${pidfile##*/sse-}"
        sse_running "${i%.pid}" && return 0
    done
    return 1
}

start_sse_all() {
    local i
    for ((i = 0; i < SSE_PROCESSES; i++)); do
        start_sse "$i"
    done
}

# Stops scoreline-sse processes 0..N-1 and any beyond (left from a run with more).
stop_sse_all() {
    local pidfile i
    shopt -s nullglob
    for pidfile in "$RUN"/sse-*.pid; do
        i="${pidfile##*/sse-}"
        i="${i%.pid}"
        if sse_running "$i"; then
            # Streams drain for SCORELINE_SSE_DRAIN_TIMEOUT_MS (5 s by default).
            stop_pid "scoreline-sse $i" "$pidfile" TERM 15
        fi
        rm -f "$pidfile" "$(sse_sock "$i")"
    done
    shopt -u nullglob
}

# ---------------------------------------------------------------------------
# build

cmd_build() {
    info "configuring $BUILD_DIR (Release)"
    local out
    if ! out="$(cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DSCORELINE_BUILD_TESTS=OFF 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "cmake could not configure $BUILD_DIR (output above)"
    fi
    info "building with $JOBS jobs"
    cmake --build "$BUILD_DIR" --parallel "$JOBS" || die "the build failed"
}

# ---------------------------------------------------------------------------
# run: one step per component; each leaves a running component alone.

prepare_run_dir() {
    mkdir -p "$LOGS" "$PG_DIR" "$PG_SOCK" "$TLS_DIR" "$NGINX_RUN/logs" "$NGINX_RUN/tmp"
    chmod 750 "$RUN"
    chmod 700 "$PG_DIR" "$PG_SOCK"
    # nginx keeps its logs in its own prefix; link them next to the others.
    touch "$LOGS/api.log" "$LOGS/migrate.log" "$LOGS/postgres.log"
    ln -sfn ../nginx/logs/error.log "$LOGS/nginx-error.log"
    ln -sfn ../nginx/logs/access.log "$LOGS/nginx-access.log"
    if is_root; then
        chown -R "$SERVICE_USER:$SERVICE_USER" "$RUN"
    fi
}

write_pg_settings() {
    # Rewritten on every run so port changes take effect at the next start.
    as_service_user tee "$PG_DATA/scoreline.conf" >/dev/null <<EOF
# Written by scripts/stack.sh on every 'make run'; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
unix_socket_permissions = 0700
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d %a '
EOF
}

start_postgres() {
    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
        info "creating the PostgreSQL cluster in $PG_DATA"
        local locale_opt=(--no-locale)
        if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
            locale_opt=(--locale=C.UTF-8)
        fi
        (umask 077 && openssl rand -hex 24 >"$PG_PASSWORD_FILE")
        is_root && chown "$SERVICE_USER:$SERVICE_USER" "$PG_PASSWORD_FILE"
        as_service_user "$PGBIN/initdb" -D "$PG_DATA" -U "$PG_USER" -E UTF8 "${locale_opt[@]}" \
            --auth-local=trust --auth-host=scram-sha-256 --pwfile="$PG_PASSWORD_FILE" \
            >"$LOGS/initdb.log" 2>&1 || {
            show_log_tail "$LOGS/initdb.log"
            die "initdb failed (full output in $LOGS/initdb.log)"
        }
        printf "\ninclude_if_exists = 'scoreline.conf'\n" | as_service_user tee -a "$PG_DATA/postgresql.conf" >/dev/null
    fi
    write_pg_settings

    if pg_running; then
        info "PostgreSQL is already running (pid $(pid_of "$PG_DATA/postmaster.pid"))"
    else
        check_port_free PG_PORT "$PG_PORT"
        info "starting PostgreSQL on 127.0.0.1:$PG_PORT (socket in $PG_SOCK)"
        as_service_user "$PGBIN/pg_ctl" start -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t 60 >/dev/null || {
            show_log_tail "$LOGS/postgres.log"
            die "PostgreSQL did not start (log: $LOGS/postgres.log)"
        }
    fi

    local exists
    exists="$(as_service_user "$PGBIN/psql" -X -qAt -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_USER" -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ||
        die "cannot connect to PostgreSQL through $PG_SOCK (log: $LOGS/postgres.log)"
    if [[ "$exists" != "1" ]]; then
        info "creating database '$PG_DB'"
        as_service_user "$PGBIN/createdb" -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    fi
}

run_migrations() {
    [[ -x "$MIGRATE_BIN" ]] || die "$MIGRATE_BIN is missing: run 'make build' (or set MIGRATE_BIN)"
    info "applying migrations (scoreline-migrate up; log: $LOGS/migrate.log)"
    printf '== %s scoreline-migrate --dir %s up\n' "$(date -u +%FT%TZ)" "$ROOT/migrations" >>"$LOGS/migrate.log"
    as_service_user env SCORELINE_DATABASE_URL="$(database_url)" \
        "$MIGRATE_BIN" --dir "$ROOT/migrations" up 2>&1 |
        tee -a "$LOGS/migrate.log" | sed 's/^/  /' ||
        die "migrations failed (log: $LOGS/migrate.log)"
}

# Demo events (a finished league, a live one, a knockout in progress) through
# `scoreline-api demo load`, which loads nothing when the database has events.
load_demo_data() {
    if [[ "$DEMO" == "0" ]]; then
        info "DEMO=0: no demo data"
        return 0
    fi
    if [[ ! -r "$DEMO_DATA/2011-12_en.1.json" ]]; then
        warn "no demo data: $DEMO_DATA has no football results (set DEMO_DATA, or DEMO=0)"
        return 0
    fi
    [[ -x "$API_BIN" ]] || die "$API_BIN is missing: run 'make build' (or set API_BIN)"
    info "demo data (scoreline-api demo load; only into a database without events)"
    as_service_user env SCORELINE_DATABASE_URL="$(database_url)" \
        "$API_BIN" demo load --data "$DEMO_DATA" 2>&1 |
        tee -a "$LOGS/migrate.log" | sed 's/^/  /' ||
        die "loading the demo data failed (log: $LOGS/migrate.log); DEMO=0 skips it"
}

make_certificate() {
    as_service_user "$ROOT/scripts/make-cert.sh" "$TLS_DIR" | sed 's/^/  /'
}

# Renders nginx.conf; prints "changed" when it differs from the previous one.
render_nginx_conf() {
    local tmp
    tmp="$(mktemp)"
    MODE=local RUN_DIR="$NGINX_RUN" LISTEN_HOST=127.0.0.1 \
        HTTPS_PORT="$HTTPS_PORT" HTTP_PORT="$HTTP_PORT" SERVER_NAME="127.0.0.1 localhost" \
        TLS_CERT="$TLS_DIR/cert.pem" TLS_KEY="$TLS_DIR/key.pem" \
        API_UPSTREAM="unix:$API_SOCK" WWW_ROOT="$ROOT/nginx/www" \
        WORKER_PROCESSES="$NGINX_WORKERS" WORKER_CONNECTIONS="$NGINX_CONNECTIONS" \
        WORKER_RLIMIT_NOFILE="$NGINX_NOFILE" ERROR_LOG_LEVEL=warn \
        SSE_UPSTREAMS="$(sse_upstreams)" SSE_CONN_PER_IP="$SSE_TARGET_STREAMS" \
        NGINX_USER="" "$ROOT/nginx/render.sh" >"$tmp" || {
        rm -f "$tmp"
        die "rendering the nginx configuration failed"
    }
    if [[ -f "$NGINX_CONF" ]] && cmp -s "$tmp" "$NGINX_CONF"; then
        rm -f "$tmp"
        return 0
    fi
    as_service_user tee "$NGINX_CONF" <"$tmp" >/dev/null
    rm -f "$tmp"
    echo changed
}

test_nginx_conf() {
    local out
    if ! out="$(as_service_user nginx -t -q -p "$NGINX_RUN" -c "$NGINX_CONF" 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "nginx rejected $NGINX_CONF"
    fi
}

start_api() {
    if api_running; then
        info "scoreline-api is already running (pid $(pid_of "$API_PID")); 'make stop' first to run a new build"
        return 0
    fi
    if [[ "$(api_state)" == "dead" ]]; then
        warn "scoreline-api's master (pid $(pid_of "$API_PID") in $API_PID) died: it crashed or was killed" \
            "(its log: $LOGS/api.log); starting it again"
        stop_api_leftovers
    fi
    [[ -x "$API_BIN" ]] || die "$API_BIN is missing: run 'make build' (or set API_BIN)"
    as_service_user test -x "$API_BIN" ||
        die "the '$SERVICE_USER' user cannot execute $API_BIN; see the message of check_traversable"
    rm -f "$API_SOCK" "$API_PID"

    info "starting scoreline-api on unix:$API_SOCK (log: $LOGS/api.log)"
    # A background job of a script starts with SIGINT and SIGQUIT ignored, and
    # exec keeps that; --default-signal gives the API normal signal handling.
    local cmd=(env "--default-signal=INT,QUIT"
        SCORELINE_DATABASE_URL="${API_DATABASE_URL:-$(database_url)}" SCORELINE_LISTEN="unix:$API_SOCK"
        SCORELINE_SOCKET_MODE=0660 SCORELINE_LOG_LEVEL="$LOG_LEVEL"
        SCORELINE_TLS_CERTIFICATE="$TLS_DIR/cert.pem" SCORELINE_MAIL_SINK_FILE="$LOGS/mail.log"
        SCORELINE_JWT_SIGNING_KEY="$(jwt_setting SCORELINE_JWT_SIGNING_KEY)"
        SCORELINE_JWT_VERIFY_KEYS="$(jwt_setting SCORELINE_JWT_VERIFY_KEYS)" "$API_BIN")
    if is_root; then
        cmd=(setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- env HOME="$RUN" "${cmd[@]}")
    fi
    # setsid: its own session, so a Ctrl-C in this terminal later does not reach it.
    # Started without job control, setsid execs in place and $! is the API's pid.
    setsid "${cmd[@]}" >>"$LOGS/api.log" 2>&1 </dev/null &
    local pid=$!
    printf '%s\n' "$pid" >"$API_PID"
    is_root && chown "$SERVICE_USER:$SERVICE_USER" "$API_PID"

    local i
    for ((i = 0; i < 100; i++)); do
        [[ -S "$API_SOCK" ]] && return 0
        if ! proc_alive "$pid"; then
            rm -f "$API_PID"
            show_log_tail "$LOGS/api.log"
            die "scoreline-api exited at start (log: $LOGS/api.log)"
        fi
        sleep 0.1
    done
    warn "scoreline-api (pid $pid) has not created $API_SOCK after 10 s; waiting for /readyz anyway"
}

start_nginx() {
    local changed="$1"
    if nginx_running; then
        if [[ "$changed" == "changed" ]]; then
            info "nginx configuration changed: reloading nginx (pid $(pid_of "$NGINX_PID"))"
            kill -HUP "$(pid_of "$NGINX_PID")"
        else
            info "nginx is already running (pid $(pid_of "$NGINX_PID"))"
        fi
        return 0
    fi
    check_port_free HTTPS_PORT "$HTTPS_PORT"
    check_port_free HTTP_PORT "$HTTP_PORT"
    info "starting nginx on https://127.0.0.1:$HTTPS_PORT and http://127.0.0.1:$HTTP_PORT"
    # nginx daemonizes (no daemon directive in the config) and exits non-zero
    # when it cannot start.
    if ! as_service_user nginx -p "$NGINX_RUN" -c "$NGINX_CONF" 2>>"$NGINX_RUN/logs/error.log"; then
        show_log_tail "$NGINX_RUN/logs/error.log"
        die "nginx did not start (log: $NGINX_RUN/logs/error.log)"
    fi
    local i
    for ((i = 0; i < 50; i++)); do
        nginx_running && return 0
        sleep 0.1
    done
    die "nginx started but wrote no pid to $NGINX_PID (log: $NGINX_RUN/logs/error.log)"
}

wait_ready() {
    info "waiting up to ${READY_TIMEOUT}s for https://127.0.0.1:$HTTPS_PORT/readyz"
    local deadline=$((SECONDS + READY_TIMEOUT)) code=""
    while ((SECONDS < deadline)); do
        code="$(readyz_code)"
        [[ "$code" == "200" ]] && return 0
        if ! api_running; then
            show_log_tail "$LOGS/api.log"
            die "scoreline-api stopped while starting (log: $LOGS/api.log)"
        fi
        sleep 0.5
    done
    show_log_tail "$LOGS/api.log"
    show_log_tail "$NGINX_RUN/logs/error.log" 10
    die "https://127.0.0.1:$HTTPS_PORT/readyz did not answer 200 within ${READY_TIMEOUT}s" \
        "(last answer: ${code:-none}; 502: nginx cannot reach scoreline-api on its socket;" \
        "503: the API cannot reach the database or the schema is not current)." \
        "Logs: $LOGS/api.log, $LOGS/postgres.log, $LOGS/migrate.log, $NGINX_RUN/logs/error.log;" \
        "'make status' shows what is up."
}

# Refuses to start when parts of the stack run on other ports than requested.
check_running_ports() {
    [[ -r "$STATE_FILE" ]] || return 0
    local want_https="$HTTPS_PORT" want_http="$HTTP_PORT" want_pg="$PG_PORT"
    load_state
    if [[ "$want_https/$want_http/$want_pg" != "$HTTPS_PORT/$HTTP_PORT/$PG_PORT" ]] &&
        { pg_running || api_running || nginx_running; }; then
        die "the stack is running with HTTPS_PORT=$HTTPS_PORT HTTP_PORT=$HTTP_PORT PG_PORT=$PG_PORT;" \
            "run 'make stop' before changing ports"
    fi
    HTTPS_PORT="$want_https" HTTP_PORT="$want_http" PG_PORT="$want_pg"
}

cmd_run() {
    check_ports_valid
    check_plain_path "$ROOT"
    check_socket_paths
    check_run_owner run

    info "checking Debian packages"
    "$ROOT/scripts/install-deps.sh" | sed 's/^/  /' ||
        die "missing Debian packages (listed above); as root, 'make run' installs them itself"
    PGBIN="$(find_pg_bin)"
    [[ -n "$PGBIN" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (set PG_BIN)"

    if is_root; then
        ensure_service_user
        check_traversable
    fi
    check_running_ports
    # A running stack keeps its number of scoreline-sse processes unless told otherwise.
    if [[ -z "$SSE_PROCESSES" ]] && stack_sse_running; then
        SSE_PROCESSES="$(sed -n 's/^SSE_PROCESSES=\([0-9][0-9]*\)$/\1/p' "$STATE_FILE" 2>/dev/null)"
    fi
    size_for_streams

    if [[ "$NO_BUILD" == "1" ]]; then
        info "NO_BUILD=1: using $API_BIN and $MIGRATE_BIN as they are"
    else
        cmd_build
    fi

    prepare_run_dir
    save_state
    is_root && chown "$SERVICE_USER:$SERVICE_USER" "$STATE_FILE"
    start_postgres
    run_migrations
    load_demo_data
    make_certificate
    make_jwt_key
    local changed
    changed="$(render_nginx_conf)"
    test_nginx_conf
    start_api
    start_sse_all
    start_nginx "$changed"
    wait_ready

    local who
    who="$(id -un)"
    is_root && who="$SERVICE_USER"
    cat <<EOF

Scoreline is up (processes run as '$who'; files in $RUN):
  web UI and API  https://127.0.0.1:$HTTPS_PORT/   (self-signed certificate: $TLS_DIR/cert.pem)
  plain HTTP      http://127.0.0.1:$HTTP_PORT/ redirects to HTTPS
  PostgreSQL      127.0.0.1:$PG_PORT and $PG_SOCK (make psql)
  live updates    $SSE_PROCESSES scoreline-sse processes behind /api/v1/events/{id}/stream;
                  their /metrics on 127.0.0.1:$SSE_METRICS_PORT..$((SSE_METRICS_PORT + SSE_PROCESSES - 1));
                  nginx sized for $SSE_TARGET_STREAMS streams ($NGINX_WORKERS workers x $NGINX_CONNECTIONS connections)
  logs            make logs   (files in $LOGS)
  stop            make stop
https://127.0.0.1:$HTTPS_PORT/
EOF
}

# ---------------------------------------------------------------------------
# restart-api: a new scoreline-api with this environment's settings on a
# running stack (bench/run.sh switches API_DATABASE_URL with it).

cmd_restart_api() {
    check_run_owner restart-api
    [[ -r "$STATE_FILE" ]] || die "no stack in $RUN: 'make run' starts one"
    load_state
    PGBIN="$(find_pg_bin)"
    pg_running || die "PostgreSQL of the stack in $RUN is not running: 'make run' starts it"
    nginx_running || die "nginx of the stack in $RUN is not running: 'make run' starts it"
    if api_running; then
        # SCORELINE_DRAIN_TIMEOUT_MS defaults to 10 s; allow for it and more.
        stop_pid scoreline-api "$API_PID" TERM 30
    else
        stop_api_leftovers
    fi
    rm -f "$API_PID" "$API_SOCK"
    start_api
    wait_ready
    info "scoreline-api is up again (pid $(pid_of "$API_PID"))"
}

# ---------------------------------------------------------------------------
# stop

# Sends SIGNAL to the pid in PIDFILE and waits up to SECONDS for it to exit;
# then SIGKILL. NAME is for messages.
stop_pid() {
    local name="$1" pidfile="$2" signal="$3" seconds="$4" pid i
    pid="$(pid_of "$pidfile")"
    info "stopping $name (pid $pid, SIG$signal)"
    kill "-$signal" "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 10; i++)); do
        proc_alive "$pid" || return 0
        sleep 0.1
    done
    warn "$name (pid $pid) still running after ${seconds}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
    check_run_owner stop
    load_state
    PGBIN="$(find_pg_bin)"

    if nginx_running; then
        stop_pid nginx "$NGINX_PID" QUIT 15
    else
        info "nginx is not running"
    fi
    rm -f "$NGINX_PID"

    stop_sse_all

    if api_running; then
        # SCORELINE_DRAIN_TIMEOUT_MS defaults to 10 s; allow for it and more.
        stop_pid scoreline-api "$API_PID" TERM 30
    else
        info "scoreline-api is not running"
        stop_api_leftovers
    fi
    rm -f "$API_PID" "$API_SOCK"

    if pg_running; then
        info "stopping PostgreSQL (pid $(pid_of "$PG_DATA/postmaster.pid"), fast shutdown)"
        as_service_user "$PGBIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null
    else
        info "PostgreSQL is not running"
    fi
    info "stopped; data stays in $RUN ('make run' starts it again)"
}

# ---------------------------------------------------------------------------
# status, logs, psql

cmd_status() {
    load_state
    PGBIN="$(find_pg_bin)"
    local down=0 line

    if pg_running; then
        line="up    pid $(pid_of "$PG_DATA/postmaster.pid")  127.0.0.1:$PG_PORT, socket $PG_SOCK"
    else
        line="down"
        down=1
    fi
    printf '%-14s %s\n' "postgres" "$line"

    case "$(api_state)" in
        up) line="up    pid $(pid_of "$API_PID")  unix:$API_SOCK" ;;
        dead)
            line="down  DEAD: the master (pid $(pid_of "$API_PID") in $API_PID) crashed or was"
            line+=" killed; 'make run' starts it again (log: $LOGS/api.log)"
            down=1
            ;;
        *)
            line="down  not started ('make run' starts it)"
            down=1
            ;;
    esac
    printf '%-14s %s\n' "scoreline-api" "$line"
    local leftovers
    leftovers="$(api_leftover_pids | tr '\n' ' ')"
    if [[ -n "$leftovers" ]]; then
        printf '%-14s %s\n' "" "its workers still run without a master: pids ${leftovers% } ('make run' stops them)"
    fi

    local i
    for ((i = 0; i < ${SSE_PROCESSES:-0}; i++)); do
        if sse_running "$i"; then
            line="up    pid $(pid_of "$(sse_pid "$i")")  unix:$(sse_sock "$i")  metrics 127.0.0.1:$((SSE_METRICS_PORT + i))"
        else
            line="down"
            down=1
        fi
        printf '%-14s %s\n' "scoreline-sse $i" "$line"
    done

    if nginx_running; then
        line="up    pid $(pid_of "$NGINX_PID")  https://127.0.0.1:$HTTPS_PORT/  http://127.0.0.1:$HTTP_PORT/"
    else
        line="down"
        down=1
    fi
    printf '%-14s %s\n' "nginx" "$line"

    if nginx_running && [[ -r "$TLS_DIR/cert.pem" ]]; then
        local code
        code="$(readyz_code)"
        printf '%-14s %s\n' "/readyz" "${code:-no answer}"
        [[ "$code" == "200" ]] || down=1
    fi
    return $((down * 3))
}

cmd_logs() {
    shopt -s nullglob
    local files=("$LOGS"/*.log)
    [[ ${#files[@]} -gt 0 ]] || die "no logs in $LOGS yet; 'make run' creates them"
    info "following ${files[*]#"$LOGS/"} in $LOGS (Ctrl-C to stop)"
    exec tail -n 20 -F "${files[@]}"
}

cmd_psql() {
    load_state
    [[ -S "$PG_SOCK/.s.PGSQL.$PG_PORT" ]] || die "PostgreSQL is not running on port $PG_PORT; 'make run' starts it"
    PGBIN="$(find_pg_bin)"
    # Root reaches the 0700 socket directory directly; no need to switch users.
    exec "$PGBIN/psql" "host=$PG_SOCK port=$PG_PORT user=$PG_USER dbname=$PG_DB" "$@"
}

main() {
    local command="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$command" in
        build) cmd_build ;;
        run) cmd_run ;;
        restart-api) cmd_restart_api ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        logs) cmd_logs ;;
        psql) cmd_psql "$@" ;;
        -h | --help | help) sed -n '2,38p' "$0" ;;
        *) die "usage: $0 build|run|restart-api|stop|status|logs|psql (try --help)" ;;
    esac
}

main "$@"
