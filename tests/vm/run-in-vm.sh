#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a script inside a guest kernel (Debian's, under qemu, software emulation) whose root is
# the host's own / (read-only over 9p, with a tmpfs overlay on top): cgroup v2 with every
# controller, engines and systemd as PID 1, none of which the host lets tests touch.
#
#   tests/vm/run-in-vm.sh [--systemd] [--mem MB] [--cpus N] [--numa N] [--timeout S] SCRIPT [ARG...]
#
# SCRIPT runs with bash as root in the guest, from the directory this was called from, with
# CI, HARDRUN* and HR_* passed on from the environment. Its output streams to stdout; its exit
# status becomes this script's. Writes in the guest land in its tmpfs and vanish: results come
# back through the output only. The guest has cgroup2 at /sys/fs/cgroup (controllers enabled
# in the root), tmpfs on /run and /tmp, /dev/pts, lo up. With --systemd, the host's systemd
# boots as PID 1 (basic.target and dbus) and SCRIPT runs from a unit.
#
# Defaults: --mem 2048, --cpus 1, --numa 1, --timeout 1200 (the whole boot, seconds).
# --numa N: N NUMA nodes (N > 1), the memory split evenly between them (node 0 gets what does
# not divide), CPU i on node i % N: with fewer CPUs than nodes, the other nodes have memory and
# no CPU (the kernel takes that; tests/vm/numa.bats needs two nodes, not two CPUs).
# Environment: HARDRUN_VM_KERNEL (a vmlinuz; default the newest /boot/vmlinuz-*, its modules
# from /lib/modules/VERSION), HARDRUN_VM_CACHE (where the initramfs is built, default
# /var/tmp/hardrun-vm; rebuilt when the kernel, busybox or tests/vm/init change),
# HARDRUN_VM_APPEND (more kernel parameters, e.g. loglevel=7 to see the boot),
# HARDRUN_VM_CPU_MODEL (qemu's -cpu, default max).
# Exit status: SCRIPT's; 124 on timeout; 125 when the guest failed before reporting one.
set -euo pipefail
shopt -s extglob

me="run-in-vm"
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	sed -n '6p' "$0" | sed 's/^# *//' >&2
	exit 2
}

# One vCPU by default: with two, every TLB shootdown crosses emulated CPUs and process
# creation (what tests do most) was 2 to 6 times slower here.
mode=shell mem=2048 timeout_s=1200 cpus=1 numa=1
while [ $# -gt 0 ]; do
	case $1 in
	--systemd) mode=systemd ;;
	--mem) mem=${2:?}; shift ;;
	--mem=*) mem=${1#*=} ;;
	--cpus) cpus=${2:?}; shift ;;
	--cpus=*) cpus=${1#*=} ;;
	--numa) numa=${2:?}; shift ;;
	--numa=*) numa=${1#*=} ;;
	--timeout) timeout_s=${2:?}; shift ;;
	--timeout=*) timeout_s=${1#*=} ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "$me: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || usage
for n in "$mem" "$cpus" "$numa" "$timeout_s"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "$me: not a positive number: $n" >&2; exit 2; }
done
script=$(realpath -e -- "$1") || { echo "$me: no such script: $1" >&2; exit 2; }
shift

# --- what the host needs ---------------------------------------------------------------------
need() { # need TOOL PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "$me: $1 not found: apt-get install $2" >&2
	exit 2
}
need qemu-system-x86_64 "qemu-system-x86 linux-image-amd64"
need cpio cpio
need gzip gzip
need timeout coreutils

if [ -n "${HARDRUN_VM_KERNEL:-}" ]; then
	kernel=$HARDRUN_VM_KERNEL
else
	kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
	echo "$me: no guest kernel in /boot: apt-get install linux-image-amd64 qemu-system-x86" >&2
	exit 2
