#!/usr/bin/env bash
# bench/run.sh: `make bench`. Starts a dedicated bench stack, prepares the
# fixtures through the real API, runs every scenario side by side with its
# reference on this machine (loopback only, every load bounded in time), stops
# the stack, and writes the report:
#   bench/results/<UTC date>-<short commit>/report.md + results.json  (committed)
#   bench/results/raw-<run id>/   tool output, records/*.json, logs (git-ignored)
# docs/performance.md explains the scenarios and how to read the report.
#
# Settings (environment):
#   BENCH_DURATION=10      seconds per HTTP and pgbench run
#   BENCH_QUICK=1          smoke run: 2 s runs (at 256 connections the TLS handshakes
#                          alone can take 1 s on a loaded machine), pgbench scale 2,
#                          SSE ladder "200"
#   BENCH_ONLY=a,b         only these scenario groups (default: all but profile
#                          and pgbouncer): references, reads, ask, writes, login, mix,
#                          pgbench, migrate, sse, profile (perf record -a of standings
#                          and score updates at 64 connections, and of the SSE fan-out
#                          at N = 10,000 when sse runs too), pgbouncer (the API and
#                          pgbench directly and through a PgBouncer, issue 18)
#   BENCH_LADDER="16 64 256"   HTTP connections
#   BENCH_PG_CLIENTS="16 64"   pgbench clients
#   BENCH_PGBENCH_SCALE=64     pgbench -i scale (BENCH_QUICK: 2)
#   BENCH_MIGRATE_PROCESSES=200
#   SSE_LADDER="1000 10000 50000" (BENCH_QUICK: "200"), passed to bench/sse/run.sh
#   BENCH_STACK_DIR=<checkout>/.bench-run  the bench stack's files; wiped at start
#                          (a fresh database every run) unless BENCH_KEEP_STACK=1
#   BENCH_HTTPS_PORT=18443 BENCH_HTTP_PORT=18080 BENCH_PG_PORT=55499
#   BENCH_SSE_METRICS_PORT=9700 BENCH_PGBOUNCER_PORT=55498
#   BENCH_PGBOUNCER_CLIENTS="16"  pgbench clients of the pgbouncer group
#   BENCH_KEEP_RUNNING=1   leave the bench stack up at the end (default: stopped)
#   BENCH_RESULTS_DIR=DIR  where report.md and results.json go
#                          (default bench/results/<UTC date>-<short commit>)
#   NO_BUILD, API_BIN, MIGRATE_BIN, SSE_BIN, JOBS: passed to scripts/stack.sh
# Root is only needed to install missing packages (wrk, pgbouncer; apt-get) and runs the
# services as the "scoreline" user, like scripts/stack.sh.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$BENCH_DIR/.." && pwd -P)"
readonly BENCH_DIR ROOT
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

QUICK="${BENCH_QUICK:-0}"
if [[ "$QUICK" == "1" ]]; then
    DURATION="${BENCH_DURATION:-2}"
    PGBENCH_SCALE="${BENCH_PGBENCH_SCALE:-2}"
    SSE_LADDER="${SSE_LADDER:-200}"
else
    DURATION="${BENCH_DURATION:-10}"
    PGBENCH_SCALE="${BENCH_PGBENCH_SCALE:-64}"
    SSE_LADDER="${SSE_LADDER:-1000 10000 50000}"
fi
LADDER="${BENCH_LADDER:-16 64 256}"
PG_CLIENTS="${BENCH_PG_CLIENTS:-16 64}"
MIGRATE_PROCESSES="${BENCH_MIGRATE_PROCESSES:-200}"
ONLY="${BENCH_ONLY:-references,reads,ask,writes,login,mix,pgbench,migrate,sse}"
STACK="${BENCH_STACK_DIR:-$ROOT/.bench-run}"
B_HTTPS_PORT="${BENCH_HTTPS_PORT:-18443}"
B_HTTP_PORT="${BENCH_HTTP_PORT:-18080}"
B_PG_PORT="${BENCH_PG_PORT:-55499}"
B_SSE_METRICS_PORT="${BENCH_SSE_METRICS_PORT:-9700}"
NPROC="$(nproc)"
# Enough games that every connection of the ladder writes its own game.
MAX_CONN=0
for c in $LADDER; do ((c > MAX_CONN)) && MAX_CONN=$c; done
GAMES=$((MAX_CONN > 256 ? MAX_CONN : 256))

