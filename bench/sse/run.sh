#!/usr/bin/env bash
# bench/sse/run.sh: the SSE fan-out scenario of `make bench` (issue 7). Runs
# scoreline-sse-load against the running bench stack for each N of the ladder,
# then starts Nchan (bench/sse/nchan.conf.template) beside it, runs the same
# ladder with the same message size, and stops Nchan. One JSON record per
# (target, N) goes to $RAW_DIR/records/sse-<target>-<N>.json; the client's
# messages to $RAW_DIR/sse/. bench/run.sh calls it; it also runs by itself
# (bench/sse/README.md).
#
# Usage: bench/sse/run.sh [--smoke]
#   --smoke   N=50, 3 messages, Scoreline only; exits non-zero unless every
#             message reached every client (missing == 0). For ctest.
#
# Environment:
#   STACK_DIR, HTTPS_PORT   the running stack (scripts/stack.sh; HTTPS_PORT
#                           defaults to the one in $STACK_DIR/stack.env)
#   RAW_DIR                 where records go (default: a new bench/results/raw-sse-<time>/;
#                           --smoke: a temporary folder, removed at the end)
#   FIXTURE_JSON            {"base_url","token","event_id","game_ids":[...]}; without it
#                           a fixture is made through the API (a new user, event, game)
#   SSE_LADDER              connection counts (default "1000 10000 50000")
#   BENCH_QUICK=1           ladder "200", 3 messages
#   SSE_MESSAGES=10         measured messages per run (1 per SSE_INTERVAL_MS)
#   SSE_INTERVAL_MS=1000
#   SSE_TARGETS="scoreline nchan"
#   SSE_PER_ADDRESS=20      connections per loopback source address
#   NCHAN_HTTPS_PORT, NCHAN_PUB_PORT   Nchan's ports (default HTTPS_PORT+1000, +1001)
#   LOAD_BIN                the client (default build/release/bench/sse/scoreline-sse-load)
#   SSE_PROFILE_N           at this N, `perf record -a -g` while the messages go out
#                           (after all clients subscribed), for each target, into
#                           $RAW_DIR/profile/sse-<target>-<N>.perf.data (bench/run.sh
#                           sets it to 10000 for its profile group and summarizes it)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/sse"
SMOKE=0
case "${1:-}" in
    --smoke) SMOKE=1 ;;
    "") ;;
    -h | --help)
        sed -n '2,30p' "$0"
        exit 0
        ;;
    *)
        echo "usage: $0 [--smoke]" >&2
        exit 2
        ;;
esac

say() { printf 'sse: %s\n' "$*" >&2; }
die() {
    printf 'sse: error: %s\n' "$*" >&2
    exit 1
}

STACK_DIR="${STACK_DIR:-$ROOT/.run}"
[[ -r "$STACK_DIR/stack.env" ]] || die "no stack in $STACK_DIR (scripts/stack.sh run with STACK_DIR=$STACK_DIR)"
if [[ -z "${HTTPS_PORT:-}" ]]; then
    HTTPS_PORT="$(sed -n 's/^HTTPS_PORT=\([0-9]*\)$/\1/p' "$STACK_DIR/stack.env")"
fi
CERT="$STACK_DIR/tls/cert.pem"
KEY="$STACK_DIR/tls/key.pem"
[[ -r "$CERT" ]] || die "$CERT is missing"

LOAD_BIN="${LOAD_BIN:-$ROOT/build/release/bench/sse/scoreline-sse-load}"
if [[ ! -x "$LOAD_BIN" && "$LOAD_BIN" == "$ROOT/build/release/bench/sse/scoreline-sse-load" &&
    -f "$ROOT/build/release/build.ninja" ]]; then
    say "building scoreline-sse-load in build/release"
    cmake --build "$ROOT/build/release" --target scoreline-sse-load >&2 || die "building scoreline-sse-load failed"
fi
[[ -x "$LOAD_BIN" ]] || die "$LOAD_BIN is missing: build the target scoreline-sse-load (or set LOAD_BIN)"

SSE_LADDER="${SSE_LADDER:-1000 10000 50000}"
SSE_MESSAGES="${SSE_MESSAGES:-10}"
SSE_INTERVAL_MS="${SSE_INTERVAL_MS:-1000}"
SSE_TARGETS="${SSE_TARGETS:-scoreline nchan}"
SSE_PER_ADDRESS="${SSE_PER_ADDRESS:-20}"
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    SSE_LADDER="200"
    SSE_MESSAGES=3
