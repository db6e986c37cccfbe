#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The guide's own bot, end to end: Tux (bot.py), a Python service, on a Debian 12 rootfs, run
# by hardrun with the production profile, its temp directory a volume, its token from an env
# file, its health checked by a Python import, its output kept as JSON lines. Shows what the
# bot sees from inside and what the operator sees from outside (state: health and space used),
# stops it with SIGTERM, and keeps its logs for review. Leaves nothing but the kept logs.
#
#   contrib/tux/tux.sh [HARDRUN]      (as root; `make demo-tux` runs it with the built binary)
#
# The first run builds the rootfs from Debian's archive (rootfs.sh; cached after). Environment:
# as rootfs.sh, and HR_TUX_KEEP (where the logs are kept, in a directory per run named by the
# time; default /var/tmp/hardrun-tux-logs).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
HARDRUN=${1:-$(cd "$here/../.." && pwd)/hardrun}
if [ $# -eq 0 ] && [ ! -x "$HARDRUN" ]; then
	HARDRUN=$(command -v hardrun || echo /usr/sbin/hardrun)
fi
ID=tux
# a directory of its own each run: delete --keep-logs never overwrites
keep=${HR_TUX_KEEP:-/var/tmp/hardrun-tux-logs}/$(date -u +%Y%m%dT%H%M%SZ)

if [ "$(id -u)" -ne 0 ]; then
	echo "tux: run as root (containers need it)" >&2
	exit 1
fi
# Mounts made by a buggy runtime must never reach the host's namespace.
if [ -z "${HR_TUX_NS:-}" ]; then
	exec unshare --mount --propagation private env HR_TUX_NS=1 "$0" "$HARDRUN"
fi

mkdir -p "$(dirname "$keep")"
work=$(mktemp -d /var/tmp/hardrun-tux.XXXXXX)
state=$work/state
bundle=$work/bundle
cleanup() {
	"$HARDRUN" --root "$state" delete --force "$ID" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && [ -z "${HR_TUX_NO_CGROUPS:-}" ]; then
	manager=cgroupfs
else
	manager=disabled
fi
hr() { "$HARDRUN" --root "$state" --cgroup-manager "$manager" "$@"; }

echo "== the rootfs: Debian 12 minbase + python3, the bot in /app"
"$here/rootfs.sh" "$bundle/rootfs"

echo "== hardrun spec --profile production, /app/temp a volume, the token from an env file"
mkdir -p "$work/volume"
chown 1001:1001 "$work/volume"
printf 'BOT_TOKEN=tux-%s\n' "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$work/bot.env"
chmod 0600 "$work/bot.env"
"$HARDRUN" spec --bundle "$bundle" --profile production --volume "$work/volume:/app/temp" \
	--env-file "$work/bot.env" --args python3 /app/bot.py
"$HARDRUN" audit --bundle "$bundle" | tail -n 1

echo "== hardrun run $ID (cgroup manager: $manager), health: python3 -c 'import health'"
hr run --bundle "$bundle" --output-log --keep-logs "$keep" \
	--health-cmd "cd /app && python3 -c 'import health'" --health-interval 2s \
	--health-start-period 10s "$ID" </dev/null >"$work/run.out" 2>&1 &
run_pid=$!
for _ in $(seq 150); do
	[ "$(hr state "$ID" 2>/dev/null | sed -n 's/.*"org.hardrun.health.status": "\(.*\)".*/\1/p')" = healthy ] && break
	sleep 0.2
done

echo "== what the bot sees from inside (hardrun exec)"
hr exec "$ID" python3 -c '
import os
status = dict(l.split(":", 1) for l in open("/proc/self/status"))
for k in ("Uid", "Gid", "Groups", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"):
    print("%-12s %s" % (k + ":", " ".join(status[k].split())))
for d in ("/", "/etc", "/app", "/tmp", "/var/tmp", "/app/temp"):
    try:
        open(os.path.join(d, ".w"), "w").close()
        os.unlink(os.path.join(d, ".w"))
        print("%-12s writable" % d)
    except OSError as e:
        print("%-12s %s" % (d, e.strerror))
for f in ("memory.max", "cpu.max", "pids.max"):
    try:
        print("%-12s %s" % (f + ":", open("/sys/fs/cgroup/" + f).read().strip()))
    except OSError:
        print("%-12s not enforced (--cgroup-manager=disabled)" % (f + ":"))'

echo "== what the operator sees (hardrun state): health and space used"
hr state "$ID" | python3 -c '
import json, sys
d = json.load(sys.stdin)
a = d.get("annotations", {})
print("health:   ", a.get("org.hardrun.health.status"), "last exit", a.get("org.hardrun.health.last-exit-code"),
      "at", a.get("org.hardrun.health.last-time"))
for u in d.get("storage", []):
    print("storage:   %-10s %-6s %8d of %11d bytes (%s %%)" % (u["path"], u["type"], u["used"], u["size"], u["usedPercent"]))'

echo "== hardrun kill $ID TERM: the bot stops cleanly"
hr kill "$ID" TERM
status=0
wait "$run_pid" || status=$?
echo "run's exit status: $status"
[ "$status" -eq 0 ] || { cat "$work/run.out"; exit 1; }
echo "== its output, kept as JSON lines in $keep/$ID/ (the token redacted if it ever showed)"
tail -n 3 "$keep/$ID/output.log"
cat "$keep/$ID/health.json"
echo "== the volume on the host survives: $(cat "$work/volume/state.json")"
hr list
echo "== done: nothing left behind but $keep/$ID"
