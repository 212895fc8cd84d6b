#!/usr/bin/env bash
# The layering of workers/ (docs/architecture.md, "Layers and the domain error
# language" and "Module map of workers/"), checked on every quoted #include:
#   domain/            pure logic: includes only domain/ (and system headers)
#   handlers           handlers/ and every *_handler.* file (each tournament
#                      module keeps its routes there): the edge, above all
#   services and       accounts/, audit/, the tournament modules below (but
#   repositories       their *_handler.* files) and every *_service.* /
#                      *_repository.* file: never http/, a handler, or the
#                      request plumbing (context, router,
#                      worker, fcgi_exchange, api_config); they throw
#                      domain::Refusal and the handler layer maps it to HTTP
#   audit/             below every other module: includes none of accounts/
#                      or the tournament modules
#   accounts/          includes no tournament module
#   tournament modules do not include accounts/ (handlers authenticate);
#                      they form a DAG, each including only modules earlier in
#                      $order, except that any of them may include a data-layer
#                      file (*_repository.*, *_view.*) of any module, and a
#                      data-layer file includes no other module's file but
#                      data-layer files
# Usage: check_layering.sh WORKERS_DIR   (exit 1 and one line per violation)
#        check_layering.sh --self-test   (plants violations in a temporary
#                                         tree and fails unless each is found)
set -euo pipefail

plumbing='^(context|router|routes|worker|master|fcgi_exchange|api_config)\.hpp$'
# The tournament modules, lowest first (docs/architecture.md, "Module map").
order=(common outbox standings event team member game integrity score export analytics)
tournament="^($(
    IFS='|'
    echo "${order[*]}"
))/"

# The position of module $1 in $order (empty when it is not a tournament module).
rank_of() {
    local i
    for i in "${!order[@]}"; do
        if [[ ${order[$i]} == "$1" ]]; then
            echo "$i"
            return
        fi
    done
}

# Whether file name $1 is of the data layer (repository or view).
data_layer() {
    [[ ${1##*/} =~ _(repository|view)\.(hpp|cpp)$ ]]
}

# Prints "file:line: include "x" -- why" for every violation under $1.
violations() {
    local root=$1
    (cd "$root" && grep -rnE --include='*.hpp' --include='*.cpp' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' .) |
        sed -E 's|^\./||; s|^([^:]*):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*$|\1 \2 \3|' |
        while read -r file line inc; do
            local why=""
            local base=${file##*/}
            local service=0
            if [[ $file =~ ^(accounts|audit)/ || $file =~ $tournament ]]; then
                service=1
            fi
            if [[ $base == *_handler.* ]]; then
                continue
            fi
            case "$base" in
                *_service.* | *_repository.*) service=1 ;;
            esac
            if [[ $file == domain/* && $inc != domain/* ]]; then
                why="domain/ is pure and includes only domain/"
            elif ((service)) && [[ $inc == http/* ]]; then
                why="a service or repository must not include http/ (throw domain::Refusal)"
            elif ((service)) && [[ $inc == handlers/* || $inc == *_handler.hpp || ($inc == demo/* && $file != demo/*) ]]; then
                why="a service or repository must not include the handler layer"
            elif ((service)) && [[ $inc =~ $plumbing ]]; then
                why="a service or repository must not see the request plumbing"
            elif [[ $file == audit/* && ($inc == accounts/* || $inc =~ $tournament) ]]; then
                why="audit/ is below every other module"
            elif [[ $file == accounts/* && $inc =~ $tournament ]]; then
                why="accounts/ does not depend on the tournament modules"
            elif [[ $file =~ $tournament && $inc == accounts/* ]]; then
                why="the tournament modules get the principal, not accounts/"
            elif [[ $file =~ $tournament && $inc =~ $tournament && ${file%%/*} != "${inc%%/*}" ]]; then
                local from to
                from=$(rank_of "${file%%/*}")
                to=$(rank_of "${inc%%/*}")
                if data_layer "$file" && ! data_layer "$inc"; then
                    why="a repository or view includes only repositories and views of other modules"
                elif ! data_layer "$inc" && ((to > from)); then
                    why="${file%%/*}/ may not include ${inc%%/*}/ (module order: ${order[*]})"
                fi
            fi
            if [[ -n $why ]]; then
                echo "$file:$line: include \"$inc\" -- $why"
            fi
        done
}

self_test() {
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp"/{domain,event,game,standings,accounts,audit,handlers}
    printf '#include "domain/refusal.hpp"\n' >"$tmp/domain/ok.hpp"
    printf '#include "http/problem.hpp"\n#include "domain/refusal.hpp"\n' >"$tmp/handlers/ok.cpp"
    printf '#include "db/connection.hpp"\n' >"$tmp/domain/bad.hpp"
    printf '#include "game/game_repository.hpp"\n#include "standings/s_service.hpp"\n' \
        >"$tmp/event/ok_service.cpp"
    printf '#include "http/problem.hpp"\n' >"$tmp/event/bad_service.cpp"
    printf '  #  include "http/message.hpp"\n' >"$tmp/game/bad_repository.hpp"
    printf '#include "context.hpp"\n' >"$tmp/accounts/bad.cpp"
    printf '#include "game/x.hpp"\n' >"$tmp/audit/bad.cpp"
    printf '#include "handlers/x.hpp"\n' >"$tmp/event/bad2.cpp"
    printf '#include "game/game_handler.hpp"\n' >"$tmp/event/bad3_service.cpp"
    printf '#include "http/json_body.hpp"\n#include "game/game_service.hpp"\n' \
        >"$tmp/event/ok_handler.cpp"
    printf '#include "game/game_service.hpp"\n' >"$tmp/standings/bad_service.cpp"
    printf '#include "event/event_service.hpp"\n' >"$tmp/standings/bad_repository.cpp"
    local found
    found=$(violations "$tmp")
    local expected=(domain/bad.hpp event/bad_service.cpp game/bad_repository.hpp
        accounts/bad.cpp audit/bad.cpp event/bad2.cpp event/bad3_service.cpp standings/bad_service.cpp
        standings/bad_repository.cpp)
    local ok=1
    for f in "${expected[@]}"; do
        if ! grep -q "^$f:" <<<"$found"; then
            echo "self-test: the violation planted in $f was not found" >&2
            ok=0
        fi
    done
    if grep -qE '^(domain/ok|handlers/ok|event/ok)' <<<"$found"; then
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
