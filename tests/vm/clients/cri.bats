#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Kubernetes' path: pods through containerd's CRI plugin with hardrun as the RuntimeClass
# handler "hardrun" (guest.sh has started containerd with contrib/kubernetes/containerd.toml,
# the cgroup driver HR_CRI_DRIVER, a CNI bridge network and the busybox image imported as
# HR_CLIENTS_IMAGE, which is also the pod sandbox image: its entrypoint is /bin/pause).
# tests/vm/clients/cri.py calls the CRI as kubelet does; every pod runs under the guide's
# security context in Kubernetes' terms: runAsUser/runAsGroup 1001, readOnlyRootFilesystem,
# allowPrivilegeEscalation false, capabilities drop ALL, seccompProfile RuntimeDefault.

load ../../integration/lib
load lib

# hardrun's state directory: the Root of contrib/kubernetes/containerd.toml, per namespace
ROOT=/run/containerd/hardrun/k8s.io
LOGS=/var/log/pods

cri() {
	t /usr/bin/python3 "$BATS_TEST_DIRNAME/cri.py" "$@"
}

hr_shim() {
	"$HARDRUN" --root "$ROOT" "$@"
}

teardown() {
	local pod
	# every pod a test made, stopped and removed (with its containers)
	for pod in $(cri pods 2>/dev/null | json_eval "' '.join(p['id'] for p in d.get('items', []))"); do
		cri stopp "$pod" || true
		cri rmp "$pod" || true
	done
	hr_teardown
}

# cgroup_parent NAME: the pod's cgroup parent as kubelet's cgroup driver names it
cgroup_parent() {
	if [ "$HR_CRI_DRIVER" = systemd ]; then
		echo "kubepods-pod_$1.slice"
	else
		echo "/kubepods/pod_$1"
	fi
}

# pod_config NAME: $HR_TMP/NAME.pod.json, a PodSandboxConfig as kubelet sends it for a pod
# with its own network, IPC and UTS namespaces and the guide's security context
pod_config() {
	cat >"$HR_TMP/$1.pod.json" <<-EOF
		{"metadata": {"name": "$1", "uid": "uid-$1", "namespace": "default", "attempt": 0},
		 "hostname": "$1-pod",
		 "log_directory": "$LOGS/default_$1_uid-$1",
		 "labels": {"app": "$1"},
		 "linux": {"cgroup_parent": "$(cgroup_parent "$1")",
		  "security_context": {
		   "namespace_options": {"network": "POD", "pid": "CONTAINER", "ipc": "POD"},
		   "run_as_user": {"value": 1001}, "run_as_group": {"value": 1001},
		   "readonly_rootfs": true,
		   "seccomp": {"profile_type": "RuntimeDefault"}}}}
	EOF
	mkdir -p "$LOGS/default_$1_uid-$1"
}

# container_config POD NAME SCRIPT [RESOURCES_JSON]: $HR_TMP/NAME.json, a ContainerConfig for
# sh -c SCRIPT in the busybox image under the guide's security context
container_config() {
	local resources=${4:-}
	[ -n "$resources" ] || resources='{}'
	cat >"$HR_TMP/$2.json" <<-EOF
		{"metadata": {"name": "$2", "attempt": 0},
		 "image": {"image": "$HR_CLIENTS_IMAGE"},
		 "command": $(json_array /bin/sh -c "$3"),
		 "log_path": "$2/0.log",
		 "linux": {"resources": $resources,
		  "security_context": {
		   "namespace_options": {"network": "POD", "pid": "CONTAINER", "ipc": "POD"},
		   "run_as_user": {"value": 1001}, "run_as_group": {"value": 1001},
		   "readonly_rootfs": true, "no_new_privs": true,
		   "capabilities": {"drop_capabilities": ["ALL"]},
		   "seccomp": {"profile_type": "RuntimeDefault"}}}}
	EOF
}

# run_pod NAME: the pod sandbox of pod_config NAME through the handler "hardrun"; sets POD
run_pod() {
	pod_config "$1"
	POD=$(cri runp "$HR_TMP/$1.pod.json" hardrun) || fail "RunPodSandbox failed: $POD"
}

