#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bot's rootfs: Debian 12 minbase with python3, from Debian's archive (debootstrap), made
# once and kept as a tarball in the cache; then unpacked into DIR with the bot (bot.py,
# health.py in /app) and its user, bot (1001:1001).
#
#   contrib/tux/rootfs.sh DIR         (as root)
#   contrib/tux/rootfs.sh --cache-only (only make sure the tarball is there: tests/vm/check.sh,
#                                       before a guest without network uses it)
#
# Environment: HR_TUX_MIRROR (default http://deb.debian.org/debian), HR_TUX_CACHE (default
# /var/cache/hardrun; the tarball is tux-bookworm-python3.tar, about 170 MB).
set -euo pipefail

me=tux-rootfs
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: $0 DIR|--cache-only}
mirror=${HR_TUX_MIRROR:-http://deb.debian.org/debian}
cache=${HR_TUX_CACHE:-/var/cache/hardrun}
tarball=$cache/tux-bookworm-python3.tar

if [ ! -s "$tarball" ]; then
	if ! command -v debootstrap >/dev/null; then
		echo "$me: debootstrap is needed to build the rootfs once: apt-get install debootstrap" >&2
		exit 1
	fi
	mkdir -p "$cache"
	build=$(mktemp -d "$cache/tux-build.XXXXXX")
	trap 'rm -rf --one-file-system "$build"' EXIT
	echo "$me: building Debian 12 minbase + python3 from $mirror (once; cached in $tarball)"
	if ! debootstrap --variant=minbase --include=python3 bookworm "$build/rootfs" "$mirror" \
		>"$build/debootstrap.log" 2>&1; then
		tail -n 5 "$build/debootstrap.log" >&2
		echo "$me: could not build the rootfs from $mirror: is Debian's archive reachable?" \
			"(set HR_TUX_MIRROR to a mirror that is)" >&2
		exit 1
	fi
	# what a running container never needs: the downloaded packages and apt's lists
	rm -rf "$build/rootfs/var/cache/apt/archives/"*.deb "$build/rootfs/var/lib/apt/lists/"*
	tar -C "$build/rootfs" --numeric-owner -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
fi

[ "$dir" != --cache-only ] || exit 0
mkdir -p "$dir"
tar -C "$dir" --numeric-owner -xf "$tarball"
install -d -m 0755 "$dir/app" "$dir/app/temp"
install -m 0644 "$here/bot.py" "$here/health.py" "$dir/app/"
grep -q '^bot:' "$dir/etc/passwd" || echo 'bot:x:1001:1001:tux bot:/app:/usr/sbin/nologin' >>"$dir/etc/passwd"
grep -q '^bot:' "$dir/etc/group" || echo 'bot:x:1001:' >>"$dir/etc/group"
