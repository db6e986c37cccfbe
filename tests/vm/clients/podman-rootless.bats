#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless Podman 4.3 runs its containers through hardrun: an unprivileged user (podrl, made
# here with useradd, which gives it a range in /etc/subuid and /etc/subgid) runs podman, which
# makes a user namespace of its own through newuidmap/newgidmap and runs conmon and hardrun in
# it, as uid 0 of that namespace, with the user's XDG_RUNTIME_DIR. hardrun takes that root for
# what it is, rootless: its state in $XDG_RUNTIME_DIR/hardrun, no cgroup of its own. cgroupfs
# manager (a user cannot create cgroups without a delegated one: limits with a user manager are
# tests/vm/systemd/rootless.bats), file events, vfs storage, no network. The tests of rl1 run in
# order.

load ../../integration/lib
load lib

RL_USER=podrl
# where the user can reach it: the binary under test may sit in a directory it cannot enter
RL_HARDRUN=/usr/local/libexec/hardrun-under-test/hardrun

setup_file() {
	id -u "$RL_USER" >/dev/null 2>&1 || useradd -m -s /bin/sh "$RL_USER" 3>&- || return 1
	RL_UID=$(id -u "$RL_USER")
	# useradd gives the range where login.defs says so (Debian's does); else one here
	grep -q "^$RL_USER:" /etc/subuid ||
		usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$RL_USER" || return 1
	mkdir -p "/run/user/$RL_UID"
	chown "$RL_USER:" "/run/user/$RL_UID"
	chmod 0700 "/run/user/$RL_UID"
	install -D -m 0755 "$HARDRUN" "$RL_HARDRUN"
	install -m 0644 "$HR_CLIENTS_TAR" "/home/$RL_USER/bb.tar"
	export RL_UID
	pu import -q "/home/$RL_USER/bb.tar" bb:1 3>&- || {
		echo "rootless podman import failed" >&2
		return 1
	}
}

# pu ARG...: podman as the user, with the environment and the working directory a login
# gives it (the test's directory may be one the user cannot enter: podman's re-exec into its
# user namespace fails on it, as in CI's 0700 checkout).
pu() {
	t runuser -u "$RL_USER" -- env -i -C "/home/$RL_USER" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="/home/$RL_USER" USER="$RL_USER" XDG_RUNTIME_DIR="/run/user/$RL_UID" \
		podman --runtime "$RL_HARDRUN" --cgroup-manager cgroupfs --events-backend file \
		--storage-driver vfs "$@"
}

# hru ARG...: hardrun as the user, outside Podman's user namespace (rootless too: its euid).
hru() {
	runuser -u "$RL_USER" -- env -i -C "/home/$RL_USER" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		XDG_RUNTIME_DIR="/run/user/$RL_UID" "$RL_HARDRUN" "$@"
}

@test "rootless podman run: the container's root is the user outside; hardrun's state is in its XDG_RUNTIME_DIR" {
	run -0 --separate-stderr pu run -d --name rl1 --network none bb:1 \
		sh -c 'trap "echo got-term; exit 0" TERM; sleep 100000 & wait'
	local id pid
	id=$(pu inspect -f '{{.Id}}' rl1)
	pid=$(pu inspect -f '{{.State.Pid}}' rl1)
	# hardrun ran as uid 0 of Podman's namespace and kept its state where the user's is
	[ -d "/run/user/$RL_UID/hardrun/$id" ] || fail "no state in /run/user/$RL_UID/hardrun: $(ls -la "/run/user/$RL_UID/hardrun" 2>&1)"
	[ "$(stat -c %u "/run/user/$RL_UID/hardrun/$id")" = "$RL_UID" ] || fail "the state belongs to $(stat -c %u "/run/user/$RL_UID/hardrun/$id")"
	[ ! -e "/run/hardrun/$id" ] || fail "state in root's /run/hardrun"
	run -0 hru state "$id"
	assert_output_contains '"status": "running"'
	# from the host: the container's root is the user
	run -0 awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status"
	[ "$output" = "$RL_UID $RL_UID $RL_UID $RL_UID" ] || fail "the container's init runs as $output on the host, not $RL_UID"
	# inside: uid 0, mapped to the user and then to its subordinate range
	run -0 --separate-stderr pu exec rl1 sh -c 'id -u; cat /proc/self/uid_map'
	assert_line_matches '^0$'
	assert_line_matches "^ +0 +$RL_UID +1\$"
	assert_line_matches "^ +1 +$(awk -F: -v u="$RL_USER" '$1 == u { print $2 }' /etc/subuid) +65536\$"
}

@test "rootless podman: the production settings but the limits, verified inside" {
	run -0 --separate-stderr pu run --rm --network none --read-only --read-only-tmpfs=false \
		--tmpfs /tmp --tmpfs /var/tmp --user 1001:1001 --security-opt no-new-privileges \
		--cap-drop ALL -v apptemp:/app/temp bb:1 \
		sh -c "$PRODUCTION_PROBE"'
sed -n "s/^Seccomp:[[:space:]]*/seccomp=/p" /proc/self/status'
	local want
	for want in "uid=1001 gid=1001" "rootfs=read-only" "mount /tmp=tmpfs" \
		"mount /var/tmp=tmpfs" "write /tmp=ok" "write /var/tmp=ok" "write /app/temp=ok" \
		"nnp=1" "capeff=0000000000000000" "seccomp=2"; do
		assert_line_matches "^${want}\$"
	done
}

@test "rootless podman stop and rm: SIGTERM reaches the container, its status 0 comes back; no state is left" {
	local id
	id=$(pu inspect -f '{{.Id}}' rl1)
	run -0 --separate-stderr pu stop -t 60 rl1
	[ "$(pu inspect -f '{{.State.ExitCode}}' rl1)" = 0 ] || fail "exit code $(pu inspect -f '{{.State.ExitCode}}' rl1)"
	run -0 --separate-stderr pu logs rl1
	assert_line_matches '^got-term$'
	run -0 --separate-stderr pu rm rl1
	[ ! -e "/run/user/$RL_UID/hardrun/$id" ] || fail "hardrun's state is left: $(ls -la "/run/user/$RL_UID/hardrun/$id")"
	run -1 hru state "$id"
	assert_output_contains "container $id does not exist"
}