fi
kver=${kernel##*/vmlinuz-}
moddir=/lib/modules/$kver
if [ ! -d "$moddir/kernel" ]; then
	echo "$me: no modules for $kernel in $moddir: reinstall its linux-image package" >&2
	exit 2
fi
busybox=${HR_BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	echo "$me: $busybox is not a static busybox: apt-get install busybox-static" >&2
	exit 2
fi

# --- the initramfs: busybox, the init, the modules that reach the host's / -------------------
cache=${HARDRUN_VM_CACHE:-/var/tmp/hardrun-vm}/$kver
case $cache in
/tmp/* | /run/*)
	echo "$me: HARDRUN_VM_CACHE=$cache is under /tmp or /run, which the guest covers with a tmpfs" >&2
	exit 2
	;;
*[!A-Za-z0-9/._+-]*)
	echo "$me: the cache path $cache must be plain (it travels on the kernel command line)" >&2
	exit 2
	;;
esac
mkdir -p "$cache"

# The modules in load order: what modprobe says they depend on, or the order known to work.
modules() {
	local m
	if command -v modprobe >/dev/null; then
		for m in virtio_pci 9pnet_virtio 9p overlay; do
			modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }'
		done | awk '!seen[$0]++' | sed "s|^$moddir/kernel/||; s|\.ko\(\.[a-z]*\)\{0,1\}$||"
	else
		printf '%s\n' drivers/virtio/virtio_ring drivers/virtio/virtio \
			drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev \
			drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache net/9p/9pnet \
			net/9p/9pnet_virtio fs/9p/9p fs/overlayfs/overlay
	fi
}
module_list=$(modules)
key=$( {
	echo "$kver"
	echo "$module_list"
	sha256sum "$here/init" "$busybox" "$0"
} | sha256sum | cut -c1-16)
initrd=$cache/initramfs-$key.gz

build_initramfs() {
	local tmp m f
	tmp=$(mktemp -d "$cache/build.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	mkdir -p "$tmp"/root/{bin,dev,proc,sys,modules}
	cp "$busybox" "$tmp/root/bin/busybox"
	install -m 0755 "$here/init" "$tmp/root/init"
	: >"$tmp/root/modules/order"
	for m in $module_list; do
		f=$(ls "$moddir/kernel/$m".ko* 2>/dev/null | head -n 1 || true)
		if [ -z "$f" ]; then
			# built into this kernel: nothing to load
			grep -qx "kernel/$m.ko" "$moddir/modules.builtin" 2>/dev/null && continue
			echo "$me: module $m missing from $moddir" >&2
			return 1
		fi
		case $f in
		*.ko) cp "$f" "$tmp/root/modules/${m##*/}.ko" ;;
		*.ko.xz) xz -dc "$f" >"$tmp/root/modules/${m##*/}.ko" ;;
		*.ko.zst) zstd -qdc "$f" >"$tmp/root/modules/${m##*/}.ko" ;;
		*.ko.gz) gzip -dc "$f" >"$tmp/root/modules/${m##*/}.ko" ;;
		esac
		echo "${m##*/}" >>"$tmp/root/modules/order"
	done
	(cd "$tmp/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$tmp/initramfs.gz"
	mv -f "$tmp/initramfs.gz" "$initrd"
	# older builds for this kernel (another checkout may still use one: keep a day's worth)
	find "$cache" -maxdepth 1 -name 'initramfs-*.gz' ! -name "${initrd##*/}" -mtime +0 -delete 2>/dev/null || true
	echo "$me: built $initrd" >&2
}
[ -s "$initrd" ] || build_initramfs

# Under TCG the kernel's own decompressor takes about 5 s: boot the uncompressed ELF instead
# (qemu starts it through its PVH entry point) when the kernel has one; else the bzImage.
boot_kernel() {
	local vmlinux=$cache/vmlinux off tmp
	grep -qx 'CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null || { echo "$kernel"; return; }
	if [ ! -s "$vmlinux" ] || [ "$vmlinux" -ot "$kernel" ]; then
		off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$kernel" 2>/dev/null | head -n 1 | cut -d: -f1)
		tmp=$(mktemp "$cache/vmlinux.XXXXXX")
		if [ -n "$off" ] && tail -c +$((off + 1)) "$kernel" >"$tmp.xz" &&
			xz -dc --single-stream "$tmp.xz" >"$tmp" 2>/dev/null &&
			[ "$(od -An -tx1 -N4 "$tmp" | tr -d ' ')" = 7f454c46 ]; then
			chmod 0644 "$tmp"
			mv -f "$tmp" "$vmlinux"
			rm -f "$tmp.xz"
		else
			rm -f "$tmp" "$tmp.xz"
			echo "$kernel"
			return
		fi
	fi
	echo "$vmlinux"
}
boot_image=$(boot_kernel)

# --- the command: a wrapper on the host's disk, which the guest sees through 9p -------------
run=$(mktemp -d "$cache/run.XXXXXX")
chmod 0755 "$run"
cleanup() { rm -rf "$run"; }
trap cleanup EXIT
# A script under /tmp or /run would be hidden by the guest's tmpfs: run a copy.
case $script in
/tmp/* | /run/*)
	cp "$script" "$run/${script##*/}"
	script=$run/${script##*/}
	;;
esac
{
	echo "# generated by $me"
	printf 'cd %q || exit 125\n' "$PWD"
	while IFS='=' read -r name _; do
		case $name in
		HARDRUN_VM_*) ;;
		CI | HARDRUN* | HR_*) printf 'export %s=%q\n' "$name" "${!name}" ;;
		esac
	done < <(env)
	printf 'exec /bin/bash %q' "$script"
	[ $# -eq 0 ] || printf ' %q' "$@"
	echo
} >"$run/cmd.sh"