[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "BENCH_DURATION='$DURATION' must be whole seconds >= 1"
for g in ${ONLY//,/ }; do
    case "$g" in
        references | reads | ask | writes | login | mix | pgbench | migrate | sse | profile | pgbouncer) ;;
        *) die "BENCH_ONLY: unknown group '$g' (references, reads, ask, writes, login, mix, pgbench, migrate, sse, profile, pgbouncer)" ;;
    esac
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY=""
[[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] && DIRTY="-dirty"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN_ID="$STAMP-$COMMIT"
RAW="$ROOT/bench/results/raw-$RUN_ID"
OUT="${BENCH_RESULTS_DIR:-$ROOT/bench/results/$(date -u +%F)-$COMMIT}"
mkdir -p "$RAW/records" "$RAW/wrk" "$RAW/pgbench" "$RAW/migrate" "$RAW/logs"
LOG="$RAW/run.log"
exec > >(tee -a "$LOG") 2>&1
info "run $RUN_ID: raw output in $RAW, report in $OUT"

# ---------------------------------------------------------------------------
# Packages the bench needs beyond the stack's (scripts/install-deps.sh):
# wrk; pgbench and psql come with PostgreSQL's packages; python3; perf (profile);
# pgbouncer (group pgbouncer; Debian's package also enables a system-wide
# PgBouncer on port 6432, which a fresh install here disables again: the
# bench starts its own).
need_pkgs=()
command -v wrk >/dev/null || need_pkgs+=(wrk)
command -v python3 >/dev/null || need_pkgs+=(python3)
if want profile && ! command -v perf >/dev/null; then need_pkgs+=(linux-perf); fi
PGBOUNCER_BIN="$(PATH="$PATH:/usr/sbin" command -v pgbouncer || true)"
if want pgbouncer && [[ -z "$PGBOUNCER_BIN" ]]; then need_pkgs+=(pgbouncer); fi
if ((${#need_pkgs[@]})); then
    if is_root; then
        info "installing ${need_pkgs[*]} (apt-get)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
        if [[ " ${need_pkgs[*]} " == *" pgbouncer "* ]]; then
            PGBOUNCER_BIN=/usr/sbin/pgbouncer
            if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
                systemctl disable --now pgbouncer.service || true
            fi
        fi
    else
        die "missing packages: ${need_pkgs[*]} (as root, 'make bench' installs them; or: sudo apt-get install ${need_pkgs[*]})"
    fi
fi

# ===========================================================================
# THE BENCH STACK'S SETTINGS: the one place where rate limits are switched off
# or raised for the bench, so that every scenario measures the code path and
# not a limiter. Production keeps its limits; docs/edge.md and
# docs/configuration.md explain them.
#  - nginx (nginx/render.sh): per-address limit_req zones stay in the path (so
#    their lookup cost is measured) but with rates and bursts at the largest
#    value render.sh accepts, which nothing here reaches.
#  - scoreline-api: per-caller token buckets SCORELINE_RATE_LIMIT_* off.
#  - login throttle (SCORELINE_LOGIN_*): left at its defaults. The login
#    scenarios use the correct password, so no failure is ever recorded and
#    the throttle never answers 429: they measure Argon2id (default cost,
#    SCORELINE_ARGON2_*), not the throttle.
#  - access tokens live 24 h (the maximum) so a long run never sees one expire.
#  - SSE: the stack sized for SSE_TARGET_STREAMS streams, all from 127.0.0.0/8.
BENCH_STACK_ENV=(
    API_RATE=999999r/s API_BURST=999999
    WRITE_RATE=999999r/s WRITE_BURST=999999
    AUTH_RATE=999999r/s AUTH_BURST=999999
    STREAM_RATE=999999r/s STREAM_BURST=999999
    API_CONN_PER_IP=65535
    SCORELINE_RATE_LIMIT_AUTH=off
    SCORELINE_RATE_LIMIT_READ=off
    SCORELINE_RATE_LIMIT_WRITE=off
    SCORELINE_RATE_LIMIT_EXPORT=off
    SCORELINE_ACCESS_TOKEN_TTL_S=86400
    SSE_TARGET_STREAMS="${SSE_TARGET_STREAMS:-60000}"
    BENCH_ROUTES=1
)
# ===========================================================================

STACK_CMD=(env STACK_DIR="$STACK" HTTPS_PORT="$B_HTTPS_PORT" HTTP_PORT="$B_HTTP_PORT"
    PG_PORT="$B_PG_PORT" SSE_METRICS_PORT="$B_SSE_METRICS_PORT" "${BENCH_STACK_ENV[@]}"
    "$ROOT/scripts/stack.sh")
BASE_URL="https://127.0.0.1:$B_HTTPS_PORT"
CACERT="$STACK/tls/cert.pem"
PG_SOCK="$STACK/pg/sock"

PGBIN="${PG_BIN:-}"
if [[ -z "$PGBIN" ]]; then
    for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/pgbench" ]] && PGBIN="$d"; done
fi
[[ -x "$PGBIN/pgbench" ]] || die "no pgbench under /usr/lib/postgresql/*/bin (set PG_BIN)"
API_BIN="${API_BIN:-$ROOT/build/release/workers/scoreline-api}"
MIGRATE_BIN="${MIGRATE_BIN:-$ROOT/build/release/migrations/scoreline-migrate}"
export API_BIN MIGRATE_BIN

stop_stack() {
    if [[ "${BENCH_KEEP_RUNNING:-0}" == "1" ]]; then
        info "BENCH_KEEP_RUNNING=1: the bench stack stays up ($STACK; stop: STACK_DIR=$STACK scripts/stack.sh stop)"
        return 0
    fi
    info "stopping the bench stack"
    "${STACK_CMD[@]}" stop >>"$RAW/logs/stack.log" 2>&1 || warn "stopping the bench stack failed (log: $RAW/logs/stack.log)"
}

psql_bench() { # DB SQL...
    local db="$1"
    shift
    "$PGBIN/psql" -X -qAt -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$B_PG_PORT" -U scoreline -d "$db" "$@"
}

# A fresh bench stack every run (same data, same sizes), unless BENCH_KEEP_STACK=1.
if [[ -d "$STACK" && "${BENCH_KEEP_STACK:-0}" != "1" ]]; then
    info "removing the previous bench stack in $STACK"
    "${STACK_CMD[@]}" stop >>"$RAW/logs/stack.log" 2>&1 || true
    rm -rf "$STACK"
fi
trap stop_stack EXIT
info "starting the bench stack (log: $RAW/logs/stack.log)"
if ! "${STACK_CMD[@]}" run >>"$RAW/logs/stack.log" 2>&1; then
    tail -n 30 "$RAW/logs/stack.log" >&2
    die "the bench stack did not start (log: $RAW/logs/stack.log)"
fi

# max_connections: 200 concurrent migrators and pgbench need more than the
# default 100. pg_stat_statements (in PostgreSQL's own package) counts calls and
# time per statement for the profile group; loaded in every run so that all
# scenarios and their pgbench references pay its small cost alike.
# postgresql.auto.conf (ALTER SYSTEM) lives only in this stack's data folder;
# the API and scoreline-sse reconnect by themselves after the restart.
if [[ "$(psql_bench postgres -c 'SHOW max_connections')" -lt 600 ]]; then
    info "raising max_connections of the bench PostgreSQL to 600, loading pg_stat_statements (restart)"
    psql_bench postgres -c "ALTER SYSTEM SET max_connections = 600" \
        -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
    as_service_user "$PGBIN/pg_ctl" restart -D "$STACK/pg/data" -m fast -w -t 60 -l "$STACK/logs/postgres.log" \
        >>"$RAW/logs/stack.log" 2>&1 || die "restarting the bench PostgreSQL failed"
    for _ in $(seq 1 120); do
        code="$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CACERT" "$BASE_URL/readyz" || true)"
        [[ "$code" == "200" ]] && break
        sleep 0.5
    done
    [[ "$code" == "200" ]] || die "the bench stack is not ready after the PostgreSQL restart (/readyz: $code)"
fi
psql_bench scoreline -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
    -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" -c "SELECT pg_reload_conf()" >/dev/null

# ---------------------------------------------------------------------------
# Fixtures: an admin account (CLI), then everything else through the API.
BENCH_EMAIL="bench-organizer@example.org"
PW_FILE="$RAW/bench-password"
(umask 077 && printf 'Load-%s-Qz\n' "$(openssl rand -hex 10)" >"$PW_FILE")
DB_URL="postgresql://scoreline@/scoreline?host=$PG_SOCK&port=$B_PG_PORT"
info "creating the bench admin $BENCH_EMAIL (scoreline-api admin create)"
as_service_user env SCORELINE_DATABASE_URL="$DB_URL" "$API_BIN" admin create \
    --email "$BENCH_EMAIL" --display-name "Bench Organizer" <"$PW_FILE" >>"$RAW/logs/fixture.log" 2>&1 ||
    die "scoreline-api admin create failed (log: $RAW/logs/fixture.log)"
FIXTURE="$RAW/fixture.json"
python3 "$BENCH_DIR/fixture.py" --base-url "$BASE_URL" --cacert "$CACERT" --email "$BENCH_EMAIL" \
    --password-file "$PW_FILE" --games "$GAMES" --run-id "$RUN_ID" --out "$FIXTURE" ||
    die "preparing the fixtures failed"
chmod 600 "$FIXTURE"
fx() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d[sys.argv[2]]; print(','.join(map(str,v)) if isinstance(v,list) else v)" "$FIXTURE" "$1"; }

export BENCH_HTTP_DIR="$BENCH_DIR/http"
BENCH_TOKEN="$(fx token)"
BENCH_GAME_IDS="$(fx game_ids)"
BENCH_STANDINGS_PATH="/api/v1/events/$(fx standings_event_id)/standings"
BENCH_SEARCH_PATH="/api/v1/events?q=$(fx search_query)"
# The ask scenario's questions about the standings event: plain ASCII words
# and team names (no quote or backslash), so they go into JSON as they are.
BENCH_ASK_EVENT_ID="$(fx standings_event_id)"
BENCH_ASK_QUESTIONS="Who is top of the table?
How many points did $(fx standings_leader) get?
top 4
Which team conceded the most goals?
$(fx standings_last) form
How many games has $(fx standings_leader) got left?"
export BENCH_TOKEN BENCH_GAME_IDS BENCH_STANDINGS_PATH BENCH_SEARCH_PATH BENCH_EMAIL
export BENCH_ASK_EVENT_ID BENCH_ASK_QUESTIONS
export BENCH_PASSWORD_FILE="$PW_FILE"

# Warm-up (not recorded): every worker's database connection is up (the
# restart above dropped them) and caches are warm before the first measurement.
info "warm-up: 2 s of reads at 16 connections (not recorded)"
for path in /readyz "$BENCH_STANDINGS_PATH" "$BENCH_SEARCH_PATH"; do
    (cd "$ROOT" && wrk -t2 -c16 -d2s --timeout 30s -s bench/http/plain.lua "$BASE_URL$path") \
        >>"$RAW/logs/warmup.txt" 2>&1 || true
done

python3 - "$RAW/meta.json" "$RUN_ID" "$COMMIT$DIRTY" "$DURATION" "$QUICK" "$FIXTURE" <<'EOF'
import json, os, platform, sys, datetime
out, run_id, commit, duration, quick, fixture = sys.argv[1:]
def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
def mem_kb():
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
fx = json.load(open(fixture))
meta = {
    "run_id": run_id, "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "nproc": os.cpu_count(), "mem_total_kb": mem_kb(), "kernel": platform.release(),
    "cpu_model": cpu_model(), "loadavg_at_start": open("/proc/loadavg").read().split()[:3],
    "duration_s": int(duration), "quick": quick == "1",
    "fixture": {k: fx[k] for k in ("event_id", "teams", "standings_event_id",
                                     "standings_event_name", "standings_teams", "search_query")},
    "games": len(fx["game_ids"]),
}
json.dump(meta, open(out, "w"), indent=1)
EOF

# ---------------------------------------------------------------------------
# HTTP scenarios (wrk over TLS to the bench nginx, HTTP/1.1 keep-alive).
# Stateless scenarios run min(connections, cores) threads; scenarios with
# per-connection state (score updates, mix) one thread per connection, and
# their FastCGI reference (api_version_tpc) is measured the same way.

# run_wrk NAME CONNECTIONS THREADS SCRIPT PATH REFERENCE [ENV_NAMES...]
run_wrk() {
    local name="$1" conns="$2" threads="$3" script="$4" path="$5" ref="$6"
    shift 6
    local env_text="BENCH_HTTP_DIR=bench/http" v
    for v in "$@"; do
        case "$v" in
            BENCH_TOKEN) env_text+=' BENCH_TOKEN=<access token of the bench organizer>' ;;
            BENCH_PASSWORD_FILE) env_text+=' BENCH_PASSWORD_FILE=<file with its password>' ;;
            *) env_text+=" $v='${!v}'" ;;
        esac
    done
    local cmd=(wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 30s -s "bench/http/$script" "$BASE_URL$path")
    local out="$RAW/wrk/$name-c$conns.txt"
    info "wrk $name: $conns connections, $threads threads, ${DURATION}s"
    (cd "$ROOT" && "${cmd[@]}") >"$out" 2>&1 || warn "wrk $name c=$conns exited non-zero (see $out)"
    python3 "$BENCH_DIR/record.py" wrk --out "$RAW/records/$name-c$conns.json" --input "$out" \
        --scenario "$name" --connections "$conns" --threads "$threads" --duration "$DURATION" \
        --reference "$ref" --command "$env_text ${cmd[*]}" --group "${RECORD_GROUP:-}"
}