# start_container POD_NAME NAME SCRIPT [RESOURCES_JSON]: created and started in $POD; sets CTR
start_container() {
	container_config "$@"
	CTR=$(cri create "$POD" "$HR_TMP/$2.json" "$HR_TMP/$1.pod.json") || fail "CreateContainer: $CTR"
	cri start "$CTR" || fail "StartContainer $CTR failed"
}

# info_pid inspect|inspectp ID: the process id from the verbose status
info_pid() {
	cri "$1" "$2" | json_eval "__import__('json').loads(d['info']['info'])['pid']"
}

# status_field ID EXPR: EXPR of the container's ContainerStatus (d is its "status"), printed
# as a string
status_field() {
	cri inspect "$1" | json_eval "(lambda d: $2)(d['status'])"
}

# wait_exited ID: until the container's state is CONTAINER_EXITED (60 s)
wait_exited() {
	local i
	for ((i = 0; i < 120; i++)); do
		[ "$(status_field "$1" "d['state']")" = CONTAINER_EXITED ] && return 0
		sleep 0.5
	done
	fail "container $1 did not exit: $(cri inspect "$1")"
}

@test "Version: containerd's CRI answers v1; the handler hardrun is the RuntimeClass's, with BinaryName" {
	run -0 cri version
	[ "$(echo "$output" | json_eval "d['runtime_api_version']")" = v1 ] || fail "$output"
	[ "$(echo "$output" | json_eval "d['runtime_name']")" = containerd ] || fail "$output"
	run -0 t containerd --config "$HR_CLIENTS_CONTAINERD_CONFIG" config dump
	assert_output_contains '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun]'
	assert_output_contains "BinaryName = \"$HARDRUN\""
	assert_output_contains "sandbox_image = \"$HR_CLIENTS_IMAGE\""
	run -0 grep -E '^handler: hardrun$' "$HR_CLIENTS_REPO/contrib/kubernetes/runtimeclass.yaml"
}

@test "RunPodSandbox with handler hardrun: the pause process is 1001, NNP, seccomp, in the pod's cgroup, verified" {
	run_pod tux
	run -0 cri inspectp "$POD"
	[ "$(echo "$output" | json_eval "d['status']['state']")" = SANDBOX_READY ] || fail "$output"
	[ "$(echo "$output" | json_eval "d['status']['network']['ip'][:5]")" = 10.88 ] ||
		fail "no pod IP from the CNI bridge: $output"
	# hardrun ran it: its state is in hardrun's root, and it names the pause process
	pid=$(info_pid inspectp "$POD")
	run -0 hr_shim state "$POD"
	[ "$(echo "$output" | json_eval "d['pid']")" = "$pid" ] || fail "hardrun's state: $output"
	[ "$(echo "$output" | json_eval "d['status']")" = running ] || fail "$output"
	run -0 cat "/proc/$pid/status"
	assert_line_matches $'^Uid:\t1001\t1001\t1001\t1001$'
	assert_line_matches $'^Gid:\t1001\t1001\t1001\t1001$'
	assert_line_matches $'^NoNewPrivs:\t1$'
	assert_line_matches $'^Seccomp:\t2$'
	# the sandbox's capabilities are containerd's defaults (a pod's securityContext has none
	# for it): verify holds every set, and the rest, against the config hardrun was given
	run -0 hr_shim verify "$POD"
	assert_line_matches "^PASS +$pid +process\\.capabilities\\.effective "
	assert_output_not_contains FAIL
	[ "$(readlink "/proc/$pid/exe")" != "$HARDRUN" ] || fail "the sandbox is hardrun itself"
	run -0 cat "/proc/$pid/cgroup"
	if [ "$HR_CRI_DRIVER" = cgroupfs ]; then
		assert_output_contains "0::/kubepods/pod_tux/$POD"
	else
		assert_output_contains "kubepods-pod_tux.slice"
	fi
	# the pod's hostname in the pod's UTS namespace, not the node's
	[ "$(nsenter -t "$pid" -u hostname)" = tux-pod ] || fail "hostname $(nsenter -t "$pid" -u hostname)"
}

