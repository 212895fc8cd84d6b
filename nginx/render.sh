#!/usr/bin/env bash
# nginx/render.sh: renders nginx/scoreline.conf.template into a complete
# nginx.conf on stdout, from environment variables. Only the variables listed
# below are substituted, so nginx's own $variables pass through untouched.
#
# Required:
#   MODE          local | production (production adds OCSP stapling)
#   RUN_DIR       absolute nginx prefix: nginx.pid, logs/, tmp/ (logs/ and tmp/ must exist)
#   HTTPS_PORT    TLS port (HTTP/2 + HTTP/1.1)
#   HTTP_PORT     plain HTTP port; answers 301 to https
#   TLS_CERT      absolute path of the certificate chain (PEM)
#   TLS_KEY       absolute path of the private key (PEM)
#   API_UPSTREAM  scoreline-api FastCGI address: unix:/abs/path.sock or HOST:PORT
#   WWW_ROOT      absolute path of the web UI folder (nginx/www)
# Optional:
#   LISTEN_HOST        address to listen on (default 127.0.0.1; IPv6 as [::])
#   SERVER_NAME        server_name (default localhost; several names space-separated)
#   NGINX_USER         emit `user NGINX_USER;` (only meaningful when nginx starts as root)
#   WORKER_PROCESSES   default auto
#   WORKER_CONNECTIONS default 4096
#   ERROR_LOG_LEVEL    debug|info|notice|warn|error|crit|alert|emerg (default warn)
#   TLS_TRUSTED_CERT   production: issuer chain for OCSP stapling (default TLS_CERT)
#   RESOLVER           production: DNS servers for OCSP (default: /etc/resolv.conf's)
#   WORKER_RLIMIT_NOFILE  open files per worker (default 2*WORKER_CONNECTIONS+64,
#                      at most the hard limit `ulimit -Hn` reports here)
#   SSE_UPSTREAMS      scoreline-sse addresses, comma- or space-separated, each
#                      unix:/abs/path.sock or HOST:PORT; set: the stream routes
#                      (/api/v1/events/{id}/stream, /api/v1/stream, /api/v1/admin/stream)
#                      go to them (least_conn); unset: no stream routes
#   SSE_CONN_PER_IP    open streams per client address through nginx (default 100)
#   SSE_READ_TIMEOUT   proxy_read_timeout of streams (default 1h; heartbeats keep them alive)
#   BENCH_ROUTES       1: add GET /_bench/static, nginx answering a fixed JSON body
#                      itself (bench/'s reference ceiling); never set in production
#
# Example:
#   MODE=local RUN_DIR=$PWD/.run/nginx HTTPS_PORT=8443 HTTP_PORT=8080 \
#   TLS_CERT=$PWD/.run/tls/cert.pem TLS_KEY=$PWD/.run/tls/key.pem \
#   API_UPSTREAM=unix:$PWD/.run/api.sock WWW_ROOT=$PWD/nginx/www \
#   nginx/render.sh > nginx.conf && nginx -t -p "$RUN_DIR" -c "$PWD/nginx.conf"
set -euo pipefail

TEMPLATE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/scoreline.conf.template"
readonly TEMPLATE

readonly REQUIRED_VARS=(MODE RUN_DIR HTTPS_PORT HTTP_PORT TLS_CERT TLS_KEY API_UPSTREAM WWW_ROOT)
# Every name the template may use: the inputs plus the values derived below.
readonly TEMPLATE_VARS=("${REQUIRED_VARS[@]}" LISTEN_HOST SERVER_NAME NGINX_USER
    WORKER_PROCESSES WORKER_CONNECTIONS WORKER_RLIMIT_NOFILE ERROR_LOG_LEVEL
    TLS_TRUSTED_CERT RESOLVER HTTPS_PORT_SUFFIX SSE_UPSTREAMS SSE_UPSTREAM_SERVERS
    SSE_CONN_PER_IP SSE_READ_TIMEOUT BENCH_ROUTES)

errors=()
fail() { errors+=("$*"); }

die() {
    printf 'render.sh: error: %s\n' "$@" >&2
    exit 1
}