threads_for() { echo $(($1 < NPROC ? $1 : NPROC)); }

# Waits until scoreline-api answers /api/v1/version within 0.2 s three times
# in a row (at most 180 s). Logins that wrk gave up on stay queued at the
# FastCGI socket and are still hashed one by one after the run ends; without
# this wait they would slow down whatever runs next.
drain_api() {
    local start=$SECONDS good=0 t
    while ((SECONDS - start < 180)); do
        t="$(curl -s -o /dev/null -m 10 -w '%{time_total}' --cacert "$CACERT" "$BASE_URL/api/v1/version" || echo 10)"
        if awk -v t="$t" 'BEGIN { exit !(t < 0.2) }'; then
            good=$((good + 1))
            ((good >= 3)) && break
        else
            good=0
        fi
        sleep 0.5
    done
    info "  scoreline-api idle again after $((SECONDS - start)) s"
}

# First every scenario that costs no Argon2id, over the whole ladder; then
# login and mix, each followed by drain_api.
for c in $LADDER; do
    t="$(threads_for "$c")"
    if want references; then
        run_wrk nginx_static "$c" "$t" plain.lua /_bench/static ""
        run_wrk api_version "$c" "$t" plain.lua /api/v1/version nginx_static
        if want writes || want mix; then
            run_wrk api_version_tpc "$c" "$c" plain.lua /api/v1/version nginx_static
        fi
    fi
    if want reads; then
        run_wrk standings_hot "$c" "$t" plain.lua "$BENCH_STANDINGS_PATH" api_version
        run_wrk standings_signed_in "$c" "$t" signed_in.lua "$BENCH_STANDINGS_PATH" api_version BENCH_TOKEN
        run_wrk events_search "$c" "$t" plain.lua "$BENCH_SEARCH_PATH" api_version
        run_wrk game_read "$c" "$t" game_read.lua / api_version BENCH_TOKEN BENCH_GAME_IDS
    fi
    if want ask; then
        run_wrk ask "$c" "$t" ask.lua / api_version BENCH_ASK_EVENT_ID BENCH_ASK_QUESTIONS
    fi
    if want writes; then
        run_wrk score_update "$c" "$c" score_update.lua / api_version_tpc BENCH_TOKEN BENCH_GAME_IDS
    fi