fi
if ((SMOKE)); then
    SSE_LADDER="50"
    SSE_MESSAGES=3
    SSE_TARGETS="scoreline"
fi
NCHAN_HTTPS_PORT="${NCHAN_HTTPS_PORT:-$((HTTPS_PORT + 1000))}"
NCHAN_PUB_PORT="${NCHAN_PUB_PORT:-$((HTTPS_PORT + 1001))}"

SMOKE_TMP=""
if ((SMOKE)) && [[ -z "${RAW_DIR:-}" ]]; then
    SMOKE_TMP="$(mktemp -d)"  # a smoke run leaves nothing in the checkout
    RAW_DIR="$SMOKE_TMP"
fi
RAW_DIR="${RAW_DIR:-$ROOT/bench/results/raw-sse-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$RAW_DIR/records" "$RAW_DIR/sse"
LOG_DIR="$RAW_DIR/sse"
# The token goes to the client in a file, never on its command line (which
# is recorded).
SECRETS="$(mktemp -d)"
NCHAN_PREFIX=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_nchan || true
    rm -rf "$SECRETS"
    [[ -z "$SMOKE_TMP" ]] || rm -rf "$SMOKE_TMP"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# Fixture: an event anyone may stream, with games a signed-in user may score.

# curl against the stack; prints the body, fails unless the status is $1.
api() {
    local want="$1" method="$2" path="$3" body="${4:-}" token="${5:-}" out code
    out="$(mktemp)"
    local args=(-sS --max-time 20 --cacert "$CERT" -o "$out" -w '%{http_code}' -X "$method"
        -H 'Content-Type: application/json' -H 'Accept: application/json')
    [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
    [[ -n "$body" ]] && args+=(--data "$body")
    code="$(curl "${args[@]}" "https://127.0.0.1:$HTTPS_PORT$path")" || code=000
    if [[ "$code" != "$want" ]]; then
        say "$method $path answered $code (wanted $want): $(head -c 400 "$out")"
        rm -f "$out"
        return 1
    fi
    cat "$out"
    rm -f "$out"
}

# Writes $SECRETS/fixture.json: a new user (organizer of a new live event with
# two teams and one game per ladder step). Everything through the public API.
make_fixture() {
    local games="$1" tag email password token event home away i gid ids=()
    tag="$(date +%s)-$$-$RANDOM"
    email="sse-bench-$tag@bench.example.org"
    # cracklib judges each password; a random one is refused now and then.
    for i in 1 2 3; do
        password="$(openssl rand -base64 18)"
        api 201 POST /api/v1/auth/register \
            "$(jq -nc --arg e "$email" --arg p "$password" '{email:$e,password:$p,display_name:"SSE bench"}')" \
            >/dev/null && break
        ((i < 3)) || die "cannot register a bench user"
    done
    token="$(api 200 POST /api/v1/auth/login \
        "$(jq -nc --arg e "$email" --arg p "$password" '{email:$e,password:$p}')" | jq -r .access_token)" ||
        die "cannot log in"
    event="$(api 201 POST /api/v1/events \
        "{\"name\":\"SSE bench $tag\",\"sport\":\"football\",\"format\":\"round_robin\",\"starts_on\":\"$(date -u +%F)\"}" \
        "$token" | jq -r .id)" || die "cannot create the event"
    home="$(api 201 POST "/api/v1/events/$event/teams" '{"name":"Home"}' "$token" | jq -r .id)" || die "cannot add a team"
    away="$(api 201 POST "/api/v1/events/$event/teams" '{"name":"Away"}' "$token" | jq -r .id)" || die "cannot add a team"
    for ((i = 0; i < games; i++)); do
        gid="$(api 201 POST "/api/v1/events/$event/games" \
            "{\"home_team_id\":$home,\"away_team_id\":$away,\"starts_at\":\"$(date -u +%FT%TZ)\",\"round\":$((i + 1))}" \
            "$token" | jq -r .id)" || die "cannot add a game"
        ids+=("$gid")
    done
    api 200 PATCH "/api/v1/events/$event" '{"status":"live"}' "$token" >/dev/null || die "cannot publish the event"
    jq -nc --arg b "https://127.0.0.1:$HTTPS_PORT" --arg t "$token" --argjson e "$event" \
        --argjson g "$(printf '%s\n' "${ids[@]}" | jq -s .)" \
        '{base_url:$b,token:$t,event_id:$e,game_ids:$g}' >"$SECRETS/fixture.json"
    say "fixture: event $event, games ${ids[*]} (user $email)"
}

# ---------------------------------------------------------------------------
# Processes whose memory is measured.

# Worker pids of the nginx whose master pid is in file $1, comma-separated.
nginx_workers() {
    local master
    master="$(head -n1 "$1" 2>/dev/null)" || return 0
    [[ "$master" =~ ^[0-9]+$ ]] || return 0
    pgrep -P "$master" | paste -sd, -
}

sse_pids() {
    local f list=""
    for f in "$STACK_DIR"/sse-*.pid; do
        [[ -r "$f" ]] && list+="${list:+,}$(head -n1 "$f")"
    done
    printf '%s' "$list"
}

# Sum of VmRSS (kB) of the comma-separated pids.
rss_sum() {
    local pid total=0 kb
    for pid in ${1//,/ }; do
        kb="$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$pid/status" 2>/dev/null)"
        total=$((total + ${kb:-0}))
    done
    printf '%s' "$total"
}

# Seconds allowed for N connections to subscribe (TLS handshakes on a shared machine).
connect_timeout() { echo $((60 + $1 / 50)); }

# Runs the client once; $1 target, $2 N, the rest are target-specific options.
run_client() {
    local target="$1" n="$2"
    shift 2
    local record="$RAW_DIR/records/sse-$target-$n.json" log="$LOG_DIR/sse-$target-$n.log" rc=0
    say "$target: $n connections, $SSE_MESSAGES messages (log: $log)"
    "$LOAD_BIN" --connections "$n" --messages "$SSE_MESSAGES" --interval-ms "$SSE_INTERVAL_MS" \
        --per-address "$SSE_PER_ADDRESS" --connect-timeout-s "$(connect_timeout "$n")" \
        --cacert "$CERT" --target "$target" --work-dir "$SECRETS" --output "$record" "$@" \
        2>"$log" &
    local client=$!
    if [[ "$n" == "${SSE_PROFILE_N:-}" ]]; then
        profile_fanout "$target" "$n" "$log" "$client"
    fi
    wait "$client" || rc=$?
    sed 's/^/    /' "$log" >&2
    if [[ ! -s "$record" ]]; then
        say "$target at $n: no record (exit $rc)"
        return 1
    fi
    jq -c '{target,connections,p50_ms,p95_ms,p99_ms,max_ms,missing,connect_s,rss_kb_per_conn}' "$record" >&2
    # Give the servers a moment to see the closed connections before the next step.
    sleep 5
    return "$rc"
}

# profile_fanout TARGET N LOG CLIENT_PID: once the client says every
# connection subscribed, records the whole machine (server, Nchan or
# scoreline-sse and nginx, and the client itself) while the messages go out.
profile_fanout() {
    local target="$1" n="$2" log="$3" client="$4" waited=0
    command -v perf >/dev/null || {
        say "no perf: no profile of the fan-out"
        return 0
    }
    while ! grep -q ' subscribed, .* failed, in ' "$log" 2>/dev/null; do
        kill -0 "$client" 2>/dev/null || return 0
        sleep 0.2
        waited=$((waited + 1))
        ((waited < 5 * $(connect_timeout "$n"))) || return 0
    done
    mkdir -p "$RAW_DIR/profile"
    local seconds=$(((SSE_MESSAGES * SSE_INTERVAL_MS + 999) / 1000))
    # Without hardware counters perf record falls back to cpu-clock by itself.
    say "$target at $n: perf record -a -g for ${seconds}s while the messages go out"
    perf record -F 499 -a -g -o "$RAW_DIR/profile/sse-$target-$n.perf.data" \
        -- sleep "$seconds" >"$RAW_DIR/profile/sse-$target-$n.perf-record.log" 2>&1 ||
        say "perf record failed (see $RAW_DIR/profile/sse-$target-$n.perf-record.log)"
}

# ---------------------------------------------------------------------------
# Scoreline

declare -A MESSAGE_BYTES=()
FAILED=0

run_scoreline() {
    local fixture="${FIXTURE_JSON:-}" steps
    read -r -a steps <<<"$SSE_LADDER"
    if [[ -z "$fixture" ]]; then
        make_fixture "${#steps[@]}"
        fixture="$SECRETS/fixture.json"
    fi
    [[ -r "$fixture" ]] || die "FIXTURE_JSON=$fixture is not readable"
    local base event token_file="$SECRETS/token" ngames i=0 n game
    base="$(jq -r .base_url "$fixture")"
    event="$(jq -r .event_id "$fixture")"
    ngames="$(jq -r '.game_ids | length' "$fixture")"
    ((ngames > 0)) || die "$fixture has no game_ids"
    (umask 077 && jq -r .token "$fixture" >"$token_file")
    api 200 GET /api/v1/me "" "$(cat "$token_file")" >/dev/null ||
        die "the fixture's token is not accepted (expired?); give a fresh FIXTURE_JSON"
    # Memory is measured against the processes' size before the first step:
    # what a step frees stays in the allocator and is reused by the next one,
    # so "before this step" would hide the connections of the step before.
    local sse_base nginx_base
    sse_base="$(rss_sum "$(sse_pids)")"
    nginx_base="$(rss_sum "$(nginx_workers "$STACK_DIR/nginx/nginx.pid")")"
    for n in "${steps[@]}"; do
        game="$(jq -r ".game_ids[$((i % ngames))]" "$fixture")"
        i=$((i + 1))
        run_client scoreline "$n" \
            --url "https://127.0.0.1:$HTTPS_PORT/api/v1/events/$event/stream" --event-type score.updated \
            --publish scoreline --api-base "$base" --token-file "$token_file" --game-id "$game" \
            --rss "scoreline-sse=$(sse_pids)" --rss "nginx=$(nginx_workers "$STACK_DIR/nginx/nginx.pid")" \
            --rss-baseline "scoreline-sse=$sse_base" --rss-baseline "nginx=$nginx_base" ||
            FAILED=1
        MESSAGE_BYTES[$n]="$(jq -r '.message_bytes // 0' "$RAW_DIR/records/sse-scoreline-$n.json" 2>/dev/null || echo 0)"
    done
}

# ---------------------------------------------------------------------------
# Nchan

NCHAN_MODULE=/usr/lib/nginx/modules/ngx_nchan_module.so

ensure_nchan() {
    if [[ ! -r "$NCHAN_MODULE" && "$(id -u)" == 0 ]]; then
        say "installing libnginx-mod-nchan"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-nchan >&2
    fi
    [[ -r "$NCHAN_MODULE" ]] || die "Nchan is missing: apt-get install libnginx-mod-nchan (as root)"
    # Nchan's internal locations keep nginx's compiled-in temp folders
    # (/var/lib/nginx/body, ...) whatever the configuration says, and nginx
    # refuses to start when it cannot create them; a non-root stack owner
    # cannot, so root creates them once (as Debian's nginx does on its first
    # start as root).
    local path
    for path in $(nginx -V 2>&1 | grep -o -- '--http-[a-z-]*-temp-path=[^ ]*' | cut -d= -f2); do
        [[ -d "$path" ]] && continue
        if [[ "$(id -u)" == 0 ]]; then
            mkdir -p "$path"
        else
            die "$path is missing and Nchan's nginx needs it: sudo mkdir -p $path"
        fi
    done
}

# Runs a command as the owner of the stack's files (who can read its TLS key).
as_stack_owner() {
    local owner
    owner="$(stat -c %U "$STACK_DIR")"
    if [[ "$(id -u)" == 0 && "$owner" != root ]]; then
        setpriv --reuid="$owner" --regid="$(stat -c %G "$STACK_DIR")" --init-groups -- "$@"
    else
        "$@"
    fi
}

start_nchan() {
    local max_n="$1" hard cores workers connections port
    ensure_nchan
    for port in "$NCHAN_HTTPS_PORT" "$NCHAN_PUB_PORT"; do
        [[ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]] ||
            die "port $port (Nchan) is in use; set NCHAN_HTTPS_PORT / NCHAN_PUB_PORT"
    done
    NCHAN_PREFIX="$STACK_DIR/nchan"
    as_stack_owner mkdir -p "$NCHAN_PREFIX/logs" "$NCHAN_PREFIX/tmp"
    hard="$(as_stack_owner bash -c 'ulimit -Hn')"
    cores="$(nproc)"
    connections=$((hard - 1024 > 1024 ? hard - 1024 : 1024))
    ((connections <= 65535)) || connections=65535
    # One descriptor per subscriber; a quarter of headroom as in scripts/stack.sh.
    workers=$(((max_n * 5 / 4 + connections - 1) / connections))
    ((workers >= cores)) || workers=$cores
    sed -e "s|@MODULE@|$NCHAN_MODULE|g" -e "s|@WORKERS@|$workers|g" -e "s|@NOFILE@|$hard|g" \
        -e "s|@CONNECTIONS@|$connections|g" -e "s|@PREFIX@|$NCHAN_PREFIX|g" \
        -e "s|@HTTPS_PORT@|$NCHAN_HTTPS_PORT|g" -e "s|@PUB_PORT@|$NCHAN_PUB_PORT|g" \
        -e "s|@TLS_CERT@|$CERT|g" -e "s|@TLS_KEY@|$KEY|g" "$HERE/nchan.conf.template" |
        as_stack_owner tee "$NCHAN_PREFIX/nginx.conf" >/dev/null
    local out
    out="$(as_stack_owner nginx -t -q -p "$NCHAN_PREFIX" -c "$NCHAN_PREFIX/nginx.conf" 2>&1)" || {
        printf '%s\n' "$out" >&2
        die "nginx rejected $NCHAN_PREFIX/nginx.conf"
    }
    say "starting Nchan: https://127.0.0.1:$NCHAN_HTTPS_PORT/sub/<channel>, publisher" \
        "http://127.0.0.1:$NCHAN_PUB_PORT/pub/<channel> ($workers workers x $connections connections)"
    as_stack_owner nginx -p "$NCHAN_PREFIX" -c "$NCHAN_PREFIX/nginx.conf" ||
        die "Nchan did not start (log: $NCHAN_PREFIX/logs/error.log)"
    local i
    for ((i = 0; i < 50; i++)); do
        curl -fsS --max-time 2 --cacert "$CERT" "https://127.0.0.1:$NCHAN_HTTPS_PORT/healthz" >/dev/null 2>&1 &&
            return 0
        sleep 0.2
    done
    die "Nchan does not answer on port $NCHAN_HTTPS_PORT (log: $NCHAN_PREFIX/logs/error.log)"
}

stop_nchan() {
    [[ -n "$NCHAN_PREFIX" && -r "$NCHAN_PREFIX/nginx.pid" ]] || return 0
    local pid i
    pid="$(head -n1 "$NCHAN_PREFIX/nginx.pid")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    say "stopping Nchan (pid $pid)"
    kill -QUIT "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    NCHAN_PREFIX=""
}

run_nchan() {
    local steps n max=0 bytes channel
    read -r -a steps <<<"$SSE_LADDER"
    for n in "${steps[@]}"; do ((n > max)) && max=$n; done
    start_nchan "$max"
    local workers nginx_base
    workers="$(nginx_workers "$NCHAN_PREFIX/nginx.pid")"
    nginx_base="$(rss_sum "$workers")"
    for n in "${steps[@]}"; do
        bytes="${MESSAGE_BYTES[$n]:-0}"
        # Without a Scoreline run at this N: the size of a score.updated payload.
        ((bytes >= 64)) || bytes=420
        channel="bench-$n-$(date +%s)"
        run_client nchan "$n" \
            --url "https://127.0.0.1:$NCHAN_HTTPS_PORT/sub/$channel" \
            --publish nchan --publish-url "http://127.0.0.1:$NCHAN_PUB_PORT/pub/$channel" \
            --message-bytes "$bytes" \
            --rss "scoreline-sse=" --rss "nginx=$workers" --rss-baseline "nginx=$nginx_base" ||
            FAILED=1
    done
    stop_nchan
}

for target in $SSE_TARGETS; do
    case "$target" in
        scoreline) run_scoreline ;;
        nchan) run_nchan ;;
        *) die "unknown target $target in SSE_TARGETS" ;;
    esac
done

if ((SMOKE)); then
    missing="$(jq -r .missing "$RAW_DIR/records/sse-scoreline-50.json" 2>/dev/null || echo none)"
    [[ "$missing" == 0 ]] || die "smoke: missing=$missing (wanted 0)"
    say "smoke: 50 clients got all 3 messages"
fi
exit "$FAILED"
