#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The image of the client tests (check-clients.sh) and of the CRI benchmark (make bench-cri): a
# static busybox, sd-notify and pause, /app/temp owned by 1001 (the production volume takes the
# owner of the image's directory), as a directory DIR/rootfs (ctr --rootfs), a tarball
# DIR/rootfs.tar (import) and an image archive DIR/image.tar named NAME (ctr images import: the
# CRI tests' sandbox and bot image, its entrypoint /bin/pause).
#
#   tests/vm/clients/make-image.sh DIR NAME
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=${1:?usage: make-image.sh DIR NAME}
name=${2:?usage: make-image.sh DIR NAME}
dir=$work/rootfs

"$repo/tests/integration/helpers/busybox-rootfs.sh" "$dir"
# sd-notify for Podman's --sdnotify=container: busybox cannot send to a datagram socket
"${CC:-cc}" -static -O2 -o "$dir/bin/sd-notify" "$repo/tests/helpers/sd-notify.c"
# the pod sandbox's process of the CRI tests, as Kubernetes' pause image has
"${CC:-cc}" -static -O2 -o "$dir/bin/pause" "$repo/tests/helpers/pause.c"
mkdir -p "$dir/app/temp"
chown 1001:1001 "$dir/app/temp"
chmod 0700 "$dir/app/temp"
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1001:1001:app:/app:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
printf 'root:x:0:\napp:x:1001:\nnogroup:x:65534:\n' >"$dir/etc/group"
tar --numeric-owner -C "$dir" -cf "$work/rootfs.tar" .
/usr/bin/python3 "$here/image-archive.py" "$work/rootfs.tar" "$work/image.tar" "$name" /bin/pause
