#!/usr/bin/env bash
# tests/security/sqlmap.sh: `make test-security`. Runs sqlmap (Debian's) against
# every route of docs/openapi.yaml that takes a parameter, on a stack of its
# own, and fails when sqlmap reports any parameter injectable.
#
#   1. starts a throwaway stack with scripts/stack.sh (STACK_DIR in a temporary
#      folder, free ports, 127.0.0.1 only) from the Release binaries
#      (build/release; `make test-security` builds them first);
#   2. creates an admin with `scoreline-api admin create`;
#   3. tests/security/sqlmap_scan.py reads docs/openapi.yaml, makes the fixtures
#      through the API (users, events with teams and games, tokens), runs one
#      sqlmap per route with every parameter marked, and prints
#      "sqlmap: N parameters tested, 0 injectable" (exit 1 otherwise);
#   4. stops the stack and removes the folder (kept when the scan fails, or
#      with SQLMAP_KEEP=1).
#
# Settings (environment):
#   SQLMAP_LEVEL=1 SQLMAP_RISK=3 SQLMAP_TECHNIQUE=BEST  sqlmap --level, --risk and
#                            --technique (docs/security.md says why)
#   SQLMAP_ONLY=op1,op2      only these operationIds of docs/openapi.yaml (a quick
#                            look at one route; the count still covers only those)
#   SQLMAP_KEEP=1            keep the stack's folder (logs, sqlmap output) afterwards
#   SQLMAP_TMP=DIR           parent of the temporary folder (default ${TMPDIR:-/tmp})
#   NO_BUILD, API_BIN, MIGRATE_BIN, SSE_BIN: passed to scripts/stack.sh
#                            (default: the binaries in build/release, not rebuilt)
# Root is only needed to install sqlmap (apt-get) when missing; as root the
# services run as the "scoreline" user, like scripts/stack.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
readonly ROOT
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

# sqlmap and PyYAML (the OpenAPI parser) come from scripts/install-deps.sh.
if ! command -v sqlmap >/dev/null || ! python3 -c 'import yaml' 2>/dev/null; then
    "$ROOT/scripts/install-deps.sh" ||
        die "sqlmap or python3-yaml is missing (as root, 'make test-security' installs them)"
fi

# Every operation and parameter of docs/openapi.yaml must have a value in the
# scan's plan; checked before anything starts.
python3 "$ROOT/tests/security/sqlmap_scan.py" --openapi "$ROOT/docs/openapi.yaml" --check-plan ||
    die "the sqlmap plan does not cover docs/openapi.yaml (above); add the route to PLAN in tests/security/sqlmap_scan.py"

API_BIN="${API_BIN:-$ROOT/build/release/workers/scoreline-api}"
MIGRATE_BIN="${MIGRATE_BIN:-$ROOT/build/release/migrations/scoreline-migrate}"
SSE_BIN="${SSE_BIN:-$ROOT/build/release/sse/scoreline-sse}"
for bin in "$API_BIN" "$MIGRATE_BIN" "$SSE_BIN"; do
    [[ -x "$bin" ]] || die "$bin is missing: run 'make build' first (make test-security does)"
done
export API_BIN MIGRATE_BIN SSE_BIN