done
for c in $LADDER; do
    t="$(threads_for "$c")"
    if want mix; then
        run_wrk mix "$c" "$c" mix.lua / api_version_tpc BENCH_TOKEN BENCH_GAME_IDS \
            BENCH_STANDINGS_PATH BENCH_SEARCH_PATH BENCH_EMAIL BENCH_PASSWORD_FILE
        drain_api
    fi
    if want login; then
        run_wrk login "$c" "$t" login.lua / api_version BENCH_EMAIL BENCH_PASSWORD_FILE
        drain_api
    fi
done

# ---------------------------------------------------------------------------
# Profile (group "profile", not in the default list): standings_hot,
# standings_signed_in and score_update at 64 connections, each under
# `perf record -a -g`: the whole machine, so that the load generator's share
# shows beside nginx, scoreline-api, PostgreSQL and scoreline-sse (run it on
# an otherwise idle machine). The recording starts 1 s into the wrk run and
# ends 1 s before it, so it holds load only; pg_stat_statements counts the
# statements of the same window. Without hardware counters (most VMs:
# 'perf stat -e instructions' says "not supported") perf samples the
# cpu-clock software event instead.

# profile_one NAME THREADS SCRIPT PATH
profile_one() {
    local name="$1" threads="$2" script="$3" path="$4" pdur data stats
    pdur=$((DURATION < 5 ? 5 : DURATION))
    data="$RAW/profile/$name.perf.data"
    info "profile: perf record -a -g during $name at 64 connections ($((pdur - 2))s of a ${pdur}s run)"
    (cd "$ROOT" && wrk -t"$threads" -c64 -d"${pdur}s" --timeout 30s -s "bench/http/$script" "$BASE_URL$path") \
        >"$RAW/profile/$name.wrk.txt" 2>&1 &
    local wrk_pid=$!
    sleep 1
    psql_bench scoreline -c "SELECT pg_stat_statements_reset()" >/dev/null || true
    perf record "${PERF_EVENT[@]}" -F 499 -a -g -o "$data" -- sleep "$((pdur - 2))" \
        >"$RAW/profile/$name.perf-record.log" 2>&1 ||
        warn "perf record failed (see $RAW/profile/$name.perf-record.log)"
    stats="$(statement_stats)"  # the same window as the recording, before wrk ends
    wait "$wrk_pid" || true
    {
        echo "### $name at 64 connections: perf record ${PERF_EVENT[*]} -F 499 -a -g, $((pdur - 2))s inside a ${pdur}s wrk run"
        grep -E '^Requests/sec' "$RAW/profile/$name.wrk.txt" || true
        summarize_perf "$data" scoreline-api postgres nginx wrk
        printf '%s\n\n' "$stats"
    } >>"$RAW/profile/summary.txt"
}

