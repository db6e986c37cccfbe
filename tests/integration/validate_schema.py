#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validate OCI config.json files against the runtime-spec JSON schema (Draft 4).

Usage: validate_schema.py SCHEMA_DIR FILE...   (FILE "-" reads standard input)

Prints "ok FILE" or one "FILE: PATH: problem" line per schema error; exits 1 when any file
fails, 2 on a usage or setup problem. Needs Debian's python3-jsonschema (/usr/bin/python3).
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("validate_schema.py: python3-jsonschema is missing (apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


def load_validator(schema_dir):
    schema_dir = os.path.abspath(schema_dir)
    with open(os.path.join(schema_dir, "config-schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    # The schema refers to its siblings ("defs.json#/...") relative to its own location.
    resolver = jsonschema.RefResolver(base_uri="file://" + schema_dir + "/", referrer=schema)
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, resolver=resolver)


def json_path(error):
    parts = ["$"]
    for p in error.absolute_path:
        parts.append("[%d]" % p if isinstance(p, int) else "." + str(p))
    return "".join(parts)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    validator = load_validator(argv[1])
    failed = False
    for name in argv[2:]:
        try:
            if name == "-":
                doc = json.load(sys.stdin)
            else:
                with open(name, encoding="utf-8") as f:
                    doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: %s" % (name, e))
            failed = True
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            print("%s: %s: %s" % (name, json_path(e), e.message))
        if errors:
            failed = True
        else:
            print("ok %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
