/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "features.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "hr-commit.h" /* HR_GIT_COMMIT, written by make */
#include "capabilities.h"
#include "config.h"
#include "lsm.h"
#include "json.h"
#include "mountopts.h"
#include "seccomp.h"

/* the systemd cgroup manager, built in or not (configure --without-systemd) */
#ifdef HR_HAVE_SYSTEMD
#define HR_SYSTEMD_BUILT_IN true
#else
#define HR_SYSTEMD_BUILT_IN false
#endif

/* The options mounts[].options accepts: the table minus what hardrun refuses. */
static void gen_mount_options(yajl_gen g)
{
	hr_jgen_key(g, "mountOptions");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < hr_mount_option_count(); i++) {
		const struct hr_mountopt *o = hr_mount_option_at(i);

		if (o != NULL && o->kind != HR_MOUNTOPT_REFUSED)
			hr_jgen_str(g, o->name);
	}
	yajl_gen_array_close(g);
}

static bool mount_option_supported(const char *name)
{
	const struct hr_mountopt *o = hr_mountopt_lookup(name);

	return o != NULL && o->kind != HR_MOUNTOPT_REFUSED;
}

static void gen_enabled(yajl_gen g, const char *key, bool enabled)
{
	hr_jgen_key(g, key);
	yajl_gen_map_open(g);
	hr_jgen_kv_bool(g, "enabled", enabled);
	yajl_gen_map_close(g);
}

/*
 * The kernel's answer to a filter flag, without installing anything: with a NULL program
 * seccomp(2) fails with EFAULT once the flags are accepted, EINVAL when they are not.
 */
static bool kernel_takes_flags(unsigned long flags)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

/*
 * hardrun installs the filter with seccomp(2) itself, so the kernel decides which flags work;
 * libseccomp's API level is its probe of the kernel (2: TSYNC, 3: LOG, 4: SPEC_ALLOW).
 * WAIT_KILLABLE_RECV only matters to a user-notification listener (seccomp_filter.c passes it
 * only with SCMP_ACT_NOTIFY rules, which add NEW_LISTENER): it is supported when the kernel
 * (5.19+) takes it with NEW_LISTENER, which libseccomp before 2.6 does not probe.
 */
static bool seccomp_flag_supported(const char *name, unsigned int api)
{
	if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
		return api >= 2;
	if (strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0)
		return api >= 3;
	if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
		return api >= 4;
	if (strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
		return api >= 5 && kernel_takes_flags(SECCOMP_FILTER_FLAG_NEW_LISTENER |
						      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
	return false;
}

/*
 * SCMP_ACT_NOTIFY (user notification, listenerPath) needs SECCOMP_FILTER_FLAG_NEW_LISTENER,
 * which libseccomp finds in the kernel at API level 5 (Linux 5.0); without it the compilation
 * of a profile that uses it fails, so it is not advertised.
 */
static const char *seccomp_action_at(size_t i)
{
	const char *name = hr_seccomp_action_at(i);

	if (name != NULL && strcmp(name, "SCMP_ACT_NOTIFY") == 0 && seccomp_api_get() < 5)
		return NULL;
	return name;
}

static void gen_name_list(yajl_gen g, const char *key, size_t n, const char *(*at)(size_t))
{
	hr_jgen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		const char *name = at(i);

		if (name != NULL)
			hr_jgen_str(g, name);
	}
	yajl_gen_array_close(g);
}

static void gen_seccomp(yajl_gen g)
{
	unsigned int api = seccomp_api_get();

	hr_jgen_key(g, "seccomp");
	yajl_gen_map_open(g);
	hr_jgen_kv_bool(g, "enabled", true);
	gen_name_list(g, "actions", hr_seccomp_n_actions(), seccomp_action_at);
	gen_name_list(g, "operators", hr_seccomp_n_operators(), hr_seccomp_operator_at);
	gen_name_list(g, "archs", hr_seccomp_n_architectures(), hr_seccomp_architecture_at);
	gen_name_list(g, "knownFlags", hr_seccomp_n_flags(), hr_seccomp_flag_at);
	hr_jgen_key(g, "supportedFlags");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < hr_seccomp_n_flags(); i++) {
		const char *name = hr_seccomp_flag_at(i);

		if (name != NULL && seccomp_flag_supported(name, api))
			hr_jgen_str(g, name);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
	hr_jgen_key(g, "linux");
	yajl_gen_map_open(g);

	hr_jgen_key(g, "namespaces");
	yajl_gen_array_open(g);
	for (int ns = 0; ns < HR_NS__COUNT; ns++)
		hr_jgen_str(g, hr_ns_type_name((enum hr_ns_type)ns));
	yajl_gen_array_close(g);

	hr_jgen_key(g, "capabilities");
	yajl_gen_array_open(g);
	for (int cap = 0; cap <= hr_cap_last(); cap++) {
		const char *name = hr_cap_name(cap);

		if (name != NULL)
			hr_jgen_str(g, name);
	}
	yajl_gen_array_close(g);

	hr_jgen_key(g, "cgroup");
	yajl_gen_map_open(g);
	hr_jgen_kv_bool(g, "v1", false);
	hr_jgen_kv_bool(g, "v2", true);
	/* the system's manager and, rootless, the user's (cgroup_systemd.c), when built in */
	hr_jgen_kv_bool(g, "systemd", HR_SYSTEMD_BUILT_IN);
	hr_jgen_kv_bool(g, "systemdUser", HR_SYSTEMD_BUILT_IN);
	hr_jgen_kv_bool(g, "rdma", true);
	yajl_gen_map_close(g);

	gen_seccomp(g);
	/* hardrun applies both itself (process.c): what the running kernel has */
	gen_enabled(g, "apparmor", hr_lsm_apparmor_enabled());
	gen_enabled(g, "selinux", hr_lsm_selinux_enabled());
	gen_enabled(g, "intelRdt", false);

	hr_jgen_key(g, "mountExtensions");
	yajl_gen_map_open(g);
	gen_enabled(g, "idmap", mount_option_supported("idmap"));
	yajl_gen_map_close(g);

	gen_enabled(g, "netDevices", true);
	yajl_gen_map_close(g);
}

static void gen_annotations(yajl_gen g)
{
	const struct scmp_version *v = seccomp_version();
	char scmp[48];

	snprintf(scmp, sizeof(scmp), "%u.%u.%u", v->major, v->minor, v->micro);
	hr_jgen_key(g, "annotations");
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "io.github.seccomp.libseccomp.version", scmp);
	hr_jgen_kv_str(g, "org.hardrun.commit", HR_GIT_COMMIT);
	hr_jgen_kv_str(g, "org.hardrun.version", PACKAGE_VERSION);
	yajl_gen_map_close(g);
}

char *hr_features_json(void)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(true);

	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "ociVersionMin", HR_OCI_VERSION_MIN);
	hr_jgen_kv_str(g, "ociVersionMax", HR_OCI_VERSION_MAX);

	hr_jgen_key(g, "hooks");
	yajl_gen_array_open(g);
	for (int kind = 0; kind < HR_HOOK__COUNT; kind++)
		hr_jgen_str(g, hr_hook_kind_name((enum hr_hook_kind)kind));
	yajl_gen_array_close(g);

	gen_mount_options(g);
	gen_linux(g);
	gen_annotations(g);
	yajl_gen_map_close(g);

	return hr_jgen_dup(g, true, NULL);
}