# summarize_perf PERF_DATA COMM...: each process name's share of all samples,
# then the top symbols (self time) of each COMM.
summarize_perf() {
    local data="$1" comm
    shift
    echo "# share of all samples per process name"
    perf report -i "$data" --no-children --sort comm --stdio -g none 2>/dev/null |
        grep -E '^ +[0-9]' | head -n 10 || true
    for comm in "$@"; do
        echo "# $comm: top symbols, self time, % of that process's samples"
        perf report -i "$data" --no-children --comm "$comm" --percentage relative \
            --sort dso,symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' |
            sed -E 's/ +- +- *$//; s/nlohmann::json_abi_v3_11_2::basic_json<[^)]*>/json/g' |
            cut -c1-140 | head -n 20 || true
    done
}

# The statements PostgreSQL ran since the last call, by total time
# (pg_stat_statements, every database of the bench cluster), then resets the
# counters. Calls per second tell how many statements one request costs.
statement_stats() {
    echo "# PostgreSQL statements (pg_stat_statements, track = all), by total time"
    psql_bench scoreline -F ' | ' -c "
        SELECT calls, round(total_exec_time::numeric, 1) AS exec_ms,
               round(total_plan_time::numeric, 1) AS plan_ms,
               round((total_exec_time / greatest(calls, 1))::numeric, 4) AS mean_ms,
               left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
        FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 25" |
        sed 's/^/    /' || true
    psql_bench scoreline -c "SELECT pg_stat_statements_reset()" >/dev/null || true
}

if want profile; then
    mkdir -p "$RAW/profile"
    if ! command -v perf >/dev/null || ! perf record -o /dev/null -a -- true >/dev/null 2>&1; then
        warn "perf record does not work here; no profile"
        echo "perf record unavailable on this machine" >"$RAW/profile/summary.txt"
    else
        PERF_EVENT=()
        if perf stat -e instructions true 2>&1 | grep -qi 'not supported\|not counted'; then
            PERF_EVENT=(-e cpu-clock)
        fi
        : >"$RAW/profile/summary.txt"
        profile_one standings_hot "$(threads_for 64)" plain.lua "$BENCH_STANDINGS_PATH"
        profile_one standings_signed_in "$(threads_for 64)" signed_in.lua "$BENCH_STANDINGS_PATH"
        profile_one score_update 64 score_update.lua /
        info "profile summary: $RAW/profile/summary.txt"
    fi
fi

# ---------------------------------------------------------------------------
# pgbench on the same PostgreSQL, through the same unix socket, in its own
# database bench_pgbench (the app schema is untouched).
if want pgbench; then
    pgb=("$PGBIN/pgbench" -h "$PG_SOCK" -p "$B_PG_PORT" -U scoreline)
    psql_bench postgres -c "DROP DATABASE IF EXISTS bench_pgbench" -c "CREATE DATABASE bench_pgbench" >/dev/null
    info "pgbench -i -s $PGBENCH_SCALE bench_pgbench"
    "${pgb[@]}" -i -q -s "$PGBENCH_SCALE" bench_pgbench >"$RAW/pgbench/init.txt" 2>&1 ||
        die "pgbench -i failed (see $RAW/pgbench/init.txt)"
    printf "SELECT pg_notify('bench', 'score ' || :client_id);\n" >"$RAW/pgbench/notify.sql"
    for c in $PG_CLIENTS; do
        j="$(threads_for "$c")"
        for kind in select_only tpcb notify; do
            case "$kind" in
                select_only) extra=(-S) ;;
                tpcb) extra=() ;;
                notify) extra=(-n -f "$RAW/pgbench/notify.sql") ;;
            esac
            cmd=("${pgb[@]}" "${extra[@]}" -c "$c" -j "$j" -T "$DURATION" bench_pgbench)
            out="$RAW/pgbench/$kind-c$c.txt"
            info "pgbench $kind: $c clients, ${DURATION}s"
            "${cmd[@]}" >"$out" 2>&1 || warn "pgbench $kind c=$c exited non-zero (see $out)"
            shown="${cmd[*]}"
            shown="${shown//$RAW/<raw>}"
            shown="${shown//$STACK/<stack>}"
            python3 "$BENCH_DIR/record.py" pgbench --out "$RAW/records/pgbench_$kind-c$c.json" --input "$out" \
                --scenario "pgbench_$kind" --clients "$c" --duration "$DURATION" --command "$shown" \
                --scale "$PGBENCH_SCALE"
        done
    done
fi

