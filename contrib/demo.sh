#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hardrun's main job: a small long-lived "bot" in a container with the production profile,
# and what it sees from inside. Builds a busybox rootfs, writes the profile, runs the bot
# detached, looks at it through `hardrun exec`, then stops and deletes it, leaving nothing.
#
#   contrib/demo.sh [HARDRUN]        (as root; make demo runs it with the built binary)
#
# Without HARDRUN: the checkout's binary beside contrib/, else the installed one (the package
# ships this script among its examples).
set -euo pipefail

HARDRUN=${1:-$(cd "$(dirname "$0")/.." && pwd)/hardrun}
if [ $# -eq 0 ] && [ ! -x "$HARDRUN" ]; then
	HARDRUN=$(command -v hardrun || echo /usr/sbin/hardrun)
fi
ID=hardrun-demo-bot

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (containers need it)" >&2
	exit 1
fi
# Mounts made by a buggy runtime must never reach the host's namespace.
if [ -z "${HR_DEMO_NS:-}" ]; then
	exec unshare --mount --propagation private env HR_DEMO_NS=1 "$0" "$HARDRUN"
fi

work=$(mktemp -d /tmp/hardrun-demo.XXXXXX)
state=$work/state
bundle=$work/bundle
cleanup() {
	"$HARDRUN" --root "$state" delete --force "$ID" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# cgroups: only a pure cgroup v2 host can enforce the limits; elsewhere say so.
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && [ -z "${HR_DEMO_NO_CGROUPS:-}" ]; then
	manager=cgroupfs
else
	manager=disabled
fi
hr() { "$HARDRUN" --root "$state" --cgroup-manager "$manager" "$@"; }

echo "== building a busybox rootfs in $bundle/rootfs"
mkdir -p "$bundle/rootfs"/{bin,dev,proc,sys,tmp,var/tmp,etc,app,mnt}
cp /bin/busybox "$bundle/rootfs/bin/busybox"
# a link per applet, made by one process (perl-base is always installed): an `ln` each is
# hundreds of process starts, slow where they are emulated
# shellcheck disable=SC2046 # one word per applet
perl -e 'chdir(shift) or die "$!\n";
	for (@ARGV) { next if $_ eq "busybox"; unlink; symlink("busybox", $_) or die "$_: $!\n" }' \
	"$bundle/rootfs/bin" $("$bundle/rootfs/bin/busybox" --list)
echo 'bot:x:1001:1001:bot:/app:/bin/sh' >"$bundle/rootfs/etc/passwd"
echo 'bot:x:1001:' >"$bundle/rootfs/etc/group"

echo "== hardrun spec --profile production"
"$HARDRUN" spec --bundle "$bundle" --profile production --args /bin/sh -c '
	echo "bot: started as $(id -u):$(id -g)"
	trap "echo bot: stopping; exit 0" TERM
	n=0
	while :; do
		n=$((n + 1))
		echo "heartbeat $n $(date +%T)" >>/app/temp/bot.log
		sleep 1 & wait $!
	done'
"$HARDRUN" validate --bundle "$bundle"

echo "== hardrun run --detach $ID (cgroup manager: $manager)"
hr run --detach --bundle "$bundle" "$ID"
hr state "$ID"
sleep 2

echo "== what the bot sees from inside (hardrun exec)"
hr exec "$ID" /bin/sh -c '
	s() { grep "^$1:" /proc/self/status | tr -s "\t " " "; }
	echo "user:          $(id)"
	s Uid; s Gid; s CapInh; s CapPrm; s CapEff; s CapBnd; s CapAmb; s NoNewPrivs; s Seccomp
	if touch /rootfs-write-test 2>/dev/null; then echo "root fs:       WRITABLE"; else echo "root fs:       read-only"; fi
	for d in /tmp /var/tmp /app/temp; do
		fs=$(awk -v d="$d" "\$2 == d {print \$3}" /proc/mounts)
		if touch "$d/.w" 2>/dev/null; then w=writable; rm -f "$d/.w"; else w=NOT-writable; fi
		printf "%-14s %s, %s\n" "$d:" "$fs" "$w"
	done
	if mount -t tmpfs none /mnt 2>/dev/null; then echo "mount(2):      ALLOWED"; else echo "mount(2):      denied"; fi
	if [ -r /sys/fs/cgroup/memory.max ]; then
		echo "memory.max:    $(cat /sys/fs/cgroup/memory.max)"
		echo "cpu.max:       $(cat /sys/fs/cgroup/cpu.max)"
		echo "pids.max:      $(cat /sys/fs/cgroup/pids.max)"
	else
		echo "cgroup limits: not enforced on this host (hybrid cgroups; run with --cgroup-manager=disabled)"
	fi
	echo "bot log:       $(tail -n 1 /app/temp/bot.log)"'

echo "== the bot's volume on the host: $bundle/volumes/app-temp"
tail -n 2 "$bundle/volumes/app-temp/bot.log"

echo "== stopping and deleting"
hr kill "$ID" TERM
for _ in $(seq 50); do
	hr state "$ID" | grep -q '"status": "stopped"' && break
	sleep 0.1
done
hr delete --force "$ID"
hr list
echo "== done: nothing left behind"
