# SPDX-License-Identifier: GPL-2.0-or-later
"""The bot's health check, as the guide writes one: a Python import that fails when the bot
is not well. `python3 -c 'import health'` (with /app on the path) exits 0 when the bot's
state in /app/temp/state.json parses and its heartbeat is recent, and with an exception
otherwise: a missing or broken state, or a bot that stopped answering."""
import json
import time

MAX_AGE = 60  # seconds: several intervals of the bot's

with open("/app/temp/state.json") as _f:
    _state = json.load(_f)
if time.time() - _state["heartbeat"] > MAX_AGE:
    raise RuntimeError("no heartbeat for %.0f s" % (time.time() - _state["heartbeat"]))
