/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONFIG_MODEL_H
#define HR_CONFIG_MODEL_H

/*
 * The OCI runtime-spec configuration (config.json, 1.0.0 to 1.3.x) as typed C structures:
 * what config.c and its section readers fill and every other module reads. A config is
 * immutable once parsed (the policy's "harden" mode is the one sanctioned rewriter, before
 * anything is created). All memory belongs to the config's arena.
 *
 * Conventions: a string that is absent is NULL; string arrays are NULL-terminated and also
 * carry their count; optional numbers use hr_opt_* with .set.
 */
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"

typedef struct {
	bool set;
	int64_t value;
} hr_opt_i64;

typedef struct {
	bool set;
	uint64_t value;
} hr_opt_u64;

struct hr_kv {
	char *key;
	char *value;
};

struct hr_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct hr_mount {
	char *destination; /* absolute, no ".." component */
	char *source;	   /* may be NULL (e.g. tmpfs) */
	char *type;	   /* may be NULL (bind mounts) */
	char **options;
	size_t n_options;
	struct hr_id_mapping *uid_mappings; /* idmapped mounts */
	size_t n_uid_mappings;
	struct hr_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	/* an earlier mount, mounts[covered], has the same destination: this one covers it */
	bool covers_earlier;
	size_t covered;
};

struct hr_rlimit {
	int resource; /* RLIMIT_* */
	char *type;   /* "RLIMIT_NOFILE", as written */
	uint64_t soft;
	uint64_t hard;
};

struct hr_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* Windows only in the spec; kept for completeness */
};

/* Capability sets as bit masks indexed by CAP_* numbers (the kernel has fewer than 64). */
struct hr_capabilities {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
};

/* process.ioPriority.class: the kernel's IOPRIO_CLASS_* values (linux/ioprio.h). */
enum {
	HR_IOPRIO_CLASS_RT = 1,
	HR_IOPRIO_CLASS_BE = 2,
	HR_IOPRIO_CLASS_IDLE = 3,
};
#define HR_IOPRIO_MAX 7 /* process.ioPriority.priority: 0 (highest) to 7 */

/* process.scheduler.policy: the kernel's SCHED_* values (linux/sched.h); 4 is SCHED_ISO. */
enum {
	HR_SCHED_OTHER = 0,
	HR_SCHED_FIFO = 1,
	HR_SCHED_RR = 2,
	HR_SCHED_BATCH = 3,
	HR_SCHED_ISO = 4,
	HR_SCHED_IDLE = 5,
	HR_SCHED_DEADLINE = 6,
};
/* process.scheduler.flags: the kernel's SCHED_FLAG_* bits (linux/sched.h). */
#define HR_SCHED_FLAG_RESET_ON_FORK  UINT64_C(0x01)
#define HR_SCHED_FLAG_RECLAIM	     UINT64_C(0x02)
#define HR_SCHED_FLAG_DL_OVERRUN     UINT64_C(0x04)
#define HR_SCHED_FLAG_KEEP_POLICY    UINT64_C(0x08)
#define HR_SCHED_FLAG_KEEP_PARAMS    UINT64_C(0x10)
#define HR_SCHED_FLAG_UTIL_CLAMP_MIN UINT64_C(0x20)
#define HR_SCHED_FLAG_UTIL_CLAMP_MAX UINT64_C(0x40)
#define HR_SCHED_FLAG_ALL	     UINT64_C(0x7f)

struct hr_scheduler {
	int policy;	   /* HR_SCHED_* */
	int nice;	   /* -20..19 */
	int priority;	   /* 1..99 for SCHED_FIFO and SCHED_RR, 0 for the others */
	uint64_t flags;	   /* HR_SCHED_FLAG_* */
	uint64_t runtime;  /* ns, SCHED_DEADLINE only */
	uint64_t deadline; /* ns, SCHED_DEADLINE only */
	uint64_t period;   /* ns, SCHED_DEADLINE only; 0: the deadline */
};