@test "a bot in the pod joins its network, IPC and UTS namespaces by path, under the guide's security context" {
	run_pod tux
	start_container tux bot 'while :; do sleep 1; done'
	pause=$(info_pid inspectp "$POD")
	bot=$(info_pid inspect "$CTR")
	for ns in net ipc uts; do
		[ "$(readlink "/proc/$bot/ns/$ns")" = "$(readlink "/proc/$pause/ns/$ns")" ] ||
			fail "$ns: the bot's $(readlink "/proc/$bot/ns/$ns"), the pod's $(readlink "/proc/$pause/ns/$ns")"
	done
	# its own PID and mount namespaces (namespace_options pid CONTAINER)
	for ns in pid mnt; do
		[ "$(readlink "/proc/$bot/ns/$ns")" != "$(readlink "/proc/$pause/ns/$ns")" ] || fail "$ns shared"
	done
	# what hardrun was given: the namespaces as paths, which it joined
	run -0 json_get "$ROOT/$CTR/config.json" \
		"' '.join(n['type'] for n in d['linux']['namespaces'] if n.get('path'))"
	for ns in network ipc uts; do assert_output_contains "$ns"; done
	# from inside, through an exec probe
	run -0 cri exec-sync "$CTR" 30 sh -c 'hostname; id -u; id -g
		sed -n "s/^\(CapEff\|CapBnd\|CapAmb\|NoNewPrivs\|Seccomp\):[[:space:]]*/\1=/p" /proc/self/status
		touch /probe 2>&1 || true; ip -o -4 addr show eth0 | awk "{ print \$4 }"'
	assert_line_matches '^tux-pod$'
	assert_line_matches '^1001$'
	assert_line_matches '^CapEff=0000000000000000$'
	assert_line_matches '^CapBnd=0000000000000000$'
	assert_line_matches '^CapAmb=0000000000000000$'
	assert_line_matches '^NoNewPrivs=1$'
	assert_line_matches '^Seccomp=2$'
	assert_line_matches 'Read-only file system'
	assert_line_matches '^10\.88\.'
	run -0 hr_shim verify "$CTR"
	assert_output_not_contains FAIL
}

@test "ExecSync: the probe's output and exit status; a probe past its timeout is cut short and ended" {
	run_pod tux
	start_container tux bot 'while :; do sleep 1; done'
	run -3 --separate-stderr cri exec-sync "$CTR" 30 sh -c 'echo probe-out; echo probe-err >&2; exit 3'
	[ "$output" = probe-out ] || fail "stdout: $output"
	[ "$stderr" = probe-err ] || fail "stderr: $stderr"
	start=$SECONDS
	run cri exec-sync "$CTR" 2 sleep 300
	[ "$status" -ne 0 ] || fail "a probe past its timeout succeeded"
	[ $((SECONDS - start)) -lt 60 ] || fail "the probe's timeout of 2 s took $((SECONDS - start)) s"
	# the probe's process is gone from the container
	run -0 cri exec-sync "$CTR" 30 sh -c 'ps -o args | grep -c "^sleep 300" || true'
	[ "$output" = 0 ] || fail "the timed-out probe's sleep is still running"
}

@test "Exec through containerd's streaming server: output, exit status, a terminal; the client's timeout" {
	run_pod tux
	start_container tux bot 'while :; do sleep 1; done'
	run -5 --separate-stderr cri exec "$CTR" 60 sh -c 'echo exec-out; echo exec-err >&2; exit 5'
	[ "$output" = exec-out ] || fail "stdout: $output"
	[ "$stderr" = exec-err ] || fail "stderr: $stderr"
	# with a terminal (kubectl exec -it): the shim gives hardrun exec a --console-socket, the
	# process gets a pty
	run -0 cri exec "$CTR" --tty 60 sh -c 'tty; id -u'
	assert_line_matches $'^/dev/pts/[0-9]+\r?$'
	assert_line_matches $'^1001\r?$'
	# a client that gives up (kubectl exec interrupted) gets its answer at once
	start=$SECONDS
	run -124 cri exec "$CTR" 3 sleep 300
	[ $((SECONDS - start)) -lt 60 ] || fail "the client's timeout of 3 s took $((SECONDS - start)) s"
}

