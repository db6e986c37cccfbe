#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tux, a small chat bot as hardrun's security guide runs it.

It follows the guide's patterns: temporary files only in the tmpfs /tmp (NamedTemporaryFile,
deleted after use), what must survive a restart in the writable volume /app/temp, structured
JSON logs on stdout without secrets (the token is used, never printed), and a clean stop on
SIGTERM. It "answers" one queued message per interval and keeps its count and a heartbeat in
/app/temp/state.json, which the health check (health.py) reads.

Environment: BOT_TOKEN (a secret, as a chat service would give one), BOT_INTERVAL (seconds
between messages, default 2), BOT_ALLOCATE_MIB (when set, allocate that much memory once
started: shows the memory limit at work).
"""
import json
import os
import signal
import sys
import tempfile
import time

STATE_DIR = "/app/temp"
STATE = os.path.join(STATE_DIR, "state.json")
stopping = False


def log(level, msg, **fields):
    """One JSON line on stdout: what hardrun run --output-log keeps."""
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "level": level, "msg": msg}
    record.update(fields)
    print(json.dumps(record), flush=True)


def on_term(signum, frame):
    global stopping
    stopping = True


def load_count():
    try:
        with open(STATE) as f:
            return json.load(f)["answered"]
    except (OSError, ValueError, KeyError):
        return 0


def save(answered):
    # written whole, then renamed: a health check never reads half a file
    with tempfile.NamedTemporaryFile("w", dir=STATE_DIR, delete=False) as f:
        json.dump({"answered": answered, "heartbeat": time.time(), "pid": os.getpid()}, f)
    os.replace(f.name, STATE)


def answer(n):
    # the guide's pattern: a scratch file in /tmp, gone once used
    with tempfile.NamedTemporaryFile("w+", dir="/tmp", prefix="msg-") as scratch:
        scratch.write("message %d\n" % n)
        scratch.flush()
        scratch.seek(0)
        return scratch.read().strip()


def main():
    signal.signal(signal.SIGTERM, on_term)
    token = os.environ.get("BOT_TOKEN", "")
    interval = float(os.environ.get("BOT_INTERVAL", "2"))
    os.makedirs(STATE_DIR, exist_ok=True)
    answered = load_count()
    log("info", "started", uid=os.getuid(), gid=os.getgid(), groups=os.getgroups(),
        answered=answered, token_set=bool(token))
    hog = int(os.environ.get("BOT_ALLOCATE_MIB", "0"))
    if hog:
        log("info", "allocating", mib=hog)
        blocks = [bytearray(1024 * 1024) for _ in range(hog)]
        log("info", "allocated", mib=len(blocks))
    while not stopping:
        answered += 1
        log("info", "answered", text=answer(answered), answered=answered)
        save(answered)
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
    save(answered)
    log("info", "stopping on SIGTERM", answered=answered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