/*
 * process.execCPUAffinity: CPU lists ("0-3,7") for an exec'd process (the runtime-spec: not for
 * the container's init). An absent or empty list leaves the affinity alone.
 */
struct hr_cpu_affinity {
	bool has_initial;
	bool has_final;
	cpu_set_t initial;
	cpu_set_t final;
};

struct hr_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct hr_user user;
	char **args; /* at least one element */
	size_t n_args;
	char **env; /* each "KEY=VALUE" */
	size_t n_env;
	char *cwd; /* absolute */
	bool has_capabilities;
	struct hr_capabilities caps;
	struct hr_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj; /* -1000..1000 */
	bool has_io_priority;
	int io_priority_class; /* HR_IOPRIO_CLASS_RT, _BE or _IDLE */
	int io_priority;       /* 0..7, 0 when the config gives none */
	bool has_scheduler;
	struct hr_scheduler scheduler;
	struct hr_cpu_affinity cpu_affinity;
	char *apparmor_profile;
	char *selinux_label;
};

enum hr_hook_kind {
	HR_HOOK_PRESTART,
	HR_HOOK_CREATE_RUNTIME,
	HR_HOOK_CREATE_CONTAINER,
	HR_HOOK_START_CONTAINER,
	HR_HOOK_POSTSTART,
	HR_HOOK_POSTSTOP,
	HR_HOOK__COUNT
};

