#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Inside a guest kernel (check-deb.sh boots it with run-in-vm.sh): the Debian package installed
# with dpkg as a user would, what it put where used from there (hardrun on PATH, its man pages,
# its bash completion, the snippets naming /usr/sbin/hardrun, the demo from its examples), then
# purged, leaving none of its files. The guest's root is an overlay: the host is not touched.
#
#   tests/vm/deb-guest.sh PACKAGE.deb
#
# Ends with "deb-guest: N passed, N failed".
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
deb=${1:?usage: deb-guest.sh PACKAGE.deb}
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

check "dpkg -i installs the package" dpkg -i "$deb"
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