# ---------------------------------------------------------------------------
# PgBouncer (group "pgbouncer", issue 18): what production's path
# scoreline-api -> PgBouncer (session mode, ansible/roles/pgbouncer) ->
# PostgreSQL costs against scoreline-api -> PostgreSQL. Both paths go over TCP
# to 127.0.0.1 with SCRAM, as in production (the other groups use the unix
# socket), so the difference is PgBouncer's hop alone. A PgBouncer (Debian
# 12's 1.18) runs in <stack>/pgbouncer/ as the user that runs PostgreSQL,
# with production's settings (session mode, DISCARD ALL, options ignored) and
# an auth_file made from the bench role's SCRAM secret; the API is restarted
# between the paths (scripts/stack.sh restart-api) and put back on the unix
# socket at the end. Then pgbench -M prepared direct and through it, and
# through a PgBouncer in transaction mode: what happens there to prepared
# statements is the reason for session mode.
PGB_DIR="$STACK/pgbouncer"
PGB_PORT="${BENCH_PGBOUNCER_PORT:-55498}"
PGB_PASSFILE="$PGB_DIR/pgpass"
PGB_CLIENTS="${BENCH_PGBOUNCER_CLIENTS:-16}"
pgb_running_pid=""
api_switched=0

# stop_pgbouncer: SIGTERM (immediate shutdown) to the PgBouncer started last,
# SIGKILL after 10 s. Called at the end of the group and from the EXIT trap.
stop_pgbouncer() {
    [[ -n "$pgb_running_pid" ]] || return 0
    local pid="$pgb_running_pid" i
    pgb_running_pid=""
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    warn "PgBouncer (pid $pid) still running after 10 s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

# start_pgbouncer MODE POOL_SIZE: PgBouncer in pool_mode MODE on
# 127.0.0.1:PGB_PORT in front of the bench PostgreSQL's 127.0.0.1 (SCRAM with
# the secret from auth_file, as in production); waits until a query passes.
start_pgbouncer() {
    local mode="$1" pool="$2" ini="$PGB_DIR/pgbouncer-$1.ini" i
    [[ -z "$(ss -Hltn "sport = :$PGB_PORT" 2>/dev/null)" ]] ||
        die "port $PGB_PORT (BENCH_PGBOUNCER_PORT) is in use: $(ss -Hltnp "sport = :$PGB_PORT" | head -n1)"
    as_service_user tee "$ini" >/dev/null <<EOF
; bench/run.sh, group pgbouncer: production's settings (ansible/roles/pgbouncer)
; with pool_mode = $mode and the bench's paths and sizes.
[databases]
scoreline = host=127.0.0.1 port=$B_PG_PORT dbname=scoreline
bench_pgbench = host=127.0.0.1 port=$B_PG_PORT dbname=bench_pgbench

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
pidfile = $PGB_DIR/pgbouncer-$mode.pid
logfile = $PGB_DIR/pgbouncer-$mode.log
auth_type = scram-sha-256
auth_file = $PGB_DIR/userlist.txt
pool_mode = $mode
server_reset_query = DISCARD ALL
default_pool_size = $pool
max_client_conn = 400
ignore_startup_parameters = extra_float_digits,options
admin_users = scoreline
log_connections = 0
log_disconnections = 0
EOF
    rm -f "$PGB_DIR/pgbouncer-$mode.pid"
    info "starting PgBouncer ($mode mode, pool $pool) on 127.0.0.1:$PGB_PORT"
    as_service_user "$PGBOUNCER_BIN" -d -q "$ini" >>"$RAW/logs/pgbouncer.log" 2>&1 ||
        die "PgBouncer did not start (logs: $RAW/logs/pgbouncer.log, $PGB_DIR/pgbouncer-$mode.log)"
    for ((i = 0; i < 50; i++)); do
        pgb_running_pid="$(head -n1 "$PGB_DIR/pgbouncer-$mode.pid" 2>/dev/null || true)"
        [[ "$pgb_running_pid" =~ ^[0-9]+$ ]] && break
        pgb_running_pid=""
        sleep 0.1
    done
    [[ -n "$pgb_running_pid" ]] || die "PgBouncer wrote no pid file (log: $PGB_DIR/pgbouncer-$mode.log)"
    for ((i = 0; i < 50; i++)); do
        PGPASSFILE="$PGB_PASSFILE" "$PGBIN/psql" -X -qAt -h 127.0.0.1 -p "$PGB_PORT" -U scoreline -d scoreline \
            -c 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    die "no query passes PgBouncer on 127.0.0.1:$PGB_PORT (log: $PGB_DIR/pgbouncer-$mode.log)"
}

# pgbouncer_cleanup: from the EXIT trap: PgBouncer stopped and, when the
# stack stays up (BENCH_KEEP_RUNNING=1), scoreline-api back on the unix socket.
pgbouncer_cleanup() {
    stop_pgbouncer
    if ((api_switched)) && [[ "${BENCH_KEEP_RUNNING:-0}" == "1" ]]; then
        env API_DATABASE_URL= NO_BUILD=1 "${STACK_CMD[@]}" restart-api >>"$RAW/logs/stack.log" 2>&1 ||
            warn "scoreline-api could not be put back on the unix socket (log: $RAW/logs/stack.log)"
    fi
}

# restart_api_on URL|"": scoreline-api restarted on that database (empty: the
# stack's default, the unix socket), then 2 s of signed-in reads (not
# recorded) so that every worker has connected and prepared its statements.
restart_api_on() {
    local target="$1"
    [[ -n "$target" ]] || target="the unix socket (the stack's default)"
    info "restarting scoreline-api on $target"
    api_switched=1
    env API_DATABASE_URL="$1" NO_BUILD=1 "${STACK_CMD[@]}" restart-api >>"$RAW/logs/stack.log" 2>&1 ||
        die "scripts/stack.sh restart-api failed (log: $RAW/logs/stack.log)"
    (cd "$ROOT" && wrk -t2 -c16 -d2s --timeout 30s -s bench/http/signed_in.lua "$BASE_URL$BENCH_STANDINGS_PATH") \
        >>"$RAW/logs/warmup.txt" 2>&1 || true
}

# run_pgbench_pgb NAME PORT CLIENTS SECONDS ARGS...: one pgbench run over TCP
# to 127.0.0.1:PORT (PostgreSQL or PgBouncer), recorded in the pgbouncer group.
run_pgbench_pgb() {
    local name="$1" port="$2" c="$3" secs="$4"
    shift 4
    local cmd=("$PGBIN/pgbench" -h 127.0.0.1 -p "$port" -U scoreline "$@" -c "$c" -j "$(threads_for "$c")"
        -T "$secs" bench_pgbench)
    local out="$RAW/pgbouncer/$name-c$c.txt"
    info "pgbench $name: $c clients, ${secs}s, 127.0.0.1:$port"
    PGPASSFILE="$PGB_PASSFILE" "${cmd[@]}" >"$out" 2>&1 || warn "pgbench $name c=$c exited non-zero (see $out)"
    local shown="PGPASSFILE=<stack>/pgbouncer/pgpass ${cmd[*]}"
    python3 "$BENCH_DIR/record.py" pgbench --out "$RAW/records/$name-c$c.json" --input "$out" \
        --scenario "$name" --clients "$c" --duration "$secs" --command "${shown//$PGBIN\//}" \
        --scale "$PGBENCH_SCALE" --group pgbouncer
}

# pgbouncer_checks: what PgBouncer holds while the API runs through it (each
# worker one server connection; called halfway through a run), and what becomes of the
# statement_timeout the API asks for in its startup packet
# (options=-c statement_timeout=...), through PgBouncer and directly.
pgbouncer_checks() {
    {
        echo "# SHOW POOLS halfway through score_update_pgbouncer at $c connections (session mode, $api_workers API workers)"
        PGPASSFILE="$PGB_PASSFILE" "$PGBIN/psql" -X -h 127.0.0.1 -p "$PGB_PORT" -U scoreline -d pgbouncer \
            -c 'SHOW POOLS' 2>&1 || true
        for port in "$PGB_PORT" "$B_PG_PORT"; do
            echo "# SHOW statement_timeout in a session opened with options=-c statement_timeout=5000 to 127.0.0.1:$port"
            PGPASSFILE="$PGB_PASSFILE" "$PGBIN/psql" -X -qAt -c 'SHOW statement_timeout' \
                "host=127.0.0.1 port=$port user=scoreline dbname=scoreline options='-c statement_timeout=5000'" 2>&1 || true
        done
    } >"$RAW/pgbouncer/checks.txt"
}

if want pgbouncer; then
    pgb_start=$SECONDS
    mkdir -p "$RAW/pgbouncer" "$PGB_DIR"
    chmod 700 "$PGB_DIR"
    is_root && chown "$SERVICE_USER:$SERVICE_USER" "$PGB_DIR"
    trap 'pgbouncer_cleanup; stop_stack' EXIT
    # The bench role's SCRAM secret (initdb --pwfile) for PgBouncer's
    # auth_file, and its password for the clients (a libpq passfile).
    secret="$(psql_bench postgres -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'scoreline'")"
    [[ "$secret" == SCRAM-SHA-256\$* ]] || die "the bench role 'scoreline' has no SCRAM secret"
    printf '"scoreline" "%s"\n' "$secret" | as_service_user tee "$PGB_DIR/userlist.txt" >/dev/null
    printf '127.0.0.1:*:*:scoreline:%s\n' "$(cat "$STACK/pg/password")" |
        as_service_user tee "$PGB_PASSFILE" >/dev/null
    as_service_user chmod 600 "$PGB_DIR/userlist.txt" "$PGB_PASSFILE"
    unset secret
    if ! want pgbench; then
        psql_bench postgres -c "DROP DATABASE IF EXISTS bench_pgbench" -c "CREATE DATABASE bench_pgbench" >/dev/null
        info "pgbench -i -s $PGBENCH_SCALE bench_pgbench"
        "$PGBIN/pgbench" -h "$PG_SOCK" -p "$B_PG_PORT" -U scoreline -i -q -s "$PGBENCH_SCALE" bench_pgbench \
            >"$RAW/pgbouncer/init.txt" 2>&1 || die "pgbench -i failed (see $RAW/pgbouncer/init.txt)"
    fi
    api_workers="${SCORELINE_WORKERS:-$((2 * NPROC))}"
    pool="$api_workers"
    for c in $PGB_CLIENTS; do ((c > pool)) && pool=$c; done
    pool=$((pool + 4)) # room for workers that start while old ones drain

    start_pgbouncer session "$pool"
    # 1. The API: the same requests over each path at each step of the
    # ladder, in the order direct, PgBouncer | PgBouncer, direct | ... so that
    # neither path always runs on the fuller database (score updates add
    # rows), with one API restart per change of path.
    RECORD_GROUP=pgbouncer
    order="direct_tcp pgbouncer"
    current=""
    for c in $LADDER; do
        for path in $order; do
            if [[ "$path" != "$current" ]]; then
                port="$B_PG_PORT"
                [[ "$path" == pgbouncer ]] && port="$PGB_PORT"
                restart_api_on "postgresql://scoreline@127.0.0.1:$port/scoreline?passfile=$PGB_PASSFILE"
                current="$path"
            fi
            ref_read="" ref_write=""
            if [[ "$path" == pgbouncer ]]; then
                ref_read=standings_signed_in_direct_tcp ref_write=score_update_direct_tcp
            fi
            run_wrk "standings_signed_in_$path" "$c" "$(threads_for "$c")" signed_in.lua \
                "$BENCH_STANDINGS_PATH" "$ref_read" BENCH_TOKEN
            checks_pid=""
            if [[ "$path" == pgbouncer && ! -e "$RAW/pgbouncer/checks.txt" ]]; then
                (sleep $((DURATION / 2)).5 && pgbouncer_checks) &
                checks_pid=$!
            fi
            run_wrk "score_update_$path" "$c" "$c" score_update.lua / "$ref_write" BENCH_TOKEN BENCH_GAME_IDS
            [[ -z "$checks_pid" ]] || wait "$checks_pid" || true
        done
        order="$(awk '{ print $2, $1 }' <<<"$order")"
    done
    RECORD_GROUP=""
    restart_api_on ""
    api_switched=0

    # 2. pgbench -M prepared, direct and through PgBouncer in session mode,
    # alternating, at BENCH_PGBOUNCER_CLIENTS.
    for c in $PGB_CLIENTS; do
        for kind in select_only tpcb; do
            extra=()
            [[ "$kind" == select_only ]] && extra=(-S)
            run_pgbench_pgb "pgbench_${kind}_direct_tcp" "$B_PG_PORT" "$c" "$DURATION" "${extra[@]}" -M prepared
            run_pgbench_pgb "pgbench_${kind}_pgbouncer" "$PGB_PORT" "$c" "$DURATION" "${extra[@]}" -M prepared
        done
    done
    stop_pgbouncer

    # 3. Through PgBouncer in transaction mode: -M prepared (as the workers
    # run their statements; at most 3 s: clients abort within the first
    # second, what is left is no throughput to compare) and -M simple
    # (prepared statements off, the alternative to session mode).
    start_pgbouncer transaction "$pool"
    for c in $PGB_CLIENTS; do
        for kind in select_only tpcb; do
            extra=()
            [[ "$kind" == select_only ]] && extra=(-S)
            run_pgbench_pgb "pgbench_${kind}_pgbouncer_transaction" "$PGB_PORT" "$c" $((DURATION < 3 ? DURATION : 3)) \
                "${extra[@]}" -M prepared
            run_pgbench_pgb "pgbench_${kind}_pgbouncer_transaction_simple" "$PGB_PORT" "$c" "$DURATION" "${extra[@]}" -M simple
        done
    done
    stop_pgbouncer
    cp "$PGB_DIR"/pgbouncer-*.log "$PGB_DIR"/pgbouncer-*.ini "$RAW/pgbouncer/" 2>/dev/null || true
    trap stop_stack EXIT
    info "pgbouncer group: $((SECONDS - pgb_start)) s"
