#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A console socket for tests: listens on SOCKET, receives the pty master that hardrun sends
with SCM_RIGHTS, types INPUT into it and prints what the container's terminal writes back
until the pty closes (or TIMEOUT seconds pass).

    recvtty.py SOCKET INPUT [TIMEOUT]
"""
import os
import select
import socket
import sys
import time

path, text = sys.argv[1], sys.argv[2]
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
# a test that fails before hardrun connects must not leave this waiting for ever
srv.settimeout(300)
print("listening", flush=True)
conn, _ = srv.accept()
_, fds, _, _ = socket.recv_fds(conn, 1024, 1)
master = fds[0]
os.write(master, text.encode())
deadline = time.time() + timeout
out = b""
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.5)
    if not r:
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace"))
