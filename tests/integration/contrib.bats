#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The engines' snippets in contrib/ parse as their engines read them and name one hardrun and
# one handler. Docker, containerd and Podman load theirs in the clients suite (tests/vm/clients);
# CRI-O is not packaged in Debian 12, so its drop-in is checked here for its form only.
# hr-guest: host only (parses the engines' snippets; no container starts)

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load lib

CONTRIB=$BATS_TEST_DIRNAME/../../contrib

@test "contrib: every snippet parses and names /usr/local/sbin/hardrun; CRI-O's drop-in is an oci runtime called hardrun" {
	run -0 "$HR_PYTHON" - "$CONTRIB" <<-'EOF'
		import json, sys, tomllib
		contrib = sys.argv[1]
		def toml(name):
		    with open(f"{contrib}/{name}", "rb") as f:
		        return tomllib.load(f)
		docker = json.load(open(f"{contrib}/docker/daemon.json"))
		print("docker", docker["runtimes"]["hardrun"]["path"])
		cri = toml("containerd/config.toml")["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]
		print("containerd", cri["runtimes"]["hardrun"]["options"]["BinaryName"])
		print("podman", toml("podman/containers.conf")["engine"]["runtimes"]["hardrun"][0])
		crio = toml("crio/99-hardrun.conf")
		assert list(crio) == ["crio"] and list(crio["crio"]) == ["runtime"], crio
		hardrun = crio["crio"]["runtime"]["runtimes"]["hardrun"]
		assert sorted(hardrun) == ["runtime_path", "runtime_root", "runtime_type"], hardrun
		assert hardrun["runtime_type"] == "oci", hardrun
		print("crio", hardrun["runtime_path"])
		print("crio-root", hardrun["runtime_root"])
	EOF
	for engine in docker containerd podman crio; do
		assert_line_matches "^$engine /usr/local/sbin/hardrun\$"
	done
	assert_line_matches '^crio-root /run/crio/hardrun$'
	# the handler both CRI snippets register is the RuntimeClass's
	grep -qx 'handler: hardrun' "$CONTRIB/kubernetes/runtimeclass.yaml" || fail "the RuntimeClass's handler"
}
