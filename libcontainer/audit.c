/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun audit`: the rules, one function each, the table listing them, and the report's
 * text and JSON forms. Severities follow the CIS Docker Benchmark: what hands the host to the
 * container (host pid/ipc/network namespace, engine socket, privileged) FAILs, what only
 * weakens defence in depth WARNs.
 */
#include "audit.h"

#include <inttypes.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "arena.h"
#include "capabilities.h"
#include "cleanup.h"
#include "json.h"
#include "log.h"

#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define CAP(c) (UINT64_C(1) << (c))

const char *const hr_audit_masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
    NULL,
};

const char *const hr_audit_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* Capabilities that hand the host to the container, whatever else is configured. */
static const uint64_t forbidden_caps = CAP(CAP_SYS_ADMIN) | CAP(CAP_SYS_MODULE) |
				       CAP(CAP_SYS_PTRACE) | CAP(CAP_SYS_RAWIO) |
				       CAP(CAP_NET_ADMIN) | CAP(39 /* CAP_BPF */);

/* What a service may need to start as root and drop privileges: runc's defaults and the
 * ownership and identity capabilities. Docker's other defaults (MKNOD, NET_RAW, SETFCAP,
 * SETPCAP, SYS_CHROOT) are outside it. */
static const uint64_t cap_baseline =
    CAP(CAP_AUDIT_WRITE) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_CHOWN) |
    CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) | CAP(CAP_FSETID) | CAP(CAP_SETGID) | CAP(CAP_SETUID);

uint64_t hr_audit_forbidden_caps(const struct hr_audit_params *params)
{
	return forbidden_caps | (params ? params->forbidden_caps : 0);
}

uint64_t hr_audit_cap_baseline(const struct hr_audit_params *params)
{
	return params && params->has_cap_baseline ? params->cap_baseline : cap_baseline;
}

/* --- Helpers ------------------------------------------------------------------------------- */

/* Replaces the bytes of broken UTF-8 sequences (a truncation can cut one) so that the JSON
 * output stays valid. */
static void utf8_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p != '\0') {
		size_t need = *p < 0x80		    ? 1
			      : (*p & 0xE0) == 0xC0 ? 2
			      : (*p & 0xF0) == 0xE0 ? 3
			      : (*p & 0xF8) == 0xF0 ? 4
						    : 0;
		size_t k = 1;

		while (need > 0 && k < need && (p[k] & 0xC0) == 0x80)
			k++;
		if (need == 0 || k < need)
			*p++ = '?';
		else
			p += need;
	}
}

static void vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	vsnprintf(buf, size, fmt, ap);
	utf8_sanitize(buf);
}

/* Records a problem unless a more severe one is recorded already: the first of the worst wins. */
static void note(struct hr_audit_finding *f, enum hr_audit_result r, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void note(struct hr_audit_finding *f, enum hr_audit_result r, const char *path,
		 const char *fmt, ...)
{
	va_list ap;

	if (f->result != HR_AUDIT_PASS && f->result >= r)
		return;
	f->result = r;
	snprintf(f->path, sizeof(f->path), "%s", path);
	utf8_sanitize(f->path);
	va_start(ap, fmt);
	vformat(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

/* What a PASS found, for the JSON report. */
static void passed(struct hr_audit_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void passed(struct hr_audit_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f->result != HR_AUDIT_PASS)
		return;
	va_start(ap, fmt);
	vformat(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

static void pathf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, size, fmt, ap);
	va_end(ap);
}

static const struct hr_linux *linux_of(const struct hr_config *c)
{
	return c->has_linux ? &c->linux_cfg : NULL;
}

static const struct hr_resources *resources_of(const struct hr_config *c)
{
	return c->has_linux && c->linux_cfg.has_resources ? &c->linux_cfg.resources : NULL;
}

static bool has_option(const struct hr_mount *m, const char *option)
{
	for (size_t i = 0; i < m->n_options; i++)
		if (strcmp(m->options[i], option) == 0)
			return true;
	return false;
}

/* The last of "ro"/"rw" wins, as mount(8) reads them; the default is read-write. */
static bool mount_readonly(const struct hr_mount *m)
{
	bool ro = false;

	for (size_t i = 0; i < m->n_options; i++) {
		if (strcmp(m->options[i], "ro") == 0)
			ro = true;
		else if (strcmp(m->options[i], "rw") == 0)
			ro = false;
	}
	return ro;
}

static bool mount_is_bind(const struct hr_mount *m)
{
	return (m->type != NULL && strcmp(m->type, "bind") == 0) || has_option(m, "bind") ||
	       has_option(m, "rbind");
}

/* Lexically normalised absolute path: no empty, "." or ".." components, no trailing '/'. */
static void normalize(const char *in, char *out, size_t size)
{
	size_t len = 0;

	while (*in != '\0') {
		size_t n;

		while (*in == '/')
			in++;
		n = strcspn(in, "/");
		if (n == 0 || (n == 1 && in[0] == '.')) {
			/* nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (len + 1 + n < size) {
			out[len++] = '/';
			memcpy(out + len, in, n);
			len += n;
		}
		in += n;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
}

/* path is dir or below it (both normalised). */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const struct hr_namespace *find_ns(const struct hr_config *c, enum hr_ns_type type,
					  size_t *index)
{
	for (size_t i = 0; c->has_linux && i < c->linux_cfg.n_namespaces; i++) {
		if (c->linux_cfg.namespaces[i].type == type) {
			*index = i;
			return &c->linux_cfg.namespaces[i];
		}
	}
	return NULL;
}

/* For the process rules: whether there is a process to judge. */
static bool no_process(const struct hr_config *c, struct hr_audit_finding *f)
{
	if (c->has_process)
		return false;
	f->result = HR_AUDIT_SKIP;
	snprintf(f->detail, sizeof(f->detail), "the config has no process section");
	return true;
}

/* --- Process rules ------------------------------------------------------------------------- */

/* The host uid container uid 0 maps to in a user namespace; -1 without one. */
static int64_t root_host_uid(const struct hr_config *c)
{
	size_t idx;

	if (find_ns(c, HR_NS_USER, &idx) == NULL)
		return -1;
	for (size_t i = 0; i < c->linux_cfg.n_uid_mappings; i++) {
		const struct hr_id_mapping *m = &c->linux_cfg.uid_mappings[i];

		if (m->container_id == 0 && m->size > 0)
			return m->host_id;
	}
	return -1;
}

static void rule_user(const struct hr_config *c, const struct hr_audit_params *p,
		      struct hr_audit_finding *f)
{
	const struct hr_user *u = &c->process.user;
	char path[HR_AUDIT_PATH_MAX];

	(void)p;
	if (no_process(c, f))
		return;
	if (u->uid == 0) {
		int64_t host = root_host_uid(c);

		if (host > 0)
			note(f, HR_AUDIT_WARN, "process.user.uid",
			     "runs as uid 0 inside a user namespace (uid %" PRId64 " on the host)",
			     host);
		else
			note(f, HR_AUDIT_FAIL, "process.user.uid", "runs as uid 0 (root)");
	}
	if (u->gid == 0)
		note(f, HR_AUDIT_WARN, "process.user.gid", "primary group is gid 0 (root)");
	for (size_t i = 0; i < u->n_additional_gids; i++) {
		if (u->additional_gids[i] == 0) {
			pathf(path, sizeof(path), "process.user.additionalGids[%zu]", i);
			note(f, HR_AUDIT_WARN, path, "member of gid 0 (root)");
		}
	}
	passed(f, "uid %" PRIu32 ", gid %" PRIu32, u->uid, u->gid);
}

static void rule_no_new_privs(const struct hr_config *c, const struct hr_audit_params *p,
			      struct hr_audit_finding *f)
{
	(void)p;
	if (no_process(c, f))
		return;
	if (!c->process.no_new_privileges)
		note(f, HR_AUDIT_FAIL, "process.noNewPrivileges",
		     "setuid binaries and file capabilities can raise privileges");
	passed(f, "true");
}

static const char *const cap_set_names[] = {"bounding", "effective", "permitted", "inheritable",
					    "ambient"};

static uint64_t cap_set(const struct hr_capabilities *caps, size_t i)
{
	const uint64_t sets[] = {caps->bounding, caps->effective, caps->permitted,
				 caps->inheritable, caps->ambient};

	return sets[i];
}

static void rule_forbidden_caps(const struct hr_config *c, const struct hr_audit_params *p,
				struct hr_audit_finding *f)
{
	uint64_t forbidden = hr_audit_forbidden_caps(p);
	char path[HR_AUDIT_PATH_MAX], names[HR_AUDIT_DETAIL_MAX];

	if (no_process(c, f))
		return;
	if (!c->process.has_capabilities) {
		passed(f, "no capabilities (absent: none are granted)");
		return;
	}
	for (size_t i = 0; i < N(cap_set_names); i++) {
		uint64_t bad = cap_set(&c->process.caps, i) & forbidden;

		if (bad == 0)
			continue;
		pathf(path, sizeof(path), "process.capabilities.%s", cap_set_names[i]);
		note(f, HR_AUDIT_FAIL, path, "grants %s", hr_cap_list(bad, names, sizeof(names)));
	}
	passed(f, "none of %s", hr_cap_list(forbidden, names, sizeof(names)));
}

static void rule_cap_baseline(const struct hr_config *c, const struct hr_audit_params *p,
			      struct hr_audit_finding *f)
{
	const struct hr_capabilities *caps = &c->process.caps;
	uint64_t extra;
	char names[HR_AUDIT_DETAIL_MAX];

	if (no_process(c, f))
		return;
	if (!c->process.has_capabilities) {
		passed(f, "no capabilities (absent: none are granted)");
		return;
	}
	extra = (caps->bounding | caps->effective | caps->permitted) & ~hr_audit_cap_baseline(p);
	if (extra != 0)
		note(f, HR_AUDIT_WARN, "process.capabilities", "outside the baseline: %s",
		     hr_cap_list(extra, names, sizeof(names)));
	passed(f, "within %s", hr_cap_list(hr_audit_cap_baseline(p), names, sizeof(names)));
}

static void rule_inheritable_ambient(const struct hr_config *c, const struct hr_audit_params *p,
				     struct hr_audit_finding *f)
{
	char names[HR_AUDIT_DETAIL_MAX];

	(void)p;
	if (no_process(c, f))
		return;
	if (!c->process.has_capabilities) {
		passed(f, "no capabilities (absent: none are granted)");
		return;
	}
	if (c->process.caps.inheritable != 0)
		note(f, HR_AUDIT_FAIL, "process.capabilities.inheritable",
		     "%s (executed programs can gain them, CVE-2022-29162)",
		     hr_cap_list(c->process.caps.inheritable, names, sizeof(names)));
	if (c->process.caps.ambient != 0)
		note(f, HR_AUDIT_FAIL, "process.capabilities.ambient",
		     "%s (kept across execve by unprivileged programs)",
		     hr_cap_list(c->process.caps.ambient, names, sizeof(names)));
	passed(f, "both empty");
}

/*
 * How strong a filter that denies by default is: an allowlist recorded from the workload
 * (`run --seccomp-record`, put in by `spec --seccomp-from`, which names the file in an
 * annotation) is least privilege, the strongest grade; any other allowlist is generic.
 */
static void seccomp_grade(const struct hr_config *c, const struct hr_seccomp *s,
			  struct hr_audit_finding *f)
{
	const char *from = NULL;
	size_t allowed = 0;
	bool allowlist = true;

	for (size_t i = 0; i < c->n_annotations; i++)
		if (strcmp(c->annotations[i].key, HR_ANNOTATION_SECCOMP_FROM) == 0)
			from = c->annotations[i].value;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		allowlist = allowlist && s->syscalls[i].action == HR_SECCOMP_ALLOW &&
			    s->syscalls[i].n_args == 0;
		allowed += s->syscalls[i].action == HR_SECCOMP_ALLOW ? s->syscalls[i].n_names : 0;
	}
	if (from != NULL && allowlist)
		passed(f,
		       "defaultAction %s, %zu system calls recorded from the workload (%s): "
		       "least privilege, the strongest grade",
		       hr_seccomp_action_name(s->default_action), allowed, from);
	else
		passed(f,
		       "defaultAction %s, a generic allowlist of %zu system calls (record the "
		       "workload's: run --seccomp-record)",
		       hr_seccomp_action_name(s->default_action), allowed);
}

static void rule_seccomp(const struct hr_config *c, const struct hr_audit_params *p,
			 struct hr_audit_finding *f)
{
	const struct hr_seccomp *s = c->has_linux ? c->linux_cfg.seccomp : NULL;

	(void)p;
	if (s == NULL) {
		note(f, HR_AUDIT_FAIL, "linux.seccomp",
		     "no seccomp profile: every system call is "
		     "allowed");
		return;
	}
	if (s->default_action == HR_SECCOMP_ALLOW || s->default_action == HR_SECCOMP_LOG)
		note(f, HR_AUDIT_FAIL, "linux.seccomp.defaultAction",
		     "%s: system calls not listed are allowed",
		     hr_seccomp_action_name(s->default_action));
	seccomp_grade(c, s, f);
}

/* CIS 5.1: where the host has AppArmor, the process has a profile. WARN, as defence in depth. */
static void rule_apparmor(const struct hr_config *c, const struct hr_audit_params *p,
			  struct hr_audit_finding *f)
{
	const char *profile = c->process.apparmor_profile;

	if (no_process(c, f))
		return;
	if (!p->host_apparmor) {
		f->result = HR_AUDIT_SKIP;
		snprintf(f->detail, sizeof(f->detail), "AppArmor is not enabled on this host%s",
			 profile != NULL && *profile
			     ? " (a config naming a profile is refused here)"
			     : "");
		return;
	}
	if (profile == NULL || *profile == '\0')
		note(f, HR_AUDIT_WARN, "process.apparmorProfile",
		     "no AppArmor profile: the process runs unconfined");
	else if (strcmp(profile, "unconfined") == 0)
		note(f, HR_AUDIT_WARN, "process.apparmorProfile",
		     "\"unconfined\": the process runs without a profile");
	passed(f, "%s", profile);
}

static void rule_nofile(const struct hr_config *c, const struct hr_audit_params *p,
			struct hr_audit_finding *f)
{
	(void)p;
	if (no_process(c, f))
		return;
	for (size_t i = 0; i < c->process.n_rlimits; i++) {
		const struct hr_rlimit *r = &c->process.rlimits[i];

		if (r->resource == RLIMIT_NOFILE) {
			pathf(f->path, sizeof(f->path), "process.rlimits[%zu]", i);
			passed(f, "soft %" PRIu64 ", hard %" PRIu64, r->soft, r->hard);
			return;
		}
	}
	note(f, HR_AUDIT_WARN, "process.rlimits",
	     "no RLIMIT_NOFILE: the process inherits the runtime's open-file limit");
}

static void rule_env_secrets(const struct hr_config *c, const struct hr_audit_params *p,
			     struct hr_audit_finding *f)
{
	char names[HR_AUDIT_DETAIL_MAX] = "", path[HR_AUDIT_PATH_MAX] = "";
	size_t used = 0, count = 0;

	(void)p;
	if (no_process(c, f))
		return;
	for (size_t i = 0; i < c->process.n_env; i++) {
		/* the name only: the value must never reach a message */
		size_t len = strcspn(c->process.env[i], "=");
		int n;

		if (!hr_is_secret_name(c->process.env[i], len))
			continue;
		if (count++ == 0)
			pathf(path, sizeof(path), "process.env[%zu]", i);
		if (used >= sizeof(names) - 1)
			continue;
		n = snprintf(names + used, sizeof(names) - used, "%s%.*s", used ? ", " : "",
			     (int)(len > 64 ? 64 : len), c->process.env[i]);
		if (n > 0)
			used += (size_t)n;
	}
	if (count > 0)
		note(f, HR_AUDIT_WARN, path,
		     "%zu variable%s named like a secret: %s (values not "
		     "shown)",
		     count, count > 1 ? "s" : "", names);
	passed(f, "%zu variables, none named like a secret", c->process.n_env);
}

/* --- Container rules: file systems --------------------------------------------------------- */

static void rule_readonly_root(const struct hr_config *c, const struct hr_audit_params *p,
			       struct hr_audit_finding *f)
{
	(void)p;
	if (!c->root_readonly)
		note(f, HR_AUDIT_FAIL, "root.readonly", "the root file system is writable");
	passed(f, "true");
}

/* HR-FS-02: marked when the config was read (config.c, mark_shared_destinations). */
static void rule_mount_destinations(const struct hr_config *c, const struct hr_audit_params *p,
				    struct hr_audit_finding *f)
{
	char path[HR_AUDIT_PATH_MAX];

	(void)p;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct hr_mount *m = &c->mounts[i];

		if (!m->covers_earlier)
			continue;
		pathf(path, sizeof(path), "mounts[%zu].destination", i);
		note(f, HR_AUDIT_WARN, path,
		     "%s is also the destination of mounts[%zu], which it covers", m->destination,
		     m->covered);
	}
	passed(f, "%zu mounts, each at a destination of its own", c->n_mounts);
}

/* The last mount on dest (the one the container sees), or -1. */
static ssize_t last_mount_at(const struct hr_config *c, const char *dest)
{
	char norm[4096];

	for (size_t i = c->n_mounts; i-- > 0;) {
		normalize(c->mounts[i].destination, norm, sizeof(norm));
		if (strcmp(norm, dest) == 0)
			return (ssize_t)i;
	}
	return -1;
}

static void check_tmpfs(const struct hr_config *c, const char *dest, struct hr_audit_finding *f)
{
	ssize_t i = last_mount_at(c, dest);
	const struct hr_mount *m;
	bool has_size = false;
	char path[HR_AUDIT_PATH_MAX];

	if (i < 0) {
		note(f, HR_AUDIT_WARN, "mounts", "no tmpfs on %s", dest);
		return;
	}
	m = &c->mounts[i];
	pathf(path, sizeof(path), "mounts[%zd]", i);
	if (m->type == NULL || strcmp(m->type, "tmpfs") != 0) {
		note(f, HR_AUDIT_WARN, path, "%s is a %s mount, not a tmpfs", dest,
		     m->type ? m->type : "bind");
		return;
	}
	for (size_t j = 0; j < m->n_options; j++)
		has_size = has_size || strncmp(m->options[j], "size=", 5) == 0;
	pathf(path, sizeof(path), "mounts[%zd].options", i);
	if (!has_option(m, "nosuid") || !has_option(m, "nodev"))
		note(f, HR_AUDIT_WARN, path, "the tmpfs on %s lacks nosuid or nodev", dest);
	else if (!has_size)
		note(f, HR_AUDIT_WARN, path, "the tmpfs on %s has no size= limit", dest);
}

static void rule_tmpfs(const struct hr_config *c, const struct hr_audit_params *p,
		       struct hr_audit_finding *f)
{
	(void)p;
	if (last_mount_at(c, "/tmp") < 0 && last_mount_at(c, "/var/tmp") < 0) {
		note(f, HR_AUDIT_WARN, "mounts", "no tmpfs on /tmp nor on /var/tmp");
		return;
	}
	check_tmpfs(c, "/tmp", f);
	check_tmpfs(c, "/var/tmp", f);
	passed(f, "tmpfs with nosuid, nodev and a size on both");
}

static const char *const sensitive_dirs[] = {"/boot",  "/dev",	  "/etc",  "/lib", "/lib32",
					     "/lib64", "/libx32", "/proc", "/sys", "/usr",
					     "/bin",   "/sbin",	  "/root"};
/* Device nodes that are harmless to bind (engines use them to hide files). */
static const char *const harmless_sources[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
					       "/dev/urandom"};

static bool is_sensitive(const char *norm)
{
	if (strcmp(norm, "/") == 0)
		return true;
	for (size_t i = 0; i < N(harmless_sources); i++)
		if (strcmp(norm, harmless_sources[i]) == 0)
			return false;
	for (size_t i = 0; i < N(sensitive_dirs); i++)
		if (path_under(norm, sensitive_dirs[i]))
			return true;
	return false;
}

static void rule_sensitive_mounts(const struct hr_config *c, const struct hr_audit_params *p,
				  struct hr_audit_finding *f)
{
	char norm[4096], path[HR_AUDIT_PATH_MAX];

	(void)p;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct hr_mount *m = &c->mounts[i];

		if (m->source == NULL || !mount_is_bind(m))
			continue;
		normalize(m->source, norm, sizeof(norm));
		if (!is_sensitive(norm))
			continue;
		pathf(path, sizeof(path), "mounts[%zu].source", i);
		if (mount_readonly(m))
			note(f, HR_AUDIT_WARN, path,
			     "host directory %.200s is bind-mounted "
			     "read-only",
			     norm);
		else
			note(f, HR_AUDIT_FAIL, path,
			     "host directory %.200s is bind-mounted "
			     "read-write",
			     norm);
	}
	passed(f, "no bind mount of a host system directory");
}

static const char *const engine_sockets[] = {"docker.sock", "containerd.sock", "podman.sock",
					     "crio.sock"};
/* Directories that hold those sockets: mounting them mounts the socket. */
static const char *const engine_socket_dirs[] = {
    "/run",
    "/var/run",
    "/run/docker",
    "/var/run/docker",
    "/run/containerd",
    "/var/run/containerd",
    "/run/podman",
    "/var/run/podman",
    "/run/crio",
    "/var/run/crio",
};

static void rule_engine_socket(const struct hr_config *c, const struct hr_audit_params *p,
			       struct hr_audit_finding *f)
{
	char norm[4096], path[HR_AUDIT_PATH_MAX];

	(void)p;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const char *src = c->mounts[i].source;
		bool hit = false;

		if (src == NULL)
			continue;
		for (size_t j = 0; j < N(engine_sockets) && !hit; j++)
			hit = strstr(src, engine_sockets[j]) != NULL;
		normalize(src, norm, sizeof(norm));
		for (size_t j = 0;
		     j < N(engine_socket_dirs) && !hit && mount_is_bind(&c->mounts[i]); j++)
			hit = strcmp(norm, engine_socket_dirs[j]) == 0;
		if (!hit)
			continue;
		pathf(path, sizeof(path), "mounts[%zu].source", i);
		note(f, HR_AUDIT_FAIL, path,
		     "%.200s gives the container a container engine's API (root on the host)",
		     norm);
	}
	passed(f, "no container engine socket mounted");
}

static void rule_propagation(const struct hr_config *c, const struct hr_audit_params *p,
			     struct hr_audit_finding *f)
{
	char path[HR_AUDIT_PATH_MAX];

	(void)p;
	if (c->has_linux && (c->linux_cfg.rootfs_propagation & MS_SHARED))
		note(f, HR_AUDIT_FAIL, "linux.rootfsPropagation",
		     "the root file system shares mounts with the host");
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct hr_mount *m = &c->mounts[i];

		for (size_t j = 0; j < m->n_options; j++) {
			if (strcmp(m->options[j], "shared") != 0 &&
			    strcmp(m->options[j], "rshared") != 0)
				continue;
			pathf(path, sizeof(path), "mounts[%zu].options[%zu]", i, j);
			note(f, HR_AUDIT_FAIL, path, "%s propagation on %.200s", m->options[j],
			     m->destination);
		}
	}
	passed(f, "no shared propagation");
}

/* Every expected path missing from have; FAIL when have is empty. */
static void check_paths(struct hr_audit_finding *f, const char *path, char *const *have,
			size_t n_have, const char *const *expected, const char *what)
{
	char missing[HR_AUDIT_DETAIL_MAX] = "";
	size_t used = 0, count = 0;

	if (n_have == 0) {
		note(f, HR_AUDIT_FAIL, path,
		     "no %s: the kernel's interfaces in /proc and /sys "
		     "are exposed",
		     what);
		return;
	}
	for (size_t i = 0; expected[i] != NULL; i++) {
		bool found = false;

		for (size_t j = 0; j < n_have && !found; j++)
			found = strcmp(have[j], expected[i]) == 0;
		if (found)
			continue;
		count++;
		if (used < sizeof(missing) - 1) {
			int n = snprintf(missing + used, sizeof(missing) - used, "%s%s",
					 used ? ", " : "", expected[i]);

			if (n > 0)
				used += (size_t)n;
		}
	}
	if (count > 0)
		note(f, HR_AUDIT_WARN, path, "%zu missing: %s", count, missing);
	passed(f, "%zu paths, all the standard ones", n_have);
}

static void rule_masked_paths(const struct hr_config *c, const struct hr_audit_params *p,
			      struct hr_audit_finding *f)
{
	const struct hr_linux *l = linux_of(c);

	(void)p;
	check_paths(f, "linux.maskedPaths", l ? l->masked_paths : NULL, l ? l->n_masked_paths : 0,
		    hr_audit_masked_paths, "masked paths");
}

static void rule_readonly_paths(const struct hr_config *c, const struct hr_audit_params *p,
				struct hr_audit_finding *f)
{
	const struct hr_linux *l = linux_of(c);

	(void)p;
	check_paths(f, "linux.readonlyPaths", l ? l->readonly_paths : NULL,
		    l ? l->n_readonly_paths : 0, hr_audit_readonly_paths, "read-only paths");
}

/* --- Container rules: privileges and devices ----------------------------------------------- */

/* What Docker's --privileged does, each one enough to reach the host. */
static void rule_privileged(const struct hr_config *c, const struct hr_audit_params *p,
			    struct hr_audit_finding *f)
{
	const uint64_t all = CAP(CAP_AUDIT_READ + 1) - 1; /* every capability engines know */
	const struct hr_resources *res = resources_of(c);
	const struct hr_linux *l = linux_of(c);
	char path[HR_AUDIT_PATH_MAX];
	ssize_t catch_all = -1;

	(void)p;
	if (c->has_process && c->process.has_capabilities &&
	    (c->process.caps.bounding & all) == all)
		note(f, HR_AUDIT_FAIL, "process.capabilities.bounding", "every capability");
	for (size_t i = 0; res != NULL && i < res->n_devices; i++) {
		const struct hr_device_rule *d = &res->devices[i];

		if (d->type == 'a' && !d->major.set && !d->minor.set)
			catch_all = (ssize_t)i;
	}
	if (catch_all >= 0 && res->devices[catch_all].allow) {
		pathf(path, sizeof(path), "linux.resources.devices[%zd]", catch_all);
		note(f, HR_AUDIT_FAIL, path, "every device of the host is allowed");
	}
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct hr_mount *m = &c->mounts[i];

		if (m->type != NULL && strcmp(m->type, "sysfs") == 0 && !mount_readonly(m)) {
			pathf(path, sizeof(path), "mounts[%zu].options", i);
			note(f, HR_AUDIT_FAIL, path, "sysfs on %.200s is writable", m->destination);
		}
	}
	if ((l == NULL || l->seccomp == NULL) && (l == NULL || l->n_masked_paths == 0))
		note(f, HR_AUDIT_FAIL, "linux", "no seccomp profile and no masked paths");
	passed(f, "not privileged");
}

static bool standard_device(const struct hr_device *d)
{
	static const struct {
		int64_t major, minor; /* minor -1: any */
	} std[] = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {136, -1}};

	for (size_t i = 0; i < N(std); i++)
		if (d->major == std[i].major && (std[i].minor < 0 || d->minor == std[i].minor))
			return true;
	return false;
}

static void rule_devices(const struct hr_config *c, const struct hr_audit_params *p,
			 struct hr_audit_finding *f)
{
	const struct hr_linux *l = linux_of(c);
	char path[HR_AUDIT_PATH_MAX];

	(void)p;
	for (size_t i = 0; l != NULL && i < l->n_devices; i++) {
		const struct hr_device *d = &l->devices[i];

		if (d->type == 'p' || (d->type != 'b' && standard_device(d)))
			continue;
		pathf(path, sizeof(path), "linux.devices[%zu]", i);
		note(f, d->type == 'b' ? HR_AUDIT_FAIL : HR_AUDIT_WARN, path,
		     "%s device %.200s (%" PRId64 ":%" PRId64 ") of the host",
		     d->type == 'b' ? "block" : "character", d->path, d->major, d->minor);
	}
	passed(f, "no host device beyond the standard ones");
}

static void rule_cgroups_path(const struct hr_config *c, const struct hr_audit_params *p,
			      struct hr_audit_finding *f)
{
	const char *s = c->has_linux ? c->linux_cfg.cgroups_path : NULL;

	(void)p;
	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, "/:");

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			note(f, HR_AUDIT_FAIL, "linux.cgroupsPath",
			     "a \"..\" component leaves the runtime's cgroup tree");
			return;
		}
		s += n;
		if (*s != '\0')
			s++;
	}
	passed(f, "no \"..\" component");
}

/* --- Container rules: namespaces ----------------------------------------------------------- */

static void check_ns(const struct hr_config *c, enum hr_ns_type type, enum hr_audit_result sev,
		     struct hr_audit_finding *f)
{
	const char *name = hr_ns_type_name(type);
	const struct hr_namespace *ns;
	char path[HR_AUDIT_PATH_MAX];
	size_t i;

	ns = find_ns(c, type, &i);
	if (ns == NULL) {
		note(f, sev, "linux.namespaces", "no %s namespace: the host's is shared", name);
		return;
	}
	if (ns->path == NULL) {
		pathf(f->path, sizeof(f->path), "linux.namespaces[%zu]", i);
		passed(f, "a new %s namespace", name);
		return;
	}
	pathf(path, sizeof(path), "linux.namespaces[%zu].path", i);
	if (strncmp(ns->path, "/proc/1/", 8) == 0 || strncmp(ns->path, "/proc/self/", 11) == 0)
		note(f, sev, path, "joins the host's %s namespace (%.200s)", name, ns->path);
	else
		note(f, sev, path, "joins an existing %s namespace (%.200s): shared with its owner",
		     name, ns->path);
}

static void rule_ns_pid(const struct hr_config *c, const struct hr_audit_params *p,
			struct hr_audit_finding *f)
{
	(void)p;
	check_ns(c, HR_NS_PID, HR_AUDIT_FAIL, f);
}

static void rule_ns_ipc(const struct hr_config *c, const struct hr_audit_params *p,
			struct hr_audit_finding *f)
{
	(void)p;
	check_ns(c, HR_NS_IPC, HR_AUDIT_FAIL, f);
}

static void rule_ns_network(const struct hr_config *c, const struct hr_audit_params *p,
			    struct hr_audit_finding *f)
{
	(void)p;
	check_ns(c, HR_NS_NETWORK, HR_AUDIT_FAIL, f);
}

static void rule_ns_uts(const struct hr_config *c, const struct hr_audit_params *p,
			struct hr_audit_finding *f)
{
	(void)p;
	check_ns(c, HR_NS_UTS, HR_AUDIT_WARN, f);
}

static void rule_ns_mount(const struct hr_config *c, const struct hr_audit_params *p,
			  struct hr_audit_finding *f)
{
	(void)p;
	check_ns(c, HR_NS_MOUNT, HR_AUDIT_FAIL, f);
}

/* --- Container rules: resources ------------------------------------------------------------ */

static const char *source_of(const struct hr_audit_params *p)
{
	return p->limits_source ? p->limits_source : "the allowed maximum";
}

static void rule_memory(const struct hr_config *c, const struct hr_audit_params *p,
			struct hr_audit_finding *f)
{
	const struct hr_resources *r = resources_of(c);
	const struct hr_memory *m = r && r->has_memory ? &r->memory : NULL;

	if (m == NULL || !m->limit.set || m->limit.value <= 0) {
		note(f, HR_AUDIT_FAIL, "linux.resources.memory.limit", "no memory limit");
		return;
	}
	if (p->max_memory.set && m->limit.value > p->max_memory.value)
		note(f, HR_AUDIT_FAIL, "linux.resources.memory.limit",
		     "%" PRId64 " bytes is more than %" PRId64 " (%s)", m->limit.value,
		     p->max_memory.value, source_of(p));
	if (!m->swap.set || m->swap.value < 0)
		note(f, HR_AUDIT_WARN, "linux.resources.memory.swap",
		     "swap is unlimited (set swap equal to limit for none)");
	else if (m->swap.value > m->limit.value)
		note(f, HR_AUDIT_WARN, "linux.resources.memory.swap",
		     "%" PRId64 " bytes of swap allowed", m->swap.value - m->limit.value);
	passed(f, "%" PRId64 " bytes, no swap", m->limit.value);
}

static void rule_cpu(const struct hr_config *c, const struct hr_audit_params *p,
		     struct hr_audit_finding *f)
{
	const struct hr_resources *r = resources_of(c);
	const struct hr_cpu *cpu = r && r->has_cpu ? &r->cpu : NULL;
	int64_t period;

	if (cpu == NULL || !cpu->quota.set || cpu->quota.value <= 0) {
		note(f, HR_AUDIT_FAIL, "linux.resources.cpu.quota", "no CPU quota");
		return;
	}
	period =
	    cpu->period.set && cpu->period.value > 0 && cpu->period.value <= (uint64_t)INT64_MAX
		? (int64_t)cpu->period.value
		: 100000;
	if (p->max_cpu_quota.set && p->max_cpu_period > 0 &&
	    (__int128)cpu->quota.value * p->max_cpu_period >
		(__int128)p->max_cpu_quota.value * period)
		note(f, HR_AUDIT_FAIL, "linux.resources.cpu.quota",
		     "%" PRId64 "/%" PRId64 " is more than %" PRId64 "/%" PRId64 " (%s)",
		     cpu->quota.value, period, p->max_cpu_quota.value, p->max_cpu_period,
		     source_of(p));
	passed(f, "quota %" PRId64 " per %" PRId64 " us", cpu->quota.value, period);
}

static void rule_pids(const struct hr_config *c, const struct hr_audit_params *p,
		      struct hr_audit_finding *f)
{
	const struct hr_resources *r = resources_of(c);

	if (r == NULL || !r->has_pids || !r->pids_limit.set || r->pids_limit.value <= 0) {
		note(f, HR_AUDIT_FAIL, "linux.resources.pids.limit",
		     "no process limit: a fork bomb reaches the host");
		return;
	}
	if (p->max_pids.set && r->pids_limit.value > p->max_pids.value)
		note(f, HR_AUDIT_FAIL, "linux.resources.pids.limit",
		     "%" PRId64 " is more than %" PRId64 " (%s)", r->pids_limit.value,
		     p->max_pids.value, source_of(p));
	passed(f, "%" PRId64, r->pids_limit.value);
}

/* --- The table ----------------------------------------------------------------------------- */

#define RULE(id_, scope_, path_, fn_, title_, fix_)                                                \
	{                                                                                          \
		.id = id_, .title = title_, .path = path_, .fix = fix_,                            \
		.scope = HR_AUDIT_##scope_, .check = fn_                                           \
	}

static const struct hr_audit_rule rules[] = {
    RULE("CIS-4.1", PROCESS, "process.user.uid", rule_user, "the process runs as a non-root user",
	 "set process.user.uid and gid to an unprivileged id (hardrun spec --user 1001:1001)"),
    RULE("CIS-5.12", CONTAINER, "root.readonly", rule_readonly_root,
	 "the root file system is read-only",
	 "set root.readonly to true; give writable paths tmpfs or volume mounts"),
    RULE("HR-FS-01", CONTAINER, "mounts", rule_tmpfs,
	 "/tmp and /var/tmp are size-limited tmpfs (nosuid, nodev)",
	 "mount tmpfs on /tmp and /var/tmp with options nosuid, nodev, size=64m"),
    RULE("CIS-5.25", PROCESS, "process.noNewPrivileges", rule_no_new_privs,
	 "no new privileges (no_new_privs)", "set process.noNewPrivileges to true"),
    RULE("CIS-5.3", PROCESS, "process.capabilities", rule_forbidden_caps,
	 "no capability that reaches the host (SYS_ADMIN, SYS_MODULE, ...)",
	 "remove them from every set of process.capabilities"),
    RULE("HR-CAP-01", PROCESS, "process.capabilities", rule_cap_baseline,
	 "capabilities within the minimal baseline",
	 "drop every capability the application does not need from process.capabilities"),
    RULE("HR-CAP-02", PROCESS, "process.capabilities", rule_inheritable_ambient,
	 "no inheritable nor ambient capabilities",
	 "set process.capabilities.inheritable and ambient to []"),
    RULE("CIS-5.4", CONTAINER, "linux", rule_privileged, "the container is not privileged",
	 "keep a capability allowlist, seccomp, masked paths, a read-only /sys and a device "
	 "allowlist"),
    RULE("CIS-5.21", PROCESS, "linux.seccomp", rule_seccomp,
	 "a seccomp profile that denies by default",
	 "add linux.seccomp with a deny defaultAction (as hardrun spec --profile production)"),
    RULE("CIS-5.1", PROCESS, "process.apparmorProfile", rule_apparmor,
	 "an AppArmor profile, where the host has AppArmor",
	 "load contrib/apparmor/hardrun-default (apparmor_parser -r) and set "
	 "process.apparmorProfile to it (hardrun spec --profile production does where it is "
	 "loaded)"),
    RULE("CIS-5.10", CONTAINER, "linux.resources.memory", rule_memory,
	 "memory is limited, without swap",
	 "set linux.resources.memory.limit, and swap to the same value (hardrun spec --memory)"),
    RULE("CIS-5.11", CONTAINER, "linux.resources.cpu", rule_cpu, "CPU is limited",
	 "set linux.resources.cpu.quota and period (hardrun spec --cpus)"),
    RULE("CIS-5.28", CONTAINER, "linux.resources.pids.limit", rule_pids,
	 "the number of processes is limited",
	 "set linux.resources.pids.limit (hardrun spec --pids)"),
    RULE("CIS-5.18", PROCESS, "process.rlimits", rule_nofile, "the open-file limit is set",
	 "add an RLIMIT_NOFILE entry to process.rlimits"),
    RULE("CIS-5.15", CONTAINER, "linux.namespaces", rule_ns_pid,
	 "the host's pid namespace is not shared",
	 "add {\"type\": \"pid\"} without a path to linux.namespaces"),
    RULE("CIS-5.16", CONTAINER, "linux.namespaces", rule_ns_ipc,
	 "the host's IPC namespace is not shared",
	 "add {\"type\": \"ipc\"} without a path to linux.namespaces"),
    RULE("CIS-5.9", CONTAINER, "linux.namespaces", rule_ns_network,
	 "the host's network namespace is not shared",
	 "add {\"type\": \"network\"} without a path to linux.namespaces"),
    RULE("CIS-5.20", CONTAINER, "linux.namespaces", rule_ns_uts,
	 "the host's UTS namespace is not shared",
	 "add {\"type\": \"uts\"} without a path to linux.namespaces"),
    RULE("HR-NS-01", CONTAINER, "linux.namespaces", rule_ns_mount,
	 "the host's mount namespace is not shared",
	 "add {\"type\": \"mount\"} without a path to linux.namespaces"),
    RULE("HR-FS-02", CONTAINER, "mounts", rule_mount_destinations,
	 "each mount has a destination of its own",
	 "remove or merge the mounts that share a destination (hardrun spec --volume replaces "
	 "a profile mount at the same destination)"),
    RULE("CIS-5.5", CONTAINER, "mounts", rule_sensitive_mounts,
	 "no host system directory is bind-mounted",
	 "remove bind mounts of /, /etc, /usr, /proc, /sys, /dev...; mount application data only"),
    RULE("CIS-5.31", CONTAINER, "mounts", rule_engine_socket,
	 "no container engine socket is mounted",
	 "remove the mount of docker.sock, containerd.sock, podman.sock or crio.sock"),
    RULE("CIS-5.19", CONTAINER, "linux.rootfsPropagation", rule_propagation,
	 "mount propagation is not shared",
	 "use private or slave propagation (linux.rootfsPropagation, mount options)"),
    RULE("CIS-5.17", CONTAINER, "linux.devices", rule_devices, "no host device is exposed",
	 "remove the device from linux.devices; give the application a volume or a service"),
    RULE("HR-ENV-01", PROCESS, "process.env", rule_env_secrets, "no secret in the environment",
	 "pass secrets as files (a read-only mount or a tmpfs), not in process.env"),
    RULE("HR-CG-01", CONTAINER, "linux.cgroupsPath", rule_cgroups_path,
	 "the cgroup path stays in the runtime's tree",
	 "remove \"..\" components from linux.cgroupsPath"),
    RULE("HR-MASK-01", CONTAINER, "linux.maskedPaths", rule_masked_paths,
	 "kernel interfaces in /proc and /sys are masked",
	 "add the standard linux.maskedPaths (hardrun spec writes them)"),
    RULE("HR-MASK-02", CONTAINER, "linux.readonlyPaths", rule_readonly_paths,
	 "kernel tunables in /proc are read-only",
	 "add the standard linux.readonlyPaths (hardrun spec writes them)"),
};

const struct hr_audit_rule *hr_audit_rules(size_t *n)
{
	*n = N(rules);
	return rules;
}

int hr_audit_rule_index(const char *id)
{
	for (size_t i = 0; i < N(rules); i++)
		if (strcmp(rules[i].id, id) == 0)
			return (int)i;
	return -1;
}

const char *hr_audit_result_name(enum hr_audit_result result)
{
	static const char *const names[] = {"PASS", "WARN", "FAIL", "SKIP"};

	return result < HR_AUDIT__COUNT ? names[result] : "?";
}

void hr_audit_recount(struct hr_audit_report *report)
{
	memset(report->counts, 0, sizeof(report->counts));
	for (size_t i = 0; i < report->n; i++)
		report->counts[report->findings[i].result]++;
}

void hr_audit_run(const struct hr_config *config, const struct hr_audit_params *params,
		  struct hr_audit_report *report)
{
	static const struct hr_audit_params defaults;
	const struct hr_audit_params *p = params ? params : &defaults;

	report->n = N(rules);
	report->findings = hr_xcalloc(N(rules), sizeof(*report->findings));
	for (size_t i = 0; i < N(rules); i++) {
		struct hr_audit_finding *f = &report->findings[i];

		f->rule = &rules[i];
		f->result = HR_AUDIT_PASS;
		snprintf(f->path, sizeof(f->path), "%s", rules[i].path);
		if (p->exec && rules[i].scope == HR_AUDIT_CONTAINER) {
			f->result = HR_AUDIT_SKIP;
			snprintf(f->detail, sizeof(f->detail),
				 "not judged for exec: the container exists already");
			continue;
		}
		rules[i].check(config, p, f);
	}
	hr_audit_recount(report);
}

void hr_audit_report_free(struct hr_audit_report *report)
{
	free(report->findings);
	report->findings = NULL;
	report->n = 0;
}

/* --- Profiles ------------------------------------------------------------------------------ */

int hr_audit_params_from_profile(enum hr_spec_profile profile, struct hr_audit_params *params,
				 struct hr_err *err)
{
	struct hr_spec_options opts;
	_cleanup_free_ char *text = NULL;
	_cleanup_config_ struct hr_config *config = NULL;
	struct hr_diags diags = {0};
	const struct hr_resources *r;
	size_t len;
	int ret;

	/* the profile's own document is the one source of its numbers */
	hr_spec_options_init(&opts);
	opts.profile = profile;
	ret = hr_spec_generate(&opts, "/", &text, &len, err);
	hr_spec_options_free(&opts);
	if (ret < 0)
		return -1;
	config = hr_config_parse(text, len, "profile", &diags);
	if (config == NULL) {
		hr_diags_to_err(&diags, err);
		hr_diags_free(&diags);
		return -1;
	}
	r = resources_of(config);
	if (r != NULL && r->has_memory)
		params->max_memory = r->memory.limit;
	if (r != NULL && r->has_cpu && r->cpu.quota.set) {
		params->max_cpu_quota = r->cpu.quota;
		params->max_cpu_period =
		    r->cpu.period.set ? (int64_t)r->cpu.period.value : HR_SPEC_CPU_PERIOD;
	}
	if (r != NULL && r->has_pids)
		params->max_pids = r->pids_limit;
	params->limits_source = hr_spec_profile_name(profile);
	return 0;
}

/* --- Output -------------------------------------------------------------------------------- */

int hr_audit_print_text(const struct hr_audit_report *report, FILE *out)
{
	fprintf(out, "%-12s %-6s %s\n", "ID", "RESULT", "TITLE");
	for (size_t i = 0; i < report->n; i++) {
		const struct hr_audit_finding *f = &report->findings[i];

		fprintf(out, "%-12s %-6s %s\n", f->rule->id, hr_audit_result_name(f->result),
			f->rule->title);
		if (f->result == HR_AUDIT_PASS)
			continue;
		if (f->result == HR_AUDIT_SKIP) {
			fprintf(out, "%20s%s\n", "", f->detail);
			continue;
		}
		fprintf(out, "%20s%s: %s\n", "", f->path, f->detail);
		fprintf(out, "%20sfix: %s\n", "", f->rule->fix);
	}
	fprintf(out, "\n%zu passed, %zu warnings, %zu failed, %zu skipped\n",
		report->counts[HR_AUDIT_PASS], report->counts[HR_AUDIT_WARN],
		report->counts[HR_AUDIT_FAIL], report->counts[HR_AUDIT_SKIP]);
	return ferror(out) ? -1 : 0;
}

char *hr_audit_json(const struct hr_audit_report *report, const char *config_name,
		    const char *profile, size_t *len)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(true);

	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "config", config_name);
	hr_jgen_key(g, "profile");
	if (profile != NULL)
		hr_jgen_str(g, profile);
	else
		yajl_gen_null(g);
	hr_jgen_key(g, "summary");
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "passed", report->counts[HR_AUDIT_PASS]);
	hr_jgen_kv_u64(g, "warnings", report->counts[HR_AUDIT_WARN]);
	hr_jgen_kv_u64(g, "failed", report->counts[HR_AUDIT_FAIL]);
	hr_jgen_kv_u64(g, "skipped", report->counts[HR_AUDIT_SKIP]);
	yajl_gen_map_close(g);
	hr_jgen_key(g, "results");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < report->n; i++) {
		const struct hr_audit_finding *f = &report->findings[i];

		yajl_gen_map_open(g);
		hr_jgen_kv_str(g, "id", f->rule->id);
		hr_jgen_kv_str(g, "title", f->rule->title);
		hr_jgen_kv_str(g, "result", hr_audit_result_name(f->result));
		hr_jgen_kv_str(g, "path", f->path);
		hr_jgen_kv_str(g, "detail", f->detail);
		hr_jgen_kv_str(g, "fix", f->rule->fix);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return hr_jgen_dup(g, true, len);
}
