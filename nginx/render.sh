#!/usr/bin/env bash
# nginx/render.sh: renders nginx/scoreline.conf.template into a complete
# nginx.conf on stdout, from environment variables. Only the variables listed
# below are substituted, so nginx's own $variables pass through untouched.
#
# Required:
#   MODE          local | production (production adds OCSP stapling)
#   RUN_DIR       absolute nginx prefix: nginx.pid, logs/, tmp/ (logs/ and tmp/ must exist)
#   HTTPS_PORT    TLS port (HTTP/2 + HTTP/1.1)
#   HTTP_PORT     plain HTTP port; answers 301 to https://<first SERVER_NAME>[:HTTPS_PORT]
#   TLS_CERT      absolute path of the certificate chain (PEM)
#   TLS_KEY       absolute path of the private key (PEM)
#   API_UPSTREAM  scoreline-api FastCGI address: unix:/abs/path.sock or HOST:PORT
#   WWW_ROOT      absolute path of the web UI folder (nginx/www)
# Optional:
#   LISTEN_HOST        address to listen on (default 127.0.0.1; IPv6 as [::])
#   SERVER_NAME        server_name (default localhost; several names space-separated);
#                      the first one is where plain HTTP redirects, so it must be a
#                      plain host name or address (no wildcard, regex or _)
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
#   Rate limits per client address (docs/edge.md says why these defaults).
#   A rate is Nr/s or Nr/m; a burst is a count of requests:
#   API_RATE, API_BURST      every /api/ request (default 20r/s, burst 40, nodelay)
#   AUTH_RATE, AUTH_BURST    /api/v1/auth/*, on top of the API limits
#                            (default 10r/m, burst 10, nodelay)
#   WRITE_RATE, WRITE_BURST  POST/PUT/PATCH/DELETE (every method but GET, HEAD,
#                            OPTIONS) on the API (default 10r/s, burst 20, nodelay)
#   STREAM_RATE, STREAM_BURST  stream connects, instead of the API limits; past the
#                            rate they wait (no nodelay), past the burst they get 429
#                            (default 10r/s, burst SSE_CONN_PER_IP)
#   The Retry-After of nginx's 429 is derived: the seconds until the limits of
#   the route class admit a request again (ceil(1/rate), the slowest zone).
#   API_CONN_PER_IP    API requests in progress at once per client address (slow
#                      request bodies included; streams not counted, see
#                      SSE_CONN_PER_IP); past it nginx answers 429 (default 50)
#   API_BODY_MAX       largest request body on /api/ (default 1m; nginx size: N, Nk or Nm)
#   AUTH_BODY_MAX      largest request body on /api/v1/auth/ (default 16k)
#   TRUSTED_PROXIES    addresses or CIDRs (comma- or space-separated) whose
#                      X-Request-ID is kept when it matches ^[0-9A-Fa-f-]{8,64}$;
#                      default empty: every request gets nginx's $request_id
#   CORS_ORIGINS       origins allowed to call the API from a browser, exact
#                      scheme://host[:port], comma- or space-separated; default
#                      empty: CORS off, no Access-Control-* header at all
#   MONITORING_ALLOW   addresses or CIDRs (comma- or space-separated) that may
#                      read /metrics and /status (Prometheus, the status page);
#                      default "127.0.0.1 ::1"; everyone else gets 403
#                      problem+json. The whole list: name loopback too when a
#                      local scraper or health check needs it
#   DRAIN_FILE         while this file exists the host is drained: every API,
#                      stream and /readyz request gets 503 problem+json with
#                      Retry-After (deploy.yml creates it before a restart;
#                      docs/deployment.md "Upgrade"); default RUN_DIR/drain
#   DRAIN_RETRY_AFTER  seconds in the Retry-After of a 503 (default 5)
#   STATUS_PORT        a port on 127.0.0.1 with nginx's stub_status at
#                      /nginx_status (prometheus-nginx-exporter) and /readyz of
#                      this host's API, which answers there while drained;
#                      default empty: no such server
#   MICROCACHE_TTL     seconds an anonymous public read (GET/HEAD of an event, its
#                      teams, games and standings, the event list, a game and its
#                      history; no Authorization, no Cookie) stays in nginx's
#                      micro-cache: N or Ns, 1..60 (default 1s); 0 or off: no
#                      cache at all. Anonymous readers may see data up to this
#                      old (docs/edge.md); signed-in requests always reach the API
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
    SSE_CONN_PER_IP SSE_READ_TIMEOUT BENCH_ROUTES API_RATE API_BURST AUTH_RATE AUTH_BURST
    WRITE_RATE WRITE_BURST STREAM_RATE STREAM_BURST API_RETRY_AFTER AUTH_RETRY_AFTER
    API_CONN_PER_IP REDIRECT_HOST
    API_BODY_MAX AUTH_BODY_MAX API_BODY_MAX_BYTES AUTH_BODY_MAX_BYTES TRUSTED_PROXIES
    TRUSTED_PROXY_LINES CORS_ORIGINS CORS_ORIGIN_LINES MICROCACHE MICROCACHE_TTL
    MONITORING_ALLOW MONITORING_ALLOW_LINES DRAIN_FILE DRAIN_RETRY_AFTER STATUS_PORT)

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

