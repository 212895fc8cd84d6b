#!/usr/bin/env bash
# checks_test.sh: the small configuration checks of ansible/roles/*/files
# (the roles' validate: scripts) run on good and on broken files; each case
# asserts that the check accepts or refuses the file. The first command of
# `make ansible-lint`.
#   tests/ansible/checks_test.sh
# Prints `ok    <script>: <case>    accept|refuse` a case; exit 0 only if
# every case matched. Needs systemd-analyze (package systemd), awk and sh.
set -euo pipefail

ROLES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../ansible/roles" && pwd)"
command -v systemd-analyze >/dev/null ||
    { echo "checks_test: missing systemd-analyze: apt-get install systemd" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
failed=0

# check accept|refuse SCRIPT CASE [ARG...]: runs ansible/roles/*/files/SCRIPT
# on a file holding stdin, followed by ARGs, and compares its verdict.
check() {
    local expect="$1" script="$2" case="$3" got out
    shift 3
    local path=("$ROLES"/*/files/"$script")
    cat >"$TMP/file"
    if out="$("${path[0]}" "$TMP/file" "$@" 2>&1)"; then got=accept; else got=refuse; fi
    if [[ "$got" == "$expect" ]]; then
        printf 'ok    %s: %s    %s\n' "$script" "$case" "$got"
    else
        printf 'FAIL  %s: %s    %s, expected %s\n' "$script" "$case" "$got" "$expect"
        [[ -z "$out" ]] || printf '%s\n' "$out"
        failed=1
    fi
}

check accept pg-hba-check "local and host lines" <<'EOF'
# comment
local   all         postgres                    peer
host    scoreline   scoreline   10.0.0.0/8      scram-sha-256
EOF
check refuse pg-hba-check "unknown method" <<'EOF'
host    scoreline   scoreline   10.0.0.0/8      scram
EOF
check refuse pg-hba-check "too few fields" <<'EOF'
host    scoreline   scoreline   scram-sha-256
EOF

check accept systemd-unit-check "template unit" 'scoreline-backup@.service' <<'EOF'
[Unit]
Description=backup of type %i
After=postgresql.service

[Service]
Type=oneshot
User=postgres
ExecStart=/bin/true --type=%i backup
EOF
check refuse systemd-unit-check "value it cannot parse" 'scoreline-backup@.service' <<'EOF'
[Service]
Type=oneshot
Nice=high
ExecStart=/bin/true --type=%i backup
EOF
check refuse systemd-unit-check "unknown key" 'scoreline-backup@.service' <<'EOF'
[Service]
Type=oneshot
Stanza=main
ExecStart=/bin/true --type=%i backup
EOF
check refuse systemd-unit-check "missing ExecStart binary" 'scoreline-backup@.service' <<'EOF'
[Service]
Type=oneshot
ExecStart=/nonexistent/pgbackrest --type=%i backup
EOF
check accept systemd-unit-check "timer" scoreline-backup-full.timer <<'EOF'
[Unit]
Description=weekly full backup

[Timer]
OnCalendar=Sun *-*-* 01:00:00
Persistent=true
Unit=scoreline-backup@full.service

[Install]
WantedBy=timers.target
EOF
check refuse systemd-unit-check "timer with a bad OnCalendar" scoreline-backup-full.timer <<'EOF'
[Timer]
OnCalendar=Sunday 25:00
Unit=scoreline-backup@full.service
EOF
check accept systemd-unit-check "drop-in" nginx.service.d/scoreline.conf <<'EOF'
# Managed by Ansible.
[Service]
PIDFile=/run/scoreline-nginx/nginx.pid
EOF
check accept systemd-unit-check "drop-in of a template" 'scoreline-sse@.service.d/ansible.conf' <<'EOF'
[Service]
Environment=SCORELINE_SSE_METRICS_LISTEN=10.0.0.5:%i
EOF
check refuse systemd-unit-check "drop-in's unknown key" prometheus.service.d/scoreline.conf <<'EOF'
[Service]
PrivateUser=no
EOF

check accept systemd-manager-conf-check "[Manager] and a known key" <<'EOF'
# Managed by Ansible.
[Manager]
DefaultLimitNOFILE=1048576
EOF
check refuse systemd-manager-conf-check "unknown key" <<'EOF'
[Manager]
DefaultLimitNOFILES=1048576
EOF
check refuse systemd-manager-conf-check "other section" <<'EOF'
[Service]
LimitNOFILE=1048576
EOF

check accept env-file-check "comments and NAME=value" <<'EOF'
# Managed by Ansible.
DATA_SOURCE_NAME="user=prometheus host=/var/run/postgresql dbname=postgres"

ARGS=""
EOF
check refuse env-file-check "unterminated quote" <<'EOF'
ARGS="--web.listen-address=:9090
EOF
check refuse env-file-check "not NAME=value" <<'EOF'
ARGS="--web.listen-address=:9090"
--storage.tsdb.retention.time=15d
EOF

check accept pgbouncer-userlist-check "user and secret, a ; comment" <<'EOF'
; Managed by Ansible.
"scoreline" "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"
"app" "pass""word"
EOF
check refuse pgbouncer-userlist-check "unquoted user" <<'EOF'
scoreline "secret"
EOF
check refuse pgbouncer-userlist-check "secret missing" <<'EOF'
"scoreline"
EOF
check refuse pgbouncer-userlist-check "a # comment (PgBouncer stops reading there)" <<'EOF'
# Managed by Ansible.
"scoreline" "secret"
EOF
check refuse pgbouncer-userlist-check "unterminated quote" <<'EOF'
"scoreline" "sec"ret"
EOF

[[ "$failed" -eq 0 ]] || { echo "checks_test: FAILED" >&2; exit 1; }
echo "checks_test: all passed"
