#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small CRI client for the tests (a crictl for what they need): speaks runtime.v1 to
containerd's socket as kubelet does, with the stubs cri-stubs.sh generated (HR_CRI_STUBS).
Configurations are the CRI messages as JSON (field names as in api.proto); answers are printed
as JSON, ids as one line.

    cri.py version
    cri.py runp POD.json [RUNTIME_HANDLER]          -> the pod sandbox's id
    cri.py create POD_ID CONTAINER.json POD.json     -> the container's id
    cri.py start|rm|inspect|reopen-log ID
    cri.py stop ID [TIMEOUT_S]
    cri.py stopp|rmp|inspectp POD_ID
    cri.py exec-sync ID TIMEOUT_S CMD...             -> CMD's output; CMD's exit status
    cri.py exec ID [--tty] TIMEOUT_S CMD...          the same through Exec's stream (124: the
                                                     client gave up after TIMEOUT_S)
    cri.py update ID RESOURCES.json                  (LinuxContainerResources)
    cri.py ps [POD_ID] | pods                        -> JSON lists

Environment: HR_CRI_STUBS (the stubs' directory), HR_CRI_ENDPOINT (default
unix:///run/containerd/containerd.sock). A failed call prints "cri: METHOD: CODE: DETAILS" and
exits 1.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.environ.get("HR_CRI_STUBS", "."))
import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import api_pb2 as cri  # noqa: E402
import api_pb2_grpc  # noqa: E402

ENDPOINT = os.environ.get("HR_CRI_ENDPOINT", "unix:///run/containerd/containerd.sock")
RPC_TIMEOUT = 240


# the commands that take one id and print nothing: command -> (method, request, id field)
ONE_ID_CALLS = {
    "start": ("StartContainer", cri.StartContainerRequest, "container_id"),
    "rm": ("RemoveContainer", cri.RemoveContainerRequest, "container_id"),
    "reopen-log": ("ReopenContainerLog", cri.ReopenContainerLogRequest, "container_id"),
    "stopp": ("StopPodSandbox", cri.StopPodSandboxRequest, "pod_sandbox_id"),
    "rmp": ("RemovePodSandbox", cri.RemovePodSandboxRequest, "pod_sandbox_id"),
}


def load(path, message):
    with open(path) as f:
        return json_format.ParseDict(json.load(f), message)


def show(message):
    # with the default values: state 0 is CONTAINER_CREATED or SANDBOX_READY, exit_code 0 a
    # status of its own
    print(json_format.MessageToJson(message, preserving_proto_field_name=True, indent=1,
                                    including_default_value_fields=True))


def call(stub, method, request, timeout=RPC_TIMEOUT):
    try:
        return getattr(stub, method)(request, timeout=timeout)
    except grpc.RpcError as e:
        sys.stderr.write("cri: %s: %s: %s\n" % (method, e.code().name, e.details()))
        sys.exit(1)


def stream_exec(stub, container, timeout, cmd, tty):
    """Exec as kubectl exec does it: the CRI answers with a URL of containerd's streaming
    server, which the command's output comes back from over a WebSocket (the v4.channel.k8s.io
    protocol: a frame's first byte is its channel, 1 stdout, 2 stderr, 3 the final status).
    Returns the command's exit status; 124 when it runs past TIMEOUT seconds (the client hangs
    up, as kubectl does when it is interrupted)."""
    import websocket  # python3-websocket
    # a terminal comes with standard input, as kubectl exec -it asks (containerd 1.6 copies no
    # terminal output without it, whatever the runtime); nothing is sent on it
    url = call(stub, "Exec", cri.ExecRequest(container_id=container, cmd=cmd, tty=tty, stdin=tty,
                                             stdout=True, stderr=not tty)).url
    # the connection gets a minute of its own: TIMEOUT is the command's, counted from here
    ws = websocket.create_connection(url.replace("http://", "ws://", 1), timeout=60,
                                     subprotocols=["v4.channel.k8s.io"])
    deadline = time.monotonic() + timeout
    status = None
    try:
        while status is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return 124
            ws.settimeout(left)
            try:
                frame = ws.recv()
            except websocket.WebSocketTimeoutException:
                return 124
            except websocket.WebSocketConnectionClosedException:
                break
            if isinstance(frame, str):
                frame = frame.encode()
            if not frame:
                continue
            channel, data = frame[0], frame[1:]
            if channel == 1:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            elif channel == 2:
                sys.stderr.buffer.write(data)
            elif channel == 3:
                status = json.loads(data)
    finally:
        ws.close()
    if status is None:
        sys.stderr.write("cri: Exec: the stream ended without a status\n")
        return 1
    if status.get("status") == "Success":
        return 0
    for cause in status.get("details", {}).get("causes", []):
        if cause.get("reason") == "ExitCode":
            return int(cause["message"])
    sys.stderr.write("cri: Exec: %s\n" % status.get("message", status))
    return 1