struct hr_hook {
	char *path; /* absolute */
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

struct hr_hook_list {
	struct hr_hook *items;
	size_t len;
};

enum hr_ns_type {
	HR_NS_PID,
	HR_NS_NETWORK,
	HR_NS_MOUNT,
	HR_NS_IPC,
	HR_NS_UTS,
	HR_NS_USER,
	HR_NS_CGROUP,
	HR_NS_TIME,
	HR_NS__COUNT
};

struct hr_namespace {
	enum hr_ns_type type;
	char *path; /* join this namespace instead of creating one; NULL to create */
};

struct hr_device {
	char *path; /* absolute, inside the container */
	char type;  /* 'c', 'b', 'u' or 'p' */
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct hr_device_rule {
	bool allow;
	char type;	  /* 'a', 'b' or 'c' ('a' when absent) */
	hr_opt_i64 major; /* unset means any (-1 in cgroup terms) */
	hr_opt_i64 minor;
	char *access; /* subset of "rwm"; NULL means "rwm" */
};

struct hr_memory {
	hr_opt_i64 limit; /* -1 = unlimited */
	hr_opt_i64 reservation;
	hr_opt_i64 swap; /* memory + swap, as in the spec */
	hr_opt_i64 kernel;
	hr_opt_i64 kernel_tcp;
	hr_opt_u64 swappiness;
	bool has_disable_oom_killer;
	bool disable_oom_killer;
	bool has_use_hierarchy;
	bool use_hierarchy;
	bool check_before_update;
};

struct hr_cpu {
	hr_opt_u64 shares;
	hr_opt_i64 quota; /* requires period */
	hr_opt_u64 burst;
	hr_opt_u64 period;
	hr_opt_i64 realtime_runtime;
	hr_opt_u64 realtime_period;
	char *cpus;
	char *mems;
	hr_opt_i64 idle;
};

struct hr_weight_device {
	int64_t major;
	int64_t minor;
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
};

struct hr_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

enum hr_throttle_kind {
	HR_THROTTLE_READ_BPS,
	HR_THROTTLE_WRITE_BPS,
	HR_THROTTLE_READ_IOPS,
	HR_THROTTLE_WRITE_IOPS,
	HR_THROTTLE__COUNT
};

struct hr_block_io {
	bool has_weight;
	uint16_t weight; /* 10..1000 */
	bool has_leaf_weight;
	uint16_t leaf_weight;
	struct hr_weight_device *weight_devices;
	size_t n_weight_devices;
	struct hr_throttle_device *throttle[HR_THROTTLE__COUNT];
	size_t n_throttle[HR_THROTTLE__COUNT];
};

struct hr_hugepage_limit {
	char *page_size; /* "2MB", "1GB", ... */
	uint64_t limit;
};

/* linux.resources.rdma.DEVICE: unset counts are written as "max" */
struct hr_rdma_limit {
	char *device;		/* the RDMA device's name ("mlx5_0", "rxe0") */
	hr_opt_u64 hca_handles; /* 0..HR_RDMA_LIMIT_MAX */
	hr_opt_u64 hca_objects;
};

/* The largest count rdma.max takes (the kernel's int; it reads back as "max"). */
#define HR_RDMA_LIMIT_MAX 2147483647

struct hr_resources {
	struct hr_device_rule *devices;
	size_t n_devices;
	bool has_memory;
	struct hr_memory memory;
	bool has_cpu;
	struct hr_cpu cpu;
	bool has_pids;
	hr_opt_i64 pids_limit; /* <= 0 means unlimited, as runc treats it */
	bool has_block_io;
	struct hr_block_io block_io;
	struct hr_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct hr_rdma_limit *rdma;
	size_t n_rdma;
	struct hr_kv *unified; /* cgroup v2 file name -> value */
	size_t n_unified;
};

enum hr_seccomp_action {
	HR_SECCOMP_KILL, /* SCMP_ACT_KILL == KILL_THREAD */
	HR_SECCOMP_KILL_PROCESS,
	HR_SECCOMP_KILL_THREAD,
	HR_SECCOMP_TRAP,
	HR_SECCOMP_ERRNO,
	HR_SECCOMP_TRACE,
	HR_SECCOMP_ALLOW,
	HR_SECCOMP_LOG,
	HR_SECCOMP_NOTIFY,
	HR_SECCOMP_ACTION__COUNT
};

struct hr_seccomp_arg {
	uint32_t index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	int op; /* enum scmp_compare */
};

struct hr_seccomp_rule {
	char **names;
	size_t n_names;
	enum hr_seccomp_action action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct hr_seccomp_arg *args;
	size_t n_args;
};

struct hr_seccomp {
	enum hr_seccomp_action default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	uint32_t *architectures; /* SCMP_ARCH_* tokens of libseccomp */
	size_t n_architectures;
	char **flags; /* "SECCOMP_FILTER_FLAG_*" */
	size_t n_flags;
	char *listener_path;
	char *listener_metadata;
	struct hr_seccomp_rule *syscalls;
	size_t n_syscalls;
};

struct hr_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct hr_personality {
	char *domain; /* "LINUX" or "LINUX32" */
	char **flags;
	size_t n_flags;
};

/* linux.memoryPolicy; the numbers are the kernel's (linux/mempolicy.h). */
enum {
	HR_MPOL_DEFAULT = 0,
	HR_MPOL_PREFERRED = 1,
	HR_MPOL_BIND = 2,
	HR_MPOL_INTERLEAVE = 3,
	HR_MPOL_LOCAL = 4,
	HR_MPOL_PREFERRED_MANY = 5,	 /* Linux 5.15 */
	HR_MPOL_WEIGHTED_INTERLEAVE = 6, /* Linux 6.9 */
};
#define HR_MPOL_F_NUMA_BALANCING (1U << 13) /* Linux 5.12 */
#define HR_MPOL_F_RELATIVE_NODES (1U << 14)
#define HR_MPOL_F_STATIC_NODES	 (1U << 15)
#define HR_MPOL_MAX_NODE	 1023 /* the kernel's largest MAX_NUMNODES is 1024 */
#define HR_MPOL_MASK_LONGS	 ((HR_MPOL_MAX_NODE + 1) / (8 * sizeof(unsigned long)))

struct hr_mempolicy {
	int mode;				 /* HR_MPOL_* */
	unsigned int flags;			 /* HR_MPOL_F_* */
	unsigned long nodes[HR_MPOL_MASK_LONGS]; /* bit n set: node n; all clear: no nodes */
};

/*
 * linux.netDevices: one host interface moved into the container's network namespace, renamed
 * when name is set (a name with "%d" is a template the kernel completes there).
 */
struct hr_net_device {
	char *host_name; /* the entry's key: an interface of the caller's network namespace */
	char *name;	 /* the name in the container; NULL: the host name is kept */
	char *json_path; /* "linux.netDevices.eth0", for the messages of create */
};

struct hr_linux {
	struct hr_namespace *namespaces;
	size_t n_namespaces;
	struct hr_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct hr_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct hr_device *devices;
	size_t n_devices;
	char *cgroups_path;
	bool has_resources;
	struct hr_resources resources;
	struct hr_seccomp *seccomp;	  /* NULL when absent */
	unsigned long rootfs_propagation; /* MS_PRIVATE, MS_SHARED, ... ; 0 = unset */
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	struct hr_kv *sysctl;
	size_t n_sysctl;
	char *mount_label;
	struct hr_personality *personality;    /* NULL when absent */
	struct hr_time_offset time_offsets[2]; /* [0] boottime, [1] monotonic */
	struct hr_mempolicy *memory_policy;    /* NULL when absent */
	struct hr_net_device *net_devices;
	size_t n_net_devices;
};

/* What the parser ignored, said once by the command that reads the document from its user. */
struct hr_doc_warnings {
	char **msgs; /* in the document's arena */
	size_t n;
};

struct hr_config {
	struct hr_arena arena;
	struct hr_doc_warnings warnings;
	char *oci_version;
	char *root_path;
	bool root_readonly;
	struct hr_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct hr_process process;
	char *hostname;
	char *domainname;
	struct hr_kv *annotations;
	size_t n_annotations;
	/* set when the annotations were changed after parsing (a hardening policy's report):
	 * they are no longer those of the config.json text */
	bool annotations_changed;
	/* annotations["run.oci.keep_original_groups"] (crun's, podman's --group-add keep-groups):
	 * the processes keep the supplementary groups of hardrun's caller, no setgroups(2) */
	bool keep_original_groups;
	/* annotations["org.hardrun.rootfs.idmap"] "true": the rootfs is bound idmapped with the
	 * user namespace's mapping, so a rootfs owned by the host's ids is the container's */
	bool root_idmap;
	struct hr_hook_list hooks[HR_HOOK__COUNT];
	bool has_linux;
	struct hr_linux linux_cfg; /* "linux" is a predefined macro in GNU C */
};

#define HR_ANNOTATION_KEEP_GROUPS  "run.oci.keep_original_groups"
#define HR_ANNOTATION_ROOTFS_IDMAP "org.hardrun.rootfs.idmap"

/* A standalone process object (exec --process) or resources object (update --resources). */
struct hr_process_doc {
	struct hr_arena arena;
	struct hr_doc_warnings warnings;
	struct hr_process process;
};

struct hr_resources_doc {
	struct hr_arena arena;
	struct hr_doc_warnings warnings;
	struct hr_resources resources;
};

/* Name tables shared by the parser, `features` and `spec`. */
const char *hr_ns_type_name(enum hr_ns_type type); /* "pid", "network", ... */
int hr_ns_type_from_name(const char *name);	   /* -1 when unknown */
const char *hr_hook_kind_name(enum hr_hook_kind kind);
/* "IOPRIO_CLASS_RT" for HR_IOPRIO_CLASS_RT, ...; NULL for another value. */
const char *hr_ioprio_class_name(int value);
const char *hr_seccomp_action_name(enum hr_seccomp_action action); /* "SCMP_ACT_ALLOW" */
int hr_seccomp_action_from_name(const char *name);

#endif
