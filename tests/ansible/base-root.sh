#!/usr/bin/env bash
# base-root.sh: builds (once) the Debian 12 root every converge-test host
# starts from, and the local apt mirror the hosts are given. Prints the root's
# path as its last line.
#   tests/ansible/base-root.sh [CACHE_DIR]   (default /var/cache/scoreline-ansible)
# The root is debootstrap bookworm minbase plus tests/ansible/packages.txt,
# keyed by the hash of that list and of this script: a new list makes a new
# root, an unchanged one is reused (about 1 s). Needs root and the Debian
# mirror of /etc/apt/sources.list, only when the key is new.
# Daemons the packages enable are disabled in the root: the roles enable what
# a host runs. The .debs apt downloaded are kept as <root>.debs/ for the mirror.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${1:-/var/cache/scoreline-ansible}"
MIRROR="${SCORELINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Services installed by packages.txt that stay off until a role turns them on.
readonly OFF_UNITS=(postgresql.service pgbouncer.service nginx.service prometheus.service
    prometheus-node-exporter.service prometheus-postgres-exporter.service
    prometheus-nginx-exporter.service chrony.service chronyd.service
    pgbackrest.service)
# Units that have nothing to do in a host without a console or udev.
readonly MASK_UNITS=(getty@tty1.service console-getty.service serial-getty@ttyS0.service
    systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service
    systemd-firstboot.service systemd-remount-fs.service sys-kernel-debug.mount
    sys-kernel-tracing.mount sys-kernel-config.mount sys-fs-fuse-connections.mount
    systemd-modules-load.service systemd-sysctl.service apt-daily.timer
    apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer)

die() { printf 'base-root: %s\n' "$*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install debootstrap"

packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$HERE/packages.txt" | grep -v '^$'; }
key="$( (packages; cat "${BASH_SOURCE[0]}") | sha256sum | cut -c1-12)"
root="$CACHE_DIR/base-$key"
if [[ -f "$root/.scoreline-base-complete" ]]; then
    printf '%s\n' "$root"
    exit 0
fi

mkdir -p "$CACHE_DIR"
work="$root.partial"
cleanup() {
    for m in dev/pts dev proc sys; do mountpoint -q "$work/$m" && umount -l "$work/$m"; done
    return 0
}
trap cleanup EXIT
rm -rf "$work" "$root" "$root.debs"
start=$SECONDS
debootstrap --variant=minbase bookworm "$work" "$MIRROR" >&2
mount -t proc proc "$work/proc"
mount -t sysfs sys "$work/sys"
mount --bind /dev "$work/dev"
mount --bind /dev/pts "$work/dev/pts"
printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"
chmod 0755 "$work/usr/sbin/policy-rc.d"
cat >"$work/etc/apt/sources.list" <<SRC
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SRC
mapfile -t pkgs < <(packages)
chroot "$work" env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get update >&2
chroot "$work" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
    apt-get install -y --no-install-recommends "${pkgs[@]}" >&2
# Keep the .debs for the hosts' mirror, then empty apt's cache in the root.
mkdir -p "$root.debs"
cp "$work"/var/cache/apt/archives/*.deb "$root.debs/"
chroot "$work" apt-get clean
rm -f "$work/usr/sbin/policy-rc.d"
for unit in "${OFF_UNITS[@]}"; do
    chroot "$work" systemctl disable "$unit" >/dev/null 2>&1 || true
done
chroot "$work" systemctl mask "${MASK_UNITS[@]}" >/dev/null 2>&1
chroot "$work" systemctl enable ssh.service >/dev/null 2>&1
# Root logs in with the test's key only; each host gets its own
# authorized_keys, host keys, machine-id and hostname when it is made.
sed -i -e 's/^#\?PermitRootLogin.*/PermitRootLogin prohibit-password/' \
    -e 's/^#\?PasswordAuthentication.*/PasswordAuthentication no/' \
    -e 's/^#\?UseDNS.*/UseDNS no/' "$work/etc/ssh/sshd_config"
rm -f "$work"/etc/ssh/ssh_host_*
: >"$work/etc/machine-id"
cleanup
touch "$work/.scoreline-base-complete"
mv "$work" "$root"
printf 'base-root: built %s in %d s\n' "$root" $((SECONDS - start)) >&2
printf '%s\n' "$root"
