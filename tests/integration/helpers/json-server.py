# SPDX-License-Identifier: GPL-2.0-or-later
"""The JSON reader and editor of lib.bash (json_get, json_eval, update_config), as one
long-lived process per bats file.

In the software-emulated guest kernel (tests/vm) starting a Python interpreter takes about
0.8 s, and the tests read or edit JSON a few hundred times; served by one interpreter, each
request costs a round trip through two FIFOs.

    json-server.py DIR

DIR holds the FIFOs `req` and `resp` (made by the client) and `lock`, which a client holds
(created with O_EXCL) for the length of its request. A request is NUL-terminated fields: an
operation, its argument, the document's text, and a field that is only "\\x04". The reply,
through `resp`, is NUL-terminated fields: an exit status and the output; the client then
sends one more field (any) to say it has read it, and the server removes the lock.

    get EXPR TEXT    the Python expression EXPR on the document `d`: strings as they are,
                     other values as JSON
    edit CODE TEXT   the statements CODE on the document `c`; the output is the new document

The server stops after IDLE seconds without a request, taking the lock first, so that no
client is half-way through one (a client that finds it gone starts another).
"""
import json
import os
import select
import sys
import traceback

IDLE = 300
ACK_WAIT = 30
END = b"\x04"


def answer(op, arg, text):
    try:
        doc = json.loads(text)
        if op == b"get":
            value = eval(arg.decode(), {"d": doc})
            return 0, value if isinstance(value, str) else json.dumps(value)
        if op == b"edit":
            exec(arg.decode(), {"c": doc})
            return 0, json.dumps(doc, indent=2)
        return 2, "json-server: unknown operation %r" % op
    except Exception:  # the test's own expression failed: its traceback is the output
        return 1, traceback.format_exc()


class Requests:
    """NUL-terminated fields from the request FIFO."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = b""

    def field(self, timeout):
        """The next field, or None when nothing came for TIMEOUT seconds."""
        while b"\0" not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            self.buf += os.read(self.fd, 65536)
        field, self.buf = self.buf.split(b"\0", 1)
        return field


def unlink(*paths):
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


def main():
    os.closerange(3, 1024)
    directory = sys.argv[1]
    req_path = os.path.join(directory, "req")
    resp_path = os.path.join(directory, "resp")
    lock_path = os.path.join(directory, "lock")
    # holding a writer of our own, reads wait for data instead of seeing end-of-file
    requests = Requests(os.open(req_path, os.O_RDONLY | os.O_NONBLOCK))
    os.open(req_path, os.O_WRONLY)
    while True:
        first = requests.field(IDLE)
        if first is None:
            try:
                os.close(os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                continue
            except OSError:  # DIR is gone: the bats file ended
                return
            unlink(req_path, resp_path, lock_path)
            return
        request = [first]
        while request[-1] != END:
            field = requests.field(ACK_WAIT)
            if field is None:
                break
            request.append(field)
        if request[-1] != END:
            # the client died half-way: nobody to answer
            unlink(lock_path)
            continue
        if len(request) != 4:
            status, out = 2, "json-server: a request of %d fields, not 3" % (len(request) - 1)
        else:
            status, out = answer(*request[:3])
        with open(resp_path, "wb") as resp:
            resp.write(b"%d\0%s\0" % (status, out.replace("\0", "").encode()))
        # the client says it has read the reply (and closed the FIFO): the next may come
        requests.field(ACK_WAIT)
        unlink(lock_path)


if __name__ == "__main__":
    main()
