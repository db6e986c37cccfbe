#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check-deb`: hardrun as a Debian user gets it. From the tarball `make dist` writes:
#   1. an out-of-tree build (configure from the unpacked tree, make in another directory), and
#      one --without-systemd, whose hardrun says the systemd cgroup manager is not built in;
#   2. the package, with dpkg-buildpackage -us -uc -b in the unpacked tree (debian/), and
#      lintian on it (clean, its overrides aside: debian/README.source);
#   3. in a guest kernel booted with systemd (run-in-vm.sh, whose root is an overlay of this
#      machine's), the package installed and Docker made to use it by the README's lines, then
#      used from the installed files and purged (deb-guest.sh).
# Prints the package's file list.
#
#   tests/vm/check-deb.sh TARBALL      (make check-deb: make dist, then this)
#
# Needs dpkg-dev, debhelper, lintian and the build dependencies of debian/control, and what
# run-in-vm.sh needs. Ends with "deb: N passed, N failed".
set -u

me=deb
here=$(cd "$(dirname "$0")" && pwd)
tarball=${1:?usage: check-deb.sh TARBALL}
case $tarball in
/*) ;;
*) tarball=$PWD/$tarball ;;
esac
missing=""
for tool in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian qemu-system-x86_64:qemu-system-x86 \
	jq:jq /usr/sbin/dockerd:docker.io containerd:containerd podman:podman /lib/systemd/systemd:systemd; do
	command -v "${tool%%:*}" >/dev/null || missing="$missing ${tool#*:}"
done
if [ -n "$missing" ]; then
	echo "$me: FAILED: needs apt-get install$missing"
	echo "$me: 0 passed, 1 failed"
	exit 1
fi
work=$(mktemp -d /var/tmp/hardrun-deb.XXXXXX) || exit 2
trap 'rm -rf --one-file-system "$work"' EXIT
passed=0
failed=0

# step WHAT COMMAND...: one step, its log's tail shown when it fails.
step() {
	local what=$1 t0=$SECONDS
	shift
	echo "== $me: $what"
	if "$@" >"$work/step.log" 2>&1; then
		echo "ok $what ($((SECONDS - t0))s)"
		passed=$((passed + 1))
		return 0
	fi
	tail -n 40 "$work/step.log"
	echo "not ok $what"
	failed=$((failed + 1))
	return 1
}

unpack() {
	tar -C "$work" -xzf "$tarball" && src=$(echo "$work"/hardrun-*/) && [ -f "$src/debian/control" ]
}
out_of_tree() {
	mkdir "$work/build" && cd "$work/build" && "$src/configure" && make -j"$(nproc)" &&
		./hardrun --version
}
without_systemd() {
	local out
	mkdir "$work/build-nosd" && cd "$work/build-nosd" &&
		"$src/configure" --without-systemd --disable-unit-tests && make -j"$(nproc)" || return 1
	./hardrun --version | grep -q -- ' -SYSTEMD ' || return 1
	./hardrun features | grep -q '"systemd": false' || return 1
	mkdir -p "$work/nosd-bundle/rootfs" && ./hardrun spec --bundle "$work/nosd-bundle" || return 1
	out=$(./hardrun --root "$work/nosd-state" --cgroup-manager systemd run --bundle "$work/nosd-bundle" x 2>&1)
	grep -q "built without the systemd cgroup manager" <<<"$out" || { echo "$out"; return 1; }
}
package() {
	cd "$src" && dpkg-buildpackage -us -uc -b && deb=$(echo "$work"/hardrun_*_*.deb) &&
		[ -f "$deb" ]
}
lint() {
	lintian --fail-on error,warning "$deb"
}

src="" deb=""
step "unpack the dist tarball (debian/ in it)" unpack &&
	step "configure and make out of the source tree" out_of_tree &&
	step "configure --without-systemd: built, and says so" without_systemd
[ -n "$src" ] && step "dpkg-buildpackage -us -uc -b" package &&
	step "lintian, clean" lint
if [ -n "$deb" ] && [ -f "$deb" ]; then
	echo "== $me: the package's files"
	dpkg -c "$deb" | awk '{ print $6 }' | grep -v '/$'
	echo "== $me: installed, used and purged in a guest kernel"
	"$here/../integration/helpers/busybox-rootfs.sh" "$work/rootfs" >/dev/null &&
		tar --numeric-owner -C "$work/rootfs" -cf "$work/busybox.tar" .
	"$here/run-in-vm.sh" --systemd --mem 3072 --timeout 900 "$here/deb-guest.sh" "$deb" \
		"$src/README.md" "$work/busybox.tar" 2>&1 | tee "$work/guest.log"
	line=$(grep -aE '^deb-guest: [0-9]+ passed, [0-9]+ failed$' "$work/guest.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$me: FAILED: the guest did not finish"
		failed=$((failed + 1))
	else
		p=${line#deb-guest: }
		f=${line#*passed, }
		passed=$((passed + ${p%% *}))
		failed=$((failed + ${f%% *}))
	fi
fi
echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
