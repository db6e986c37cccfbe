/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SPEC_H
#define HR_SPEC_H

/*
 * `hardrun spec`: a config.json from a profile plus overrides.
 *
 *   minimal      what `runc spec` writes (root, three capabilities, no seccomp).
 *   production   the security guide: uid 1001, read-only root, no capabilities, NNP, the
 *                embedded seccomp allowlist (spec_seccomp.c), size-limited tmpfs on /tmp and
 *                /var/tmp, a private writable /app/temp, 512 MiB / 0.5 CPU / 256 pids.
 *   development  production with 1 GiB and 1 CPU.
 *
 * The exact values are in spec.c and in hardrun-spec(8).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "config.h"
#include "envfile.h"
#include "error.h"

enum hr_spec_profile {
	HR_PROFILE_MINIMAL,
	HR_PROFILE_DEVELOPMENT,
	HR_PROFILE_PRODUCTION,
};

/* The CFS period every generated cpu quota refers to, in microseconds. */
#define HR_SPEC_CPU_PERIOD 100000
/* The kernel refuses a CFS quota below 1 ms. */
#define HR_SPEC_CPU_QUOTA_MIN 1000
#define HR_SPEC_CPUS_MAX      1024
/* Where the profile's private writable directory lives, relative to the bundle. */
#define HR_SPEC_APP_TEMP_DIR  "volumes/app-temp"
#define HR_SPEC_APP_TEMP_DEST "/app/temp"
#define HR_SPEC_DEFAULT_UID   1001
#define HR_SPEC_DEFAULT_GID   1001

struct hr_spec_volume {
	char *source; /* absolute, no ".." component */
	char *destination;
	bool readonly;
};

/* A profile and the overrides given on the command line. */
struct hr_spec_options {
	enum hr_spec_profile profile;
	bool has_memory;
	int64_t memory; /* bytes: limit and swap (memory + swap) both, i.e. no swap */
	bool has_cpu_quota;
	int64_t cpu_quota; /* per HR_SPEC_CPU_PERIOD */
	bool has_pids;
	int64_t pids;
	bool has_user;
	uint32_t uid;
	uint32_t gid;
	struct hr_spec_volume *volumes; /* owned */
	size_t n_volumes;
	struct hr_env_list env;	 /* owned; applied over the profile's PATH/HOME/TERM */
	const char *const *args; /* borrowed; NULL keeps the profile's */
	size_t n_args;
	const char *rootfs;   /* borrowed; NULL = "rootfs" */
	const char *hostname; /* borrowed; NULL = "hardrun" */
	/* borrowed; process.apparmorProfile, "" for none; NULL: none, or the host's default
	 * (hr_spec_host_defaults) */
	const char *apparmor_profile;
	bool force; /* replace an existing config.json */
	/* --seccomp-from FILE: linux.seccomp from FILE instead of the profile's (owned) */
	yajl_val seccomp_from;
	char *seccomp_from_name; /* FILE's base name, in annotation org.hardrun.seccomp.from */
	/* --rootless: a config an unprivileged caller (host_uid:host_gid) can run */
	bool rootless;
	uint32_t host_uid;
	uint32_t host_gid;
};

void hr_spec_options_init(struct hr_spec_options *opts);
/*
 * --rootless, for the calling user's real ids: a user namespace mapping the process's user
 * (0:0 unless --user) to them, and nothing else; the same namespaces otherwise (the network
 * namespace too: the container has loopback only); no linux.resources (a rootless caller has
 * no cgroup manager: --memory, --cpus and --pids are refused); devpts without gid=5 (not
 * mapped); /sys a read-only rbind of the host's, as runc's rootless spec (sysfs itself needs a
 * network namespace the user namespace owns). The profile's other settings stay.
 */
void hr_spec_set_rootless(struct hr_spec_options *opts, uint32_t host_uid, uint32_t host_gid);
void hr_spec_options_free(struct hr_spec_options *opts);

/* Option parsers. Messages quote the bad value (callers prefix the option's name). */
int hr_spec_parse_profile(const char *s, enum hr_spec_profile *out, struct hr_err *err);
const char *hr_spec_profile_name(enum hr_spec_profile profile);
/* "256M", "1g", "512K", "2T", "100": binary units, > 0, fits in int64. */
int hr_spec_parse_size(const char *s, int64_t *bytes, struct hr_err *err);
/* "0.25" -> 25000: a decimal CPU count to a quota per HR_SPEC_CPU_PERIOD, exactly. */
int hr_spec_parse_cpus(const char *s, int64_t *quota, struct hr_err *err);
/* "N", N >= 1. */
int hr_spec_parse_pids(const char *s, int64_t *pids, struct hr_err *err);
/* "UID:GID", numeric, each below 2^32 - 1. */
int hr_spec_parse_user(const char *s, uint32_t *uid, uint32_t *gid, struct hr_err *err);
/* "SRC:DST[:ro|:rw]", both absolute without "..", DST not "/" nor under /proc or /sys. */
int hr_spec_parse_volume(const char *s, struct hr_spec_volume *out, struct hr_err *err);
void hr_spec_volume_free(struct hr_spec_volume *vol);
/* 1 to 64 characters of [A-Za-z0-9.-], not starting or ending with '-' or '.'. */
int hr_spec_check_hostname(const char *s, struct hr_err *err);

/* The annotation naming the file --seccomp-from took linux.seccomp from (audit grades it). */
#define HR_ANNOTATION_SECCOMP_FROM "org.hardrun.seccomp.from"

/*
 * --seccomp-from FILE: a linux.seccomp object (what `run --seccomp-record` writes, or any),
 * checked as config.json's linux.seccomp is (every problem named by its JSON path), replaces
 * the profile's seccomp (the minimal profile gets one).
 */
int hr_spec_set_seccomp_from(struct hr_spec_options *opts, const char *path, struct hr_err *err);

/* Option helpers for the command line: parse and store (the message names the option). */
int hr_spec_add_volume(struct hr_spec_options *opts, const char *arg, struct hr_err *err);
/* "KEY=VALUE"; the message never quotes the entry. */
int hr_spec_add_env(struct hr_spec_options *opts, const char *arg, struct hr_err *err);
int hr_spec_add_env_file(struct hr_spec_options *opts, const char *path, struct hr_err *err);

/*
 * Builds the document. bundle_abs is the bundle's absolute path (the /app/temp bind mount's
 * source lives under it). Returns 0 and a malloc'd NUL-terminated text in *out.
 */
int hr_spec_generate(const struct hr_spec_options *opts, const char *bundle_abs, char **out,
		     size_t *len, struct hr_err *err);

/*
 * Writes BUNDLE/config.json atomically (mode 0644, or 0600 when opts->env holds entries from
 * --env/--env-file, presumed secret) after creating BUNDLE/volumes/app-temp
 * (mode 0700, owned by the profile's uid:gid) for the production and development profiles.
 * Refuses to replace an existing config.json unless opts->force.
 */
int hr_spec_write(const struct hr_spec_options *opts, const char *bundle, struct hr_err *err);

/*
 * What a profile takes from the host it is written on, unless the options chose already:
 * production names the AppArmor profile hardrun-default (contrib/apparmor) when AppArmor is
 * enabled and that profile is loaded, as Docker applies docker-default only where AppArmor
 * is. `hardrun spec` calls it before writing; hr_spec_generate itself looks at nothing.
 */
void hr_spec_host_defaults(struct hr_spec_options *opts);

/* Prints the document to out; creates nothing. */
int hr_spec_print(const struct hr_spec_options *opts, const char *bundle, FILE *out,
		  struct hr_err *err);

#endif
