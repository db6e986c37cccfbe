/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp allowlist of the production and development profiles.
 *
 * Modelled on Docker's default profile (moby profiles/seccomp/default.json) as it applies to a
 * container without capabilities: everything not allowed fails with EPERM. Compared with
 * Docker's list this one also leaves out
 *   - name_to_handle_at (the first half of the open_by_handle_at escape, "shocker"),
 *   - io_uring_setup/enter/register (a large attack surface that bypasses seccomp for the
 *     operations it queues; Docker dropped them in 25.0 as well),
 *   - ptrace, process_vm_readv/writev (Docker allows them on kernels >= 4.8).
 * and never allows, whatever the capabilities: mount, umount2, unshare, setns, pivot_root,
 * chroot, bpf, keyctl, add_key, request_key, kexec_load, kexec_file_load, init_module,
 * finit_module, delete_module, swapon, swapoff, reboot, acct, settimeofday, clock_settime,
 * open_by_handle_at, perf_event_open, userfaultfd, lookup_dcookie, quotactl, iopl, ioperm,
 * syslog, vhangup, the new mount API (fsopen, fsmount, move_mount, open_tree, ...).
 *
 * Names of every architecture may appear: libseccomp resolves a name that does not exist on an
 * architecture of the filter to nothing, and the 32-bit calls (_llseek, socketcall, ...) matter
 * because SCMP_ARCH_X86 / SCMP_ARCH_ARM are part of the filter. Every name must be known to
 * libseccomp (a unit test checks it).
 */
#include "spec_seccomp.h"

#include "json.h"

/* The unconditional allowlist, sorted. */
static const char *const allowed[] = {
    "_llseek",
    "_newselect",
    "accept",
    "accept4",
    "access",
    "adjtimex", /* read-only without CAP_SYS_TIME */
    "alarm",
    "bind",
    "brk",
    "cachestat",
    "capget",
    "capset",
    "chdir",
    "chmod",
    "chown",
    "chown32",
    "clock_adjtime",
    "clock_adjtime64",
    "clock_getres",
    "clock_getres_time64",
    "clock_gettime",
    "clock_gettime64",
    "clock_nanosleep",
    "clock_nanosleep_time64",
    "close",
    "close_range",
    "connect",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_ctl_old",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "epoll_wait_old",
    "eventfd",
    "eventfd2",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fadvise64_64",
    "fallocate",
    "fanotify_mark",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchmodat2", /* glibc >= 2.39; EPERM here would defeat its ENOSYS fallback */
    "fchown",
    "fchown32",
    "fchownat",
    "fcntl",
    "fcntl64",
    "fdatasync",
    "fgetxattr",
    "flistxattr",
    "flock",
    "fork",
    "fremovexattr",
    "fsetxattr",
    "fstat",
    "fstat64",
    "fstatat64",
    "fstatfs",
    "fstatfs64",
    "fsync",
    "ftruncate",
    "ftruncate64",
    "futex",
    "futex_requeue",
    "futex_time64",
    "futex_wait",
    "futex_waitv",
    "futex_wake",
    "futimesat",
    "get_robust_list",
    "get_thread_area",
    "getcpu",
    "getcwd",
    "getdents",
    "getdents64",
    "getegid",
    "getegid32",
    "geteuid",
    "geteuid32",
    "getgid",
    "getgid32",
    "getgroups",
    "getgroups32",
    "getitimer",
    "getpeername",
    "getpgid",
    "getpgrp",
    "getpid",
    "getppid",
    "getpriority",
    "getrandom",
    "getresgid",
    "getresgid32",
    "getresuid",
    "getresuid32",
    "getrlimit",
    "getrusage",
    "getsid",
    "getsockname",
    "getsockopt",
    "gettid",
    "gettimeofday",
    "getuid",
    "getuid32",
    "getxattr",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "io_cancel",
    "io_destroy",
    "io_getevents",
    "io_pgetevents",
    "io_pgetevents_time64",
    "io_setup",
    "io_submit",
    "ioctl",
    "ioprio_get",
    "ioprio_set",
    "ipc",
    "kill",
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    "lchown",
    "lchown32",
    "lgetxattr",
    "link",
    "linkat",
    "listen",
    "listxattr",
    "llistxattr",
    "lremovexattr",
    "lseek",
    "lsetxattr",
    "lstat",
    "lstat64",
    "madvise",
    "map_shadow_stack",
    "membarrier",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mkdir",
    "mkdirat",
    "mknod", /* only FIFOs and sockets without CAP_MKNOD */
    "mknodat",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mmap2",
    "mprotect",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedreceive_time64",
    "mq_timedsend",
    "mq_timedsend_time64",
    "mq_unlink",
    "mremap",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "nanosleep",
    "newfstatat",
    "open",
    "openat",
    "openat2",
    "pause",
    "pidfd_open",
    "pidfd_send_signal",
    "pipe",
    "pipe2",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "poll",
    "ppoll",
    "ppoll_time64",
    "prctl",
    "pread64",
    "preadv",
    "preadv2",
    "prlimit64",
    "process_mrelease",
    "pselect6",
    "pselect6_time64",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "recv",
    "recvfrom",
    "recvmmsg",
    "recvmmsg_time64",
    "recvmsg",
    "remap_file_pages",
    "removexattr",
    "rename",
    "renameat",
    "renameat2",
    "restart_syscall",
    "rmdir",
    "rseq",
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_rr_get_interval_time64",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "seccomp", /* a process may only add filters, never remove this one */
    "select",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "semtimedop_time64",
    "send",
    "sendfile",
    "sendfile64",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "set_robust_list",
    "set_thread_area",
    "set_tid_address",
    "setfsgid",
    "setfsgid32",
    "setfsuid",
    "setfsuid32",
    "setgid",
    "setgid32",
    "setgroups",
    "setgroups32",
    "setitimer",
    "setpgid",
    "setpriority",
    "setregid",
    "setregid32",
    "setresgid",
    "setresgid32",
    "setresuid",
    "setresuid32",
    "setreuid",
    "setreuid32",
    "setrlimit",
    "setsid",
    "setsockopt",
    "setuid",
    "setuid32",
    "setxattr",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    "shutdown",
    "sigaltstack",
    "signalfd",
    "signalfd4",
    "sigprocmask",
    "sigreturn",
    "socketcall", /* i386 multiplexer: its socket() escapes the AF_VSOCK rule, as in Docker */
    "socketpair",
    "splice",
    "stat",
    "stat64",
    "statfs",
    "statfs64",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "syncfs",
    "sysinfo",
    "tee",
    "tgkill",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_gettime64",
    "timer_settime",
    "timer_settime64",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_gettime64",
    "timerfd_settime",
    "timerfd_settime64",
    "times",
    "tkill",
    "truncate",
    "truncate64",
    "ugetrlimit",
    "umask",
    "uname",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimensat_time64",
    "utimes",
    "vfork",
    "vmsplice",
    "wait4",
    "waitid",
    "waitpid",
    "write",
    "writev",
    NULL,
};

