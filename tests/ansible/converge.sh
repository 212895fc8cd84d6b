#!/usr/bin/env bash
# converge.sh: `make ansible-test`. Makes five Debian 12 hosts on this machine
# (hosts.sh), applies ansible/site.yml to them, then checks what issue 18
# asks: smoke through each app host's nginx, a score written on app1 arriving
# on a stream held on app2, the row on the replica, a second converge with
# changed=0, the restore drill (restore.yml), the deploy drill (deploy.yml of
# a newer package under the bench's mix load) and the failover drill
# (failover.yml). Prints each phase's seconds; the hosts are always torn down.
#   tests/ansible/converge.sh            the whole test
#   KEEP_HOSTS=1 tests/ansible/converge.sh   leave the hosts up (hosts.sh down later)
#   DRILLS="restore deploy failover"     which drills run after the checks (default all three)
#   FAILOVER_STOP=kill|clean             the failover drill's primary: SIGKILLed (default) or stopped
#   SCORELINE_DEB=path.deb               the package to deploy (default build/scoreline.deb, made by make deb)
#   tests/ansible/converge.sh --roles common,postgresql
#       one host (single1) with only those roles of ansible/roles, converged
#       twice (the second must report changed=0): for roles without site.yml.
# Exit 0 only if every phase passed. Needs root, debootstrap, ansible-playbook,
# wrk (the deploy drill).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export STATE="${STATE:-$REPO/build/ansible}"
ANSIBLE_DIR="${ANSIBLE_DIR:-$REPO/ansible}"
DEB="${SCORELINE_DEB:-$REPO/build/scoreline.deb}"
# make deb writes build/scoreline_VERSION_ARCH.deb: the newest one.
if [[ -z "${SCORELINE_DEB:-}" ]] && [[ ! -f "$DEB" ]]; then
    DEB="$(ls -t "$REPO"/build/scoreline_*.deb 2>/dev/null | head -1 || true)"
    DEB="${DEB:-$REPO/build/scoreline.deb}"
fi
# The whole test's bound; each wait below has its own.
TOTAL_TIMEOUT_S="${TOTAL_TIMEOUT_S:-1800}"
readonly HOSTS=(app1=10.77.0.11 app2=10.77.0.12 db1=10.77.0.21 db2=10.77.0.22 mon1=10.77.0.31)
INV="$STATE/inventory"
PGDB=scoreline
DRILLS="${DRILLS:-restore deploy failover}"

die() { printf 'converge: FAIL: %s\n' "$*" >&2; exit 1; }
say() { printf 'converge: %s\n' "$*" >&2; }
addr_of() {
    local h
    for h in "${HOSTS[@]}"; do
        if [[ ${h%%=*} == "$1" ]]; then echo "${h#*=}"; fi
    done
}
on() { "$HERE/hosts.sh" exec "$@"; }
psql_on() { on "$1" runuser -u postgres -- psql -d "$PGDB" -XtAc "$2"; }

phase_start=0
phase_name=""
declare -a SUMMARY=()
phase() {
    phase_end
    phase_name="$1"
    phase_start=$SECONDS
    say "--- $phase_name"
}
phase_end() {
    if [[ -n "$phase_name" ]]; then
        SUMMARY+=("$(printf '%-28s %4d s' "$phase_name" $((SECONDS - phase_start)))")
        say "--- $phase_name: $((SECONDS - phase_start)) s"
    fi
    phase_name=""
}

teardown() {
    local rc=$?
    phase_end
    [[ -f "$STATE/writer.log.stop" ]] || touch "$STATE/writer.log.stop" 2>/dev/null || true
    [[ -z "${WRITER_PID:-}" ]] || kill "$WRITER_PID" 2>/dev/null || true
    local p
    for p in ${LOAD_PIDS:-}; do kill -INT "$p" 2>/dev/null || true; done
    if [[ "${KEEP_HOSTS:-0}" == 1 ]]; then
        say "KEEP_HOSTS=1: hosts left up; tests/ansible/hosts.sh down removes them"
    else
        "$HERE/hosts.sh" down || true
    fi
    printf '%s\n' "${SUMMARY[@]}" >&2
    printf 'converge: %s after %d s\n' "$([[ $rc == 0 ]] && echo PASS || echo FAIL)" "$SECONDS" >&2
    exit "$rc"
}