# A value that lands inside nginx.conf unquoted: no whitespace, quotes,
# semicolons, braces, '#' or '$'.
check_token() {
    local name="$1" value="$2"
    if [[ "$value" =~ [[:space:]\'\"\;\{\}\#\$\\] ]]; then
        fail "$name='$value' must not contain whitespace, quotes, ';', '{', '}', '#', '\$' or '\\'"
    fi
}

check_abs_path() {
    local name="$1"
    local value="${!name}"
    check_token "$name" "$value"
    [[ "$value" == /* ]] || fail "$name='$value' must be an absolute path"
}

check_port() {
    local name="$1"
    local value="${!name}"
    if ! [[ "$value" =~ ^[0-9]+$ ]] || ((10#$value < 1 || 10#$value > 65535)); then
        fail "$name='$value' must be a port number 1..65535"
    fi
}

# Nameservers from /etc/resolv.conf, IPv6 ones bracketed as nginx wants them.
system_resolvers() {
    local servers=() kw addr
    if [[ -r /etc/resolv.conf ]]; then
        while read -r kw addr _; do
            [[ "$kw" == "nameserver" && -n "$addr" ]] || continue
            [[ "$addr" == *:* ]] && addr="[$addr]"
            servers+=("$addr")
        done </etc/resolv.conf
    fi
    printf '%s' "${servers[*]:-}"
}

validate_and_derive() {
    local name missing=()
    for name in "${REQUIRED_VARS[@]}"; do
        [[ -n "${!name:-}" ]] || missing+=("$name")
    done
    if [[ ${#missing[@]} -ne 0 ]]; then
        die "required variable(s) not set: ${missing[*]} (see the header of $0 for what each means)"
    fi

    : "${LISTEN_HOST:=127.0.0.1}" "${SERVER_NAME:=localhost}" "${NGINX_USER:=}"
    : "${WORKER_PROCESSES:=auto}" "${WORKER_CONNECTIONS:=4096}" "${ERROR_LOG_LEVEL:=warn}"
    : "${TLS_TRUSTED_CERT:=$TLS_CERT}" "${RESOLVER:=}"
    : "${SSE_UPSTREAMS:=}" "${SSE_CONN_PER_IP:=100}" "${SSE_READ_TIMEOUT:=1h}"
    : "${BENCH_ROUTES:=}"
    : "${WORKER_RLIMIT_NOFILE:=}"

    [[ "$MODE" == "local" || "$MODE" == "production" ]] ||
        fail "MODE='$MODE' must be 'local' or 'production'"
    [[ -z "$BENCH_ROUTES" || "$BENCH_ROUTES" == 0 || "$BENCH_ROUTES" == 1 ]] ||
        fail "BENCH_ROUTES='$BENCH_ROUTES' must be 0 or 1"
    [[ "$MODE" != "production" || "$BENCH_ROUTES" != 1 ]] ||
        fail "BENCH_ROUTES=1 is for bench/ on a local stack, not for MODE=production"
    check_abs_path RUN_DIR
    check_abs_path TLS_CERT
    check_abs_path TLS_KEY
    check_abs_path WWW_ROOT
    check_abs_path TLS_TRUSTED_CERT
    check_port HTTPS_PORT
    check_port HTTP_PORT
    [[ "$HTTPS_PORT" != "$HTTP_PORT" ]] || fail "HTTPS_PORT and HTTP_PORT are both $HTTP_PORT"
    check_token LISTEN_HOST "$LISTEN_HOST"
    check_token API_UPSTREAM "$API_UPSTREAM"
    if ! [[ "$API_UPSTREAM" =~ ^unix:/ || "$API_UPSTREAM" =~ ^[^/:]+:[0-9]+$ ||
        "$API_UPSTREAM" =~ ^\[[0-9A-Fa-f:]+\]:[0-9]+$ ]]; then
        fail "API_UPSTREAM='$API_UPSTREAM' must be unix:/abs/path.sock or HOST:PORT"
    fi
    if [[ "$SERVER_NAME" =~ [\'\"\;\{\}\#\$\\] || "$SERVER_NAME" =~ [[:space:]]{2} ]]; then
        fail "SERVER_NAME='$SERVER_NAME' must be host names separated by single spaces"
    fi
    if [[ -n "$NGINX_USER" ]] && ! [[ "$NGINX_USER" =~ ^[a-z_][a-z0-9_-]*$ ]]; then
        fail "NGINX_USER='$NGINX_USER' is not a valid user name"
    fi
    [[ "$WORKER_PROCESSES" == "auto" || "$WORKER_PROCESSES" =~ ^[1-9][0-9]*$ ]] ||
        fail "WORKER_PROCESSES='$WORKER_PROCESSES' must be 'auto' or a positive number"
    [[ "$WORKER_CONNECTIONS" =~ ^[1-9][0-9]*$ ]] ||
        fail "WORKER_CONNECTIONS='$WORKER_CONNECTIONS' must be a positive number"
    [[ -z "$WORKER_RLIMIT_NOFILE" || "$WORKER_RLIMIT_NOFILE" =~ ^[1-9][0-9]*$ ]] ||
        fail "WORKER_RLIMIT_NOFILE='$WORKER_RLIMIT_NOFILE' must be a positive number"
    [[ "$SSE_CONN_PER_IP" =~ ^[1-9][0-9]*$ ]] ||
        fail "SSE_CONN_PER_IP='$SSE_CONN_PER_IP' must be a positive number"
    [[ "$SSE_READ_TIMEOUT" =~ ^[1-9][0-9]*(ms|s|m|h|d)?$ ]] ||
        fail "SSE_READ_TIMEOUT='$SSE_READ_TIMEOUT' must be an nginx time such as 3600s or 1h"
    local sse
    for sse in ${SSE_UPSTREAMS//,/ }; do
        if ! [[ "$sse" =~ ^unix:/[A-Za-z0-9/._+-]+$ || "$sse" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ||
            "$sse" =~ ^\[[0-9A-Fa-f:]+\]:[0-9]+$ ]]; then
            fail "SSE_UPSTREAMS: '$sse' must be unix:/abs/path.sock or HOST:PORT"
        fi
    done
    case "$ERROR_LOG_LEVEL" in
        debug | info | notice | warn | error | crit | alert | emerg) ;;
        *) fail "ERROR_LOG_LEVEL='$ERROR_LOG_LEVEL' must be one of debug info notice warn error crit alert emerg" ;;
    esac

    if [[ "$MODE" == "production" ]]; then
        [[ -n "$RESOLVER" ]] || RESOLVER="$(system_resolvers)"
        [[ -n "$RESOLVER" ]] ||
            fail "RESOLVER is not set and /etc/resolv.conf names no nameserver (needed for OCSP stapling)"
        if [[ "$RESOLVER" =~ [\'\"\;\{\}\#\$\\] ]]; then
            fail "RESOLVER='$RESOLVER' must be addresses separated by spaces"
        fi
    fi

    if [[ ${#errors[@]} -ne 0 ]]; then
        die "${errors[@]}"
    fi

    # Derived values, read by the template through render_template's export.
    # A socket per connection on both sides of a proxied request, plus files:
    # shellcheck disable=SC2034
    if [[ -z "$WORKER_RLIMIT_NOFILE" ]]; then
        WORKER_RLIMIT_NOFILE=$((WORKER_CONNECTIONS * 2 + 64))
        # nginx cannot raise its workers' limit past the hard limit (it is
        # fixed on some machines, even for root); ask for no more than that.
        local hard
        hard="$(ulimit -Hn)"
        if [[ "$hard" =~ ^[0-9]+$ ]] && ((WORKER_RLIMIT_NOFILE > hard)); then
            WORKER_RLIMIT_NOFILE=$hard
        fi
    fi
    # One `server` line per scoreline-sse process, indented for the upstream block.
    SSE_UPSTREAM_SERVERS=""
    for sse in ${SSE_UPSTREAMS//,/ }; do
        SSE_UPSTREAM_SERVERS+="${SSE_UPSTREAM_SERVERS:+$'\n'        }server $sse max_fails=1 fail_timeout=2s;"
    done
    # The redirect target keeps a non-default HTTPS port (local stack: :8443):
    HTTPS_PORT_SUFFIX=""
    # shellcheck disable=SC2034
    [[ "$HTTPS_PORT" == "443" ]] || HTTPS_PORT_SUFFIX=":$HTTPS_PORT"
}

# Expands the template: conditionals, snippets, @NAME@ markers. The values come
# from the environment of awk; RENDER_VARS lists the names it may substitute.
render_template() {
    local name
    for name in "${TEMPLATE_VARS[@]}"; do
        export "${name?}"
    done
    RENDER_VARS="${TEMPLATE_VARS[*]}" awk '
        function fatal(msg) {
            printf "render.sh: error: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
            failed = 1
            exit 1
        }
        function cond_true(c,    neg, eq, name, want) {
            neg = 0
            if (substr(c, 1, 1) == "!") { neg = 1; c = substr(c, 2) }
            eq = index(c, "=")
            if (eq > 0) {
                name = substr(c, 1, eq - 1); want = substr(c, eq + 1)
                if (!(name in allowed)) fatal("unknown variable in ##if: " name)
                return neg ? ENVIRON[name] != want : ENVIRON[name] == want
            }
            if (!(c in allowed)) fatal("unknown variable in ##if: " c)
            return neg ? ENVIRON[c] == "" : ENVIRON[c] != ""
        }
        function active(    i) {
            for (i = 1; i <= depth; i++) if (!keep[i]) return 0
            return 1
        }
        function substitute(line,    i, name, marker, out, rest, pos) {
            for (i = 1; i <= nvars; i++) {
                name = vars[i]; marker = "@" name "@"
                out = ""; rest = line
                while ((pos = index(rest, marker)) > 0) {
                    out = out substr(rest, 1, pos - 1) ENVIRON[name]
                    rest = substr(rest, pos + length(marker))
                }
                line = out rest
            }
            return line
        }
        # One template line (or a line of an inserted snippet, with indent).
        function emit(line, indent,    t, word, rest, pad, j) {
            t = line; sub(/^[ \t]+/, "", t)
            if (substr(t, 1, 2) == "##") {
                word = t; sub(/[ \t].*$/, "", word)
                rest = t; sub(/^[^ \t]*[ \t]*/, "", rest); sub(/[ \t]+$/, "", rest)
                if (word == "##if") { depth++; keep[depth] = cond_true(rest); return }
                if (word == "##else") {
                    if (depth == 0) fatal("##else without ##if")
                    keep[depth] = !keep[depth]; return
                }
                if (word == "##endif") {
                    if (depth == 0) fatal("##endif without ##if")
                    depth--; return
                }
                if (word == "##insert") {
                    if (!active()) return
                    if (!(rest in snippet_len)) fatal("unknown snippet: " rest)
                    match(line, /^[ \t]*/)
                    pad = indent substr(line, 1, RLENGTH)  # before emit() reuses RLENGTH
                    for (j = 1; j <= snippet_len[rest]; j++)
                        emit(snippet[rest, j], pad)
                    return
                }
                return  # a template comment
            }
            if (!active()) return
            line = substitute(line)
            if (match(line, /@[A-Z][A-Z0-9_]*@/))
                fatal("unknown marker " substr(line, RSTART, RLENGTH))
            if (line == "") print ""
            else print indent line
        }
        BEGIN {
            nvars = split(ENVIRON["RENDER_VARS"], vars, " ")
            for (i = 1; i <= nvars; i++) allowed[vars[i]] = 1
        }
        # Pass 1: collect the snippets.
        FNR == NR {
            t = $0; sub(/^[ \t]+/, "", t)
            if (t ~ /^##snippet[ \t]/) { cur = t; sub(/^##snippet[ \t]+/, "", cur); sub(/[ \t]+$/, "", cur); snippet_len[cur] = 0; next }
            if (t ~ /^##endsnippet/) { cur = ""; next }
            if (cur != "") snippet[cur, ++snippet_len[cur]] = $0
            next
        }
        # Pass 2: everything outside snippet definitions.
        {
            t = $0; sub(/^[ \t]+/, "", t)
            if (t ~ /^##snippet[ \t]/) { in_def = 1; next }
            if (t ~ /^##endsnippet/) { in_def = 0; next }
            if (in_def) next
            emit($0, "")
        }
        END {
            if (failed) exit 1
            if (depth != 0) { printf "render.sh: error: unterminated ##if\n" > "/dev/stderr"; exit 1 }
        }
    ' "$TEMPLATE" "$TEMPLATE"
}

main() {
    if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
        sed -n '2,37p' "$0"
        return 0
    fi
    [[ $# -eq 0 ]] || die "no arguments expected; settings come from the environment (try --help)"
    [[ -r "$TEMPLATE" ]] || die "template not found: $TEMPLATE"
    validate_and_derive
    # Render fully before printing anything, so a failure leaves no half file.
    local out
    out="$(render_template)" || die "rendering $TEMPLATE failed"
    printf '%s\n' "$out"
}

main "$@"