@test "ContainerStatus: exit codes and reasons (Completed, Error, OOMKilled)" {
	run_pod tux
	start_container tux done 'exit 0'
	done_ctr=$CTR
	start_container tux failed 'exit 7'
	failed_ctr=$CTR
	start_container tux hog 'a=$(head -c 200000000 /dev/zero | tr "\\0" a); echo ${#a}' '{"memory_limit_in_bytes": 33554432}'
	hog_ctr=$CTR
	wait_exited "$done_ctr"
	[ "$(status_field "$done_ctr" "'%s %s' % (d['exit_code'], d['reason'])")" = "0 Completed" ] ||
		fail "$(cri inspect "$done_ctr")"
	wait_exited "$failed_ctr"
	[ "$(status_field "$failed_ctr" "'%s %s' % (d['exit_code'], d['reason'])")" = "7 Error" ] ||
		fail "$(cri inspect "$failed_ctr")"
	wait_exited "$hog_ctr"
	if [ "$HR_CRI_DRIVER" = cgroupfs ]; then
		# the exit and the shim's OOM event reach containerd's CRI plugin each on its own path
		local i
		for ((i = 0; i < 60; i++)); do
			[ "$(status_field "$hog_ctr" "d['reason']")" = OOMKilled ] && break
			sleep 0.5
		done
		[ "$(status_field "$hog_ctr" "'%s %s' % (d['exit_code'], d['reason'])")" = "137 OOMKilled" ] ||
			fail "$(cri inspect "$hog_ctr")"
	else
		# containerd's shim learns of an OOM kill from the cgroup's memory.events, and systemd
		# removes a scope with its last process: containerd says Error, whatever the runtime
		# (runc too; containerd's own CRI tests skip OOMKilled under the systemd driver,
		# containerd#12714). The kernel's word instead: the kill was in the container's scope.
		[ "$(status_field "$hog_ctr" "d['exit_code']")" = 137 ] || fail "$(cri inspect "$hog_ctr")"
		run -0 dmesg
		assert_line_matches "oom-kill:.*oom_memcg=/kubepods\.slice/kubepods-pod_tux\.slice/cri-containerd-$hog_ctr\.scope,"
	fi
}

@test "UpdateContainerResources: 512 MiB and half a CPU, read in the container's cgroup" {
	run_pod tux
	start_container tux bot 'while :; do sleep 1; done' '{"memory_limit_in_bytes": 1073741824}'
	run -0 cri exec-sync "$CTR" 30 cat /sys/fs/cgroup/memory.max
	[ "$output" = 1073741824 ] || fail "memory.max before: $output"
	cat >"$HR_TMP/resources.json" <<-'EOF'
		{"memory_limit_in_bytes": 536870912, "cpu_period": 100000, "cpu_quota": 50000}
	EOF
	cri update "$CTR" "$HR_TMP/resources.json"
	run -0 cri exec-sync "$CTR" 30 sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max'
	[ "$output" = $'536870912\n50000 100000' ] || fail "after the update: $output"
	# containerd keeps the new resources in the container's spec
	run -0 cri inspect "$CTR"
	[ "$(echo "$output" | json_eval "__import__('json').loads(d['info']['info'])['runtimeSpec']['linux']['resources']['memory']['limit']")" = 536870912 ] ||
		fail "$output"
}

