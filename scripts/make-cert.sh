#!/usr/bin/env bash
# scripts/make-cert.sh: a self-signed TLS certificate for the local stack and
# CI: DIR/cert.pem + DIR/key.pem, EC P-256, CN=localhost, SAN DNS:localhost,
# IP:127.0.0.1, IP:::1. Idempotent: an existing pair that matches, has those
# names and is valid for 30 more days is kept.
#
# Usage: scripts/make-cert.sh DIR
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly VALID_DAYS=397
readonly RENEW_BEFORE_SECONDS=$((30 * 24 * 3600))
readonly SAN="DNS:localhost,IP:127.0.0.1,IP:::1"

# True when DIR holds a usable pair: the key matches the certificate, the
# certificate carries our SAN and does not expire within RENEW_BEFORE_SECONDS.
pair_is_usable() {
    local cert="$1/cert.pem" key="$1/key.pem"
    [[ -s "$cert" && -s "$key" ]] || return 1
    openssl x509 -in "$cert" -noout -checkend "$RENEW_BEFORE_SECONDS" >/dev/null 2>&1 || return 1
    local san
    san="$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null || true)"
    [[ "$san" == *"DNS:localhost"* && "$san" == *"IP Address:127.0.0.1"* ]] || return 1
    local cert_pub key_pub
    cert_pub="$(openssl x509 -in "$cert" -noout -pubkey 2>/dev/null)" || return 1
    key_pub="$(openssl pkey -in "$key" -pubout 2>/dev/null)" || return 1
    [[ "$cert_pub" == "$key_pub" ]]
}

main() {
    [[ $# -eq 1 ]] || die "usage: $0 DIR"
    local dir="$1"
    mkdir -p "$dir"

    if pair_is_usable "$dir"; then
        info "keeping the existing certificate $dir/cert.pem"
        return 0
    fi

    info "creating a self-signed certificate for localhost in $dir"
    local tmp
    tmp="$(mktemp -d "$dir/.make-cert.XXXXXX")"
    # shellcheck disable=SC2064  # expand $tmp now: it is local to this function
    trap "rm -rf '$tmp'" EXIT

    (
        umask 077
        openssl req -x509 -new -nodes -batch \
            -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
            -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
            -days "$VALID_DAYS" -sha256 \
            -subj "/CN=localhost" \
            -addext "subjectAltName=$SAN" \
            -addext "basicConstraints=critical,CA:FALSE" \
            -addext "keyUsage=critical,digitalSignature" \
            -addext "extendedKeyUsage=serverAuth" 2>"$tmp/openssl.log" ||
            { cat "$tmp/openssl.log" >&2; exit 1; }
    ) || die "openssl could not create the certificate"
    chmod 600 "$tmp/key.pem"
    chmod 644 "$tmp/cert.pem"
    mv -f "$tmp/key.pem" "$dir/key.pem"
    mv -f "$tmp/cert.pem" "$dir/cert.pem"
    info "wrote $dir/cert.pem and $dir/key.pem (valid $VALID_DAYS days)"
}

main "$@"
