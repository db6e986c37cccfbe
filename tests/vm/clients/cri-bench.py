#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The CRI benchmark's guest side (make bench-cri; tests/bench/bench-cri.sh boots the guest):
pod start time (RunPodSandbox, then CreateContainer and StartContainer of one container) and
ExecSync latency (/bin/true) through containerd's CRI plugin, with each runtime handler given,
paired: every round runs each handler once, in an order rotated from round to round. Prints a
Markdown table of medians, min..max and the ratio to the fastest other handler. Measured, never
asserted.

    cri-bench.py ROUNDS EXECS HANDLER...     (the first handler is the one compared)
"""
import os
import statistics
import sys
import tempfile
import time

import cri  # tests/vm/clients/cri.py: its stubs and calls
from cri import api_pb2_grpc, call, grpc
from cri import cri as api

IMAGE = os.environ["HR_CLIENTS_IMAGE"]
SECURITY = {"run_as_user": {"value": 1001}, "run_as_group": {"value": 1001},
            "readonly_rootfs": True, "seccomp": {"profile_type": "RuntimeDefault"}}


def pod_config(name):
    return api.PodSandboxConfig(
        metadata=api.PodSandboxMetadata(name=name, uid="uid-" + name, namespace="bench"),
        hostname=name, log_directory=tempfile.mkdtemp(prefix="cri-bench-", dir="/run"),
        linux=api.LinuxPodSandboxConfig(
            cgroup_parent="/kubepods/pod_" + name,
            security_context=api.LinuxSandboxSecurityContext(
                run_as_user=api.Int64Value(value=1001), run_as_group=api.Int64Value(value=1001),
                readonly_rootfs=True,
                seccomp=api.SecurityProfile(profile_type=api.SecurityProfile.RuntimeDefault))))


def container_config():
    return api.ContainerConfig(
        metadata=api.ContainerMetadata(name="bot"), image=api.ImageSpec(image=IMAGE),
        command=["/bin/sh", "-c", "while :; do sleep 1; done"], log_path="bot.log",
        linux=api.LinuxContainerConfig(security_context=api.LinuxContainerSecurityContext(
            run_as_user=api.Int64Value(value=1001), run_as_group=api.Int64Value(value=1001),
            readonly_rootfs=True, no_new_privs=True,
            capabilities=api.Capability(drop_capabilities=["ALL"]),
            seccomp=api.SecurityProfile(profile_type=api.SecurityProfile.RuntimeDefault))))


def one(stub, handler, n, execs):
    """Pod start seconds and the ExecSync latencies of one pod through HANDLER."""
    config = pod_config("%s-%d" % (handler, n))
    start = time.monotonic()
    pod = call(stub, "RunPodSandbox",
               api.RunPodSandboxRequest(config=config, runtime_handler=handler)).pod_sandbox_id
    ctr = call(stub, "CreateContainer", api.CreateContainerRequest(
        pod_sandbox_id=pod, config=container_config(), sandbox_config=config)).container_id
    call(stub, "StartContainer", api.StartContainerRequest(container_id=ctr))
    started = time.monotonic() - start
    latencies = []
    for _ in range(execs):
        t = time.monotonic()
        answer = call(stub, "ExecSync", api.ExecSyncRequest(container_id=ctr, cmd=["/bin/true"],
                                                            timeout=60))
        latencies.append(time.monotonic() - t)
        if answer.exit_code != 0:
            sys.exit("cri-bench: /bin/true exited %d through %s" % (answer.exit_code, handler))
    call(stub, "StopPodSandbox", api.StopPodSandboxRequest(pod_sandbox_id=pod))
    call(stub, "RemovePodSandbox", api.RemovePodSandboxRequest(pod_sandbox_id=pod))
    return started, latencies


def row(name, values, peer):
    med = statistics.median(values) * 1000
    ratio = "%.2f" % (med / peer) if peer else "-"
    return "| %s | %.1f | %.1f..%.1f | %s |" % (name, med, min(values) * 1000, max(values) * 1000,
                                               ratio)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    rounds, execs, handlers = int(argv[0]), int(argv[1]), argv[2:]
    stub = api_pb2_grpc.RuntimeServiceStub(grpc.insecure_channel(cri.ENDPOINT))
    starts = {h: [] for h in handlers}
    exec_medians = {h: [] for h in handlers}
    one(stub, handlers[0], -1, 1)  # warm: the image's snapshot, the CNI plugins in the cache
    for n in range(rounds):
        for i in range(len(handlers)):
            handler = handlers[(n + i) % len(handlers)]
            started, latencies = one(stub, handler, n, execs)
            starts[handler].append(started)
            exec_medians[handler].append(statistics.median(latencies))
    print("cri-bench: %d rounds, %d ExecSync per pod, handlers %s" % (rounds, execs,
                                                                     " ".join(handlers)))
    for title, values in (("pod start (RunPodSandbox + CreateContainer + StartContainer)", starts),
                          ("ExecSync /bin/true (median per pod)", exec_medians)):
        others = [statistics.median(values[h]) * 1000 for h in handlers[1:]]
        fastest = min(others) if others else 0
        print()
        print("%s, ms" % title)
        print()
        print("| handler | median | min..max | /fastest other |")
        print("|---|---|---|---|")
        for h in handlers:
            print(row(h, values[h], fastest if h == handlers[0] else 0))


if __name__ == "__main__":
    main(sys.argv[1:])
