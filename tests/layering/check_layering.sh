#!/usr/bin/env bash
# The layering of workers/ (docs/architecture.md, "Layers and the domain error
# language"), checked on every quoted #include:
#   domain/            pure logic: includes only domain/ (and system headers)
#   services and       accounts/, audit/, events/, games/ and every
#   repositories       *_service.* / *_repository.* file: never http/, the
#                      handlers, or the request plumbing (context, router,
#                      worker, fcgi_exchange, api_config); they throw
#                      domain::Refusal and the handler layer maps it to HTTP
#   audit/             below every other module: includes none of accounts/,
#                      events/, games/
#   accounts/          includes neither events/ nor games/
#   events/, games/    do not include accounts/ (handlers authenticate)
# Usage: check_layering.sh WORKERS_DIR   (exit 1 and one line per violation)
#        check_layering.sh --self-test   (plants violations in a temporary
#                                         tree and fails unless each is found)
set -euo pipefail

plumbing='^(context|router|routes|worker|master|fcgi_exchange|api_config)\.hpp$'

# Prints "file:line: include "x" -- why" for every violation under $1.
violations() {
    local root=$1
    (cd "$root" && grep -rnE --include='*.hpp' --include='*.cpp' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' .) |
        sed -E 's|^\./||; s|^([^:]*):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*$|\1 \2 \3|' |
        while read -r file line inc; do
            local why=""
            local base=${file##*/}
            local service=0
            case "$file" in
                accounts/* | audit/* | events/* | games/*) service=1 ;;
            esac
            case "$base" in
                *_service.* | *_repository.*) service=1 ;;
            esac
            if [[ $file == domain/* && $inc != domain/* ]]; then
                why="domain/ is pure and includes only domain/"
            elif ((service)) && [[ $inc == http/* ]]; then
                why="a service or repository must not include http/ (throw domain::Refusal)"
            elif ((service)) && [[ $inc == handlers/* || ($inc == demo/* && $file != demo/*) ]]; then
                why="a service or repository must not include the handler layer"
            elif ((service)) && [[ $inc =~ $plumbing ]]; then
                why="a service or repository must not see the request plumbing"
            elif [[ $file == audit/* && $inc =~ ^(accounts|events|games)/ ]]; then
                why="audit/ is below every other module"
            elif [[ $file == accounts/* && $inc =~ ^(events|games)/ ]]; then
                why="accounts/ does not depend on the tournament modules"
            elif [[ $file =~ ^(events|games)/ && $inc == accounts/* ]]; then
                why="the tournament modules get the principal, not accounts/"
            fi
            if [[ -n $why ]]; then
                echo "$file:$line: include \"$inc\" -- $why"
            fi
        done
}

self_test() {
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp"/{domain,events,games,accounts,audit,handlers}
    printf '#include "domain/refusal.hpp"\n' >"$tmp/domain/ok.hpp"
    printf '#include "http/problem.hpp"\n#include "domain/refusal.hpp"\n' >"$tmp/handlers/ok.cpp"
    printf '#include "db/connection.hpp"\n' >"$tmp/domain/bad.hpp"
    printf '#include "http/problem.hpp"\n' >"$tmp/events/bad_service.cpp"
    printf '  #  include "http/message.hpp"\n' >"$tmp/games/bad_repository.hpp"
    printf '#include "context.hpp"\n' >"$tmp/accounts/bad.cpp"
    printf '#include "games/x.hpp"\n' >"$tmp/audit/bad.cpp"
    printf '#include "handlers/x.hpp"\n' >"$tmp/events/bad2.cpp"
    local found
    found=$(violations "$tmp")
    local expected=(domain/bad.hpp events/bad_service.cpp games/bad_repository.hpp
        accounts/bad.cpp audit/bad.cpp events/bad2.cpp)
    local ok=1
    for f in "${expected[@]}"; do
        if ! grep -q "^$f:" <<<"$found"; then
            echo "self-test: the violation planted in $f was not found" >&2
            ok=0
        fi
    done
    if grep -qE '^(domain/ok|handlers/ok)' <<<"$found"; then
        echo "self-test: an allowed include was reported" >&2
        ok=0
    fi
    ((ok)) && echo "self-test: every planted violation found"
    ((ok))
}

if [[ ${1:-} == --self-test ]]; then
    self_test
    exit $?
fi
root=${1:?usage: check_layering.sh WORKERS_DIR | --self-test}
found=$(violations "$root")
if [[ -n $found ]]; then
    echo "$found"
    echo "layering: $(wc -l <<<"$found") violation(s); see docs/architecture.md" >&2
    exit 1
fi
echo "layering: no violation under $root"