#define AF_VSOCK_VALUE 40
/* CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET */
#define CLONE_NAMESPACE_FLAGS 0x7e020000ULL
#define ENOSYS_VALUE	      38

static const char *const socket_names[] = {"socket", NULL};
static const char *const personality_names[] = {"personality", NULL};
static const char *const clone_names[] = {"clone", NULL};
static const char *const clone3_names[] = {"clone3", NULL};

/* Sockets of every family but AF_VSOCK, which reaches the hypervisor's host. */
static const struct hr_spec_seccomp_arg socket_not_vsock[] = {
    {.index = 0, .value = AF_VSOCK_VALUE, .op = HR_CMP_NE},
};

/*
 * personality(2) only with the harmless personas Docker allows: PER_LINUX, PER_LINUX32,
 * UNAME26, PER_LINUX32|UNAME26, and 0xffffffff (the query).
 */
static const struct hr_spec_seccomp_arg persona_linux[] = {
    {.index = 0, .value = 0x0, .op = HR_CMP_EQ},
};
static const struct hr_spec_seccomp_arg persona_linux32[] = {
    {.index = 0, .value = 0x8, .op = HR_CMP_EQ},
};
static const struct hr_spec_seccomp_arg persona_uname26[] = {
    {.index = 0, .value = 0x20000, .op = HR_CMP_EQ},
};
static const struct hr_spec_seccomp_arg persona_linux32_uname26[] = {
    {.index = 0, .value = 0x20008, .op = HR_CMP_EQ},
};
static const struct hr_spec_seccomp_arg persona_query[] = {
    {.index = 0, .value = 0xffffffff, .op = HR_CMP_EQ},
};

/* clone(2) without any CLONE_NEW* flag: threads and processes, no namespaces. */
static const struct hr_spec_seccomp_arg clone_no_namespaces[] = {
#if defined(__s390x__) || defined(__s390__)
    {.index = 1, .value = CLONE_NAMESPACE_FLAGS, .value_two = 0, .op = HR_CMP_MASKED_EQ},
#else
    {.index = 0, .value = CLONE_NAMESPACE_FLAGS, .value_two = 0, .op = HR_CMP_MASKED_EQ},
#endif
};

