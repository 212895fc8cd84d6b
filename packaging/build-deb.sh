#!/usr/bin/env bash
# packaging/build-deb.sh: builds the scoreline .deb from a Release build.
#
# Usage: packaging/build-deb.sh [BUILD_DIR [OUT_DIR]]
#   BUILD_DIR  a configured and built Release tree (default build/release, make build's)
#   OUT_DIR    where the .deb goes (default build/)
# Prints the path of the .deb as its last line; OUT_DIR/scoreline.deb links to it. `make deb` configures and
# builds BUILD_DIR first, then calls this and lintian.
#
# A plain dpkg-deb layout (no debhelper): the tree is staged in
# OUT_DIR/deb-root, the shared-library dependencies come from dpkg-shlibdeps.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$(realpath -m "${1:-$ROOT/build/release}")"
OUT_DIR="$(realpath -m "${2:-$ROOT/build}")"
PKG="$ROOT/packaging"
STAGE="$OUT_DIR/deb-root"

die() {
    printf 'build-deb.sh: %s\n' "$*" >&2
    exit 1
}

for bin in workers/scoreline-api sse/scoreline-sse migrations/scoreline-migrate; do
    [[ -x "$BUILD_DIR/$bin" ]] || die "$BUILD_DIR/$bin is missing: build $BUILD_DIR first (make deb does)"
done
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD_DIR/CMakeCache.txt" ||
    die "$BUILD_DIR is not a Release build"

# Version: the project's, plus the commit date and hash for builds between
# releases (0.1.0+git20261206.e87ca2a), so each commit's package upgrades the last.
base_version="$(sed -n 's/^project(scoreline VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")"
[[ -n "$base_version" ]] || die "no VERSION in CMakeLists.txt's project()"
version="$base_version"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    version+="+git$(git -C "$ROOT" log -1 --format=%cd --date=format:%Y%m%d%H%M%S).$(git -C "$ROOT" rev-parse --short=7 HEAD)"
fi
arch="$(dpkg --print-architecture)"

rm -rf "$STAGE"
install -d -m 0755 "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/usr/share/scoreline/migrations" \
    "$STAGE/usr/share/scoreline/nginx" "$STAGE/usr/share/doc/scoreline" \
    "$STAGE/lib/systemd/system" "$STAGE/etc/scoreline/jwt"

# Binaries, stripped (the Release build has no debug info worth shipping).
install -m 0755 "$BUILD_DIR/workers/scoreline-api" "$BUILD_DIR/sse/scoreline-sse" \
    "$BUILD_DIR/migrations/scoreline-migrate" "$STAGE/usr/bin/"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$STAGE"/usr/bin/*

install -m 0644 "$ROOT"/migrations/[0-9][0-9][0-9][0-9]_*.sql "$STAGE/usr/share/scoreline/migrations/"
install -m 0755 "$ROOT/nginx/render.sh" "$STAGE/usr/share/scoreline/nginx/render.sh"
install -m 0644 "$ROOT/nginx/scoreline.conf.template" "$STAGE/usr/share/scoreline/nginx/"
cp -r "$ROOT/nginx/www" "$STAGE/usr/share/scoreline/www"
find "$STAGE/usr/share/scoreline/www" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +

install -m 0644 "$PKG/systemd/scoreline-api.service" "$PKG/systemd/scoreline-sse@.service" \
    "$STAGE/lib/systemd/system/"
install -m 0640 "$PKG"/etc/scoreline/*.conf "$STAGE/etc/scoreline/"
chmod 0750 "$STAGE/etc/scoreline" "$STAGE/etc/scoreline/jwt"

install -m 0644 "$PKG/debian/copyright" "$PKG/debian/README.Debian" "$STAGE/usr/share/doc/scoreline/"
install -m 0644 "$ROOT/docs/configuration.md" "$STAGE/usr/share/doc/scoreline/configuration.md"
gzip -9n "$STAGE/usr/share/doc/scoreline/configuration.md"
{
    printf 'scoreline (%s) unstable; urgency=medium\n\n' "$version"
    printf '  * Built from commit %s.\n\n' "$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo unknown)"
    printf ' -- Scoreline maintainers <maintainers@scoreline.example.org>  %s\n' \
        "$(LC_ALL=C date -R -d "@$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)")"
} | gzip -9n >"$STAGE/usr/share/doc/scoreline/changelog.gz"
chmod 0644 "$STAGE/usr/share/doc/scoreline/changelog.gz"

# Shared-library dependencies of the binaries (dpkg-shlibdeps wants a
# debian/control next to it: a throwaway one in a scratch folder).
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/debian"
printf 'Source: scoreline\n\nPackage: scoreline\nArchitecture: any\n' >"$scratch/debian/control"
depends="$(cd "$scratch" && dpkg-shlibdeps -O "$STAGE"/usr/bin/* 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')"
[[ -n "$depends" ]] || die "dpkg-shlibdeps found no dependencies"

size="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$depends/" "$PKG/debian/control.in" >"$STAGE/DEBIAN/control"
install -m 0644 "$PKG/debian/conffiles" "$STAGE/DEBIAN/conffiles"
install -m 0755 "$PKG/debian/postinst" "$PKG/debian/prerm" "$PKG/debian/postrm" "$STAGE/DEBIAN/"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/md5sums"

deb="$OUT_DIR/scoreline_${version}_${arch}.deb"
rm -f "$OUT_DIR"/scoreline_*.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$deb" >/dev/null
# A fixed name for the Ansible inventories (scoreline_deb_path).
ln -sfn "$(basename "$deb")" "$OUT_DIR/scoreline.deb"
printf '%s\n' "$deb"
