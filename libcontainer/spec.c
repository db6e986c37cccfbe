/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun spec`: profiles, option parsers and the document generator. Writing the file is at
 * the end (hr_spec_write); the seccomp table is in spec_seccomp.c.
 */
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "arena.h"
#include "cleanup.h"
#include "json.h"
#include "lsm.h"
#include "paths.h"
#include "spec_seccomp.h"

/* --- Profiles ------------------------------------------------------------------------------ */

struct profile {
	const char *name;
	bool hardened;	/* production and development: the security guide's settings */
	int64_t memory; /* 0: no limit */
	int64_t cpu_quota;
	int64_t pids;
};

static const struct profile profiles[] = {
    [HR_PROFILE_MINIMAL] = {.name = "minimal"},
    [HR_PROFILE_DEVELOPMENT] =
	{
	    .name = "development",
	    .hardened = true,
	    .memory = 1073741824, /* 1 GiB, swap equal: no swap */
	    .cpu_quota = 100000,  /* 1 CPU */
	    .pids = 256,
	},
    [HR_PROFILE_PRODUCTION] =
	{
	    .name = "production",
	    .hardened = true,
	    .memory = 536870912, /* 512 MiB, swap equal: no swap */
	    .cpu_quota = 50000,	 /* half a CPU */
	    /* a few workers with their threads; a fork bomb stops here */
	    .pids = 256,
	},
};

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* An argv that says what to do instead of pretending to be an application. */
static const char *const hardened_args[] = {
    "sh",
    "-c",
    "echo 'hardrun: no application configured: set process.args (hardrun spec --args CMD...)'",
};
static const char *const minimal_args[] = {"sh"};

static const char *const runc_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
static const char *const cap_sets[] = {"bounding", "effective", "inheritable", "permitted",
				       "ambient"};

/* runc's (minimal) and Docker's (hardened) defaults. */
static const char *const runc_masked[] = {
    "/proc/acpi",	   "/proc/asound",     "/proc/kcore",	    "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware",	   "/proc/scsi",
};
static const char *const docker_masked[] = {
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
};
static const char *const readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					     "/proc/sysrq-trigger"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct mount_def {
	const char *destination;
	const char *type;
	const char *source;
	const char *const *options; /* NULL-terminated; NULL: no "options" */
};

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The mounts both kinds of profile share, in order, after /proc. */
static const struct mount_def dev_mounts[] = {
    {"/dev", "tmpfs", "tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k")},
    {"/dev/pts", "devpts", "devpts",
     OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
    {"/dev/shm", "tmpfs", "shm", OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
    {"/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev")},
    {"/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro")},
};

/* Rootless (runc's rootless spec): gid 5 is not mapped; sysfs needs its own network
 * namespace owned by the user namespace, a bind of the host's /sys does not. */
static const struct mount_def rootless_devpts = {
    "/dev/pts", "devpts", "devpts",
    OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")};
static const struct mount_def rootless_sys = {"/sys", "bind", "/sys",
					      OPTS("rbind", "nosuid", "noexec", "nodev", "ro")};

static const struct mount_def *rootless_mount(const struct mount_def *m)
{
	if (strcmp(m->destination, "/dev/pts") == 0)
		return &rootless_devpts;
	if (strcmp(m->destination, "/sys") == 0)
		return &rootless_sys;
	return m;
}

#define CGROUP_OPTS OPTS("nosuid", "noexec", "nodev", "relatime", "ro")
static const struct mount_def minimal_proc = {"/proc", "proc", "proc", NULL};
static const struct mount_def minimal_cgroup = {"/sys/fs/cgroup", "cgroup", "cgroup", CGROUP_OPTS};

static const struct mount_def hardened_proc = {"/proc", "proc", "proc",
					       OPTS("nosuid", "noexec", "nodev")};
static const struct mount_def hardened_mounts[] = {
    {"/sys/fs/cgroup", "cgroup2", "cgroup", CGROUP_OPTS},
    /* size-limited scratch space; exec stays allowed because applications need it */
    {"/tmp", "tmpfs", "tmpfs", OPTS("nosuid", "nodev", "mode=1777", "size=64m")},
    {"/var/tmp", "tmpfs", "tmpfs", OPTS("nosuid", "nodev", "mode=1777", "size=64m")},
};

/* Character devices a container needs, as runc allows them: null, zero, full, random,
 * urandom, tty, ptmx, and the pty slaves. */
static const struct {
	int64_t major;
	int64_t minor; /* -1: any */
} allowed_devices[] = {
    {1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 2}, {136, -1},
};

static const struct profile *profile_of(const struct hr_spec_options *opts)
{
	return &profiles[opts->profile];
}

const char *hr_spec_profile_name(enum hr_spec_profile profile)
{
	return profiles[profile].name;
}

int hr_spec_parse_profile(const char *s, enum hr_spec_profile *out, struct hr_err *err)
{
	for (size_t i = 0; i < N(profiles); i++) {
		if (strcmp(s, profiles[i].name) == 0) {
			*out = (enum hr_spec_profile)i;
			return 0;
		}
	}
	return hr_err_set(
	    err, 0, "unknown profile \"%.64s\" (expected minimal, development or production)", s);
}

void hr_spec_options_init(struct hr_spec_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->profile = HR_PROFILE_MINIMAL;
}

void hr_spec_set_rootless(struct hr_spec_options *opts, uint32_t host_uid, uint32_t host_gid)
{
	opts->rootless = true;
	opts->host_uid = host_uid;
	opts->host_gid = host_gid;
}

void hr_spec_volume_free(struct hr_spec_volume *vol)
{
	free(vol->source);
	free(vol->destination);
	vol->source = vol->destination = NULL;
}

void hr_spec_options_free(struct hr_spec_options *opts)
{
	for (size_t i = 0; i < opts->n_volumes; i++)
		hr_spec_volume_free(&opts->volumes[i]);
	free(opts->volumes);
	opts->volumes = NULL;
	opts->n_volumes = 0;
	hr_env_list_free(&opts->env);
	yajl_tree_free(opts->seccomp_from);
	opts->seccomp_from = NULL;
	free(opts->seccomp_from_name);
	opts->seccomp_from_name = NULL;
}

/* The largest --seccomp-from file: a profile naming every system call twice over. */
#define SECCOMP_FROM_MAX (1024 * 1024)

int hr_spec_set_seccomp_from(struct hr_spec_options *opts, const char *path, struct hr_err *err)
{
	static const char head[] = "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
				   "\"linux\": {\"seccomp\": ";
	_cleanup_free_ char *data = NULL, *doc = NULL;
	_cleanup_config_ struct hr_config *config = NULL;
	struct hr_diags diags = {0};
	const char *base = strrchr(path, '/');
	size_t len;
	int r = 0;

	if (hr_read_file(path, SECCOMP_FROM_MAX, &data, &len, err) < 0)
		return hr_err_prefix(err, "--seccomp-from");
	/* checked where it will live: as linux.seccomp of a config */
	doc = hr_xmalloc(sizeof(head) + len + 3);
	memcpy(doc, head, sizeof(head) - 1);
	memcpy(doc + sizeof(head) - 1, data, len);
	memcpy(doc + sizeof(head) - 1 + len, "}}", 3);
	config = hr_config_parse(doc, sizeof(head) - 1 + len + 2, path, &diags);
	if (config != NULL && !(config->has_linux && config->linux_cfg.seccomp != NULL))
		r = hr_err_set(err, EINVAL, "--seccomp-from %s: not a linux.seccomp object", path);
	else if (config == NULL)
		r = hr_diags_to_err(&diags, err);
	if (r == 0) {
		yajl_tree_free(opts->seccomp_from);
		opts->seccomp_from = hr_json_parse(data, len, path, &diags);
		free(opts->seccomp_from_name);
		opts->seccomp_from_name = hr_xstrdup(base ? base + 1 : path);
	}
	hr_diags_free(&diags);
	return r < 0 ? -1 : 0;
}

/* --- Option parsers ------------------------------------------------------------------------ */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses [0-9]+ from *p (advancing it) into a value <= max. Returns -1 without digits, -2 when
 * the number exceeds max. */
static int parse_digits(const char **p, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool too_large = false;

	if (!is_digit(**p))
		return -1;
	for (; is_digit(**p); (*p)++) {
		uint64_t d = (uint64_t)(**p - '0');

		if (v > (max - d) / 10)
			too_large = true;
		else
			v = v * 10 + d;
	}
	*out = v;
	return too_large ? -2 : 0;
}

int hr_spec_parse_size(const char *s, int64_t *bytes, struct hr_err *err)
{
	const char *p = s;
	uint64_t v, shift = 0;
	int r = parse_digits(&p, UINT64_MAX, &v);

	if (r == 0 && *p != '\0') {
		static const char units[] = "kmgt";
		const char *u = memchr(units, *p | 0x20, 4);

		if (u != NULL && p[1] == '\0')
			shift = 10 * (uint64_t)(u - units + 1);
		else
			r = -1;
	}
	if (r == -1)
		return hr_err_set(err, 0,
				  "invalid size \"%.64s\": expected a number of bytes with an "
				  "optional K, M, G or T suffix (binary units)",
				  s);
	if (r == -2 || v > ((uint64_t)INT64_MAX >> shift))
		return hr_err_set(err, 0, "invalid size \"%.64s\": too large", s);
	if (v == 0)
		return hr_err_set(err, 0, "invalid size \"%.64s\": must be more than 0", s);
	*bytes = (int64_t)(v << shift);
	return 0;
}

/* Decimal digits of a CPU count that a quota per 100000 µs can express. */
#define CPUS_FRACTION_DIGITS 5

int hr_spec_parse_cpus(const char *s, int64_t *quota, struct hr_err *err)
{
	const char *p = s;
	uint64_t whole = 0, frac = 0;
	int n_frac = 0;
	bool digits = false, inexact = false, too_large = false;

	for (; is_digit(*p); p++, digits = true) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > HR_SPEC_CPUS_MAX) {
			too_large = true;
			whole = HR_SPEC_CPUS_MAX + 1;
		}
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			digits = false;
		for (; is_digit(*p); p++, digits = true) {
			if (n_frac < CPUS_FRACTION_DIGITS) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				n_frac++;
			} else if (*p != '0') {
				inexact = true;
			}
		}
	}
	if (!digits || *p != '\0')
		return hr_err_set(err, 0,
				  "invalid CPU count \"%.64s\": expected a decimal number "
				  "such as 0.5 or 2",
				  s);
	for (; n_frac < CPUS_FRACTION_DIGITS; n_frac++)
		frac *= 10;
	*quota = (int64_t)(whole * HR_SPEC_CPU_PERIOD + frac);
	if (too_large || *quota > (int64_t)HR_SPEC_CPUS_MAX * HR_SPEC_CPU_PERIOD)
		return hr_err_set(err, 0, "invalid CPU count \"%.64s\": more than %d", s,
				  HR_SPEC_CPUS_MAX);
	if (*quota == 0 && !inexact)
		return hr_err_set(err, 0, "invalid CPU count \"%.64s\": must be more than 0", s);
	if (*quota < HR_SPEC_CPU_QUOTA_MIN)
		return hr_err_set(err, 0,
				  "invalid CPU count \"%.64s\": less than 0.01 (the kernel's "
				  "minimum quota is 1 ms per 100 ms)",
				  s);
	if (inexact)
		return hr_err_set(err, 0,
				  "invalid CPU count \"%.64s\": more precise than 0.00001 (quotas "
				  "are whole microseconds per 100 ms)",
				  s);
	return 0;
}

/* The kernel's PID_MAX_LIMIT: pids.max takes nothing larger. */
#define PIDS_MAX 4194304

int hr_spec_parse_pids(const char *s, int64_t *pids, struct hr_err *err)
{
	const char *p = s;
	uint64_t v;
	int r = parse_digits(&p, UINT64_MAX, &v);

	if (r == -1 || *p != '\0')
		return hr_err_set(err, 0, "invalid process count \"%.64s\": expected a number", s);
	if (r == -2 || v > PIDS_MAX)
		return hr_err_set(err, 0, "invalid process count \"%.64s\": more than %d", s,
				  PIDS_MAX);
	if (v == 0)
		return hr_err_set(err, 0, "invalid process count \"%.64s\": must be more than 0",
				  s);
	*pids = (int64_t)v;
	return 0;
}

int hr_spec_parse_user(const char *s, uint32_t *uid, uint32_t *gid, struct hr_err *err)
{
	const char *p = s;
	uint64_t u, g;

	/* (uid_t)-1 means "unchanged" to the kernel's set*id calls: never a real id */
	if (parse_digits(&p, UINT32_MAX - 1, &u) != 0 || *p++ != ':' ||
	    parse_digits(&p, UINT32_MAX - 1, &g) != 0 || *p != '\0')
		return hr_err_set(err, 0,
				  "invalid user \"%.64s\": expected UID:GID, two numbers below "
				  "4294967295",
				  s);
	*uid = (uint32_t)u;
	*gid = (uint32_t)g;
	return 0;
}

/*
 * An absolute path without "." or ".." components. When forbid_system, also not "/" nor /proc,
 * /sys or anything under them, where a bind mount would undo the masked and read-only paths.
 */
static int check_volume_path(const char *path, const char *what, bool forbid_system,
			     struct hr_err *err)
{
	const char *p = path, *first = NULL;
	size_t first_len = 0;

	if (path[0] != '/')
		return hr_err_set(err, 0, "%s \"%.256s\" is not an absolute path", what, path);
	if (!hr_utf8_valid(path, strlen(path)))
		return hr_err_set(err, 0, "%s is not valid UTF-8", what);
	while (*p != '\0') {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return hr_err_set(err, 0, "%s \"%.256s\" has a \"%.*s\" component", what,
					  path, (int)len, p);
		if (first == NULL && len > 0) {
			first = p;
			first_len = len;
		}
		p += len;
	}
	if (!forbid_system)
		return 0;
	if (first == NULL)
		return hr_err_set(err, 0, "%s cannot be \"/\"", what);
	if ((first_len == 4 && strncmp(first, "proc", 4) == 0) ||
	    (first_len == 3 && strncmp(first, "sys", 3) == 0))
		return hr_err_set(err, 0, "%s \"%.256s\" is inside /%.*s", what, path,
				  (int)first_len, first);
	return 0;
}

int hr_spec_parse_volume(const char *s, struct hr_spec_volume *out, struct hr_err *err)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	_cleanup_free_ char *src = NULL, *dst = NULL;
	bool readonly = false;

	if (c1 == NULL || (c2 != NULL && strchr(c2 + 1, ':') != NULL))
		return hr_err_set(err, 0, "invalid volume \"%.256s\": expected SRC:DST[:ro|:rw]",
				  s);
	if (c2 != NULL) {
		if (strcmp(c2 + 1, "ro") == 0)
			readonly = true;
		else if (strcmp(c2 + 1, "rw") != 0)
			return hr_err_set(err, 0,
					  "invalid volume \"%.256s\": unknown mode \"%.16s\" "
					  "(expected ro or rw)",
					  s, c2 + 1);
	}
	src = hr_xstrdup(s);
	src[c1 - s] = '\0';
	dst = hr_xstrdup(c1 + 1);
	if (c2 != NULL)
		dst[c2 - c1 - 1] = '\0';
	if (check_volume_path(src, "volume source", false, err) < 0 ||
	    check_volume_path(dst, "volume destination", true, err) < 0)
		return -1;
	out->source = steal_pointer(&src);
	out->destination = steal_pointer(&dst);
	out->readonly = readonly;
	return 0;
}

static bool is_hostname_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
	       c == '.';
}

int hr_spec_check_hostname(const char *s, struct hr_err *err)
{
	size_t len = strlen(s);
	bool ok = len >= 1 && len <= 64 && s[0] != '-' && s[0] != '.' && s[len - 1] != '-' &&
		  s[len - 1] != '.';

	for (size_t i = 0; ok && i < len; i++)
		ok = is_hostname_char(s[i]);
	if (!ok)
		return hr_err_set(err, 0,
				  "invalid hostname \"%.80s\": expected 1 to 64 letters, digits, "
				  "'-' and '.'",
				  s);
	return 0;
}

/* Whether two container paths name one place, as the kernel walks them: "/app/./temp/". */
static bool same_destination(const char *a, const char *b)
{
	return hr_path_compare(a, b) == 0;
}

int hr_spec_add_volume(struct hr_spec_options *opts, const char *arg, struct hr_err *err)
{
	struct hr_spec_volume vol;

	if (hr_spec_parse_volume(arg, &vol, err) < 0)
		return hr_err_prefix(err, "--volume");
	/* in place of the /dev tmpfs, the profile's /dev/pts, /dev/shm... would be made in SRC */
	if (same_destination(vol.destination, "/dev")) {
		hr_err_set(err, 0,
			   "--volume %.256s: a volume cannot replace /dev (the container's device "
			   "directory): bind the devices it needs one by one, e.g. SRC:/dev/snd",
			   arg);
		hr_spec_volume_free(&vol);
		return -1;
	}
	for (size_t i = 0; i < opts->n_volumes; i++) {
		if (!same_destination(opts->volumes[i].destination, vol.destination))
			continue;
		hr_err_set(
		    err, 0,
		    "--volume %.256s: %.256s is already the destination of --volume %.256s:%.256s",
		    arg, vol.destination, opts->volumes[i].source, opts->volumes[i].destination);
		hr_spec_volume_free(&vol);
		return -1;
	}
	opts->volumes = hr_xrealloc(opts->volumes, opts->n_volumes + 1, sizeof(*opts->volumes));
	opts->volumes[opts->n_volumes++] = vol;
	return 0;
}

int hr_spec_add_env(struct hr_spec_options *opts, const char *arg, struct hr_err *err)
{
	if (hr_env_entry_check(arg, strlen(arg), err) < 0)
		return hr_err_prefix(err, "--env");
	hr_env_list_set(&opts->env, arg);
	return 0;
}

int hr_spec_add_env_file(struct hr_spec_options *opts, const char *path, struct hr_err *err)
{
	return hr_envfile_load(path, &opts->env, err);
}

/* --- The document -------------------------------------------------------------------------- */

static void gen_strv0(yajl_gen g, const char *key, const char *const *values)
{
	hr_jgen_key(g, key);
	yajl_gen_array_open(g);
	for (; *values != NULL; values++)
		hr_jgen_str(g, *values);
	yajl_gen_array_close(g);
}

static void gen_rlimit(yajl_gen g, const char *type, uint64_t soft, uint64_t hard)
{
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "type", type);
	hr_jgen_kv_u64(g, "hard", hard);
	hr_jgen_kv_u64(g, "soft", soft);
	yajl_gen_map_close(g);
}

static void gen_capabilities(yajl_gen g, bool hardened)
{
	hr_jgen_key(g, "capabilities");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < N(cap_sets); i++) {
		bool runc_set =
		    strcmp(cap_sets[i], "inheritable") != 0 && strcmp(cap_sets[i], "ambient") != 0;

		/* runc spec sets no inheritable (CVE-2022-29162) nor ambient capabilities */
		if (hardened)
			hr_jgen_strv(g, cap_sets[i], NULL, 0);
		else if (runc_set)
			hr_jgen_strv(g, cap_sets[i], runc_caps, N(runc_caps));
	}
	yajl_gen_map_close(g);
}

static void gen_env(yajl_gen g, const struct hr_spec_options *opts, bool hardened)
{
	_cleanup_env_list_ struct hr_env_list env = {0};

	hr_env_list_set(&env, DEFAULT_PATH);
	/* uid 1001 has no home directory in most images: point HOME at the writable /tmp */
	hr_env_list_set(&env, hardened ? "HOME=/tmp" : "TERM=xterm");
	for (size_t i = 0; i < opts->env.len; i++)
		hr_env_list_set(&env, opts->env.items[i]);
	hr_jgen_strv(g, "env", (const char *const *)env.items, env.len);
}

/* The process's ids in the container: --user, else 1001 (hardened) or 0, rootless 0. */
static uint32_t process_uid(const struct hr_spec_options *opts)
{
	if (opts->has_user)
		return opts->uid;
	return profile_of(opts)->hardened && !opts->rootless ? HR_SPEC_DEFAULT_UID : 0;
}

static uint32_t process_gid(const struct hr_spec_options *opts)
{
	if (opts->has_user)
		return opts->gid;
	return profile_of(opts)->hardened && !opts->rootless ? HR_SPEC_DEFAULT_GID : 0;
}

static void gen_process(yajl_gen g, const struct hr_spec_options *opts)
{
	bool hardened = profile_of(opts)->hardened;

	hr_jgen_key(g, "process");
	yajl_gen_map_open(g);
	hr_jgen_kv_bool(g, "terminal", !hardened);
	hr_jgen_key(g, "user");
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "uid", process_uid(opts));
	hr_jgen_kv_u64(g, "gid", process_gid(opts));
	yajl_gen_map_close(g);
	if (opts->args != NULL)
		hr_jgen_strv(g, "args", opts->args, opts->n_args);
	else if (hardened)
		hr_jgen_strv(g, "args", hardened_args, N(hardened_args));
	else
		hr_jgen_strv(g, "args", minimal_args, N(minimal_args));
	gen_env(g, opts, hardened);
	hr_jgen_kv_str(g, "cwd", "/");
	gen_capabilities(g, hardened);
	hr_jgen_key(g, "rlimits");
	yajl_gen_array_open(g);
	gen_rlimit(g, "RLIMIT_NOFILE", 1024, 1024);
	/*
	 * No core dumps: the host's core_pattern would carry the memory of a process holding
	 * secrets out of the container. RLIMIT_NPROC is left alone on purpose: it counts every
	 * process of the uid on the whole host; pids.max bounds the container instead.
	 */
	if (hardened)
		gen_rlimit(g, "RLIMIT_CORE", 0, 0);
	yajl_gen_array_close(g);
	hr_jgen_kv_bool(g, "noNewPrivileges", true);
	if (opts->apparmor_profile != NULL && opts->apparmor_profile[0] != '\0')
		hr_jgen_kv_str(g, "apparmorProfile", opts->apparmor_profile);
	yajl_gen_map_close(g);
}

static void gen_mount(yajl_gen g, const struct mount_def *m)
{
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "destination", m->destination);
	hr_jgen_kv_str(g, "type", m->type);
	hr_jgen_kv_str(g, "source", m->source);
	if (m->options != NULL)
		gen_strv0(g, "options", m->options);
	yajl_gen_map_close(g);
}

static void gen_bind(yajl_gen g, const char *source, const char *destination, bool readonly)
{
	const struct mount_def m = {destination, "bind", source,
				    OPTS("rbind", readonly ? "ro" : "rw", "nosuid", "nodev")};

	gen_mount(g, &m);
}

/* The --volume at destination, or NULL. */
static const struct hr_spec_volume *volume_at(const struct hr_spec_options *opts,
					      const char *destination)
{
	for (size_t i = 0; i < opts->n_volumes; i++)
		if (same_destination(opts->volumes[i].destination, destination))
			return &opts->volumes[i];
	return NULL;
}

/* The profile's own mounts, in order; /app/temp (hardened) as destination only. */
static size_t profile_mounts(const struct hr_spec_options *opts, const struct mount_def **out)
{
	bool hardened = profile_of(opts)->hardened;
	size_t n = 0;

	out[n++] = hardened ? &hardened_proc : &minimal_proc;
	for (size_t i = 0; i < N(dev_mounts); i++)
		out[n++] = opts->rootless ? rootless_mount(&dev_mounts[i]) : &dev_mounts[i];
	if (hardened) {
		for (size_t i = 0; i < N(hardened_mounts); i++)
			out[n++] = &hardened_mounts[i];
	} else {
		out[n++] = &minimal_cgroup;
	}
	return n;
}

#define MAX_PROFILE_MOUNTS (1 + N(dev_mounts) + N(hardened_mounts) + 1)

static bool replaces_profile_mount(const struct hr_spec_options *opts,
				   const struct hr_spec_volume *v)
{
	const struct mount_def *mounts[MAX_PROFILE_MOUNTS];
	size_t n = profile_mounts(opts, mounts);

	for (size_t i = 0; i < n; i++)
		if (same_destination(mounts[i]->destination, v->destination))
			return true;
	return profile_of(opts)->hardened &&
	       same_destination(HR_SPEC_APP_TEMP_DEST, v->destination);
}

/*
 * The profile's mounts, where a --volume at the same destination takes the place of the
 * profile's mount (two mounts at one place would leave the profile's covered, its tmpfs
 * or volume still made), then the other volumes.
 */
static void gen_mounts(yajl_gen g, const struct hr_spec_options *opts, const char *app_temp)
{
	const struct mount_def *mounts[MAX_PROFILE_MOUNTS];
	size_t n = profile_mounts(opts, mounts);
	const struct hr_spec_volume *v;

	hr_jgen_key(g, "mounts");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		if ((v = volume_at(opts, mounts[i]->destination)) != NULL)
			gen_bind(g, v->source, v->destination, v->readonly);
		else
			gen_mount(g, mounts[i]);
	}
	if (profile_of(opts)->hardened) {
		if ((v = volume_at(opts, HR_SPEC_APP_TEMP_DEST)) != NULL)
			gen_bind(g, v->source, v->destination, v->readonly);
		else
			gen_bind(g, app_temp, HR_SPEC_APP_TEMP_DEST, false);
	}
	for (size_t i = 0; i < opts->n_volumes; i++)
		if (!replaces_profile_mount(opts, &opts->volumes[i]))
			gen_bind(g, opts->volumes[i].source, opts->volumes[i].destination,
				 opts->volumes[i].readonly);
	yajl_gen_array_close(g);
}

static void gen_device_rule(yajl_gen g, bool allow, int64_t major, int64_t minor)
{
	yajl_gen_map_open(g);
	hr_jgen_kv_bool(g, "allow", allow);
	if (allow) {
		hr_jgen_kv_str(g, "type", "c");
		hr_jgen_kv_i64(g, "major", major);
		if (minor >= 0)
			hr_jgen_kv_i64(g, "minor", minor);
	}
	hr_jgen_kv_str(g, "access", "rwm");
	yajl_gen_map_close(g);
}

static void gen_resources(yajl_gen g, const struct hr_spec_options *opts)
{
	const struct profile *prof = profile_of(opts);
	int64_t memory = opts->has_memory ? opts->memory : prof->memory;
	int64_t quota = opts->has_cpu_quota ? opts->cpu_quota : prof->cpu_quota;
	int64_t pids = opts->has_pids ? opts->pids : prof->pids;

	hr_jgen_key(g, "resources");
	yajl_gen_map_open(g);
	hr_jgen_key(g, "devices");
	yajl_gen_array_open(g);
	gen_device_rule(g, false, 0, 0);
	for (size_t i = 0; prof->hardened && i < N(allowed_devices); i++)
		gen_device_rule(g, true, allowed_devices[i].major, allowed_devices[i].minor);
	yajl_gen_array_close(g);
	if (memory > 0) {
		hr_jgen_key(g, "memory");
		yajl_gen_map_open(g);
		hr_jgen_kv_i64(g, "limit", memory);
		hr_jgen_kv_i64(g, "swap", memory);
		yajl_gen_map_close(g);
	}
	if (quota > 0) {
		hr_jgen_key(g, "cpu");
		yajl_gen_map_open(g);
		hr_jgen_kv_i64(g, "quota", quota);
		hr_jgen_kv_u64(g, "period", HR_SPEC_CPU_PERIOD);
		yajl_gen_map_close(g);
	}
	if (pids > 0) {
		hr_jgen_key(g, "pids");
		yajl_gen_map_open(g);
		hr_jgen_kv_i64(g, "limit", pids);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_namespaces(yajl_gen g, bool hardened, bool rootless)
{
	static const char *const runc_order[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
	static const char *const guide_order[] = {"pid", "mount",   "ipc",
						  "uts", "network", "cgroup"};
	const char *const *types = hardened ? guide_order : runc_order;

	hr_jgen_key(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < N(runc_order); i++) {
		yajl_gen_map_open(g);
		hr_jgen_kv_str(g, "type", types[i]);
		yajl_gen_map_close(g);
	}
	if (rootless) {
		yajl_gen_map_open(g);
		hr_jgen_kv_str(g, "type", "user");
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

/* The one id an unprivileged user may map itself: its own, as the process's. */
static void gen_id_map(yajl_gen g, const char *key, uint32_t container_id, uint32_t host_id)
{
	hr_jgen_key(g, key);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "containerID", container_id);
	hr_jgen_kv_u64(g, "hostID", host_id);
	hr_jgen_kv_u64(g, "size", 1);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

static void gen_linux(yajl_gen g, const struct hr_spec_options *opts)
{
	bool hardened = profile_of(opts)->hardened;

	hr_jgen_key(g, "linux");
	yajl_gen_map_open(g);
	if (!opts->rootless)
		gen_resources(g, opts);
	gen_namespaces(g, hardened, opts->rootless);
	if (opts->rootless) {
		gen_id_map(g, "uidMappings", process_uid(opts), opts->host_uid);
		gen_id_map(g, "gidMappings", process_gid(opts), opts->host_gid);
	}
	if (hardened)
		hr_jgen_strv(g, "maskedPaths", docker_masked, N(docker_masked));
	else
		hr_jgen_strv(g, "maskedPaths", runc_masked, N(runc_masked));
	hr_jgen_strv(g, "readonlyPaths", readonly_paths, N(readonly_paths));
	if (opts->seccomp_from != NULL) {
		hr_jgen_key(g, "seccomp");
		hr_jgen_value(g, opts->seccomp_from);
	} else if (hardened) {
		hr_spec_gen_seccomp(g);
	}
	yajl_gen_map_close(g);
}

static void gen_annotations(yajl_gen g, const struct profile *prof,
			    const struct hr_spec_options *opts)
{
	hr_jgen_key(g, "annotations");
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "org.hardrun.profile", prof->name);
	if (opts->seccomp_from_name != NULL)
		hr_jgen_kv_str(g, HR_ANNOTATION_SECCOMP_FROM, opts->seccomp_from_name);
	if (prof->hardened) {
		/* for engines and scripts that run health checks; hardrun itself ignores them */
		hr_jgen_kv_str(g, "org.hardrun.health.interval", "30s");
		hr_jgen_kv_str(g, "org.hardrun.health.retries", "3");
		hr_jgen_kv_str(g, "org.hardrun.health.start-period", "40s");
	}
	yajl_gen_map_close(g);
}

/* yajl refuses invalid UTF-8 (and the helpers do not report it): check every given string. */
static int check_strings(const struct hr_spec_options *opts, const char *app_temp,
			 struct hr_err *err)
{
	if (app_temp != NULL && !hr_utf8_valid(app_temp, strlen(app_temp)))
		return hr_err_set(err, 0, "bundle path is not valid UTF-8");
	if (opts->rootfs != NULL &&
	    (opts->rootfs[0] == '\0' || !hr_utf8_valid(opts->rootfs, strlen(opts->rootfs))))
		return hr_err_set(err, 0, "--rootfs: expected a non-empty UTF-8 path");
	if (opts->hostname != NULL && hr_spec_check_hostname(opts->hostname, err) < 0)
		return hr_err_prefix(err, "--hostname");
	if (opts->apparmor_profile != NULL &&
	    !hr_utf8_valid(opts->apparmor_profile, strlen(opts->apparmor_profile)))
		return hr_err_set(err, 0, "--apparmor: the profile name is not valid UTF-8");
	if (opts->rootless && (opts->has_memory || opts->has_cpu_quota || opts->has_pids))
		return hr_err_set(err, 0,
				  "%s: a rootless container has no cgroup to apply it in "
				  "(--rootless writes no linux.resources)",
				  opts->has_memory	? "--memory"
				  : opts->has_cpu_quota ? "--cpus"
							: "--pids");
	if (opts->args != NULL && (opts->n_args == 0 || opts->args[0][0] == '\0'))
		return hr_err_set(err, 0, "--args: expected a command");
	for (size_t i = 0; opts->args != NULL && i < opts->n_args; i++)
		if (!hr_utf8_valid(opts->args[i], strlen(opts->args[i])))
			return hr_err_set(err, 0, "--args: argument %zu is not valid UTF-8", i + 1);
	for (size_t i = 0; i < opts->env.len; i++)
		if (hr_env_entry_check(opts->env.items[i], strlen(opts->env.items[i]), err) < 0)
			return hr_err_prefix(err, "environment entry %zu", i + 1);
	return 0;
}

int hr_spec_generate(const struct hr_spec_options *opts, const char *bundle_abs, char **out,
		     size_t *len, struct hr_err *err)
{
	const struct profile *prof = profile_of(opts);
	_cleanup_yajl_gen_ yajl_gen g = NULL;
	_cleanup_free_ char *app_temp = NULL;

	if (prof->hardened) {
		if (bundle_abs == NULL || bundle_abs[0] != '/')
			return hr_err_set(err, 0, "bundle path must be absolute");
		app_temp = hr_xmalloc(strlen(bundle_abs) + sizeof("/" HR_SPEC_APP_TEMP_DIR));
		strcpy(stpcpy(app_temp, bundle_abs), "/" HR_SPEC_APP_TEMP_DIR);
	}
	if (check_strings(opts, app_temp, err) < 0)
		return -1;
	g = hr_jgen_new(true);
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "ociVersion", HR_OCI_VERSION);
	gen_process(g, opts);
	hr_jgen_key(g, "root");
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "path", opts->rootfs ? opts->rootfs : "rootfs");
	hr_jgen_kv_bool(g, "readonly", true);
	yajl_gen_map_close(g);
	hr_jgen_kv_str(g, "hostname", opts->hostname ? opts->hostname : "hardrun");
	gen_mounts(g, opts, app_temp);
	gen_annotations(g, prof, opts);
	gen_linux(g, opts);
	yajl_gen_map_close(g);
	*out = hr_jgen_dup(g, false, len);
	return 0;
}

void hr_spec_host_defaults(struct hr_spec_options *opts)
{
	if (opts->profile == HR_PROFILE_PRODUCTION && opts->apparmor_profile == NULL &&
	    hr_lsm_apparmor_enabled() && hr_lsm_apparmor_loaded(NULL, HR_APPARMOR_DEFAULT_PROFILE))
		opts->apparmor_profile = HR_APPARMOR_DEFAULT_PROFILE;
}

/* --- Writing ------------------------------------------------------------------------------- */

/* Opens (creating it if needed) the directory name under parent, refusing symlinks. */
static int open_dir_at(int parent, const char *name, mode_t mode, const char *display,
		       struct hr_err *err)
{
	int fd;

	if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
		return hr_err_sys(err, "mkdir %s", display);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return hr_err_set(err, 0, "open %s: not a directory (symbolic links are refused)",
				  display);
	if (fd < 0)
		return hr_err_sys(err, "open %s", display);
	return fd;
}

/* BUNDLE/volumes/app-temp: private to the container's user, mode 0700. */
static int make_app_temp(int bundle_fd, const char *bundle, uint32_t uid, uint32_t gid,
			 struct hr_err *err)
{
	_cleanup_free_ char *vol_display = hr_xmalloc(strlen(bundle) + sizeof("/volumes"));
	_cleanup_free_ char *display =
	    hr_xmalloc(strlen(bundle) + sizeof("/" HR_SPEC_APP_TEMP_DIR));
	_cleanup_close_ int vol_fd = -1, fd = -1;
	struct stat st;

	strcpy(stpcpy(vol_display, bundle), "/volumes");
	strcpy(stpcpy(display, bundle), "/" HR_SPEC_APP_TEMP_DIR);
	vol_fd = open_dir_at(bundle_fd, "volumes", 0755, vol_display, err);
	if (vol_fd < 0)
		return -1;
	fd = open_dir_at(vol_fd, "app-temp", 0700, display, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "stat %s", display);
	if ((st.st_uid != uid || st.st_gid != gid) && fchown(fd, uid, gid) < 0)
		return hr_err_sys(err,
				  "chown %s to %u:%u (needs root, or --user with your own ids)",
				  display, uid, gid);
	if (fchmod(fd, 0700) < 0)
		return hr_err_sys(err, "chmod %s", display);
	return 0;
}

static int create_temp(int dir_fd, char *name, size_t size)
{
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		int fd;

		snprintf(name, size, ".config.json.%d.%u", (int)getpid(), attempt);
		fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* Moves the temp file into place; without force, never over an existing config.json. */
static int install(int dir_fd, const char *tmp, bool force)
{
	if (force)
		return renameat(dir_fd, tmp, dir_fd, "config.json");
	if (renameat2(dir_fd, tmp, dir_fd, "config.json", RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* a file system without RENAME_NOREPLACE: link(2) does not replace either */
	if (linkat(dir_fd, tmp, dir_fd, "config.json", 0) < 0)
		return -1;
	return unlinkat(dir_fd, tmp, 0);
}

static int exists_error(const char *bundle, struct hr_err *err)
{
	return hr_err_set(err, 0, "File %s/config.json exists. Remove it first (or use --force)",
			  bundle);
}

static int write_config(int dir_fd, const char *bundle, const char *text, size_t len,
			const struct hr_spec_options *opts, struct hr_err *err)
{
	/* values from --env and --env-file are presumed secret: keep them from other users */
	mode_t mode = opts->env.len > 0 ? 0600 : 0644;
	char tmp[64];
	_cleanup_close_ int fd = create_temp(dir_fd, tmp, sizeof(tmp));

	if (fd < 0)
		return hr_err_sys(err, "create a temporary file in %s", bundle);
	if (fchmod(fd, mode) < 0 || hr_write_all(fd, text, len) < 0 || fsync(fd) < 0) {
		hr_err_sys(err, "write %s/%s", bundle, tmp);
		unlinkat(dir_fd, tmp, 0);
		return -1;
	}
	if (install(dir_fd, tmp, opts->force) < 0) {
		int saved = errno;

		unlinkat(dir_fd, tmp, 0);
		if (saved == EEXIST)
			return exists_error(bundle, err);
		return hr_err_set(err, saved, "rename %s/%s to config.json", bundle, tmp);
	}
	if (fsync(dir_fd) < 0)
		return hr_err_sys(err, "fsync %s", bundle);
	return 0;
}

/* /app/temp's owner on the host: the process's user, rootless the caller it maps to. */
static uint32_t profile_uid(const struct hr_spec_options *opts)
{
	return opts->rootless ? opts->host_uid : process_uid(opts);
}

static uint32_t profile_gid(const struct hr_spec_options *opts)
{
	return opts->rootless ? opts->host_gid : process_gid(opts);
}

int hr_spec_write(const struct hr_spec_options *opts, const char *bundle, struct hr_err *err)
{
	_cleanup_free_ char *abs = realpath(bundle, NULL), *text = NULL;
	_cleanup_close_ int dir_fd = -1;
	struct stat st;
	size_t len;

	if (abs == NULL)
		return hr_err_sys(err, "bundle %s", bundle);
	dir_fd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return hr_err_sys(err, "open bundle %s", bundle);
	if (!opts->force && fstatat(dir_fd, "config.json", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return exists_error(bundle, err);
	if (hr_spec_generate(opts, abs, &text, &len, err) < 0)
		return -1;
	/* the profile's /app/temp volume, unless a --volume took its place */
	if (profile_of(opts)->hardened && volume_at(opts, HR_SPEC_APP_TEMP_DEST) == NULL &&
	    make_app_temp(dir_fd, bundle, profile_uid(opts), profile_gid(opts), err) < 0)
		return -1;
	return write_config(dir_fd, bundle, text, len, opts, err);
}

int hr_spec_print(const struct hr_spec_options *opts, const char *bundle, FILE *out,
		  struct hr_err *err)
{
	_cleanup_free_ char *abs = NULL, *text = NULL;
	size_t len;

	if (profile_of(opts)->hardened) {
		abs = realpath(bundle, NULL);
		if (abs == NULL)
			return hr_err_sys(err, "bundle %s", bundle);
	}
	if (hr_spec_generate(opts, abs, &text, &len, err) < 0)
		return -1;
	if (fwrite(text, 1, len, out) != len || fflush(out) == EOF)
		return hr_err_sys(err, "write the configuration");
	return 0;
}
