#!/usr/bin/env bash
# scripts/make-jwt-key.sh: the Ed25519 keys that sign and verify access tokens,
# for the local stack and the tests (docs/auth.md, "Keys and rotation").
#
# Usage: scripts/make-jwt-key.sh [--rotate] DIR
#
# DIR/<kid>.pem      private key (PKCS#8 PEM, mode 600), made by
#                    `openssl genpkey -algorithm ed25519`
# DIR/<kid>.pub.pem  its public key
# DIR/signing.kid    the kid of the key that signs new tokens
# DIR/jwt.env        the settings for scoreline-api, one per line:
#                      SCORELINE_JWT_SIGNING_KEY=<kid>:DIR/<kid>.pem
#                      SCORELINE_JWT_VERIFY_KEYS=<kid>:DIR/<kid>.pub.pem[,...]
#                    (every DIR/*.pub.pem is a verification key)
#
# Idempotent: with a signing key in DIR it only rewrites jwt.env. --rotate
# makes a new signing key and keeps the old public keys for verification;
# delete an old DIR/<kid>.pub.pem once its tokens have expired (15 min by
# default) and restart scoreline-api to retire it.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

new_key() {
    local dir="$1" kid
    kid="k$(date -u +%Y%m%dT%H%M%SZ)-$(openssl rand -hex 3)"
    (
        umask 077
        openssl genpkey -algorithm ed25519 -out "$dir/$kid.pem" 2>/dev/null
    ) || die "openssl could not make an Ed25519 key in $dir"
    chmod 600 "$dir/$kid.pem"
    openssl pkey -in "$dir/$kid.pem" -pubout -out "$dir/$kid.pub.pem" 2>/dev/null ||
        die "openssl could not write the public key of $dir/$kid.pem"
    chmod 644 "$dir/$kid.pub.pem"
    printf '%s\n' "$kid" >"$dir/signing.kid.tmp"
    mv "$dir/signing.kid.tmp" "$dir/signing.kid"
    info "made signing key $kid in $dir"
}

write_env() {
    local dir="$1" kid verify="" pub name
    kid="$(head -n1 "$dir/signing.kid")"
    shopt -s nullglob
    for pub in "$dir"/*.pub.pem; do
        name="$(basename "$pub" .pub.pem)"
        verify+="${verify:+,}$name:$pub"
    done
    printf 'SCORELINE_JWT_SIGNING_KEY=%s:%s\nSCORELINE_JWT_VERIFY_KEYS=%s\n' \
        "$kid" "$dir/$kid.pem" "$verify" >"$dir/jwt.env.tmp"
    mv "$dir/jwt.env.tmp" "$dir/jwt.env"
}

main() {
    local rotate=0
    if [[ "${1:-}" == "--rotate" ]]; then
        rotate=1
        shift
    fi
    [[ $# -eq 1 ]] || die "usage: $0 [--rotate] DIR"
    mkdir -p "$1"
    chmod 700 "$1"
    local dir
    dir="$(cd "$1" && pwd -P)"
    [[ "$dir" != *[,$'\n']* ]] || die "$dir: the key folder's path must not contain ',' or a newline"

    local kid=""
    [[ -r "$dir/signing.kid" ]] && kid="$(head -n1 "$dir/signing.kid")"
    if [[ $rotate -eq 1 || -z "$kid" || ! -s "$dir/$kid.pem" ]]; then
        new_key "$dir"
    else
        info "keeping signing key $kid in $dir"
    fi
    write_env "$dir"
}

main "$@"
