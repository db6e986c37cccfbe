/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hardrun spec: profiles, overrides, the seccomp table, writing the file. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcontainer/cleanup.h"
#include "libcontainer/config.h"
#include "libcontainer/json.h"
#include "libcontainer/lsm.h"
#include "libcontainer/spec.h"
#include "libcontainer/spec_seccomp.h"

#define BUNDLE "/srv/bundle"

/* --- Helpers ------------------------------------------------------------------------------- */

static char *generate(const struct hr_spec_options *opts)
{
	struct hr_err err = {0};
	char *text = NULL;
	size_t len = 0;

	cr_assert_eq(hr_spec_generate(opts, BUNDLE, &text, &len, &err), 0, "%s", err.msg);
	cr_assert_eq(strlen(text), len);
	return text;
}

static yajl_val parse_tree(const char *text)
{
	char errbuf[256] = "";
	yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));

	cr_assert_not_null(root, "generated JSON does not parse: %s", errbuf);
	return root;
}

static yajl_val generate_tree(enum hr_spec_profile profile)
{
	struct hr_spec_options opts;
	_cleanup_free_ char *text = NULL;

	hr_spec_options_init(&opts);
	opts.profile = profile;
	text = generate(&opts);
	hr_spec_options_free(&opts);
	return parse_tree(text);
}

/* get(root, "linux", "resources", "memory", "limit") */
#define get(root, ...) yajl_tree_get((root), (const char *[]){__VA_ARGS__, NULL}, yajl_t_any)

static long long get_int(yajl_val root, const char **path)
{
	yajl_val v = yajl_tree_get(root, path, yajl_t_number);

	cr_assert_not_null(v, "missing number at %s", path[0]);
	cr_assert(YAJL_IS_INTEGER(v));
	return YAJL_GET_INTEGER(v);
}
#define get_i(root, ...) get_int((root), (const char *[]){__VA_ARGS__, NULL})

static const char *get_s(yajl_val v)
{
	cr_assert(YAJL_IS_STRING(v));
	return YAJL_GET_STRING(v);
}

static size_t array_len(yajl_val v)
{
	cr_assert(YAJL_IS_ARRAY(v));
	return v->u.array.len;
}

static yajl_val item(yajl_val v, size_t i)
{
	cr_assert(i < array_len(v));
	return v->u.array.values[i];
}

