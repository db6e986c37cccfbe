#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# busybox-rootfs.sh DIR: a minimal root filesystem in DIR (created, or completed when it
# exists) with busybox-static (HR_BUSYBOX, default /bin/busybox) and a symlink per applet.
#
# The test helpers build it once per run (tests/integration/run.sh) and copy it for each
# bundle: building it starts a process per applet, which in a software-emulated guest kernel
# took about 19 s, a copy 0.2 s.
set -eu

dir=${1:?usage: busybox-rootfs.sh DIR}
busybox=${HR_BUSYBOX:-/bin/busybox}
# The rootfs has no libraries: busybox must be the static build.
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	echo "busybox-rootfs: $busybox is not a static busybox: apt-get install busybox-static" >&2
	exit 1
fi
mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc,root,run,var/tmp}
chmod 1777 "$dir/tmp" "$dir/var/tmp"
cp "$busybox" "$dir/bin/busybox"
# One process for every link: perl (Debian's perl-base, always installed) rather than an `ln`
# per applet.
"$dir/bin/busybox" --list-full | perl -e '
	my $dir = shift;
	while (my $applet = <STDIN>) {
		chomp $applet;
		my $link = "$dir/$applet";
		next if -e $link || -l $link;
		symlink("/bin/busybox", $link) or die "busybox-rootfs: symlink $link: $!\n";
	}
' "$dir"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