playbook() {
    local log="$STATE/logs/$1.log" book="$2"
    [[ "$book" == /* ]] || book="$ANSIBLE_DIR/$book"
    shift 2
    [[ -f "$book" ]] || die "$book does not exist"
    local rc=0
    ANSIBLE_CONFIG="$ANSIBLE_DIR/ansible.cfg" ANSIBLE_SSH_ARGS="-F $STATE/ssh_config" \
        ANSIBLE_FORCE_COLOR=0 ANSIBLE_HOST_KEY_CHECKING=False \
        timeout "${FAILOVER_TIMEOUT_S:-900}" ansible-playbook -i "$INV/hosts.yml" "$book" "$@" >"$log" 2>&1 ||
        rc=$?
    # PLAYBOOK_EXPECT=fail: the play must stop with an error (a rollback).
    if [[ "${PLAYBOOK_EXPECT:-pass}" == fail ]]; then
        ((rc != 0 && rc != 124)) || die "ansible-playbook $book had to fail and exited $rc (log: $log)"
    elif ((rc != 0)); then
        tail -40 "$log" >&2
        die "ansible-playbook $book failed (log: $log)"
    fi
    sed -n '/PLAY RECAP/,$p' "$log" >&2
}

# The inventory: the production shape with this test's addresses, the
# production group_vars, and test overrides (the bridge's network, no time
# sync since the clock is this machine's, throwaway secrets, the .deb).
make_inventory() {
    rm -rf "$INV"
    mkdir -p "$INV/group_vars/all"
    cp -r "$ANSIBLE_DIR/inventories/production/group_vars/." "$INV/group_vars/"
    {
        printf -- '---\n# Made by tests/ansible/converge.sh for the converge test.\nall:\n  children:\n'
        local group host
        for group in app:app1,app2 db_primary:db1 db_replica:db2 monitoring:mon1; do
            printf '    %s:\n      hosts:\n' "${group%%:*}"
            for host in ${group#*:}; do
                host="${host//,/ }"
                local h
                for h in $host; do
                    printf '        %s:\n          ansible_host: %s\n' "$h" "$(addr_of "$h")"
                done
            done
        done
        printf '  vars:\n    ansible_user: root\n'
    } >"$INV/hosts.yml"
    local jwt
    jwt="$(openssl genpkey -algorithm ed25519 | sed 's/^/      /')"
    cat >"$INV/group_vars/all/zz-converge-test.yml" <<VARS
---
# Overrides of the converge test (tests/ansible/converge.sh).
postgresql_client_networks:
  - 10.77.0.0/24
common_manage_time_sync: false
common_sysctl_load_kernel_wide: false
scoreline_deb_path: $STATE/scoreline.deb
nginx_server_name: scoreline.test
vault_postgresql_password: "$(openssl rand -hex 16)"
vault_postgresql_replication_password: "$(openssl rand -hex 16)"
vault_scoreline_jwt_signing_kid: ktest
vault_scoreline_jwt_keys:
  - kid: ktest
    private_pem: |
$jwt
vault_nginx_tls_cert_pem: ""
vault_nginx_tls_key_pem: ""
# The deploy drill's mix load comes from one address and one account: the
# rate limits are off as in bench/run.sh's BENCH_STACK_ENV (sign-ins still
# hash with Argon2id).
nginx_render_env:
  API_RATE: 999999r/s
  API_BURST: "999999"
  WRITE_RATE: 999999r/s
  WRITE_BURST: "999999"
  AUTH_RATE: 999999r/s
  AUTH_BURST: "999999"
  API_CONN_PER_IP: "65535"
scoreline_api_settings:
  SCORELINE_RATE_LIMIT_AUTH: "off"
  SCORELINE_RATE_LIMIT_READ: "off"
  SCORELINE_RATE_LIMIT_WRITE: "off"
VARS
}

# changed=N of every host in the last PLAY RECAP of a log.
recap_changed() { sed -n '/PLAY RECAP/,$p' "$1" | grep -oE 'changed=[0-9]+' | cut -d= -f2; }

# --roles: one host in every group, the given roles, two converges.
roles_only() {
    local roles="$1"
    phase "package"
    if [[ -f "$DEB" ]]; then cp "$DEB" "$STATE/scoreline.deb"; else say "no $DEB: roles needing it will fail"; fi
    phase "hosts"
    "$HERE/hosts.sh" down
    "$HERE/hosts.sh" up single1=10.77.0.10
    make_inventory
    cat >"$INV/hosts.yml" <<HOSTS
---
all:
  children:
    app: {hosts: {single1: {ansible_host: 10.77.0.10}}}
    db_primary: {hosts: {single1: {}}}
    db_replica: {hosts: {}}
    monitoring: {hosts: {single1: {}}}
  vars:
    ansible_user: root
HOSTS
    {
        printf -- '---\n- name: Converge test, roles %s\n  hosts: all\n  become: true\n  roles:\n' "$roles"
        local r
        for r in ${roles//,/ }; do printf '    - role: %s\n' "$r"; done
    } >"$STATE/roles.yml"
    phase "converge ($roles)"
    ANSIBLE_ROLES_PATH="$ANSIBLE_DIR/roles" playbook converge1 "$STATE/roles.yml"
    phase "second converge changed=0"
    ANSIBLE_ROLES_PATH="$ANSIBLE_DIR/roles" playbook converge2 "$STATE/roles.yml"
    local changed
    changed="$(recap_changed "$STATE/logs/converge2.log" | paste -sd+ | bc)"
    [[ "$changed" == 0 ]] || die "second converge changed $changed things (log: $STATE/logs/converge2.log)"
    phase_end
}

main() {
    [[ $EUID -eq 0 ]] || die "needs root"
    command -v ansible-playbook >/dev/null || die "ansible-playbook missing"
    trap teardown EXIT
    trap 'die "interrupted"' INT TERM
    ( sleep "$TOTAL_TIMEOUT_S" && kill -TERM $$ 2>/dev/null ) &
    local watchdog=$!
    mkdir -p "$STATE/logs"
    rm -f "$STATE"/writer.log*
    if [[ "${1:-}" == --roles ]]; then
        roles_only "${2:?--roles needs a list}"
        kill "$watchdog" 2>/dev/null || true
        return 0
    fi

    phase "package"
    [[ -f "$DEB" ]] || die "$DEB missing: run make deb first (or set SCORELINE_DEB)"
    cp "$DEB" "$STATE/scoreline.deb"

    phase "hosts"
    "$HERE/hosts.sh" down
    local names=()
    local h
    for h in "${HOSTS[@]}"; do names+=("${h%%=*}"); done
    "$HERE/hosts.sh" up "${HOSTS[@]}"
    make_inventory

    phase "converge (site.yml)"
    playbook converge1 site.yml

    local app1 app2
    app1="https://$(addr_of app1)"
    app2="https://$(addr_of app2)"
    phase "smoke through app1 and app2"
    local out
    out="$(timeout 60 "$HERE/smoke.py" --write "$app1" --stream "$app2")" || die "smoke app1 -> app2"
    say "app1 write, app2 stream: $out"
    local game_id
    game_id="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["game_id"])' "$out")"
    out="$(timeout 60 "$HERE/smoke.py" --write "$app2" --stream "$app1")" || die "smoke app2 -> app1"
    say "app2 write, app1 stream: $out"

    phase "replica has the row"
    local deadline=$((SECONDS + 15)) got=""
    while ((SECONDS < deadline)); do
        got="$(psql_on db2 "SELECT home_score FROM games WHERE id = $game_id" 2>/dev/null || true)"
        [[ "$got" == 2 ]] && break
        sleep 0.5
    done
    [[ "$got" == 2 ]] || die "db2 has no score for game $game_id (got '$got')"
    say "db2: game $game_id home_score=$got; in recovery: $(psql_on db2 'SELECT pg_is_in_recovery()')"

    phase "Prometheus scrapes every target"
    local query='http://127.0.0.1:9090/api/v1/query?query=up' targets=""
    deadline=$((SECONDS + 90))
    while ((SECONDS < deadline)); do
        targets="$(on mon1 curl -fsS "$query" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(" ".join(sorted(m["metric"]["job"] + "@" + m["metric"]["instance"] + "=" + m["value"][1] for m in r)))' || true)"
        # 2 api, 4 sse, 5 node, 2 nginx, 2 postgres targets, every one up.
        if [[ -n "$targets" ]] && [[ "$(wc -w <<<"$targets")" -ge 15 ]] && [[ "$targets" != *"=0"* ]]; then
            break
        fi
        sleep 3
    done
    say "Prometheus on mon1: $targets"
    [[ -n "$targets" && "$(wc -w <<<"$targets")" -ge 15 && "$targets" != *"=0"* ]] ||
        die "not every scrape target is up on mon1: '$targets'"

    phase "second converge changed=0"
    playbook converge2 site.yml
    local changed
    changed="$(recap_changed "$STATE/logs/converge2.log" | paste -sd+ | bc)"
    [[ "$changed" == 0 ]] || die "second converge changed $changed things (log: $STATE/logs/converge2.log)"

    [[ " $DRILLS " == *" restore "* ]] && restore_drill
    [[ " $DRILLS " == *" deploy "* ]] && deploy_drill
    [[ " $DRILLS " == *" failover "* ]] && failover_drill "$app1"
    phase_end
    kill "$watchdog" 2>/dev/null || true
}

# Deploy: first a broken package (its scoreline-api exits at once) that
# deploy.yml must roll back on app1 and stop at, leaving app2 untouched; then
# a newer package (this one with a higher version) rolled out by
# deploy.yml, both while the bench's mix load (bench/http/mix.lua: 90 % reads, 9 %
# score writes, 1 % sign-ins) runs on both app hosts, each wrk inside its
# host's network namespace against that host's own nginx on 127.0.0.1. Passes
# when every request answered 2xx except those a drained host answered 503
# with Retry-After, wrk saw no socket error or timeout, both hosts were
# drained once, and both run the new version, undrained.
deploy_drill() {
    phase "deploy drill (deploy.yml under mix load)"
    command -v wrk >/dev/null || die "wrk missing (apt-get install wrk)"
    local next="$STATE/deploy-next" version
    rm -rf "$next"
    mkdir -p "$next"
    dpkg-deb -R "$STATE/scoreline.deb" "$next/root"
    local old_version broken_version
    old_version="$(sed -n 's/^Version: //p' "$next/root/DEBIAN/control")"
    # dpkg orders old < old+broken1 < old+deploy1.
    broken_version="$old_version+broken1"
    version="$old_version+deploy1"
    cp -a "$next/root" "$next/broken-root"
    sed -i "s/^Version: .*/Version: $version/" "$next/root/DEBIAN/control"
    dpkg-deb -b "$next/root" "$next/scoreline.deb" >/dev/null
    sed -i "s/^Version: .*/Version: $broken_version/" "$next/broken-root/DEBIAN/control"
    printf '#!/bin/sh\necho "scoreline-api: broken on purpose by the converge test" >&2\nexit 1\n' \
        >"$next/broken-root/usr/bin/scoreline-api"
    dpkg-deb -b "$next/broken-root" "$next/broken.deb" >/dev/null

    local pw="$next/password" fixture="$next/fixture.json" email
    email="deploy-$(openssl rand -hex 4)@example.org"
    printf 'Deploy-%s\n' "$(openssl rand -hex 12)" >"$pw"
    nsenter --target "$("$HERE/hosts.sh" pid app1)" --net -- timeout 120 \
        python3 "$REPO/bench/fixture.py" --base-url https://127.0.0.1 --insecure --register \
        --email "$email" --password-file "$pw" --games 8 --out "$fixture" >&2 ||
        die "the deploy drill's fixture failed"
    fx() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(",".join(map(str, v)) if isinstance(v, list) else v)' "$fixture" "$1"; }
    local ids
    ids="$(fx game_ids)"
    LOAD_PIDS=""
    local host i=0
    for host in app1 app2; do
        # Each wrk thread owns one game: app1's four, then app2's four.
        local own
        own="$(cut -d, -f$((i * 4 + 1))-$((i * 4 + 4)) <<<"$ids")"
        nsenter --target "$("$HERE/hosts.sh" pid "$host")" --net -- env \
            BENCH_HTTP_DIR="$REPO/bench/http" BENCH_TOKEN="$(fx token)" BENCH_GAME_IDS="$own" \
            BENCH_STANDINGS_PATH="/api/v1/events/$(fx standings_event_id)/standings" \
            BENCH_SEARCH_PATH="/api/v1/events?q=$(fx search_query)" BENCH_EMAIL="$email" \
            BENCH_PASSWORD_FILE="$pw" BENCH_DRAIN_BACKOFF_MS=100 \
            wrk -t4 -c4 -d600s --timeout 10s -s "$REPO/bench/http/mix.lua" https://127.0.0.1 \
            >"$next/wrk-$host.out" 2>&1 &
        LOAD_PIDS+=" $!"
        i=$((i + 1))
    done
    sleep 5
    local t0=$SECONDS
    PLAYBOOK_EXPECT=fail playbook deploy-broken deploy.yml -e "scoreline_deb_path=$next/broken.deb" \
        -e deploy_ready_retries=10
    local rollback_s=$((SECONDS - t0)) got
    grep -q 'app1 failed its health or smoke test and runs its' "$STATE/logs/deploy-broken.log" ||
        die "deploy.yml of the broken package did not stop on app1's rollback (log: $STATE/logs/deploy-broken.log)"
    for host in app1 app2; do
        got="$(on "$host" dpkg-query -W -f='${Version}' scoreline)"
        [[ "$got" == "$old_version" ]] || die "after the rollback $host runs scoreline $got, not $old_version"
    done
    on app1 test ! -e /run/scoreline-nginx.drain || die "app1 is still drained after the rollback"
    say "deploy: the broken package was rolled back on app1 in ${rollback_s} s; app2 untouched; both run $old_version"
    t0=$SECONDS
    playbook deploy deploy.yml -e "scoreline_deb_path=$next/scoreline.deb"
    local deploy_s=$((SECONDS - t0))
    sleep 5
    local p
    for p in $LOAD_PIDS; do kill -INT "$p" 2>/dev/null || true; done
    for p in $LOAD_PIDS; do wait "$p" || true; done
    LOAD_PIDS=""
    local verdict
    verdict="$(python3 - "$next/wrk-app1.out" "$next/wrk-app2.out" <<'PY'
import json, sys
bad = []
for path in sys.argv[1:]:
    host = path.rsplit("-", 1)[1].split(".")[0]
    lines = [l for l in open(path) if l.startswith("BENCH_JSON ")]
    if not lines:
        bad.append(f"{host}: wrk printed no BENCH_JSON")
        continue
    r = json.loads(lines[-1][len("BENCH_JSON "):])
    stats = r["stats"]
    ok = sum(v for k, v in stats.items() if k.split("_")[1].startswith("2"))
    drained = sum(v for k, v in stats.items() if k.endswith("_503_retry_after"))
    other = {k: v for k, v in stats.items()
             if not k.split("_")[1].startswith("2") and not k.endswith("_503_retry_after")}
    socket = {k: v for k, v in r["errors"].items() if k != "status" and v}
    print(f"{host}: {r['requests']} requests in {r['duration_us'] / 1e6:.0f} s, {ok} 2xx, "
          f"{drained} drained (503 + Retry-After), other statuses {other or 'none'}, "
          f"socket errors {socket or 'none'}, p99 {r['latency_us']['p99'] / 1000:.0f} ms")
    if other or socket:
        bad.append(f"{host}: failed requests {other} {socket}")
    if drained == 0:
        bad.append(f"{host}: never drained")
    if ok == 0:
        bad.append(f"{host}: no successful request")
for b in bad:
    print("FAIL " + b)
sys.exit(1 if bad else 0)
PY
)" || { printf '%s\n' "$verdict" >&2; die "deploy drill: requests failed under load (wrk output in $next)"; }
    printf '%s\n' "$verdict" >&2
    printf '%s\n' "$verdict" | sed 's/^/deploy: /' >"$STATE/deploy.result"
    printf 'rollback_seconds=%s deploy_seconds=%s version=%s\n' "$rollback_s" "$deploy_s" "$version" \
        >>"$STATE/deploy.result"
    for host in app1 app2; do
        local got
        got="$(on "$host" dpkg-query -W -f='${Version}' scoreline)"
        [[ "$got" == "$version" ]] || die "$host runs scoreline $got, not $version"
        on "$host" test ! -e /run/scoreline-nginx.drain || die "$host is still drained"
    done
    say "deploy: deploy.yml took ${deploy_s} s; both app hosts run $version, undrained"
}

# Failover: writes through app1 in the background, the primary's PostgreSQL
# crashed (every process of the cluster SIGKILLed at once: no shutdown
# checkpoint, no last WAL sent; FAILOVER_STOP=clean stops it instead),
# failover.yml promotes db2 and repoints the app hosts, writes succeed
# again. Prints the seconds without a successful write and the acknowledged
# writes db2 lacks (the RPO of asynchronous replication).
failover_drill() {
    local app1="$1"
    phase "failover drill (failover.yml)"
    local log="$STATE/writer.log" event_id
    "$HERE/smoke.py" --writer "$log" --write "$app1" --seconds 600 >"$STATE/writer.out" &
    WRITER_PID=$!
    local deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)) && [[ "$(grep -c ' ok ' "$log" 2>/dev/null || echo 0)" -lt 10 ]]; do
        sleep 0.5
    done
    event_id="$(head -1 "$STATE/writer.out")"
    [[ -n "$event_id" ]] || die "the writer did not start (see $STATE/writer.out)"
    local stop_at
    stop_at="$(date +%s.%N)"
    if [[ "${FAILOVER_STOP:-kill}" == clean ]]; then
        on db1 systemctl stop postgresql@15-main postgresql
    else
        on db1 systemctl kill --signal=SIGKILL postgresql@15-main
    fi
    say "db1: postgresql stopped (${FAILOVER_STOP:-kill}) at $stop_at"
    # failover.yml runs beside the writer: the measurement does not wait for
    # the playbook's last task, and the playbook is bounded on its own.
    FAILOVER_TIMEOUT_S="${FAILOVER_TIMEOUT_S:-180}" playbook failover failover.yml &
    local book=$!
    # Writes are back when one succeeds after one failed after the stop.
    resumed() { awk -v t="$stop_at" '$1 > t && $2 == "fail" { f = 1 } f && $2 == "ok" { r = 1 } END { exit !r }' "$log"; }
    deadline=$((SECONDS + 120))
    while ((SECONDS < deadline)) && ! resumed; do
        sleep 0.5
    done
    sleep 2
    touch "$log.stop"
    wait "$WRITER_PID" || true
    WRITER_PID=""
    resumed || die "no write accepted within 120 s of the primary's stop (see $log)"
    local acked lost gap
    acked="$(grep -c ' ok ' "$log")"
    psql_on db2 "SELECT name FROM teams WHERE event_id = $event_id" | sort >"$STATE/db2-teams"
    lost="$(grep ' ok ' "$log" | awk '{print $3}' | sort | comm -23 - "$STATE/db2-teams" | wc -l)"
    gap="$(awk '$2 == "ok" { if (prev && $1 - prev > gap) gap = $1 - prev; prev = $1 } END { printf "%.1f", gap }' "$log")"
    say "failover: longest time without a successful write ${gap} s; acknowledged writes ${acked}, lost ${lost}"
    printf 'failover_stop=%s failover_seconds_without_writes=%s acknowledged=%s lost=%s\n' \
        "${FAILOVER_STOP:-kill}" "$gap" "$acked" "$lost" >"$STATE/failover.result"
    ((lost == 0)) || say "acknowledged writes lost: $lost (asynchronous replication, see docs/deployment.md RPO)"
    wait "$book" || die "failover.yml failed or passed ${FAILOVER_TIMEOUT_S:-180} s (log: $STATE/logs/failover.log)"
}

