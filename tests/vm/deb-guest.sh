#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Inside a guest kernel booted with systemd (check-deb.sh boots it with run-in-vm.sh --systemd):
# the Debian package installed and Docker made to use it by the README's own lines (its block
# after "<!-- check-deb: docker -->", run as they are but for the package's path and
# `--network none`), a Docker container seen in hardrun's state, what the package put where
# used from there (hardrun on PATH, its man pages, its bash completion, the snippets naming
# /usr/sbin/hardrun, the demo from its examples), then purged, leaving none of its files. The
# guest's root is an overlay: the host is not touched.
#
#   tests/vm/deb-guest.sh PACKAGE.deb README.md BUSYBOX.tar
#
# Ends with "deb-guest: N passed, N failed".
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
deb=${1:?usage: deb-guest.sh PACKAGE.deb README.md BUSYBOX.tar}
readme=${2:?usage: deb-guest.sh PACKAGE.deb README.md BUSYBOX.tar}
busybox_tar=${3:?usage: deb-guest.sh PACKAGE.deb README.md BUSYBOX.tar}
passed=0
failed=0

# check WHAT COMMAND...: one check, its output shown when it fails.
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok $what"
		passed=$((passed + 1))
	else
		echo "not ok $what"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

# run_readme_block NAME REQUIRED SED-EXPRESSION...: the sh block after "<!-- check-deb: NAME -->"
# in the README, which must have a line matching REQUIRED (a grep -E pattern), adapted to this
# guest by the sed expressions (each anchored at a line's start), shown, then run with bash -e;
# what one of its commands, `id`, printed must be root's.
run_readme_block() {
	local name=$1 required=$2 block out expr
	local -a seds=()
	shift 2
	block=$(awk -v m="<!-- check-deb: $name -->" '$0 == m { f = 1; next }
		f && /^```sh$/ { b = 1; next } b && /^```$/ { exit } b { print }' "$readme")
	grep -qE "$required" <<<"$block" || { echo "no line /$required/ in the README's $name block:"; echo "$block"; return 1; }
	for expr in "$@"; do
		seds+=(-e "$expr")
	done
	block=$(sed "${seds[@]}" <<<"$block")
	echo "$block"
	out=$(bash -ec "$block" 2>&1) || { echo "$out"; return 1; }
	echo "$out" | tail -n 3
	grep -q '^uid=0(root) gid=0(root)' <<<"$out" || { echo "no uid=0(root) from the block's id"; return 1; }
}

# state_of ROOT ID: the status hardrun's state of ID under ROOT says.
state_of() {
	hardrun --root "$1" state "$2" | sed -n 's/.*"status": "\(.*\)".*/\1/p'
}

# The README's Docker block. Docker in this guest: no network, vfs storage on the overlay root
# (the settings the README's merge keeps); the image busybox is imported from a tarball.
readme_docker() {
	mkdir -p /etc/docker
	echo '{"iptables": false, "bridge": "none", "storage-driver": "vfs"}' >/etc/docker/daemon.json
	run_readme_block docker '^apt-get install ./hardrun_.*\.deb$' \
		"s|^apt-get install ./hardrun_.*\.deb\$|apt-get install -y $deb|" \
		"s|^docker run |docker import $busybox_tar busybox \&\& docker run --network none |" || return 1
	docker info --format '{{json .Runtimes}}' | grep -q '"hardrun":{"path":"/usr/sbin/hardrun"}'
}
# A container Docker runs with --runtime hardrun is in hardrun's state (containerd's runc shim
# passes Docker's --root /run/docker/runtime-runc/moby).
docker_through_hardrun() {
	local id status
	id=$(docker run -d --network none --runtime hardrun busybox sleep 1000) || return 1
	status=$(state_of /run/docker/runtime-runc/moby "$id")
	docker rm -f "$id" >/dev/null
	[ "$status" = running ] || { echo "hardrun's state of $id: '$status'"; return 1; }
}
# The README's Podman block, after the Docker one (the package installed). Podman in this
# guest: vfs storage (storage.conf), no network; busybox imported from the tarball.
readme_podman() {
	printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
		>/etc/containers/storage.conf
	run_readme_block podman '^podman run ' \
		"s|^podman run |podman import $busybox_tar busybox \&\& podman run --network none |" || return 1
	[ "$(podman info --format '{{.Host.OCIRuntime.Path}}')" = /usr/sbin/hardrun ]
}
# The README's containerd block, after the Docker one (busybox in Docker's images): the pull
# becomes an import of Docker's copy, and ctr uses the native snapshotter (overlayfs cannot
# stack on the guest's overlay root); the CRI plugin must have taken the snippet, and the
# container runs through hardrun (its state under the runc shim's root for ctr's namespace).
readme_containerd() {
	local status
	run_readme_block containerd '^ctr run ' \
		's|^ctr image pull .*$|docker save busybox \| ctr image import --snapshotter native -|' \
		's|^ctr run |ctr run --snapshotter native |' || return 1
	ctr plugins ls | grep -qE '^io\.containerd\.grpc\.v1[[:space:]]+cri[[:space:]].*[[:space:]]ok' ||
		{ echo "the CRI plugin did not take the snippet: $(ctr plugins ls | grep cri)"; return 1; }
	ctr run -d --snapshotter native --runc-binary /usr/sbin/hardrun docker.io/library/busybox:latest \
		hr-ctr sleep 1000 || return 1
	status=$(state_of /run/containerd/runc/default hr-ctr)
	ctr task kill -s KILL hr-ctr >/dev/null 2>&1
	sleep 1
	ctr task delete hr-ctr >/dev/null 2>&1
	ctr container delete hr-ctr >/dev/null 2>&1
	[ "$status" = running ] || { echo "hardrun's state of hr-ctr: '$status'"; return 1; }
}
version_line() { [ "$(command -v hardrun)" = /usr/sbin/hardrun ] && hardrun --version | grep -q '^hardrun version '; }
man_pages() { man -w hardrun && man -w hardrun-checkpoint && man -w 5 hardrun-config; }
bash_completion() {
	bash -c 'source /usr/share/bash-completion/completions/hardrun; complete -p hardrun |
		grep -q _hardrun; COMP_WORDS=(hardrun chec); COMP_CWORD=1; _hardrun;
		[ "${COMPREPLY[*]}" = checkpoint ]'
}
zsh_completion() { grep -q '^#compdef hardrun' /usr/share/zsh/vendor-completions/_hardrun; }
snippets() {
	local f
	for f in docker/daemon.json containerd/config.toml podman/containers.conf crio/99-hardrun.conf; do
		grep -q /usr/sbin/hardrun "/usr/share/doc/hardrun/examples/$f" || return 1
		! grep -q /usr/local/sbin "/usr/share/doc/hardrun/examples/$f" || return 1
	done
}
demo() {
	local out
	out=$(/usr/share/doc/hardrun/examples/demo.sh 2>&1) || { echo "$out"; return 1; }
	local want
	for want in 'user: *uid=1001' 'root fs: *read-only' 'memory.max: *536870912' \
		'NoNewPrivs: 1' 'done: nothing left behind'; do
		grep -q "$want" <<<"$out" || { echo "no \"$want\" in:"; echo "$out"; return 1; }
	done
}
purged() {
	local f
	dpkg --purge hardrun || return 1
	for f in /usr/sbin/hardrun /etc/apparmor.d/hardrun-default /usr/share/doc/hardrun \
		/usr/share/bash-completion/completions/hardrun /usr/share/man/man8/hardrun.8.gz; do
		[ ! -e "$f" ] || { echo "$f is left"; return 1; }
	done
}

check "the README's Docker steps: the package installed, docker run --runtime hardrun works" readme_docker
check "a container of docker run --runtime hardrun is in hardrun's state, running" docker_through_hardrun
check "the README's Podman steps: podman runs its containers with the package's hardrun" readme_podman
check "the README's containerd steps: the CRI handler taken, ctr runs through hardrun" readme_containerd
check "hardrun on PATH is /usr/sbin/hardrun and says its version" version_line
check "the man pages (hardrun, hardrun-checkpoint, hardrun-config(5))" man_pages
check "the bash completion loads and completes" bash_completion
check "the zsh completion is in vendor-completions" zsh_completion
check "the AppArmor profile is in /etc/apparmor.d" test -s /etc/apparmor.d/hardrun-default
check "the engines' snippets name /usr/sbin/hardrun" snippets
check "the demo from the installed examples runs the production bot as uid 1001" demo
check "dpkg --purge leaves none of its files" purged
echo "deb-guest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