# A limit_req rate: Nr/s or Nr/m.
check_rate() {
    local name="$1"
    local value="${!name}"
    [[ "$value" =~ ^[1-9][0-9]{0,5}r/[sm]$ ]] ||
        fail "$name='$value' must be a rate such as 20r/s or 10r/m"
}

check_count() {
    local name="$1"
    local value="${!name}"
    [[ "$value" =~ ^(0|[1-9][0-9]{0,5})$ ]] || fail "$name='$value' must be a number 0..999999"
}

# An IPv4 or IPv6 address, or a CIDR of either (10.0.0.0/8, fd00::/8).
is_address_or_cidr() {
    local value="$1" octet
    if [[ "$value" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(/([0-9]|[12][0-9]|3[0-2]))?$ ]]; then
        for octet in "${BASH_REMATCH[@]:1:4}"; do
            ((10#$octet <= 255)) || return 1
        done
        return 0
    fi
    [[ "$value" =~ ^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?$ ]]
}

# An nginx size (N, Nk, Nm) below 1 GiB.
check_size() {
    local name="$1"
    local value="${!name}"
    [[ "$value" =~ ^[1-9][0-9]{0,2}[mM]$ || "$value" =~ ^[1-9][0-9]{0,5}[kK]?$ ]] ||
        fail "$name='$value' must be an nginx size below 1 GiB such as 16k or 1m"
}

# Bytes of an nginx size that check_size accepted.
size_bytes() {
    local value="$1" n="${1%[kKmM]}"
    case "$value" in
        *[kK]) echo $((10#$n * 1024)) ;;
        *[mM]) echo $((10#$n * 1024 * 1024)) ;;
        *) echo $((10#$n)) ;;
    esac
}

# Seconds until a zone with this rate admits one more request: ceil(1/rate).
rate_wait_seconds() {
    local rate="$1" n="${1%r/*}"
    if [[ "$rate" == *r/m ]]; then
        echo $(((60 + 10#$n - 1) / 10#$n))
    else
        echo 1
    fi
}

max_of() {
    local m=0 v
    for v in "$@"; do
        ((v > m)) && m=$v
    done
    echo "$m"
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
    : "${API_RATE:=20r/s}" "${API_BURST:=40}" "${AUTH_RATE:=10r/m}" "${AUTH_BURST:=10}"
    : "${WRITE_RATE:=10r/s}" "${WRITE_BURST:=20}" "${STREAM_RATE:=10r/s}"
    : "${STREAM_BURST:=$SSE_CONN_PER_IP}" "${API_CONN_PER_IP:=50}"
    : "${API_BODY_MAX:=1m}" "${AUTH_BODY_MAX:=16k}" "${TRUSTED_PROXIES:=}" "${CORS_ORIGINS:=}"
    : "${MICROCACHE_TTL:=1s}" "${MONITORING_ALLOW:=127.0.0.1 ::1}"
    : "${DRAIN_FILE:=$RUN_DIR/drain}" "${DRAIN_RETRY_AFTER:=5}" "${STATUS_PORT:=}"

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
    check_abs_path DRAIN_FILE
    [[ "$DRAIN_RETRY_AFTER" =~ ^[1-9][0-9]{0,3}$ ]] ||
        fail "DRAIN_RETRY_AFTER='$DRAIN_RETRY_AFTER' must be seconds, 1..9999"
    if [[ -n "$STATUS_PORT" ]]; then
        check_port STATUS_PORT
    fi
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
    # Plain HTTP redirects to the first name, so it must be one host.
    REDIRECT_HOST="${SERVER_NAME%% *}"
    if ! [[ "$REDIRECT_HOST" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ||
        "$REDIRECT_HOST" =~ ^\[[0-9A-Fa-f:.]+\]$ ]]; then
        fail "SERVER_NAME: its first name '$REDIRECT_HOST' is where plain HTTP redirects;" \
            "it must be a host name or an address (no wildcard, regex or _)"
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
    # nginx's limit_conn takes at most 65535.
    [[ "$API_CONN_PER_IP" =~ ^[1-9][0-9]{0,4}$ && "$API_CONN_PER_IP" -le 65535 ]] ||
        fail "API_CONN_PER_IP='$API_CONN_PER_IP' must be a number 1..65535"
    [[ "$SSE_READ_TIMEOUT" =~ ^[1-9][0-9]*(ms|s|m|h|d)?$ ]] ||
        fail "SSE_READ_TIMEOUT='$SSE_READ_TIMEOUT' must be an nginx time such as 3600s or 1h"
    local sse
    for sse in ${SSE_UPSTREAMS//,/ }; do
        if ! [[ "$sse" =~ ^unix:/[A-Za-z0-9/._+-]+$ || "$sse" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ||
            "$sse" =~ ^\[[0-9A-Fa-f:]+\]:[0-9]+$ ]]; then
            fail "SSE_UPSTREAMS: '$sse' must be unix:/abs/path.sock or HOST:PORT"
        fi
    done
    for name in API_RATE AUTH_RATE WRITE_RATE STREAM_RATE; do
        check_rate "$name"
    done
    for name in API_BURST AUTH_BURST WRITE_BURST STREAM_BURST; do
        check_count "$name"
    done
    check_size API_BODY_MAX
    check_size AUTH_BODY_MAX
    local proxy
    for proxy in ${TRUSTED_PROXIES//,/ }; do
        if ! [[ "$proxy" =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}(/([0-9]|[12][0-9]|3[0-2]))?$ ||
            "$proxy" =~ ^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?$ ]]; then
            fail "TRUSTED_PROXIES: '$proxy' must be an IPv4 or IPv6 address or CIDR (10.0.0.0/8)"
        fi
    done
    local monitor
    for monitor in ${MONITORING_ALLOW//,/ }; do
        is_address_or_cidr "$monitor" ||
            fail "MONITORING_ALLOW: '$monitor' must be an IPv4 or IPv6 address or CIDR (10.0.0.0/8)"
    done
    local origin
    for origin in ${CORS_ORIGINS//,/ }; do
        [[ "$origin" =~ ^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$ ]] ||
            fail "CORS_ORIGINS: '$origin' must be an origin in lower case, scheme://host[:port] without a path (https://app.example.org)"
    done
    if [[ "$MICROCACHE_TTL" =~ ^[0-9]{1,2}s?$ ]]; then
        ((10#${MICROCACHE_TTL%s} <= 60)) ||
            fail "MICROCACHE_TTL='$MICROCACHE_TTL' must be at most 60 seconds (or 0 or off)"
    elif [[ "$MICROCACHE_TTL" != "off" ]]; then
        fail "MICROCACHE_TTL='$MICROCACHE_TTL' must be seconds 1..60 (N or Ns), or 0 or off"
    fi
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
    # geo lines of the trusted proxies and map lines of the CORS origins,
    # indented for their blocks.
    TRUSTED_PROXY_LINES=""
    for proxy in ${TRUSTED_PROXIES//,/ }; do
        TRUSTED_PROXY_LINES+="${TRUSTED_PROXY_LINES:+$'\n'        }$proxy 1;"
    done
    # allow lines of the monitoring networks, indented for their locations.
    MONITORING_ALLOW_LINES=""
    for monitor in ${MONITORING_ALLOW//,/ }; do
        MONITORING_ALLOW_LINES+="${MONITORING_ALLOW_LINES:+$'\n'            }allow $monitor;"
    done
    CORS_ORIGIN_LINES=""
    for origin in ${CORS_ORIGINS//,/ }; do
        CORS_ORIGIN_LINES+="${CORS_ORIGIN_LINES:+$'\n'        }\"$origin\" \$http_origin;"
    done
    # A route class's Retry-After: its slowest zone's wait for one request.
    API_RETRY_AFTER="$(max_of "$(rate_wait_seconds "$API_RATE")" "$(rate_wait_seconds "$WRITE_RATE")")"
    # shellcheck disable=SC2034
    AUTH_RETRY_AFTER="$(max_of "$API_RETRY_AFTER" "$(rate_wait_seconds "$AUTH_RATE")")"
    # The 413 bodies name the limit in bytes.
    # shellcheck disable=SC2034
    API_BODY_MAX_BYTES="$(size_bytes "$API_BODY_MAX")"
    # shellcheck disable=SC2034
    AUTH_BODY_MAX_BYTES="$(size_bytes "$AUTH_BODY_MAX")"
    # The micro-cache: MICROCACHE non-empty turns it on, with the TTL in
    # nginx's seconds form; 0 and off leave no cache line at all.
    MICROCACHE=""
    if [[ "$MICROCACHE_TTL" != "off" ]] && ((10#${MICROCACHE_TTL%s} > 0)); then
        # shellcheck disable=SC2034
        MICROCACHE=1
        MICROCACHE_TTL="$((10#${MICROCACHE_TTL%s}))s"
    fi
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
        # The header comment: line 2 up to the line before `set -euo pipefail`.
        sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d'
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