@test "the container's log in the CRI format, and ReopenContainerLog" {
	run_pod tux
	start_container tux bot 'trap "echo second" USR1; echo first; echo to-stderr >&2
		while :; do sleep 0.2; done'
	log=$LOGS/default_tux_uid-tux/bot/0.log
	# containerd copies stdout and stderr each on its own: either may come first
	for ((i = 0; i < 150; i++)); do
		grep -q ' stdout F first$' "$log" 2>/dev/null && grep -q to-stderr "$log" && break
		sleep 0.2
	done
	run -0 cat "$log"
	assert_line_matches '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+) stdout F first$'
	assert_line_matches '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+) stderr F to-stderr$'
	# kubelet's rotation: it moves the file away, then asks containerd to reopen it
	mv "$log" "$log.1"
	cri reopen-log "$CTR"
	[ -e "$log" ] || fail "ReopenContainerLog did not make a new $log"
	# the bot's shell (its PID 1) answers USR1 with a line
	run -0 cri exec-sync "$CTR" 30 kill -USR1 1
	for ((i = 0; i < 100; i++)); do grep -q second "$log" 2>/dev/null && break; sleep 0.2; done
	run -0 cat "$log"
	assert_line_matches ' stdout F second$'
	assert_output_not_contains first
	run -0 cat "$log.1"
	assert_output_not_contains second
}

@test "StopContainer with a timeout: TERM, then KILL for a process that ignores it" {
	run_pod tux
	start_container tux polite 'trap "exit 0" TERM; while :; do sleep 0.2; done'
	polite=$CTR
	start_container tux stubborn 'trap "" TERM; while :; do sleep 0.2; done'
	stubborn=$CTR
	cri stop "$polite" 30
	[ "$(status_field "$polite" "'%s %s' % (d['state'], d['exit_code'])")" = "CONTAINER_EXITED 0" ] ||
		fail "$(cri inspect "$polite")"
	start=$SECONDS
	cri stop "$stubborn" 3
	took=$((SECONDS - start))
	[ "$took" -ge 3 ] || fail "the stubborn container was stopped after ${took}s, before its timeout"
	[ "$(status_field "$stubborn" "'%s %s' % (d['state'], d['exit_code'])")" = "CONTAINER_EXITED 137" ] ||
		fail "$(cri inspect "$stubborn")"
}

@test "RemoveContainer, StopPodSandbox, RemovePodSandbox: no process, cgroup, mount or state left" {
	mountinfo_before=$(awk '{ print $5 }' /proc/self/mountinfo | sort)
	run_pod tux
	start_container tux bot 'while :; do sleep 1; done'
	pause=$(info_pid inspectp "$POD")
	bot=$(info_pid inspect "$CTR")
	[ -d "$ROOT/$CTR" ] && [ -d "$ROOT/$POD" ] || fail "no state of hardrun's in $ROOT"
	cri stop "$CTR" 10
	cri rm "$CTR"
	cri stopp "$POD"
	cri rmp "$POD"
	[ ! -e "/proc/$bot" ] || fail "the bot's process $bot is left"
	[ ! -e "/proc/$pause" ] || fail "the pause process $pause is left"
	[ ! -e "$ROOT/$CTR" ] && [ ! -e "$ROOT/$POD" ] || fail "hardrun's state is left: $(ls "$ROOT")"
	run hr_shim list -q
	[ -z "$output" ] || fail "hardrun still lists: $output"
	if [ "$HR_CRI_DRIVER" = cgroupfs ]; then
		[ ! -e "/sys/fs/cgroup/kubepods/pod_tux/$CTR" ] && [ ! -e "/sys/fs/cgroup/kubepods/pod_tux/$POD" ] ||
			fail "cgroups left: $(find /sys/fs/cgroup/kubepods -type d)"
	else
		[ -z "$(find /sys/fs/cgroup -name "*$CTR*" -o -name "*$POD*")" ] ||
			fail "cgroups left: $(find /sys/fs/cgroup -name "*$CTR*" -o -name "*$POD*")"
	fi
	mountinfo_after=$(awk '{ print $5 }' /proc/self/mountinfo | sort)
	[ "$mountinfo_before" = "$mountinfo_after" ] ||
		fail "mounts differ: $(diff <(echo "$mountinfo_before") <(echo "$mountinfo_after"))"
}