#if defined(__x86_64__) || defined(__i386__)
static const char *const arch_names[] = {"arch_prctl", "modify_ldt", NULL};
#elif defined(__aarch64__) || defined(__arm__)
static const char *const arch_names[] = {
    "arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush",
    "set_tls",		"sync_file_range2",    NULL,
};
#elif defined(__powerpc64__)
static const char *const arch_names[] = {"swapcontext", "sync_file_range2", NULL};
#elif defined(__s390x__)
static const char *const arch_names[] = {
    "s390_pci_mmio_read",
    "s390_pci_mmio_write",
    "s390_runtime_instr",
    NULL,
};
#elif defined(__riscv)
static const char *const arch_names[] = {"riscv_flush_icache", NULL};
#else
static const char *const arch_names[] = {NULL};
#endif

#define ARGS(a) .args = (a), .n_args = sizeof(a) / sizeof((a)[0])

static const struct hr_spec_seccomp_rule rules[] = {
    {.names = allowed, .action = HR_SECCOMP_ALLOW},
    {.names = socket_names, .action = HR_SECCOMP_ALLOW, ARGS(socket_not_vsock)},
    {.names = personality_names, .action = HR_SECCOMP_ALLOW, ARGS(persona_linux)},
    {.names = personality_names, .action = HR_SECCOMP_ALLOW, ARGS(persona_linux32)},
    {.names = personality_names, .action = HR_SECCOMP_ALLOW, ARGS(persona_uname26)},
    {.names = personality_names, .action = HR_SECCOMP_ALLOW, ARGS(persona_linux32_uname26)},
    {.names = personality_names, .action = HR_SECCOMP_ALLOW, ARGS(persona_query)},
    {.names = arch_names, .action = HR_SECCOMP_ALLOW},
    {.names = clone_names, .action = HR_SECCOMP_ALLOW, ARGS(clone_no_namespaces)},
    /*
     * clone3 passes its flags in memory, out of a filter's reach: make it look absent so
     * that glibc falls back to clone, which the rule above checks.
     */
    {.names = clone3_names, .action = HR_SECCOMP_ERRNO, .errno_ret = ENOSYS_VALUE},
};

#if defined(__x86_64__)
static const char *const architectures[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
#elif defined(__i386__)
static const char *const architectures[] = {"SCMP_ARCH_X86"};
#elif defined(__aarch64__)
static const char *const architectures[] = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
#elif defined(__arm__)
static const char *const architectures[] = {"SCMP_ARCH_ARM"};
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static const char *const architectures[] = {"SCMP_ARCH_PPC64LE"};
#elif defined(__s390x__)
static const char *const architectures[] = {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
#elif defined(__riscv) && __riscv_xlen == 64
static const char *const architectures[] = {"SCMP_ARCH_RISCV64"};
#else
#error "hardrun spec: no seccomp architecture list for this architecture"
#endif

const struct hr_spec_seccomp_rule *hr_spec_seccomp_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const char *const *hr_spec_seccomp_architectures(size_t *n)
{
	*n = sizeof(architectures) / sizeof(architectures[0]);
	return architectures;
}

static const char *cmp_name(enum hr_spec_cmp op)
{
	switch (op) {
	case HR_CMP_NE:
		return "SCMP_CMP_NE";
	case HR_CMP_EQ:
		return "SCMP_CMP_EQ";
	case HR_CMP_MASKED_EQ:
		return "SCMP_CMP_MASKED_EQ";
	}
	return "SCMP_CMP_EQ";
}

static void gen_rule(yajl_gen g, const struct hr_spec_seccomp_rule *rule)
{
	yajl_gen_map_open(g);
	hr_jgen_key(g, "names");
	yajl_gen_array_open(g);
	for (const char *const *name = rule->names; *name != NULL; name++)
		hr_jgen_str(g, *name);
	yajl_gen_array_close(g);
	hr_jgen_kv_str(g, "action", hr_seccomp_action_name(rule->action));
	if (rule->errno_ret != 0)
		hr_jgen_kv_u64(g, "errnoRet", rule->errno_ret);
	if (rule->n_args > 0) {
		hr_jgen_key(g, "args");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < rule->n_args; i++) {
			const struct hr_spec_seccomp_arg *arg = &rule->args[i];

			yajl_gen_map_open(g);
			hr_jgen_kv_u64(g, "index", arg->index);
			hr_jgen_kv_u64(g, "value", arg->value);
			if (arg->op == HR_CMP_MASKED_EQ)
				hr_jgen_kv_u64(g, "valueTwo", arg->value_two);
			hr_jgen_kv_str(g, "op", cmp_name(arg->op));
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

void hr_spec_gen_seccomp(yajl_gen g)
{
	size_t n_arches;
	const char *const *arches = hr_spec_seccomp_architectures(&n_arches);

	hr_jgen_key(g, "seccomp");
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "defaultAction", hr_seccomp_action_name(HR_SECCOMP_ERRNO));
	hr_jgen_kv_u64(g, "defaultErrnoRet", 1); /* EPERM */
	hr_jgen_strv(g, "architectures", arches, n_arches);
	hr_jgen_key(g, "syscalls");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].names[0] != NULL)
			gen_rule(g, &rules[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}