def main(argv):
    if len(argv) < 1:
        sys.exit(__doc__)
    stub = api_pb2_grpc.RuntimeServiceStub(grpc.insecure_channel(ENDPOINT))
    cmd, args = argv[0], argv[1:]
    if cmd == "version":
        show(call(stub, "Version", cri.VersionRequest(version="v1")))
    elif cmd == "runp":
        request = cri.RunPodSandboxRequest(config=load(args[0], cri.PodSandboxConfig()))
        if len(args) > 1:
            request.runtime_handler = args[1]
        print(call(stub, "RunPodSandbox", request).pod_sandbox_id)
    elif cmd == "create":
        request = cri.CreateContainerRequest(
            pod_sandbox_id=args[0], config=load(args[1], cri.ContainerConfig()),
            sandbox_config=load(args[2], cri.PodSandboxConfig()))
        print(call(stub, "CreateContainer", request).container_id)
    elif cmd in ONE_ID_CALLS:
        method, request, field = ONE_ID_CALLS[cmd]
        call(stub, method, request(**{field: args[0]}))
    elif cmd == "stop":
        timeout = int(args[1]) if len(args) > 1 else 10
        call(stub, "StopContainer", cri.StopContainerRequest(container_id=args[0], timeout=timeout),
             RPC_TIMEOUT + timeout)
    elif cmd == "inspect":
        show(call(stub, "ContainerStatus",
                  cri.ContainerStatusRequest(container_id=args[0], verbose=True)))
    elif cmd == "inspectp":
        show(call(stub, "PodSandboxStatus",
                  cri.PodSandboxStatusRequest(pod_sandbox_id=args[0], verbose=True)))
    elif cmd == "exec-sync":
        timeout = int(args[1])
        answer = call(stub, "ExecSync",
                      cri.ExecSyncRequest(container_id=args[0], cmd=args[2:], timeout=timeout),
                      RPC_TIMEOUT + timeout)
        sys.stdout.buffer.write(answer.stdout)
        sys.stderr.buffer.write(answer.stderr)
        sys.exit(answer.exit_code)
    elif cmd == "exec":
        tty = args[1:2] == ["--tty"]
        rest = args[2:] if tty else args[1:]
        sys.exit(stream_exec(stub, args[0], int(rest[0]), rest[1:], tty))
    elif cmd == "update":
        request = cri.UpdateContainerResourcesRequest(
            container_id=args[0], linux=load(args[1], cri.LinuxContainerResources()))
        call(stub, "UpdateContainerResources", request)
    elif cmd == "ps":
        request = cri.ListContainersRequest()
        if args:
            request.filter.pod_sandbox_id = args[0]
        show(call(stub, "ListContainers", request))
    elif cmd == "pods":
        show(call(stub, "ListPodSandbox", cri.ListPodSandboxRequest()))
    else:
        sys.exit("cri: unknown command %s\n%s" % (cmd, __doc__))


if __name__ == "__main__":
    main(sys.argv[1:])
