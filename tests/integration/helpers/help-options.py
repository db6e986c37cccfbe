#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What hardrun's own help says of its command line, for the completion test: one line per
command, "COMMAND|OPTIONS|VALUED", OPTIONS every option its --help lists (short and long, sorted),
VALUED those of them that take a value ("--pid-file FILE"); "-" is the global options of
`hardrun help`. With --summaries: "COMMAND|SUMMARY" from `hardrun help`.

    help-options.py HARDRUN [--summaries]
"""
import re
import subprocess
import sys

hardrun = sys.argv[1]
# "  -b, --bundle DIR   the bundle", "      --keep   do not...", "  --root DIR   state...":
# a value is the word after the long option, one space apart (descriptions are two away)
# (at most six spaces in: deeper lines continue a description)
OPTION = re.compile(r"^ {1,6}(?:(-[A-Za-z0-9]), )?(--[a-z0-9-]+)( \S)?")


def helptext(*args):
    return subprocess.run([hardrun, *args], check=True, capture_output=True, text=True).stdout


def section(text, title):
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() and not line.startswith(" "):
            inside = line.rstrip() == title
            continue
        if inside:
            lines.append(line)
    return lines


def options(lines):
    opts, valued = set(), set()
    for line in lines:
        m = OPTION.match(line)
        if not m:
            continue
        names = [n for n in (m.group(1), m.group(2)) if n]
        opts.update(names)
        if m.group(3):
            valued.update(names)
    return opts, valued


main = helptext("help")
commands = {}
for line in section(main, "Commands:"):
    m = re.match(r"^  ([a-z]+)(?: \[CMD\])?\s+(.*)$", line)
    if m:
        commands[m.group(1)] = m.group(2)
if "--summaries" in sys.argv[2:]:
    for name in sorted(commands):
        print(f"{name}|{commands[name]}")
    sys.exit(0)
rows = {"-": options(section(main, "Global options:"))}
for name in commands:
    # a command's options may come in more than one section (run's health check)
    rows[name] = options(helptext(name, "--help").splitlines()) if name != "help" else (set(), set())
for name in sorted(rows):
    opts, valued = rows[name]
    print(f"{name}|{' '.join(sorted(opts))}|{' '.join(sorted(valued))}")