/* Asserts that the string array v holds exactly the given strings. */
static void assert_strv(yajl_val v, const char *const *expected, size_t n)
{
	cr_assert_eq(array_len(v), n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(get_s(item(v, i)), expected[i]);
}
#define STRV(...)                                                                                  \
	(const char *const[]){__VA_ARGS__},                                                        \
	    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

static void assert_namespaces(yajl_val linux_v, const char *const *types, size_t n)
{
	yajl_val ns = get(linux_v, "namespaces");

	cr_assert_eq(array_len(ns), n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_eq(get_s(get(item(ns, i), "type")), types[i]);
		cr_assert_null(get(item(ns, i), "path"));
	}
}

static yajl_val find_mount(yajl_val root, const char *destination)
{
	yajl_val mounts = get(root, "mounts");

	for (size_t i = 0; i < array_len(mounts); i++) {
		yajl_val dst = get(item(mounts, i), "destination");

		if (strcmp(get_s(dst), destination) == 0)
			return item(mounts, i);
	}
	return NULL;
}

static void assert_mount(yajl_val root, const char *dest, const char *type, const char *source,
			 const char *const *options, size_t n_options)
{
	yajl_val m = find_mount(root, dest);

	cr_assert_not_null(m, "no mount at %s", dest);
	cr_assert_str_eq(get_s(get(m, "type")), type, "%s", dest);
	cr_assert_str_eq(get_s(get(m, "source")), source, "%s", dest);
	if (options == NULL)
		cr_assert_null(get(m, "options"), "%s", dest);
	else
		assert_strv(get(m, "options"), options, n_options);
}

static bool allowed_by_seccomp(yajl_val root, const char *name)
{
	yajl_val rules = get(root, "linux", "seccomp", "syscalls");

	for (size_t i = 0; i < array_len(rules); i++) {
		yajl_val names = get(item(rules, i), "names");

		if (strcmp(get_s(get(item(rules, i), "action")), "SCMP_ACT_ALLOW") != 0)
			continue;
		for (size_t k = 0; k < array_len(names); k++)
			if (strcmp(get_s(item(names, k)), name) == 0)
				return true;
	}
	return false;
}

/* --- The minimal profile: runc spec ------------------------------------------------------- */

Test(spec_minimal, process_like_runc)
{
	_cleanup_yajl_tree_ yajl_val root = generate_tree(HR_PROFILE_MINIMAL);
	yajl_val caps = get(root, "process", "capabilities");

	cr_assert_str_eq(get_s(get(root, "ociVersion")), HR_OCI_VERSION);
	cr_assert(YAJL_IS_TRUE(get(root, "process", "terminal")));
	cr_assert_eq(get_i(root, "process", "user", "uid"), 0);
	cr_assert_eq(get_i(root, "process", "user", "gid"), 0);
	assert_strv(get(root, "process", "args"), STRV("sh"));
	assert_strv(get(root, "process", "env"),
		    STRV("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			 "TERM=xterm"));
	cr_assert_str_eq(get_s(get(root, "process", "cwd")), "/");
	for (const char *const *set =
		 (const char *const[]){"bounding", "effective", "permitted", NULL};
	     *set != NULL; set++)
		assert_strv(get(caps, *set),
			    STRV("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"));
	cr_assert_null(get(caps, "inheritable"));
	cr_assert_null(get(caps, "ambient"));
	cr_assert_eq(array_len(get(root, "process", "rlimits")), 1);
	cr_assert_str_eq(get_s(get(item(get(root, "process", "rlimits"), 0), "type")),
			 "RLIMIT_NOFILE");
	cr_assert_eq(YAJL_GET_INTEGER(get(item(get(root, "process", "rlimits"), 0), "soft")), 1024);
	cr_assert_eq(YAJL_GET_INTEGER(get(item(get(root, "process", "rlimits"), 0), "hard")), 1024);
	cr_assert(YAJL_IS_TRUE(get(root, "process", "noNewPrivileges")));
	cr_assert_str_eq(get_s(get(root, "root", "path")), "rootfs");
	cr_assert(YAJL_IS_TRUE(get(root, "root", "readonly")));
	cr_assert_str_eq(get_s(get(root, "hostname")), "hardrun");
}

Test(spec_minimal, mounts_and_linux_like_runc)
{
	_cleanup_yajl_tree_ yajl_val root = generate_tree(HR_PROFILE_MINIMAL);
	yajl_val linux_v = get(root, "linux");
	yajl_val devices = get(linux_v, "resources", "devices");

	cr_assert_eq(array_len(get(root, "mounts")), 7);
	assert_mount(root, "/proc", "proc", "proc", NULL, 0);
	assert_mount(root, "/dev", "tmpfs", "tmpfs",
		     STRV("nosuid", "strictatime", "mode=755", "size=65536k"));
	assert_mount(
	    root, "/dev/pts", "devpts", "devpts",
	    STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
	assert_mount(root, "/dev/shm", "tmpfs", "shm",
		     STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
	assert_mount(root, "/dev/mqueue", "mqueue", "mqueue", STRV("nosuid", "noexec", "nodev"));
	assert_mount(root, "/sys", "sysfs", "sysfs", STRV("nosuid", "noexec", "nodev", "ro"));
	assert_mount(root, "/sys/fs/cgroup", "cgroup", "cgroup",
		     STRV("nosuid", "noexec", "nodev", "relatime", "ro"));
	assert_strv(get(linux_v, "maskedPaths"),
		    STRV("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			 "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
			 "/proc/sched_debug", "/sys/firmware", "/proc/scsi"));
	assert_strv(get(linux_v, "readonlyPaths"),
		    STRV("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
	assert_namespaces(linux_v, STRV("pid", "network", "ipc", "uts", "mount", "cgroup"));
	/* runc spec's only resource: deny every device (runc adds its defaults itself) */
	cr_assert_eq(array_len(devices), 1);
	cr_assert(YAJL_IS_FALSE(get(item(devices, 0), "allow")));
	cr_assert_str_eq(get_s(get(item(devices, 0), "access")), "rwm");
	cr_assert_null(get(linux_v, "resources", "memory"));
	cr_assert_null(get(linux_v, "resources", "cpu"));
	cr_assert_null(get(linux_v, "resources", "pids"));
	cr_assert_null(get(linux_v, "seccomp"));
}

/* --- The production profile --------------------------------------------------------------- */

Test(spec_production, process)
{
	_cleanup_yajl_tree_ yajl_val root = generate_tree(HR_PROFILE_PRODUCTION);
	yajl_val caps = get(root, "process", "capabilities");
	yajl_val rlimits = get(root, "process", "rlimits");

	cr_assert(YAJL_IS_FALSE(get(root, "process", "terminal")));
	cr_assert_eq(get_i(root, "process", "user", "uid"), 1001);
	cr_assert_eq(get_i(root, "process", "user", "gid"), 1001);
	cr_assert_null(get(root, "process", "user", "additionalGids"));
	cr_assert(YAJL_IS_TRUE(get(root, "process", "noNewPrivileges")));
	cr_assert(YAJL_IS_TRUE(get(root, "root", "readonly")));
	cr_assert_str_eq(get_s(get(root, "root", "path")), "rootfs");
	for (const char *const *set = (const char *const[]){"bounding", "effective", "inheritable",
							    "permitted", "ambient", NULL};
	     *set != NULL; set++)
		cr_assert_eq(array_len(get(caps, *set)), 0, "capabilities.%s", *set);
	cr_assert_eq(array_len(rlimits), 2);
	cr_assert_str_eq(get_s(get(item(rlimits, 0), "type")), "RLIMIT_NOFILE");
	cr_assert_eq(YAJL_GET_INTEGER(get(item(rlimits, 0), "soft")), 1024);
	cr_assert_eq(YAJL_GET_INTEGER(get(item(rlimits, 0), "hard")), 1024);
	cr_assert_str_eq(get_s(get(item(rlimits, 1), "type")), "RLIMIT_CORE");
	cr_assert_eq(YAJL_GET_INTEGER(get(item(rlimits, 1), "hard")), 0);
	assert_strv(
	    get(root, "process", "env"),
	    STRV("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/tmp"));
	cr_assert_str_eq(get_s(item(get(root, "process", "args"), 0)), "sh");
	cr_assert_str_eq(get_s(get(root, "hostname")), "hardrun");
	cr_assert_str_eq(get_s(get(root, "annotations", "org.hardrun.profile")), "production");
	cr_assert_str_eq(get_s(get(root, "annotations", "org.hardrun.health.interval")), "30s");
	cr_assert_str_eq(get_s(get(root, "annotations", "org.hardrun.health.retries")), "3");
	cr_assert_str_eq(get_s(get(root, "annotations", "org.hardrun.health.start-period")), "40s");
	/* hr_spec_generate looks at no host: the AppArmor profile comes from the options only */
	cr_assert_null(get(root, "process", "apparmorProfile"));
}

Test(spec_production, mounts)
{
	_cleanup_yajl_tree_ yajl_val root = generate_tree(HR_PROFILE_PRODUCTION);

	cr_assert_eq(array_len(get(root, "mounts")), 10);
	assert_mount(root, "/proc", "proc", "proc", STRV("nosuid", "noexec", "nodev"));
	assert_mount(root, "/dev", "tmpfs", "tmpfs",
		     STRV("nosuid", "strictatime", "mode=755", "size=65536k"));
	assert_mount(
	    root, "/dev/pts", "devpts", "devpts",
	    STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
	assert_mount(root, "/dev/shm", "tmpfs", "shm",
		     STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
	assert_mount(root, "/dev/mqueue", "mqueue", "mqueue", STRV("nosuid", "noexec", "nodev"));
	assert_mount(root, "/sys", "sysfs", "sysfs", STRV("nosuid", "noexec", "nodev", "ro"));
	assert_mount(root, "/sys/fs/cgroup", "cgroup2", "cgroup",
		     STRV("nosuid", "noexec", "nodev", "relatime", "ro"));
	/* size-limited, exec allowed */
	assert_mount(root, "/tmp", "tmpfs", "tmpfs",
		     STRV("nosuid", "nodev", "mode=1777", "size=64m"));
	assert_mount(root, "/var/tmp", "tmpfs", "tmpfs",
		     STRV("nosuid", "nodev", "mode=1777", "size=64m"));
	assert_mount(root, "/app/temp", "bind", BUNDLE "/volumes/app-temp",
		     STRV("rbind", "rw", "nosuid", "nodev"));
}

Test(spec_production, linux)
{
	_cleanup_yajl_tree_ yajl_val root = generate_tree(HR_PROFILE_PRODUCTION);
	yajl_val linux_v = get(root, "linux");
	yajl_val devices = get(linux_v, "resources", "devices");

	cr_assert_eq(get_i(linux_v, "resources", "memory", "limit"), 536870912);
	cr_assert_eq(get_i(linux_v, "resources", "memory", "swap"), 536870912);
	cr_assert_eq(get_i(linux_v, "resources", "cpu", "quota"), 50000);
	cr_assert_eq(get_i(linux_v, "resources", "cpu", "period"), 100000);
	cr_assert_eq(get_i(linux_v, "resources", "pids", "limit"), 256);
	cr_assert(YAJL_IS_FALSE(get(item(devices, 0), "allow")));
	cr_assert_str_eq(get_s(get(item(devices, 0), "access")), "rwm");
	cr_assert_null(get(item(devices, 0), "type"));
	cr_assert_eq(array_len(devices), 9);
	for (size_t i = 1; i < array_len(devices); i++) {
		cr_assert(YAJL_IS_TRUE(get(item(devices, i), "allow")));
		cr_assert_str_eq(get_s(get(item(devices, i), "type")), "c");
	}
	cr_assert_eq(YAJL_GET_INTEGER(get(item(devices, 1), "major")), 1);
	cr_assert_eq(YAJL_GET_INTEGER(get(item(devices, 1), "minor")), 3);
	cr_assert_eq(YAJL_GET_INTEGER(get(item(devices, 8), "major")), 136);
	cr_assert_null(get(item(devices, 8), "minor"));
	assert_namespaces(linux_v, STRV("pid", "mount", "ipc", "uts", "network", "cgroup"));
	assert_strv(get(linux_v, "maskedPaths"),
		    STRV("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			 "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
			 "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
			 "/sys/devices/virtual/powercap"));
	assert_strv(get(linux_v, "readonlyPaths"),
		    STRV("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
}

Test(spec_production, seccomp)
{
	_cleanup_yajl_tree_ yajl_val root = generate_tree(HR_PROFILE_PRODUCTION);
	yajl_val sc = get(root, "linux", "seccomp");
	yajl_val rules = get(sc, "syscalls");
	static const char *const forbidden[] = {
	    "mount",
	    "umount2",
	    "unshare",
	    "setns",
	    "bpf",
	    "keyctl",
	    "add_key",
	    "request_key",
	    "ptrace",
	    "kexec_load",
	    "kexec_file_load",
	    "init_module",
	    "finit_module",
	    "delete_module",
	    "pivot_root",
	    "swapon",
	    "swapoff",
	    "reboot",
	    "acct",
	    "settimeofday",
	    "clock_settime",
	    "open_by_handle_at",
	    "name_to_handle_at",
	    "perf_event_open",
	    "userfaultfd",
	    "lookup_dcookie",
	    "quotactl",
	    "iopl",
	    "ioperm",
	    "chroot",
	    "clone3",
	    "io_uring_setup",
	    "fsopen",
	    "move_mount",
	    "process_vm_writev",
	    "syslog",
	};
	bool saw_clone3 = false, saw_vsock = false;
	size_t personality_rules = 0;

	cr_assert_str_eq(get_s(get(sc, "defaultAction")), "SCMP_ACT_ERRNO");
	cr_assert_eq(get_i(sc, "defaultErrnoRet"), 1);
#if defined(__x86_64__)
	assert_strv(get(sc, "architectures"),
		    STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
#endif
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		cr_assert(!allowed_by_seccomp(root, forbidden[i]), "%s is allowed", forbidden[i]);
	for (const char *const *name =
		 (const char *const[]){"read", "write", "openat", "execve", "futex", "epoll_wait",
				       "exit_group", "mmap", NULL};
	     *name != NULL; name++)
		cr_assert(allowed_by_seccomp(root, *name), "%s is not allowed", *name);
	for (size_t i = 0; i < array_len(rules); i++) {
		yajl_val rule = item(rules, i), names = get(rule, "names");
		const char *first = get_s(item(names, 0));

		if (strcmp(first, "clone3") == 0) {
			saw_clone3 = true;
			cr_assert_str_eq(get_s(get(rule, "action")), "SCMP_ACT_ERRNO");
			cr_assert_eq(get_i(rule, "errnoRet"), 38);
		} else if (strcmp(first, "socket") == 0) {
			saw_vsock = true;
			cr_assert_eq(get_i(item(get(rule, "args"), 0), "value"), 40);
			cr_assert_str_eq(get_s(get(item(get(rule, "args"), 0), "op")),
					 "SCMP_CMP_NE");
		} else if (strcmp(first, "personality") == 0) {
			personality_rules++;
			cr_assert_eq(array_len(get(rule, "args")), 1);
		} else if (strcmp(first, "clone") == 0) {
			yajl_val arg = item(get(rule, "args"), 0);

			cr_assert_eq(get_i(arg, "value"), 0x7e020000);
			cr_assert_eq(get_i(arg, "valueTwo"), 0);
			cr_assert_str_eq(get_s(get(arg, "op")), "SCMP_CMP_MASKED_EQ");
		}
	}
	cr_assert(saw_clone3 && saw_vsock);
	cr_assert_eq(personality_rules, 5);
}

Test(spec_seccomp, every_name_is_known_to_libseccomp)
{
	size_t n_rules, total = 0;
	const struct hr_spec_seccomp_rule *rules = hr_spec_seccomp_rules(&n_rules);

	for (size_t i = 0; i < n_rules; i++) {
		for (const char *const *name = rules[i].names; *name != NULL; name++, total++)
			cr_expect_neq(seccomp_syscall_resolve_name(*name), __NR_SCMP_ERROR,
				      "libseccomp does not know \"%s\"", *name);
	}
	cr_assert_gt(total, 300);
}

Test(spec_seccomp, allowlist_sorted_without_duplicates)
{
	size_t n_rules;
	const struct hr_spec_seccomp_rule *rules = hr_spec_seccomp_rules(&n_rules);
	const char *const *names = rules[0].names;

	cr_assert_eq(rules[0].action, HR_SECCOMP_ALLOW);
	cr_assert_eq(rules[0].n_args, 0);
	for (size_t i = 1; names[i] != NULL; i++)
		cr_assert_lt(strcmp(names[i - 1], names[i]), 0, "%s before %s", names[i - 1],
			     names[i]);
	/* the conditional rules' syscalls are not also allowed unconditionally */
	for (size_t r = 1; r < n_rules; r++)
		for (const char *const *n = rules[r].names; *n != NULL; n++)
			for (size_t i = 0; names[i] != NULL; i++)
				cr_assert_str_neq(names[i], *n);
}

Test(spec_seccomp, architectures_resolve)
{
	size_t n;
	const char *const *arches = hr_spec_seccomp_architectures(&n);

	cr_assert_geq(n, 1);
#if defined(__x86_64__)
	cr_assert_eq(n, 3);
	cr_assert_str_eq(arches[0], "SCMP_ARCH_X86_64");
#elif defined(__aarch64__)
	cr_assert_str_eq(arches[0], "SCMP_ARCH_AARCH64");
#endif
}

/* --- The development profile -------------------------------------------------------------- */

Test(spec_development, resources_and_hardening)
{
	_cleanup_yajl_tree_ yajl_val root = generate_tree(HR_PROFILE_DEVELOPMENT);
	yajl_val res = get(root, "linux", "resources");

	cr_assert_eq(get_i(res, "memory", "limit"), 1073741824);
	cr_assert_eq(get_i(res, "memory", "swap"), 1073741824);
	cr_assert_eq(get_i(res, "cpu", "quota"), 100000);
	cr_assert_eq(get_i(res, "cpu", "period"), 100000);
	cr_assert_eq(get_i(res, "pids", "limit"), 256);
	cr_assert_eq(get_i(root, "process", "user", "uid"), 1001);
	cr_assert_eq(get_i(root, "process", "user", "gid"), 1001);
	cr_assert(YAJL_IS_TRUE(get(root, "process", "noNewPrivileges")));
	cr_assert(YAJL_IS_TRUE(get(root, "root", "readonly")));
	cr_assert_str_eq(get_s(get(root, "linux", "seccomp", "defaultAction")), "SCMP_ACT_ERRNO");
	cr_assert_not_null(find_mount(root, "/app/temp"));
	cr_assert_str_eq(get_s(get(root, "annotations", "org.hardrun.profile")), "development");
}

/* --- Overrides ----------------------------------------------------------------------------- */

Test(spec_overrides, applied_to_the_document)
{
	static const char *const args[] = {"/usr/bin/app", "--serve", "ünïcode"};
	struct hr_spec_options opts;
	struct hr_err err = {0};
	_cleanup_free_ char *text = NULL;
	_cleanup_yajl_tree_ yajl_val root = NULL;

	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	cr_assert_eq(hr_spec_parse_size("256M", &opts.memory, &err), 0);
	opts.has_memory = true;
	cr_assert_eq(hr_spec_parse_cpus("0.25", &opts.cpu_quota, &err), 0);
	opts.has_cpu_quota = true;
	opts.has_pids = true;
	opts.pids = 64;
	cr_assert_eq(hr_spec_parse_user("2000:3000", &opts.uid, &opts.gid, &err), 0);
	opts.has_user = true;
	cr_assert_eq(hr_spec_add_volume(&opts, "/srv/data:/data:ro", &err), 0, "%s", err.msg);
	cr_assert_eq(hr_spec_add_env(&opts, "PATH=/opt/bin", &err), 0);
	cr_assert_eq(hr_spec_add_env(&opts, "TOKEN=a=b", &err), 0);
	opts.args = args;
	opts.n_args = 3;
	opts.rootfs = "/var/lib/images/app";
	opts.hostname = "app-1.example";
	text = generate(&opts);
	root = parse_tree(text);
	cr_assert_eq(get_i(root, "linux", "resources", "memory", "limit"), 268435456);
	cr_assert_eq(get_i(root, "linux", "resources", "memory", "swap"), 268435456);
	cr_assert_eq(get_i(root, "linux", "resources", "cpu", "quota"), 25000);
	cr_assert_eq(get_i(root, "linux", "resources", "cpu", "period"), 100000);
	cr_assert_eq(get_i(root, "linux", "resources", "pids", "limit"), 64);
	cr_assert_eq(get_i(root, "process", "user", "uid"), 2000);
	cr_assert_eq(get_i(root, "process", "user", "gid"), 3000);
	assert_mount(root, "/data", "bind", "/srv/data", STRV("rbind", "ro", "nosuid", "nodev"));
	assert_strv(get(root, "process", "env"), STRV("PATH=/opt/bin", "HOME=/tmp", "TOKEN=a=b"));
	assert_strv(get(root, "process", "args"), args, 3);
	cr_assert_str_eq(get_s(get(root, "root", "path")), "/var/lib/images/app");
	cr_assert_str_eq(get_s(get(root, "hostname")), "app-1.example");
	hr_spec_options_free(&opts);
}

static yajl_val generate_apparmor(enum hr_spec_profile profile, const char *apparmor)
{
	struct hr_spec_options opts;
	_cleanup_free_ char *text = NULL;

	hr_spec_options_init(&opts);
	opts.profile = profile;
	opts.apparmor_profile = apparmor;
	text = generate(&opts);
	hr_spec_options_free(&opts);
	return parse_tree(text);
}

Test(spec_overrides, apparmor_profile)
{
	_cleanup_yajl_tree_ yajl_val prod = generate_apparmor(HR_PROFILE_PRODUCTION, "app-profile");
	_cleanup_yajl_tree_ yajl_val min = generate_apparmor(HR_PROFILE_MINIMAL, "hardrun-default");
	_cleanup_yajl_tree_ yajl_val none = generate_apparmor(HR_PROFILE_PRODUCTION, "");
	struct hr_spec_options opts;
	struct hr_err err = {0};
	char *text = NULL;

	cr_assert_str_eq(get_s(get(prod, "process", "apparmorProfile")), "app-profile");
	cr_assert_str_eq(get_s(get(min, "process", "apparmorProfile")), "hardrun-default");
	cr_assert_null(get(none, "process", "apparmorProfile"), "\"\" is none");
	hr_spec_options_init(&opts);
	opts.apparmor_profile = "\xff";
	cr_assert_lt(hr_spec_generate(&opts, BUNDLE, &text, NULL, &err), 0);
	cr_assert_str_eq(err.msg, "--apparmor: the profile name is not valid UTF-8");
	hr_spec_options_free(&opts);
}

/* The host's default: only production, only when nothing was chosen, only where it is loaded. */
Test(spec_overrides, apparmor_host_default)
{
	bool here =
	    hr_lsm_apparmor_enabled() && hr_lsm_apparmor_loaded(NULL, HR_APPARMOR_DEFAULT_PROFILE);
	struct hr_spec_options opts;

	for (int p = HR_PROFILE_MINIMAL; p <= HR_PROFILE_PRODUCTION; p++) {
		hr_spec_options_init(&opts);
		opts.profile = (enum hr_spec_profile)p;
		hr_spec_host_defaults(&opts);
		if (p == HR_PROFILE_PRODUCTION && here)
			cr_expect_str_eq(opts.apparmor_profile, HR_APPARMOR_DEFAULT_PROFILE);
		else
			cr_expect_null(opts.apparmor_profile, "profile %d", p);
		hr_spec_options_free(&opts);
	}
	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	opts.apparmor_profile = "";
	hr_spec_host_defaults(&opts);
	cr_expect_str_eq(opts.apparmor_profile, "", "--apparmor '' is kept");
	hr_spec_options_free(&opts);
}

Test(spec_overrides, limits_on_minimal)
{
	struct hr_spec_options opts;
	_cleanup_free_ char *text = NULL;
	_cleanup_yajl_tree_ yajl_val root = NULL;

	hr_spec_options_init(&opts);
	opts.has_memory = true;
	opts.memory = 1 << 30;
	opts.has_pids = true;
	opts.pids = 10;
	text = generate(&opts);
	root = parse_tree(text);
	cr_assert_eq(get_i(root, "linux", "resources", "memory", "limit"), 1 << 30);
	cr_assert_eq(get_i(root, "linux", "resources", "pids", "limit"), 10);
	cr_assert_null(get(root, "linux", "resources", "cpu"));
	cr_assert_eq(get_i(root, "process", "user", "uid"), 0);
	hr_spec_options_free(&opts);
}

Test(spec_overrides, invalid_strings_refused)
{
	static const char *const bad_args[] = {"sh", "\xff"};
	static const char *const empty_args[] = {""};
	struct hr_spec_options opts;
	struct hr_err err = {0};
	char *text = NULL;

	hr_spec_options_init(&opts);
	opts.args = bad_args;
	opts.n_args = 2;
	cr_assert_lt(hr_spec_generate(&opts, BUNDLE, &text, NULL, &err), 0);
	cr_assert_str_eq(err.msg, "--args: argument 2 is not valid UTF-8");
	opts.args = empty_args;
	opts.n_args = 1;
	cr_assert_lt(hr_spec_generate(&opts, BUNDLE, &text, NULL, &err), 0);
	cr_assert_str_eq(err.msg, "--args: expected a command");
	opts.args = NULL;
	opts.hostname = "bad_host";
	cr_assert_lt(hr_spec_generate(&opts, BUNDLE, &text, NULL, &err), 0);
	cr_assert(strstr(err.msg, "--hostname: invalid hostname \"bad_host\"") == err.msg, "%s",
		  err.msg);
	opts.hostname = NULL;
	opts.profile = HR_PROFILE_PRODUCTION;
	cr_assert_lt(hr_spec_generate(&opts, "relative", &text, NULL, &err), 0);
	cr_assert_null(text);
}

Test(spec_overrides, env_errors_never_echo_the_entry)
{
	struct hr_spec_options opts;
	struct hr_err err = {0};

	hr_spec_options_init(&opts);
	cr_assert_lt(hr_spec_add_env(&opts, "s3cr3tvalue", &err), 0);
	cr_assert_str_eq(err.msg, "--env: expected KEY=VALUE");
	cr_assert_lt(hr_spec_add_env(&opts, "9KEY=s3cr3tvalue", &err), 0);
	cr_assert(strstr(err.msg, "s3cr3t") == NULL && strstr(err.msg, "9KEY") == NULL, "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "--env: invalid variable name") == err.msg, "%s", err.msg);
	cr_assert_lt(hr_spec_add_env(&opts, "KEY=s3cr3t\xc3", &err), 0);
	cr_assert(strstr(err.msg, "s3cr3t") == NULL, "%s", err.msg);
	cr_assert_eq(opts.env.len, 0);
	hr_spec_options_free(&opts);
}

/* --- Option parsers ------------------------------------------------------------------------ */

Test(spec_parse, sizes)
{
	static const struct {
		const char *in;
		int64_t out;
	} good[] = {
	    {"256M", 268435456},
	    {"256m", 268435456},
	    {"1G", 1073741824},
	    {"512K", 524288},
	    {"100", 100},
	    {"2T", 2199023255552},
	    {"9223372036854775807", INT64_MAX},
	    {"8388607T", 8388607LL << 40},
	};
	static const char *const bad[] = {
	    "",
	    "12X",
	    "-1",
	    "99999999999T",
	    "0",
	    "0M",
	    "1.5G",
	    " 1M",
	    "1M ",
	    "1MB",
	    "M",
	    "+1",
	    "8388608T",
	    "9223372036854775808",
	    "99999999999999999999999",
	};
	struct hr_err err = {0};
	int64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_assert_eq(hr_spec_parse_size(good[i].in, &v, &err), 0, "%s: %s", good[i].in,
			     err.msg);
		cr_assert_eq(v, good[i].out, "%s", good[i].in);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_lt(hr_spec_parse_size(bad[i], &v, &err), 0, "%s accepted", bad[i]);
	hr_spec_parse_size("12X", &v, &err);
	cr_assert_str_eq(err.msg, "invalid size \"12X\": expected a number of bytes with an "
				  "optional K, M, G or T suffix (binary units)");
	hr_spec_parse_size("99999999999T", &v, &err);
	cr_assert_str_eq(err.msg, "invalid size \"99999999999T\": too large");
}

Test(spec_parse, cpus)
{
	static const struct {
		const char *in;
		int64_t quota;
	} good[] = {
	    {"0.25", 25000},	{"0.5", 50000},	      {"1", 100000},	{"1.5", 150000},
	    {"2.125", 212500},	{".5", 50000},	      {"0.01", 1000},	{"1024", 102400000},
	    {"0.12345", 12345}, {"1.000000", 100000}, {"0003", 300000}, {"1024.0", 102400000},
	};
	static const char *const bad[] = {
	    "0",
	    "-1",
	    "abc",
	    "0.000001",
	    "",
	    ".",
	    "1.",
	    "1e3",
	    "0.001",
	    "0.009",
	    "1024.01",
	    "1025",
	    "99999999999999999999",
	    "1,5",
	    "+1",
	    " 1",
	    "0.123456",
	    "0.0",
	};
	struct hr_err err = {0};
	int64_t q;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_assert_eq(hr_spec_parse_cpus(good[i].in, &q, &err), 0, "%s: %s", good[i].in,
			     err.msg);
		cr_assert_eq(q, good[i].quota, "%s", good[i].in);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_lt(hr_spec_parse_cpus(bad[i], &q, &err), 0, "%s accepted", bad[i]);
	hr_spec_parse_cpus("0.000001", &q, &err);
	cr_assert(strstr(err.msg, "invalid CPU count \"0.000001\": less than 0.01") == err.msg,
		  "%s", err.msg);
	hr_spec_parse_cpus("0", &q, &err);
	cr_assert_str_eq(err.msg, "invalid CPU count \"0\": must be more than 0");
	hr_spec_parse_cpus("abc", &q, &err);
	cr_assert(strstr(err.msg, "invalid CPU count \"abc\": expected a decimal") == err.msg);
	hr_spec_parse_cpus("1025", &q, &err);
	cr_assert_str_eq(err.msg, "invalid CPU count \"1025\": more than 1024");
	hr_spec_parse_cpus("0.123456", &q, &err);
	cr_assert(strstr(err.msg, "more precise than 0.00001") != NULL, "%s", err.msg);
}

Test(spec_parse, pids)
{
	struct hr_err err = {0};
	int64_t v;

	cr_assert_eq(hr_spec_parse_pids("256", &v, &err), 0);
	cr_assert_eq(v, 256);
	cr_assert_eq(hr_spec_parse_pids("4194304", &v, &err), 0);
	for (const char *const *b = (const char *const[]){"0", "-1", "", "12a", "4194305",
							  "99999999999999999999999", NULL};
	     *b != NULL; b++)
		cr_assert_lt(hr_spec_parse_pids(*b, &v, &err), 0, "%s accepted", *b);
}

Test(spec_parse, user)
{
	struct hr_err err = {0};
	uint32_t uid, gid;

	cr_assert_eq(hr_spec_parse_user("1001:1001", &uid, &gid, &err), 0);
	cr_assert_eq(uid, 1001);
	cr_assert_eq(gid, 1001);
	cr_assert_eq(hr_spec_parse_user("0:0", &uid, &gid, &err), 0);
	cr_assert_eq(uid, 0);
	cr_assert_eq(gid, 0);
	cr_assert_eq(hr_spec_parse_user("4294967294:7", &uid, &gid, &err), 0);
	cr_assert_eq(uid, 4294967294u);
	for (const char *const *b =
		 (const char *const[]){"x:1", "1001", "1:2:3", ":1", "1:", "", "root:root", "-1:0",
				       "4294967295:0", "1: 2", NULL};
	     *b != NULL; b++)
		cr_assert_lt(hr_spec_parse_user(*b, &uid, &gid, &err), 0, "%s accepted", *b);
	hr_spec_parse_user("x:1", &uid, &gid, &err);
	cr_assert_str_eq(err.msg, "invalid user \"x:1\": expected UID:GID, two numbers below "
				  "4294967295");
}

Test(spec_parse, volume)
{
	static const char *const bad[] = {
	    "/a",	  "a:/b", "/a:b",  "/a:/b:rx", "/a:/b:ro:x",   "/a/../etc:/b",
	    "/a:/b/..",	  "/a:/", "/a://", "/a:/proc", "/a:/proc/sys", "/a://sys/x",
	    "/a:/./proc", ":/b",  "/a:",   "/a:/b:",
	};
	struct hr_spec_volume vol;
	struct hr_err err = {0};

	cr_assert_eq(hr_spec_parse_volume("/srv/data:/data", &vol, &err), 0, "%s", err.msg);
	cr_assert_str_eq(vol.source, "/srv/data");
	cr_assert_str_eq(vol.destination, "/data");
	cr_assert(!vol.readonly);
	hr_spec_volume_free(&vol);
	cr_assert_eq(hr_spec_parse_volume("/srv/data:/data/x:ro", &vol, &err), 0);
	cr_assert(vol.readonly);
	cr_assert_str_eq(vol.destination, "/data/x");
	hr_spec_volume_free(&vol);
	cr_assert_eq(hr_spec_parse_volume("/a:/processes:rw", &vol, &err), 0, "%s", err.msg);
	cr_assert(!vol.readonly);
	hr_spec_volume_free(&vol);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_lt(hr_spec_parse_volume(bad[i], &vol, &err), 0, "%s accepted", bad[i]);
	hr_spec_parse_volume("/a/../etc:/b", &vol, &err);
	cr_assert_str_eq(err.msg, "volume source \"/a/../etc\" has a \"..\" component");
	hr_spec_parse_volume("/a:/proc/sys", &vol, &err);
	cr_assert_str_eq(err.msg, "volume destination \"/proc/sys\" is inside /proc");
	hr_spec_parse_volume("a:/b", &vol, &err);
	cr_assert_str_eq(err.msg, "volume source \"a\" is not an absolute path");
}

Test(spec_parse, profile_and_hostname)
{
	enum hr_spec_profile p;
	struct hr_err err = {0};

	cr_assert_eq(hr_spec_parse_profile("production", &p, &err), 0);
	cr_assert_eq(p, HR_PROFILE_PRODUCTION);
	cr_assert_eq(hr_spec_parse_profile("development", &p, &err), 0);
	cr_assert_eq(p, HR_PROFILE_DEVELOPMENT);
	cr_assert_eq(hr_spec_parse_profile("minimal", &p, &err), 0);
	cr_assert_eq(p, HR_PROFILE_MINIMAL);
	cr_assert_lt(hr_spec_parse_profile("Production", &p, &err), 0);
	cr_assert_str_eq(err.msg, "unknown profile \"Production\" (expected minimal, development "
				  "or production)");
	cr_assert_eq(hr_spec_check_hostname("web-1.internal", &err), 0);
	for (const char *const *b =
		 (const char *const[]){
		     "", "-a", "a-", ".a", "a b", "a_b",
		     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL};
	     *b != NULL; b++)
		cr_assert_lt(hr_spec_check_hostname(*b, &err), 0, "%s accepted", *b);
}

/* --- Round trip through hardrun's own parser ---------------------------------------------- */

static struct hr_config *parse_config(const char *text)
{
	struct hr_diags diags = {0};
	struct hr_config *config = hr_config_parse(text, strlen(text), "config.json", &diags);

	for (size_t i = 0; i < diags.len; i++)
		cr_log_error("%s", diags.msgs[i]);
	cr_assert_not_null(config, "hr_config_parse refused the generated config");
	cr_assert_eq(diags.len, 0);
	hr_diags_free(&diags);
	return config;
}

static struct hr_config *generate_config(enum hr_spec_profile profile)
{
	struct hr_spec_options opts;
	_cleanup_free_ char *text = NULL;

	hr_spec_options_init(&opts);
	opts.profile = profile;
	text = generate(&opts);
	hr_spec_options_free(&opts);
	return parse_config(text);
}

Test(spec_roundtrip, production)
{
	_cleanup_config_ struct hr_config *c = generate_config(HR_PROFILE_PRODUCTION);
	const struct hr_resources *res = &c->linux_cfg.resources;
	const struct hr_seccomp *sc = c->linux_cfg.seccomp;

	cr_assert_eq(c->process.user.uid, 1001);
	cr_assert_eq(c->process.user.gid, 1001);
	cr_assert_eq(c->process.user.n_additional_gids, 0);
	cr_assert(c->root_readonly);
	cr_assert(c->process.no_new_privileges);
	cr_assert(c->process.has_capabilities);
	cr_assert_eq(c->process.caps.bounding | c->process.caps.effective |
			 c->process.caps.permitted | c->process.caps.inheritable |
			 c->process.caps.ambient,
		     0);
	cr_assert(res->memory.limit.set && res->memory.swap.set);
	cr_assert_eq(res->memory.limit.value, 536870912);
	cr_assert_eq(res->memory.swap.value, 536870912);
	cr_assert_eq(res->cpu.quota.value, 50000);
	cr_assert_eq(res->cpu.period.value, 100000);
	cr_assert_eq(res->pids_limit.value, 256);
	cr_assert_eq(c->process.n_rlimits, 2);
	cr_assert_str_eq(c->process.rlimits[0].type, "RLIMIT_NOFILE");
	cr_assert_eq(c->process.rlimits[0].soft, 1024);
	cr_assert_eq(c->process.rlimits[0].hard, 1024);
	cr_assert_eq(c->linux_cfg.n_namespaces, 6);
	cr_assert_not_null(sc);
	cr_assert_eq(sc->default_action, HR_SECCOMP_ERRNO);
	cr_assert(sc->has_default_errno_ret);
	cr_assert_eq(sc->default_errno_ret, 1);
	cr_assert_eq(c->n_mounts, 10);
	cr_assert_str_eq(c->mounts[9].destination, "/app/temp");
	cr_assert_str_eq(c->mounts[9].source, BUNDLE "/volumes/app-temp");
}

Test(spec_roundtrip, development)
{
	_cleanup_config_ struct hr_config *c = generate_config(HR_PROFILE_DEVELOPMENT);

	cr_assert_eq(c->linux_cfg.resources.memory.limit.value, 1073741824);
	cr_assert_eq(c->linux_cfg.resources.memory.swap.value, 1073741824);
	cr_assert_eq(c->linux_cfg.resources.cpu.quota.value, 100000);
	cr_assert_eq(c->linux_cfg.resources.cpu.period.value, 100000);
}

Test(spec_roundtrip, minimal)
{
	_cleanup_config_ struct hr_config *c = generate_config(HR_PROFILE_MINIMAL);
	uint64_t runc_caps =
	    (1ULL << 29) | (1ULL << 5) | (1ULL << 10); /* AUDIT_WRITE KILL NET_BIND */

	cr_assert_eq(c->process.user.uid, 0);
	cr_assert(c->process.terminal);
	cr_assert_eq(c->process.caps.bounding, runc_caps);
	cr_assert_eq(c->process.caps.effective, runc_caps);
	cr_assert_eq(c->process.caps.permitted, runc_caps);
	cr_assert_eq(c->process.caps.inheritable, 0);
	cr_assert_null(c->linux_cfg.seccomp);
	cr_assert_eq(c->n_mounts, 7);
	cr_assert_str_eq(c->hostname, "hardrun");
}

/* --- --rootless ---------------------------------------------------------------------------- */

static yajl_val generate_rootless(struct hr_spec_options *opts)
{
	_cleanup_free_ char *text = NULL;

	hr_spec_set_rootless(opts, 1000, 1100);
	text = generate(opts);
	return parse_tree(text);
}

static void assert_one_id_map(yajl_val linux_v, const char *key, long long container_id,
			      long long host_id)
{
	yajl_val maps = get(linux_v, key);

	cr_assert_eq(array_len(maps), 1, "%s", key);
	cr_assert_eq(get_i(item(maps, 0), "containerID"), container_id, "%s", key);
	cr_assert_eq(get_i(item(maps, 0), "hostID"), host_id, "%s", key);
	cr_assert_eq(get_i(item(maps, 0), "size"), 1, "%s", key);
}

Test(spec_rootless, production_maps_container_root_to_the_caller)
{
	struct hr_spec_options opts;
	yajl_val root, linux_v;

	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	root = generate_rootless(&opts);
	linux_v = get(root, "linux");
	cr_assert_eq(get_i(root, "process", "user", "uid"), 0);
	cr_assert_eq(get_i(root, "process", "user", "gid"), 0);
	assert_namespaces(linux_v, STRV("pid", "mount", "ipc", "uts", "network", "cgroup", "user"));
	assert_one_id_map(linux_v, "uidMappings", 0, 1000);
	assert_one_id_map(linux_v, "gidMappings", 0, 1100);
	cr_assert_null(get(linux_v, "resources"));
	assert_mount(root, "/sys", "bind", "/sys",
		     STRV("rbind", "nosuid", "noexec", "nodev", "ro"));
	assert_mount(root, "/dev/pts", "devpts", "devpts",
		     STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
	/* the rest of the profile stays: no capability, seccomp, a read-only root */
	cr_assert_eq(array_len(get(root, "process", "capabilities", "bounding")), 0);
	cr_assert_not_null(get(linux_v, "seccomp"));
	cr_assert(YAJL_IS_TRUE(get(root, "root", "readonly")));
	yajl_tree_free(root);
	hr_spec_options_free(&opts);
}

Test(spec_rootless, user_is_the_mapped_id)
{
	struct hr_spec_options opts;
	yajl_val root;

	hr_spec_options_init(&opts);
	opts.has_user = true;
	opts.uid = 1001;
	opts.gid = 1002;
	root = generate_rootless(&opts);
	cr_assert_eq(get_i(root, "process", "user", "uid"), 1001);
	assert_one_id_map(get(root, "linux"), "uidMappings", 1001, 1000);
	assert_one_id_map(get(root, "linux"), "gidMappings", 1002, 1100);
	assert_namespaces(get(root, "linux"),
			  STRV("pid", "network", "ipc", "uts", "mount", "cgroup", "user"));
	yajl_tree_free(root);
	hr_spec_options_free(&opts);
}

Test(spec_rootless, limits_refused)
{
	struct hr_spec_options opts;
	struct hr_err err = {0};
	char *text = NULL;
	size_t len;

	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	hr_spec_set_rootless(&opts, 1000, 1000);
	opts.has_pids = true;
	opts.pids = 10;
	cr_assert_eq(hr_spec_generate(&opts, BUNDLE, &text, &len, &err), -1);
	cr_assert_str_eq(err.msg, "--pids: a rootless container has no cgroup to apply it in "
				  "(--rootless writes no linux.resources)");
	cr_assert_null(text);
	hr_spec_options_free(&opts);
}

Test(spec_rootless, parses_back)
{
	struct hr_spec_options opts;
	_cleanup_free_ char *text = NULL;
	_cleanup_config_ struct hr_config *c = NULL;

	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	hr_spec_set_rootless(&opts, 1000, 1000);
	text = generate(&opts);
	c = parse_config(text);
	cr_assert_eq(c->linux_cfg.n_uid_mappings, 1);
	cr_assert_eq(c->linux_cfg.uid_mappings[0].host_id, 1000);
	cr_assert(!c->linux_cfg.has_resources);
	hr_spec_options_free(&opts);
}

/* --- Writing the bundle -------------------------------------------------------------------- */

static char *make_bundle(void)
{
	char *dir = hr_xstrdup("/tmp/hardrun-spec-test.XXXXXX");

	cr_assert_not_null(mkdtemp(dir));
	return dir;
}

static void remove_bundle(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static size_t count_entries(const char *dir)
{
	_cleanup_dir_ DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".config", 7) == 0;
	return n;
}

Test(spec_write, production_bundle)
{
	_cleanup_free_ char *dir = make_bundle(), *path = NULL, *text = NULL;
	struct hr_spec_options opts;
	struct hr_err err = {0};
	struct stat st;
	size_t len;

	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	opts.has_user = true; /* our own ids: no root needed for the chown */
	opts.uid = getuid();
	opts.gid = getgid();
	cr_assert_eq(hr_spec_write(&opts, dir, &err), 0, "%s", err.msg);

	path = hr_xmalloc(strlen(dir) + 64);
	sprintf(path, "%s/config.json", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
	cr_assert_eq(hr_read_file(path, HR_JSON_MAX_SIZE, &text, &len, &err), 0);
	cr_assert(strstr(text, "\"uid\": ") != NULL);
	sprintf(path, "%s/volumes/app-temp", dir);
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0700);
	cr_assert_eq(st.st_uid, getuid());
	cr_assert_eq(st.st_gid, getgid());
	cr_assert_eq(count_entries(dir), 2, "only config.json and volumes, no temporary file");

	/* an existing config.json is kept unless forced */
	cr_assert_lt(hr_spec_write(&opts, dir, &err), 0);
	cr_assert(strstr(err.msg, "config.json exists. Remove it first") != NULL, "%s", err.msg);
	opts.force = true;
	cr_assert_eq(hr_spec_write(&opts, dir, &err), 0, "%s", err.msg);
	cr_assert_eq(count_entries(dir), 2);
	hr_spec_options_free(&opts);
	remove_bundle(dir);
}

Test(spec_write, symlinked_volumes_refused)
{
	_cleanup_free_ char *dir = make_bundle(), *path = NULL;
	struct hr_spec_options opts;
	struct hr_err err = {0};

	path = hr_xmalloc(strlen(dir) + 64);
	sprintf(path, "%s/volumes", dir);
	cr_assert_eq(symlink("/etc", path), 0);
	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	opts.has_user = true;
	opts.uid = getuid();
	opts.gid = getgid();
	cr_assert_lt(hr_spec_write(&opts, dir, &err), 0);
	cr_assert(strstr(err.msg, "/volumes: not a directory (symbolic links are refused)") != NULL,
		  "%s", err.msg);
	sprintf(path, "%s/config.json", dir);
	cr_assert_lt(access(path, F_OK), 0, "no config.json after a failure");
	remove_bundle(dir);
}

Test(spec_write, minimal_bundle_and_missing_bundle)
{
	_cleanup_free_ char *dir = make_bundle(), *path = NULL;
	struct hr_spec_options opts;
	struct hr_err err = {0};

	hr_spec_options_init(&opts);
	cr_assert_eq(hr_spec_write(&opts, dir, &err), 0, "%s", err.msg);
	path = hr_xmalloc(strlen(dir) + 64);
	sprintf(path, "%s/volumes", dir);
	cr_assert_lt(access(path, F_OK), 0, "minimal creates no volumes directory");
	cr_assert_eq(count_entries(dir), 1);
	cr_assert_lt(hr_spec_write(&opts, "/nonexistent/bundle", &err), 0);
	cr_assert_str_eq(err.msg, "bundle /nonexistent/bundle: No such file or directory");
	remove_bundle(dir);
}

Test(spec_write, env_makes_config_private)
{
	_cleanup_free_ char *dir = make_bundle(), *path = NULL;
	struct hr_spec_options opts;
	struct hr_err err = {0};
	struct stat st;

	hr_spec_options_init(&opts);
	cr_assert_eq(hr_spec_add_env(&opts, "API_TOKEN=abc", &err), 0);
	cr_assert_eq(hr_spec_write(&opts, dir, &err), 0, "%s", err.msg);
	path = hr_xmalloc(strlen(dir) + 64);
	sprintf(path, "%s/config.json", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600);
	hr_spec_options_free(&opts);
	remove_bundle(dir);
}

/* --- --seccomp-from ------------------------------------------------------------------------ */

static void write_tmp(char *path, const char *text)
{
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

Test(spec_seccomp_from, replaces_the_profile_filter_as_written_and_names_the_file)
{
	char path[] = "/tmp/hr-seccomp-from-XXXXXX";
	struct hr_spec_options opts;
	struct hr_err err = {0};
	_cleanup_free_ char *text = NULL;
	yajl_val root, sc, names;

	write_tmp(path, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1, "
			"\"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": "
			"[\"read\", \"write\", \"exit_group\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	cr_assert_eq(hr_spec_set_seccomp_from(&opts, path, &err), 0, "%s", err.msg);
	text = generate(&opts);
	root = parse_tree(text);
	sc = hr_json_member(hr_json_member(root, "linux"), "seccomp");
	cr_assert_str_eq(YAJL_GET_STRING(hr_json_member(sc, "defaultAction")), "SCMP_ACT_ERRNO");
	cr_assert_str_eq(YAJL_GET_NUMBER(hr_json_member(sc, "defaultErrnoRet")), "1");
	names = hr_json_member(YAJL_GET_ARRAY(hr_json_member(sc, "syscalls"))->values[0], "names");
	cr_assert_eq(YAJL_GET_ARRAY(names)->len, 3, "the profile's allowlist, not the file's");
	cr_assert_str_eq(YAJL_GET_STRING(hr_json_member(hr_json_member(root, "annotations"),
							HR_ANNOTATION_SECCOMP_FROM)),
			 strrchr(path, '/') + 1);
	yajl_tree_free(root);
	hr_spec_options_free(&opts);
	unlink(path);
}

Test(spec_seccomp_from, refuses_a_file_that_is_not_a_valid_linux_seccomp_by_path)
{
	char path[] = "/tmp/hr-seccomp-from-XXXXXX";
	struct hr_spec_options opts;
	struct hr_err err = {0};

	hr_spec_options_init(&opts);
	write_tmp(path, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
			"[\"read\"], \"action\": \"SCMP_ACT_NOPE\"}]}");
	cr_assert_lt(hr_spec_set_seccomp_from(&opts, path, &err), 0);
	cr_assert(strstr(err.msg, "linux.seccomp.syscalls[0].action") != NULL, "%s", err.msg);
	cr_assert_null(opts.seccomp_from);
	unlink(path);
	strcpy(path, "/tmp/hr-seccomp-from-XXXXXX");
	write_tmp(path, "[1, 2]");
	cr_assert_lt(hr_spec_set_seccomp_from(&opts, path, &err), 0);
	cr_assert(strstr(err.msg, "linux.seccomp") != NULL, "%s", err.msg);
	unlink(path);
	cr_assert_lt(hr_spec_set_seccomp_from(&opts, "/nonexistent/x.json", &err), 0);
	cr_assert(strstr(err.msg, "/nonexistent/x.json") != NULL, "%s", err.msg);
	hr_spec_options_free(&opts);
}
