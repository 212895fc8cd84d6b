#!/usr/bin/env bash
# scripts/install-deps.sh: the one list of Debian 12 packages Scoreline needs to
# build, run and test. As root it installs the missing ones (apt-get update,
# then apt-get install --no-install-recommends); as any other user it only
# names them and exits non-zero. With nothing missing it changes nothing.
#
# Usage: scripts/install-deps.sh [--check]   (--check: report only, even as root)
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly PACKAGES=(
    # build
    build-essential cmake ninja-build pkg-config git ca-certificates
    # libraries
    libfcgi-dev libpq-dev nlohmann-json3-dev libsodium-dev libspdlog-dev libfmt-dev
    libssl-dev libcurl4-openssl-dev libcrack2-dev cracklib-runtime
    # tests (the browser test: Debian's Chromium driven by playwright-core under Node.js)
    libgtest-dev libgmock-dev chromium nodejs
    # fuzzing (make test-fuzz: clang's libFuzzer and sanitizer runtimes)
    clang libclang-rt-14-dev
    # make test-security: sqlmap, and PyYAML for the scan to read docs/openapi.yaml
    sqlmap python3-yaml
    # the stack
    postgresql postgresql-contrib nginx openssl curl
    # tooling used by the scripts and CI
    clang-format procps iproute2 util-linux
    # coverage gate (make coverage)
    gcovr
    # alert rules (make test: promtool check/test rules) and the node exporter they read
    prometheus prometheus-node-exporter
    # make deb (dpkg-deb, lintian) and make ansible-lint (ansible, ansible-lint;
    # systemd-analyze for the roles' unit checks in tests/ansible/checks_test.sh)
    dpkg-dev lintian ansible ansible-lint systemd
    # make ansible-test: the hosts' base root, the deploy drill's load
    debootstrap wrk
    # db_integration_test runs a real PgBouncer (as the pgbouncer role does)
    pgbouncer
)

# Prints the packages from PACKAGES that dpkg does not report as installed.
# npm is needed only when no npm command exists: a Node.js that bundles it
# (e.g. NodeSource's nodejs) conflicts with Debian's npm package.
missing_packages() {
    local pkg status
    for pkg in "${PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        if [[ "$status" != "installed" ]]; then
            printf '%s\n' "$pkg"
        fi
    done
    command -v npm >/dev/null || printf 'npm\n'
}

# prometheus and prometheus-node-exporter are here for promtool and the
# tests, pgbouncer for its binary; their postinst enables and starts daemons
# on :9090, :9100 and :6432 where systemd runs. Stop and disable those this run installed (never ones that
# were there before).
stop_new_daemons() {
    local pkg
    command -v systemctl >/dev/null && [[ -d /run/systemd/system ]] || return 0
    for pkg in "$@"; do
        case "$pkg" in
            prometheus | prometheus-node-exporter | pgbouncer)
                info "disabling the $pkg service the package started (only its tools are needed)"
                systemctl disable --now "$pkg.service" || true
                ;;
        esac
    done
}

main() {
    local check_only=0
    case "${1:-}" in
        "") ;;
        --check) check_only=1 ;;
        -h | --help)
            sed -n '2,8p' "$0"
            return 0
            ;;
        *) die "unknown argument '$1' (try --help)" ;;
    esac

    command -v dpkg-query >/dev/null || die "dpkg-query not found: this script supports Debian 12 only"

    local missing
    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        info "all ${#PACKAGES[@]} required Debian packages are installed"
        return 0
    fi

    if ! is_root || [[ $check_only -eq 1 ]]; then
        info "missing Debian packages (${#missing[@]}): ${missing[*]}"
        info "install them as root with:"
        printf '    sudo %s\n' "scripts/install-deps.sh"
        printf '  or\n    sudo apt-get install --no-install-recommends %s\n' "${missing[*]}"
        return 1
    fi

    info "installing ${#missing[@]} missing packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
    stop_new_daemons "${missing[@]}"

    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -ne 0 ]]; then
        die "still missing after apt-get install: ${missing[*]}"
    fi
    info "all ${#PACKAGES[@]} required Debian packages are installed"
}

main "$@"
