# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced (sh or bash) by the test scripts that validate documents hardrun writes: sets and
# exports HR_SCHEMA_DIR, the runtime-spec JSON schema directory (config-schema.json, ...).
#
# HR_SCHEMA_DIR set by the caller wins (e.g. a runtime-spec checkout's schema/ directory);
# otherwise the schemas of Debian's golang-github-opencontainers-specs-dev, which
# `contrib/dev deps` installs. A document that schema set has no schema for (Debian 12's
# 1.0.2 has no features-schema.json) is validated against this project's own schema next to
# this file (tests/schema; see validate_schema in tests/integration/lib.bash).
#
# hr_schema_dir_check NAME: prints why and returns 1 when HR_SCHEMA_DIR has no
# config-schema.json.

HR_DEBIAN_SCHEMA_DIR=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema
: "${HR_SCHEMA_DIR:=$HR_DEBIAN_SCHEMA_DIR}"
export HR_SCHEMA_DIR

hr_schema_dir_check() {
	[ -f "$HR_SCHEMA_DIR/config-schema.json" ] && return 0
	if [ "$HR_SCHEMA_DIR" = "$HR_DEBIAN_SCHEMA_DIR" ]; then
		echo "$1: no runtime-spec schemas in $HR_SCHEMA_DIR: apt-get install golang-github-opencontainers-specs-dev (contrib/dev deps), or set HR_SCHEMA_DIR" >&2
	else
		echo "$1: no runtime-spec schemas in HR_SCHEMA_DIR=$HR_SCHEMA_DIR (no config-schema.json)" >&2
	fi
	return 1
}
