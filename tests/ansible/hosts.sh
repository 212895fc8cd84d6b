#!/usr/bin/env bash
# hosts.sh: makes and removes the Debian 12 hosts of the converge test on this
# machine, without containers or VMs. Each host is an overlayfs copy of the
# cached base root (base-root.sh) in its own network namespace, with its own
# address on a bridge, running systemd as PID 1 of its own PID, mount, UTS,
# IPC and cgroup namespaces, and sshd.
#   tests/ansible/hosts.sh up NAME=ADDR...   make and boot the hosts
#   tests/ansible/hosts.sh down              stop every host, unmount, delete netns
#   tests/ansible/hosts.sh exec NAME CMD...  run CMD inside a host (its namespaces and root)
#   tests/ansible/hosts.sh pid NAME          the host PID of a host's systemd
# State lives in $STATE (default build/ansible). Needs root.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="${STATE:-$REPO/build/ansible}"
BRIDGE="${SCORELINE_TEST_BRIDGE:-slbr0}"
BRIDGE_ADDR="${SCORELINE_TEST_BRIDGE_ADDR:-10.77.0.1/24}"
# Every host's cgroup lives under this one in the host's cgroup2 tree.
CGROUP_PARENT=/sys/fs/cgroup/unified/scoreline-ansible
[[ -d /sys/fs/cgroup/unified ]] || CGROUP_PARENT=/sys/fs/cgroup/scoreline-ansible

die() { printf 'hosts: %s\n' "$*" >&2; exit 1; }
log() { printf 'hosts: %s\n' "$*" >&2; }

host_dir() { printf '%s/hosts/%s\n' "$STATE" "$1"; }
host_pid() { cat "$(host_dir "$1")/pid" 2>/dev/null; }

# Mirror: every .deb of the base root plus build/ansible/extra-debs/*.deb
# (the scoreline .deb), as a flat apt repository the hosts see read-only at
# /srv/debian-mirror: site.yml installs from it with no network beyond the bridge.
make_mirror() {
    local base="$1" mirror="$STATE/mirror"
    rm -rf "$mirror"
    mkdir -p "$mirror"
    cp -l "$base.debs"/*.deb "$mirror/" 2>/dev/null || cp "$base.debs"/*.deb "$mirror/"
    if compgen -G "$STATE/extra-debs/*.deb" >/dev/null; then
        cp "$STATE"/extra-debs/*.deb "$mirror/"
    fi
    (cd "$mirror" && dpkg-scanpackages --multiversion . 2>/dev/null | gzip -9n >Packages.gz)
}

make_bridge() {
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add "$BRIDGE" type bridge
        ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
    fi
    ip link set "$BRIDGE" up
}

# Files that make a copy of the base root one host: name, addresses of all
# hosts, machine-id, ssh host keys, the test's key for root, the mirror.
personalize() {
    local name="$1" root="$2" hosts_file="$3"
    printf '%s\n' "$name" >"$root/etc/hostname"
    {
        printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n'
        cat "$hosts_file"
    } >"$root/etc/hosts"
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id"
    printf '\n' >>"$root/etc/machine-id"
    chroot "$root" ssh-keygen -A >/dev/null
    install -d -m 0700 "$root/root/.ssh"
    install -m 0600 "$STATE/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
    printf 'deb [trusted=yes] file:/srv/debian-mirror ./\n' >"$root/etc/apt/sources.list"
    rm -f "$root"/etc/apt/sources.list.d/*
    mkdir -p "$root/srv/debian-mirror"
}

# The network: a veth pair, one end on the bridge, the other eth0 in netns sl-NAME.
make_netns() {
    local name="$1" addr="$2" gw="${BRIDGE_ADDR%/*}"
    local ns="sl-$name" veth="slv-$name"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$addr/${BRIDGE_ADDR#*/}" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$gw"
}

# Boots systemd in the host: called inside the new namespaces (PID 1 there).
# Mounts what a container manager would (proc, sys, cgroup2, a private /dev,
# the mirror), makes the host's root the root (pivot_root), then execs systemd.
boot_inside() {
    local root="$1"
    mount --make-rprivate /
    mount -t proc proc "$root/proc"
    mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
    mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$root/sys/fs/cgroup"
    mount -t tmpfs -o mode=0755,nosuid,size=4m tmpfs "$root/dev"
    local dev
    for dev in null zero full random urandom tty; do
        touch "$root/dev/$dev"
        mount --bind "/dev/$dev" "$root/dev/$dev"
    done
    mkdir -p "$root/dev/pts" "$root/dev/shm" "$root/dev/mqueue"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
    ln -s pts/ptmx "$root/dev/ptmx"
    ln -s /proc/self/fd "$root/dev/fd"
    ln -s /proc/self/fd/0 "$root/dev/stdin"
    ln -s /proc/self/fd/1 "$root/dev/stdout"
    ln -s /proc/self/fd/2 "$root/dev/stderr"
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
    touch "$root/dev/console"
    mount --bind "$(readlink -f /proc/self/fd/1)" "$root/dev/console" 2>/dev/null || true
    mount --bind -o ro "$STATE/mirror" "$root/srv/debian-mirror"
    mount -o remount,ro,bind "$root/srv/debian-mirror"
    # pivot_root, not chroot: the kernel refuses user namespaces to a
    # chrooted process, and units with PrivateUsers= need them.
    mkdir -p "$root/.oldroot"
    cd "$root"
    pivot_root . .oldroot
    cd /
    umount -l /.oldroot
    rmdir /.oldroot
    exec /usr/bin/env -i container=scoreline-test TERM=dumb \
        /lib/systemd/systemd --system --log-target=console
}