# Restore, on db1 while it is the primary: backup.yml takes a full base
# backup, 100 rows are committed, the recovery target time is taken, 50 more
# rows are committed, WAL is switched so the archive has it all, then
# restore.yml restores to the target into a new cluster (port 5433) next to
# the live one. Passes when the new cluster has exactly the 100 rows.
# RPO: rows committed before the target and missing after the restore (with
# the WAL archived, 0; docs/deployment.md gives the bound when a host dies
# before its WAL is archived). RTO: restore.yml's seconds.
restore_drill() {
    phase "restore drill (backup.yml, restore.yml)"
    local primary=db1
    playbook backup backup.yml
    psql_on "$primary" "CREATE TABLE IF NOT EXISTS restore_drill (n int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())"
    psql_on "$primary" "INSERT INTO restore_drill (n) SELECT generate_series(1, 100)"
    sleep 1
    local target
    target="$(psql_on "$primary" "SELECT clock_timestamp()")"
    sleep 1
    psql_on "$primary" "INSERT INTO restore_drill (n) SELECT generate_series(101, 150)"
    psql_on "$primary" "SELECT pg_switch_wal()" >/dev/null
    sleep 2
    local t0=$SECONDS
    playbook restore restore.yml -e "restore_host=$primary" -e "restore_target_time='$target'"
    local rto=$((SECONDS - t0)) restored
    restored="$(on "$primary" runuser -u postgres -- psql -p 5433 -d "$PGDB" -XtAc \
        "SELECT count(*) FILTER (WHERE n <= 100) || ' ' || count(*) FILTER (WHERE n > 100) FROM restore_drill")"
    local before="${restored%% *}" after="${restored##* }"
    say "restore: target $target; restored rows before the target ${before}/100, after it ${after} (must be 0)"
    say "restore: RPO $((100 - before)) committed rows lost at the target; RTO ${rto} s (restore.yml)"
    printf 'restore_rto_seconds=%s rows_lost=%s rows_after_target=%s target=%s\n' \
        "$rto" "$((100 - before))" "$after" "$target" >"$STATE/restore.result"
    [[ "$before" == 100 && "$after" == 0 ]] || die "restore drill: got '$restored' rows (want '100 0')"
    on "$primary" runuser -u postgres -- psql -d "$PGDB" -XtAc "DROP TABLE restore_drill" >/dev/null
}

main "$@"