fi

# ---------------------------------------------------------------------------
# Migrations: N concurrent `scoreline-migrate up` on an empty database, and
# one alone on another empty database as the reference.
if want migrate; then
    for db in bench_migrate_single bench_migrate_concurrent; do
        psql_bench postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    done
    expected="$(find "$ROOT/migrations" -maxdepth 1 -name '[0-9]*.up.sql' | wc -l)"
    for spec in "migrate_single 1 bench_migrate_single" \
        "migrate_${MIGRATE_PROCESSES}_concurrent $MIGRATE_PROCESSES bench_migrate_concurrent"; do
        read -r name n db <<<"$spec"
        info "$name: $n x scoreline-migrate up on an empty database"
        python3 "$BENCH_DIR/migrate_bench.py" --binary "$MIGRATE_BIN" --migrations "$ROOT/migrations" \
            --database-url "postgresql://scoreline@/$db?host=$PG_SOCK&port=$B_PG_PORT" \
            --processes "$n" --scenario "$name" --expected "$expected" \
            --psql "$PGBIN/psql" --logs "$RAW/migrate/$name" --out "$RAW/records/$name.json" ||
            warn "$name reported failures (see $RAW/migrate/$name)"
    done
fi

# ---------------------------------------------------------------------------
# SSE fan-out and the Nchan comparison: bench/sse/run.sh (its own engineer's
# script) writes its records into the same records/ folder.
if want sse; then
    if [[ -x "$BENCH_DIR/sse/run.sh" ]]; then
        info "SSE: bench/sse/run.sh (ladder: $SSE_LADDER)"
        profile_n=""
        if want profile && [[ " $SSE_LADDER " == *" 10000 "* ]]; then profile_n=10000; fi
        RAW_DIR="$RAW" STACK_DIR="$STACK" HTTPS_PORT="$B_HTTPS_PORT" SSE_LADDER="$SSE_LADDER" \
            SSE_PROFILE_N="$profile_n" \
            BENCH_QUICK="$QUICK" FIXTURE_JSON="$FIXTURE" SSE_METRICS_PORT="$B_SSE_METRICS_PORT" \
            "$BENCH_DIR/sse/run.sh" || {
            warn "bench/sse/run.sh failed"
            echo "bench/sse/run.sh exited non-zero; see $RAW/run.log" >"$RAW/sse-failed.txt"
        }
    else
        warn "bench/sse/run.sh is missing or not executable: the SSE scenarios are not run"
        echo "bench/sse/run.sh missing" >"$RAW/sse-missing.txt"
    fi
fi

# The SSE fan-out profiles (bench/sse/run.sh recorded them with perf -a):
# the same per-process summary for both targets at the same N.
for data in "$RAW"/profile/sse-*.perf.data; do
    [[ -r "$data" ]] || continue
    label="$(basename "$data" .perf.data)"
    {
        echo "### SSE fan-out, ${label#sse-}: perf record -F 499 -a -g while the messages went out (whole machine, client included)"
        summarize_perf "$data" nginx scoreline-sse scoreline-sse-l
        echo
    } >>"$RAW/profile/summary.txt"
done

# ---------------------------------------------------------------------------
stop_stack
trap - EXIT
python3 "$BENCH_DIR/report.py" --raw "$RAW" --out "$OUT"
info "report: $OUT/report.md"