# Five free TCP ports on 127.0.0.1 (HTTPS, HTTP, PostgreSQL, scoreline-sse's
# metrics, the scan's stream relay), chosen by the kernel.
mapfile -t PORTS < <(python3 - <<'EOF'
import socket
socks = []
for _ in range(5):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
)
[[ ${#PORTS[@]} -eq 5 ]] || die "could not find free ports on 127.0.0.1"

WORK="$(mktemp -d "${SQLMAP_TMP:-${TMPDIR:-/tmp}}/scoreline-sqlmap.XXXXXX")"
chmod 755 "$WORK"
STACK="$WORK/stack"
mkdir -p "$WORK/sqlmap"
LOG="$WORK/stack.log"

# ===========================================================================
# THE SCAN STACK'S SETTINGS. sqlmap sends thousands of requests from one
# address, most of them failing; production limits would answer 429 after a
# few dozen and sqlmap would compare 429s instead of the API's answers. Each
# knob is a documented setting (docs/edge.md, docs/configuration.md):
#  - nginx per-address zones (API_*, WRITE_*, AUTH_*, STREAM_*): raised to the
#    largest value render.sh accepts;
#  - nginx's micro-cache off: every payload reaches scoreline-api;
#  - scoreline-api's per-caller buckets SCORELINE_RATE_LIMIT_*: off;
#  - the login failure throttle: SCORELINE_LOGIN_MAX_FAILURES at its maximum
#    (1000), so the login route keeps checking credentials during the scan;
#  - Argon2id at its cheapest (the harness's values) so login and register
#    scans take seconds, and access tokens that outlive the scan.
SCAN_ENV=(
    API_RATE=999999r/s API_BURST=999999
    WRITE_RATE=999999r/s WRITE_BURST=999999
    AUTH_RATE=999999r/s AUTH_BURST=999999
    STREAM_RATE=999999r/s STREAM_BURST=999999
    MICROCACHE_TTL=off
    SCORELINE_RATE_LIMIT_AUTH=off
    SCORELINE_RATE_LIMIT_READ=off
    SCORELINE_RATE_LIMIT_WRITE=off
    SCORELINE_RATE_LIMIT_EXPORT=off
    SCORELINE_LOGIN_MAX_FAILURES=1000
    SCORELINE_ARGON2_OPSLIMIT=1
    SCORELINE_ARGON2_MEMLIMIT_KIB=1024
    SCORELINE_ACCESS_TOKEN_TTL_S=7200
    SCORELINE_STREAM_TICKET_TTL_S=600
    SSE_PROCESSES=1 SSE_TARGET_STREAMS=200
    DEMO=0 NO_BUILD="${NO_BUILD:-1}"
)
# ===========================================================================

STACK_CMD=(env STACK_DIR="$STACK" HTTPS_PORT="${PORTS[0]}" HTTP_PORT="${PORTS[1]}"
    PG_PORT="${PORTS[2]}" SSE_METRICS_PORT="${PORTS[3]}" "${SCAN_ENV[@]}" "$ROOT/scripts/stack.sh")

RC=1
# shellcheck disable=SC2317  # run by the EXIT trap
finish() {
    info "stopping the scan stack"
    "${STACK_CMD[@]}" stop >>"$LOG" 2>&1 || warn "stopping the scan stack failed (log: $LOG)"
    if [[ $RC -eq 0 && "${SQLMAP_KEEP:-0}" != "1" ]]; then
        rm -rf "$WORK"
    else
        info "kept $WORK (stack logs in $STACK/logs, sqlmap output in $WORK/sqlmap)"
    fi
}
trap finish EXIT

info "starting the scan stack in $STACK (https://127.0.0.1:${PORTS[0]}; log: $LOG)"
if ! "${STACK_CMD[@]}" run >>"$LOG" 2>&1; then
    tail -n 30 "$LOG" >&2
    die "the scan stack did not start (log: $LOG)"
fi

ADMIN_EMAIL="sqlmap-admin@example.org"
PW_FILE="$WORK/admin-password"
(umask 077 && printf 'Scan-%s-Qz\n' "$(openssl rand -hex 10)" >"$PW_FILE")
DB_URL="postgresql://scoreline@/scoreline?host=$STACK/pg/sock&port=${PORTS[2]}"
info "creating the admin $ADMIN_EMAIL (scoreline-api admin create)"
as_service_user env SCORELINE_DATABASE_URL="$DB_URL" SCORELINE_ARGON2_OPSLIMIT=1 \
    SCORELINE_ARGON2_MEMLIMIT_KIB=1024 "$API_BIN" admin create \
    --email "$ADMIN_EMAIL" --display-name "Scan Admin" <"$PW_FILE" >>"$LOG" 2>&1 ||
    die "scoreline-api admin create failed (log: $LOG)"

set +e
python3 "$ROOT/tests/security/sqlmap_scan.py" \
    --base-url "https://127.0.0.1:${PORTS[0]}" --cacert "$STACK/tls/cert.pem" \
    --openapi "$ROOT/docs/openapi.yaml" --admin-email "$ADMIN_EMAIL" --admin-password-file "$PW_FILE" \
    --out-dir "$WORK/sqlmap" --relay-port "${PORTS[4]}" \
    --level "${SQLMAP_LEVEL:-1}" --risk "${SQLMAP_RISK:-3}" --technique "${SQLMAP_TECHNIQUE:-BEST}" \
    --only "${SQLMAP_ONLY:-}"
RC=$?
set -e
exit "$RC"