# --- boot ------------------------------------------------------------------------------------
# no_timer_check: a busy host can make the emulated timer look broken (a panic at boot)
append="console=ttyS0 quiet loglevel=3 panic=-1 no_timer_check HARDRUN_VM_CMD=$run/cmd.sh HARDRUN_VM_MODE=$mode"
[ -z "${HARDRUN_VM_APPEND:-}" ] || append="$append $HARDRUN_VM_APPEND"
[ "$mode" = shell ] || append="$append systemd.unit=hardrun-vm.target systemd.show_status=error"
# shellcheck disable=SC2054 # the commas are qemu's
qemu=(qemu-system-x86_64 -accel tcg -cpu "${HARDRUN_VM_CPU_MODEL:-max}" -smp "$cpus" -m "$mem" -nographic -no-reboot
	-nic none -kernel "$boot_image" -initrd "$initrd" -append "$append"
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap)
if [ "$numa" -gt 1 ]; then
	[ $((mem / numa)) -ge 128 ] || { echo "$me: --mem $mem is too little for $numa nodes" >&2; exit 2; }
	for ((node = 0; node < numa; node++)); do
		size=$((mem / numa))
		[ "$node" -ne 0 ] || size=$((size + mem % numa))
		node_opt="node,nodeid=$node,memdev=numa-m$node"
		for ((cpu = node; cpu < cpus; cpu += numa)); do
			node_opt="$node_opt,cpus=$cpu"
		done
		qemu+=(-object "memory-backend-ram,id=numa-m$node,size=${size}M" -numa "$node_opt")
	done
fi

start=$(date +%s.%N)
elapsed() { awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
echo "$me: booting $kernel (tcg, ${mem} MiB, $cpus cpu, $numa NUMA node(s), $mode init, limit ${timeout_s}s): $script" >&2

# The serial console, line by line: echoed to stdout, markers noted in $run/result. A marker
# may follow output that did not end its line (the firmware's, the script's).
watch_console() {
	local line done="" ready=""
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		# the firmware's terminal resets and banner are noise
		line=${line//$'\e'@(c|\[*([0-9;?])[A-Za-z])/}
		case $line in
		SeaBIOS*) continue ;;
		"Booting from ROM"*) line=${line##Booting from ROM*(.)} ;;
		esac
		case $line in
		*HARDRUN-VM-READY\ uptime=*)
			[ -z "${line%%HARDRUN-VM-READY*}" ] || printf '%s\n' "${line%%HARDRUN-VM-READY*}"
			ready=1
			echo "$me: guest ready after $(elapsed)s (its kernel started ${line##*uptime=}s before)" >&2
			;;
		*HARDRUN-VM-EXIT=+([0-9]))
			[ -z "${line%HARDRUN-VM-EXIT=*}" ] || printf '%s\n' "${line%HARDRUN-VM-EXIT=*}"
			echo "${line##*HARDRUN-VM-EXIT=}" >"$run/result"
			done=1
			;;
		*HARDRUN-VM-ERROR=*)
			echo "error" >"$run/result"
			echo "$me: the guest failed: ${line#*HARDRUN-VM-ERROR=}" >&2
			done=1
			;;
		"") [ -z "$ready" ] || echo ;;
		*)
			# the kernel reporting the power-off it was asked for
			if [ -n "$done" ] && [[ $line =~ ^\[\ *[0-9.]+\]\ (sysrq:|reboot:|ACPI:) ]]; then
				continue
			fi
			printf '%s\n' "$line"
			;;
		esac
	done
}

# qemu in the background, so that an interrupted run takes its guest down with it.
mkfifo "$run/console"
watch_console <"$run/console" &
watcher=$!
timeout --foreground --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null >"$run/console" 2>&1 &
qemu_pid=$!
interrupted=
trap 'interrupted=1; kill -TERM "$qemu_pid" 2>/dev/null' INT TERM HUP
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
while kill -0 "$qemu_pid" 2>/dev/null; do
	qemu_rc=0
	wait "$qemu_pid" || qemu_rc=$?
done
wait "$watcher" || true
trap - INT TERM HUP
if [ -n "$interrupted" ]; then
	echo "$me: interrupted; the guest was stopped" >&2
	exit 130
fi
result=$(cat "$run/result" 2>/dev/null || true)

if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	echo "$me: FAILED: timed out after ${timeout_s}s (--timeout); the guest was killed" >&2
	exit 124
fi
case $result in
'')
	echo "$me: FAILED: the guest stopped without an exit status after $(elapsed)s" \
		"(qemu status $qemu_rc): a kernel panic or a failed init? See the console output above" >&2
	exit 125
	;;
error*)
	exit 125
	;;
esac
echo "$me: exit status $result after $(elapsed)s" >&2
exit "$result"