up_one() {
    local name="$1" addr="$2" base="$3" hosts_file="$4"
    local dir
    dir="$(host_dir "$name")"
    rm -rf "$dir"
    mkdir -p "$dir/upper" "$dir/work" "$dir/root"
    mount -t overlay overlay -o "lowerdir=$base,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
    personalize "$name" "$dir/root" "$hosts_file"
    make_netns "$name" "$addr"
    mkdir -p "$CGROUP_PARENT/$name"
    # The subshell moves itself into the host's cgroup, then unshares: the
    # cgroup namespace's root is that cgroup, so each systemd owns a subtree.
    (
        echo 0 >"$CGROUP_PARENT/$name/cgroup.procs"
        exec ip netns exec "sl-$name" unshare --pid --fork --mount --uts --ipc --cgroup \
            --kill-child=SIGKILL -- "$HERE/hosts.sh" boot-inside "$dir/root"
    ) </dev/null >"$dir/console.log" 2>&1 &
    echo $! >"$dir/launcher.pid"
}

# The host PID of the systemd of NAME: the child of the unshare process.
find_init() {
    local name="$1" dir launcher deadline
    dir="$(host_dir "$name")"
    launcher="$(cat "$dir/launcher.pid")"
    deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)); do
        local child
        child="$(pgrep -P "$launcher" | head -1 || true)"
        if [[ -n "$child" ]] && [[ "$(cat "/proc/$child/comm" 2>/dev/null)" == systemd ]]; then
            echo "$child" >"$dir/pid"
            return 0
        fi
        sleep 0.2
    done
    die "$name: systemd did not start (see $dir/console.log)"
}

wait_ssh() {
    local name="$1" addr="$2" deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        if ssh -F "$STATE/ssh_config" -o ConnectTimeout=2 "root@$addr" true 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    die "$name: no ssh on $addr after 60 s (see $(host_dir "$name")/console.log)"
}

cmd_up() {
    (($# > 0)) || die "up NAME=ADDR..."
    local base
    base="$("$HERE/base-root.sh" | tail -1)"
    mkdir -p "$STATE/hosts"
    if [[ ! -f "$STATE/id_ed25519" ]]; then
        ssh-keygen -q -t ed25519 -N '' -C scoreline-converge-test -f "$STATE/id_ed25519"
    fi
    cat >"$STATE/ssh_config" <<CFG
Host *
    User root
    IdentityFile $STATE/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
    ControlMaster auto
    ControlPath $STATE/ssh-%C
    ControlPersist 120
CFG
    make_mirror "$base"
    make_bridge
    local spec hosts_file="$STATE/etc-hosts"
    : >"$hosts_file"
    for spec in "$@"; do
        printf '%s %s\n' "${spec#*=}" "${spec%%=*}" >>"$hosts_file"
    done
    for spec in "$@"; do
        up_one "${spec%%=*}" "${spec#*=}" "$base" "$hosts_file"
    done
    for spec in "$@"; do
        find_init "${spec%%=*}"
    done
    for spec in "$@"; do
        wait_ssh "${spec%%=*}" "${spec#*=}"
        log "${spec%%=*} up at ${spec#*=} (systemd pid $(host_pid "${spec%%=*}"))"
    done
}

# Stops every host: poweroff (SIGRTMIN+4) to its systemd, SIGKILL after 10 s
# (killing a PID namespace's init kills all its processes), then unmounts the
# root and deletes the netns and veth. Safe to run twice or on a partial up.
cmd_down() {
    local dir name pid
    [[ -d "$STATE/hosts" ]] || return 0
    for dir in "$STATE"/hosts/*/; do
        [[ -d "$dir" ]] || continue
        pid="$(cat "$dir/pid" 2>/dev/null || true)"
        if [[ -n "$pid" ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == systemd ]]; then
            kill -s SIGRTMIN+4 "$pid" 2>/dev/null || true
        fi
    done
    local deadline=$((SECONDS + 10))
    for dir in "$STATE"/hosts/*/; do
        [[ -d "$dir" ]] || continue
        name="$(basename "$dir")"
        pid="$(cat "$dir/pid" 2>/dev/null || true)"
        while [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            log "$name: systemd still up after poweroff, SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        local launcher
        launcher="$(cat "$dir/launcher.pid" 2>/dev/null || true)"
        [[ -n "$launcher" ]] && kill -KILL "$launcher" 2>/dev/null || true
        local tries=0
        while mountpoint -q "$dir/root" && ((tries < 20)); do
            umount "$dir/root" 2>/dev/null || umount -l "$dir/root" 2>/dev/null || true
            tries=$((tries + 1))
        done
        ip netns del "sl-$name" 2>/dev/null || true
        ip link del "slv-$name" 2>/dev/null || true
        rmdir "$CGROUP_PARENT/$name" 2>/dev/null || true
        rm -f "$dir/pid" "$dir/launcher.pid"
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    rm -f "$STATE"/ssh-*
}

cmd_exec() {
    local name="$1"
    shift
    local pid
    pid="$(host_pid "$name")" || die "$name is not up"
    # --root alone: --wd=/ would open this machine's / (psql then cannot
    # tell its current directory); env --chdir starts in the host's own /.
    nsenter --target "$pid" --all --root -- /usr/bin/env -i --chdir=/ \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

[[ $EUID -eq 0 ]] || die "needs root"
case "${1:-}" in
    up) shift; cmd_up "$@" ;;
    down) cmd_down ;;
    exec) shift; cmd_exec "$@" ;;
    pid) host_pid "$2" ;;
    boot-inside) boot_inside "$2" ;;
    *) sed -n '2,12p' "$0"; exit 2 ;;
esac
