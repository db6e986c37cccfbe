#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Python client of the CRI tests (tests/vm/clients/cri.py) speaks the Kubernetes CRI
# (runtime.v1) as kubelet does. Its gRPC stubs are generated here, on the host, from the
# protocol definition that ships in Debian's containerd source package (of the containerd
# installed), with grpc_tools.protoc; nothing of it is committed. The proto file is kept in
# HR_CRI_CACHE (default /var/cache/hardrun/cri), so the source is fetched once per machine.
#
#   tests/vm/clients/cri-stubs.sh OUTDIR
#
# Needs: a deb-src entry for Debian's archive (apt-get source), python3-grpc-tools,
# golang-github-gogo-protobuf-dev (gogo.proto, which api.proto imports).
set -euo pipefail

me=cri-stubs
out=${1:?usage: cri-stubs.sh OUTDIR}
cache=${HR_CRI_CACHE:-/var/cache/hardrun/cri}
gogo=/usr/share/gocode/src
python=/usr/bin/python3

version=$(dpkg-query -W -f '${Version}' containerd 2>/dev/null) || {
	echo "$me: containerd is not installed: apt-get install containerd" >&2
	exit 1
}
[ -e "$gogo/github.com/gogo/protobuf/gogoproto/gogo.proto" ] || {
	echo "$me: gogo.proto is missing: apt-get install golang-github-gogo-protobuf-dev" >&2
	exit 1
}
"$python" -c 'import grpc, grpc_tools.protoc' 2>/dev/null || {
	echo "$me: the gRPC tools are missing: apt-get install python3-grpcio python3-grpc-tools" >&2
	exit 1
}

proto=$cache/containerd-$version/api.proto
if [ ! -s "$proto" ]; then
	src=$(mktemp -d /var/tmp/hardrun-cri-src.XXXXXX)
	trap 'rm -rf --one-file-system "$src"' EXIT
	# three tries: a network hiccup must not fail the suite
	for try in 1 2 3; do
		(cd "$src" && apt-get source --download-only -q "containerd=$version") >"$src/apt.log" 2>&1 &&
			break
		[ "$try" = 3 ] || sleep 10
	done
	if ! ls "$src"/containerd_*.orig.tar.* >/dev/null 2>&1; then
		cat "$src/apt.log" >&2
		echo "$me: could not fetch the source of containerd $version: add a deb-src line for" \
			"Debian's archive (see .ci/run) and apt-get update" >&2
		exit 1
	fi
	mkdir -p "${proto%/*}"
	tar -xf "$src"/containerd_*.orig.tar.* --wildcards -O \
		'*/vendor/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto' >"$proto.new"
	[ -s "$proto.new" ] || {
		echo "$me: containerd $version's source has no vendor/k8s.io/cri-api/.../v1/api.proto" >&2
		exit 1
	}
	mv "$proto.new" "$proto"
fi

mkdir -p "$out"
cp "$proto" "$out/api.proto"
cd "$out"
"$python" -m grpc_tools.protoc -I. -I"$gogo" -I/usr/lib/python3/dist-packages/grpc_tools/_proto \
	--python_out=. --grpc_python_out=. api.proto github.com/gogo/protobuf/gogoproto/gogo.proto
"$python" -c 'import api_pb2, api_pb2_grpc' || {
	echo "$me: the generated stubs do not load" >&2
	exit 1
}
echo "$me: CRI v1 stubs of containerd $version in $out"
