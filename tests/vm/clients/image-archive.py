#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes an image archive in `docker save`'s format (what `ctr images import` and
`docker load` read) from a root filesystem tarball, for the CRI tests: the pod sandbox
("pause") image and the bot's image are made here from busybox, never pulled.

    image-archive.py ROOTFS_TAR OUT_TAR NAME:TAG ENTRYPOINT...
"""
import hashlib
import io
import json
import sys
import tarfile


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    rootfs_tar, out_tar, name, entrypoint = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with open(rootfs_tar, "rb") as f:
        layer = f.read()
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Entrypoint": entrypoint, "Env": ["PATH=/bin:/sbin:/usr/bin:/usr/sbin"],
                   "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "tests/vm/clients/image-archive.py"}],
    }, sort_keys=True).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [name],
                            "Layers": ["layer.tar"]}]).encode()
    with tarfile.open(out_tar, "w") as tar:
        add_bytes(tar, "layer.tar", layer)
        add_bytes(tar, config_name, config)
        add_bytes(tar, "manifest.json", manifest)


if __name__ == "__main__":
    main()
