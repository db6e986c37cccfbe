/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rootfs module: plans built from hand-made configs (no root needed), then the child
 * functions for real (root only, each test in its own mount and pid namespaces; run as
 * non-root they fail with "needs root", they never skip).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/paths.h"
#include "libcontainer/rootfs.h"

#define NARGS(...) (sizeof((char *[]){__VA_ARGS__}) / sizeof(char *))
#define MNT(d, t, s, ...)                                                                          \
	{                                                                                          \
		.destination = d, .type = t, .source = s,                                          \
		.options = (char *[]){__VA_ARGS__, NULL}, .n_options = NARGS(__VA_ARGS__)          \
	}
#define MNT0(d, t, s)                                                                              \
	{                                                                                          \
		.destination = d, .type = t, .source = s                                           \
	}
#define SET_MOUNTS(c, arr)                                                                         \
	do {                                                                                       \
		(c)->mounts = (arr);                                                               \
		(c)->n_mounts = sizeof(arr) / sizeof((arr)[0]);                                    \
	} while (0)

static struct hr_arena arena;
static struct hr_err err;
static char bundle[PATH_MAX];

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "create %s: %s", path, strerror(errno));
	fputs(content, f);
	fclose(f);
}

static char *pathf(const char *fmt, ...)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return buf;
}

/* bundle/rootfs, bundle/volume (a directory), bundle/file.txt (a file) */
static void make_bundle(void)
{
	strcpy(bundle, "/tmp/hr-plan-XXXXXX");
	cr_assert_not_null(mkdtemp(bundle));
	cr_assert_eq(mkdir(pathf("%s/rootfs", bundle), 0755), 0);
	cr_assert_eq(mkdir(pathf("%s/volume", bundle), 0755), 0);
	write_file(pathf("%s/file.txt", bundle), "x");
}

struct fixture;
static void fixture_cleanup(const struct fixture *f);
static struct fixture *registered; /* a copy, cleaned up even when an assertion aborts */

static void plan_teardown(void)
{
	hr_arena_free(&arena);
	if (bundle[0] != '\0')
		hrt_rm_tree(bundle);
	if (registered != NULL)
		fixture_cleanup(registered);
	free(registered);
	registered = NULL;
}

/* The plans here are for a container with its own mount namespace (see caller_mounts). */
static struct hr_namespace own_mount_ns[] = {{.type = HR_NS_MOUNT}};
#define OWN_MOUNT_NS                                                                               \
	{                                                                                          \
		.namespaces = own_mount_ns, .n_namespaces = 1                                      \
	}

static struct hr_config base_config(void)
{
	struct hr_config c = {.root_path = "rootfs", .has_linux = true, .linux_cfg = OWN_MOUNT_NS};

	return c;
}

static struct hr_rootfs_plan *build_ok(struct hr_config *c)
{
	struct hr_rootfs_plan *p = NULL;

	cr_assert_eq(hr_rootfs_plan_build(c, bundle, &arena, &p, &err), 0, "%s", err.msg);
	cr_assert_not_null(p);
	return p;
}

static void build_fails(struct hr_config *c, const char *msg)
{
	struct hr_rootfs_plan *p = NULL;

	cr_assert_lt(hr_rootfs_plan_build(c, bundle, &arena, &p, &err), 0);
	cr_assert(strstr(err.msg, msg) != NULL, "expected \"%s\" in \"%s\"", msg, err.msg);
}

TestSuite(rootfs, .init = make_bundle, .fini = plan_teardown);

/* ---- plans ------------------------------------------------------------------------------- */

Test(rootfs, plan_rootfs_is_resolved_against_the_bundle)
{
	struct hr_config c = base_config();
	struct hr_rootfs_plan *p;
	char real[PATH_MAX];

	cr_assert_not_null(realpath(pathf("%s/rootfs", bundle), real));
	p = build_ok(&c);
	cr_assert_str_eq(p->rootfs, real);
	cr_assert_eq(p->root_propagation, MS_REC | MS_PRIVATE);
	cr_assert_not(p->root_readonly);
	cr_assert_eq(p->n_mounts, 0);
	cr_assert_eq(p->n_devices, 0);
	cr_assert_not(p->dev_is_tmpfs);
}

Test(rootfs, plan_rootfs_errors)
{
	struct hr_config c = base_config();

	c.root_path = "missing";
	build_fails(&c, "/missing: resolve: No such file or directory");
	c.root_path = "file.txt";
	build_fails(&c, "/file.txt: Not a directory");
	c.root_path = NULL;
	build_fails(&c, "root.path is missing");
	c.root_path = "/";
	build_fails(&c, "the host's root cannot be the rootfs");
}

Test(rootfs, plan_propagation_and_readonly_root)
{
	struct hr_config c = base_config();
	struct hr_rootfs_plan *p;

	c.linux_cfg.rootfs_propagation = MS_SLAVE;
	c.root_readonly = true;
	c.has_process = true;
	c.process.terminal = true;
	p = build_ok(&c);
	cr_assert_eq(p->root_propagation, MS_SLAVE | MS_REC);
	cr_assert(p->root_readonly);
	cr_assert(p->terminal);
	c.linux_cfg.rootfs_propagation = MS_SHARED;
	cr_assert_eq(build_ok(&c)->root_propagation, MS_SHARED | MS_REC);
}

Test(rootfs, plan_typical_mounts)
{
	struct hr_config c = base_config();
	struct hr_mount mounts[] = {
	    MNT("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
	    MNT("/tmp", "tmpfs", "tmpfs", "mode=1777", "size=64m", "nosuid", "nodev"),
	    MNT("/data", "bind", "volume", "bind", "ro"),
	    MNT("//etc/./hosts.txt/", NULL, "file.txt", "rbind", "rprivate"),
	    MNT("/sys/fs/cgroup", "cgroup", "cgroup", "ro", "nosuid"),
	    MNT("/run", "tmpfs", "tmpfs", "ro"),
	};
	struct hr_rootfs_plan *p;
	const struct hr_rootfs_mount *m;
	char real[PATH_MAX];

	SET_MOUNTS(&c, mounts);
	p = build_ok(&c);
	cr_assert_eq(p->n_mounts, 6);

	m = &p->mounts[0];
	cr_assert_str_eq(m->destination, "proc");
	cr_assert_str_eq(m->display, "/proc");
	cr_assert_eq(m->kind, HR_ROOTFS_MOUNT_FS);
	cr_assert_eq(m->check, HR_ROOTFS_CHECK_PROC);
	cr_assert_str_eq(m->fstype, "proc");
	cr_assert_eq(m->flags, MS_NOSUID | MS_NOEXEC | MS_NODEV);
	cr_assert_eq(m->attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
	cr_assert_null(m->data);

	m = &p->mounts[1];
	cr_assert_str_eq(m->destination, "tmp");
	cr_assert_eq(m->kind, HR_ROOTFS_MOUNT_FS);
	cr_assert_eq(m->flags, MS_NOSUID | MS_NODEV);
	cr_assert_str_eq(m->data, "mode=1777,size=64m");
	cr_assert_eq(m->n_params, 2);
	cr_assert_not(m->is_bind);
	cr_assert_not(m->defer_readonly);

	m = &p->mounts[2];
	cr_assert_eq(m->kind, HR_ROOTFS_MOUNT_BIND);
	cr_assert(m->is_bind);
	cr_assert_not(m->recursive);
	cr_assert(m->attr_set & MOUNT_ATTR_RDONLY);
	cr_assert_eq(m->flags, MS_BIND | MS_RDONLY);
	cr_assert_not_null(realpath(bundle, real));
	cr_assert_str_eq(m->source, pathf("%s/volume", real));

	m = &p->mounts[3];
	cr_assert_str_eq(m->destination, "etc/hosts.txt");
	cr_assert(m->is_bind);
	cr_assert(m->recursive);
	cr_assert_not(m->attr_set & MOUNT_ATTR_RDONLY);
	cr_assert_eq(m->propagation, MS_PRIVATE | MS_REC);
	cr_assert_eq(m->flags, MS_BIND | MS_REC);

	m = &p->mounts[4];
	cr_assert_eq(m->kind, HR_ROOTFS_MOUNT_CGROUP);
	cr_assert_str_eq(m->fstype, "cgroup2");
	cr_assert_eq(m->attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);

	m = &p->mounts[5];
	cr_assert(m->defer_readonly, "a read-only tmpfs is made read-only in finalize");
}

Test(rootfs, plan_absolute_bind_source_is_kept)
{
	struct hr_config c = base_config();
	struct hr_mount mounts[] = {MNT("/etc/resolv.conf", "bind", "/etc/resolv.conf", "rbind")};

	SET_MOUNTS(&c, mounts);
	cr_assert_str_eq(build_ok(&c)->mounts[0].source, "/etc/resolv.conf");
}

Test(rootfs, plan_mount_errors)
{
	struct hr_config c = base_config();
	struct hr_mount root[] = {MNT0("/", "tmpfs", "tmpfs")};
	struct hr_mount dotdot[] = {MNT0("/a/../b", "tmpfs", "tmpfs")};
	struct hr_mount notype[] = {MNT("/a", NULL, "x", "ro")};
	struct hr_mount nosrc[] = {MNT0("/a", "bind", NULL)};
	struct hr_mount copyup_bind[] = {MNT("/a", "bind", "/etc", "rbind", "tmpcopyup")};
	struct hr_mount copyup_proc[] = {MNT("/proc", "proc", "proc", "tmpcopyup")};
	struct hr_mount copyup_remount[] = {MNT("/a", "tmpfs", "tmpfs", "remount", "tmpcopyup")};
	struct hr_mount in_proc[] = {MNT0("/proc/sys/kernel", "tmpfs", "tmpfs")};
	struct hr_mount on_proc[] = {MNT0("/proc", "tmpfs", "tmpfs")};

	SET_MOUNTS(&c, root);
	build_fails(&c, "mount destination /: the root itself is not allowed");
	SET_MOUNTS(&c, dotdot);
	build_fails(&c, "mount destination /a/../b: \"..\" is not allowed");
	SET_MOUNTS(&c, notype);
	build_fails(&c, "mount to /a: no type and no bind option");
	SET_MOUNTS(&c, nosrc);
	build_fails(&c, "bind mount to /a: the source is missing");
	SET_MOUNTS(&c, copyup_bind);
	build_fails(&c, "mount to /a: mount option tmpcopyup: only a new tmpfs can be filled");
	SET_MOUNTS(&c, copyup_proc);
	build_fails(&c, "mount to /proc: mount option tmpcopyup: only a new tmpfs can be filled");
	SET_MOUNTS(&c, copyup_remount);
	build_fails(&c, "mount to /a: mount option tmpcopyup: only a new tmpfs can be filled");
	SET_MOUNTS(&c, in_proc);
	build_fails(&c, "mount to /proc/sys/kernel: mounts inside /proc are not allowed");
	SET_MOUNTS(&c, on_proc);
	build_fails(&c, "mount to /proc: only a proc filesystem may be mounted there");
}

Test(rootfs, plan_tmpcopyup_on_a_tmpfs)
{
	struct hr_config c = base_config();
	struct hr_mount mounts[] = {
	    MNT("/run", "tmpfs", "tmpfs", "rw", "tmpcopyup", "nosuid", "mode=755"),
	    MNT("/tmp", "tmpfs", "tmpfs", "tmpcopyup", "notmpcopyup"),
	    MNT("/var/tmp", "tmpfs", "tmpfs", "size=1m"),
	    MNT("/ro", "tmpfs", "tmpfs", "ro", "tmpcopyup"),
	};
	struct hr_rootfs_plan *p;

	SET_MOUNTS(&c, mounts);
	p = build_ok(&c);
	cr_assert(p->mounts[0].tmpcopyup);
	cr_assert_eq(p->mounts[0].kind, HR_ROOTFS_MOUNT_FS);
	cr_assert_str_eq(p->mounts[0].data, "mode=755", "tmpcopyup is not filesystem data");
	cr_assert_not(p->mounts[1].tmpcopyup, "notmpcopyup, later, wins");
	cr_assert_null(p->mounts[1].data);
	cr_assert_not(p->mounts[2].tmpcopyup);
	/* filled while writable, read-only once the whole tree is in place */
	cr_assert(p->mounts[3].tmpcopyup);
	cr_assert(p->mounts[3].defer_readonly);
}

Test(rootfs, plan_lxcfs_files_may_cover_proc)
{
	struct hr_config c = base_config();
	struct hr_mount mounts[] = {MNT("/proc/meminfo", "bind", "file.txt", "bind")};

	SET_MOUNTS(&c, mounts);
	cr_assert(build_ok(&c)->mounts[0].under_proc_ok);
}

Test(rootfs, plan_idmapped_binds_take_their_mapping)
{
	struct hr_config c = base_config();
	struct hr_id_mapping map = {0, 1000, 1}, userns = {0, 200000, 65536};
	struct hr_mount mounts[] = {MNT("/a", "bind", "volume", "bind"),
				    MNT("/b", "bind", "volume", "rbind", "ridmap"),
				    MNT("/c", "bind", "volume", "bind", "idmap")};
	struct hr_rootfs_plan *p;

	mounts[0].uid_mappings = mounts[0].gid_mappings = &map;
	mounts[0].n_uid_mappings = mounts[0].n_gid_mappings = 1;
	mounts[1].uid_mappings = mounts[1].gid_mappings = &map;
	mounts[1].n_uid_mappings = mounts[1].n_gid_mappings = 1;
	c.linux_cfg.uid_mappings = c.linux_cfg.gid_mappings = &userns;
	c.linux_cfg.n_uid_mappings = c.linux_cfg.n_gid_mappings = 1;
	SET_MOUNTS(&c, mounts);
	p = build_ok(&c);
	cr_assert(p->mounts[0].idmap && !p->mounts[0].idmap_recursive);
	cr_assert_eq(p->mounts[0].uid_map, &map);
	cr_assert_eq(p->mounts[0].n_gid_map, 1);
	cr_assert(p->mounts[1].idmap && p->mounts[1].idmap_recursive && p->mounts[1].recursive);
	/* a bare idmap option: the user namespace's mapping */
	cr_assert(p->mounts[2].idmap);
	cr_assert_eq(p->mounts[2].uid_map, &userns);
	cr_assert_eq(p->mounts[2].gid_map, &userns);
	cr_assert_not(p->mounts[0].has_tree, "the plan opens nothing: the parent prepares it");
}

Test(rootfs, plan_mount_label_as_context_of_new_filesystems)
{
	struct hr_config c = base_config();
	struct hr_mount mounts[] = {
	    MNT0("/proc", "proc", "proc"), MNT("/tmp", "tmpfs", "tmpfs", "nosuid", "size=1m"),
	    MNT0("/dev/mqueue", "mqueue", "mqueue"),
	    MNT("/own", "tmpfs", "tmpfs", "context=system_u:object_r:tmp_t:s0"),
	    MNT("/vol", "bind", "volume", "bind")};
	struct hr_rootfs_plan *p;

	c.linux_cfg.mount_label = "system_u:object_r:container_file_t:s0:c1,c2";
	SET_MOUNTS(&c, mounts);
	p = build_ok(&c);
	cr_assert_eq(p->mounts[0].n_params, 0, "proc keeps its own context");
	cr_assert_eq(p->mounts[1].n_params, 2);
	cr_assert_str_eq(p->mounts[1].params[0].key, "size");
	cr_assert_str_eq(p->mounts[1].params[1].key, "context");
	/* fsconfig takes the value whole: no quotes around the commas of the category set */
	cr_assert_str_eq(p->mounts[1].params[1].value,
			 "system_u:object_r:container_file_t:s0:c1,c2");
	cr_assert_eq(p->mounts[2].n_params, 1);
	cr_assert_str_eq(p->mounts[2].params[0].key, "context");
	cr_assert_eq(p->mounts[3].n_params, 1, "an explicit context wins");
	cr_assert_str_eq(p->mounts[3].params[0].value, "system_u:object_r:tmp_t:s0");
	cr_assert_eq(p->mounts[4].n_params, 0, "a bind shows its source's labels");
}

Test(rootfs, plan_idmap_errors)
{
	struct hr_config c = base_config();
	struct hr_mount not_bind[] = {MNT("/t", "tmpfs", "tmpfs", "idmap")};
	struct hr_mount no_mapping[] = {MNT("/a", "bind", "volume", "bind", "idmap")};

	SET_MOUNTS(&c, not_bind);
	build_fails(&c, "mount to /t: only bind mounts can be idmapped");
	SET_MOUNTS(&c, no_mapping);
	build_fails(&c, "mount to /a: idmap without uidMappings and gidMappings takes the user "
			"namespace's mapping, and linux.uidMappings/gidMappings are empty");
}

Test(rootfs, plan_default_devices_only_on_a_tmpfs_dev)
{
	struct hr_config c = base_config();
	struct hr_mount tmpfs_dev[] = {MNT("/dev", "tmpfs", "tmpfs", "nosuid", "mode=755")};
	struct hr_device extra = {.path = "/dev/fuse",
				  .type = 'c',
				  .major = 10,
				  .minor = 229,
				  .has_file_mode = true,
				  .file_mode = 0620,
				  .has_uid = true,
				  .uid = 7,
				  .has_gid = true,
				  .gid = 8};
	static const char *const names[] = {"null", "zero", "full", "tty", "random", "urandom"};
	struct hr_rootfs_plan *p;

	c.linux_cfg.devices = &extra;
	c.linux_cfg.n_devices = 1;
	p = build_ok(&c);
	cr_assert_not(p->dev_is_tmpfs);
	cr_assert_eq(p->n_devices, 1, "only linux.devices without a tmpfs /dev");
	cr_assert_eq(p->n_symlinks, 0);

	SET_MOUNTS(&c, tmpfs_dev);
	p = build_ok(&c);
	cr_assert(p->dev_is_tmpfs);
	cr_assert_eq(p->n_devices, 7);
	for (size_t i = 0; i < 6; i++) {
		cr_assert_str_eq(p->devices[i].path, pathf("dev/%s", names[i]));
		cr_assert_str_eq(p->devices[i].parent, "dev");
		cr_assert_str_eq(p->devices[i].name, names[i]);
		cr_assert_str_eq(p->devices[i].host_path, pathf("/dev/%s", names[i]));
		cr_assert_eq(p->devices[i].type, S_IFCHR);
		cr_assert_eq(p->devices[i].mode, 0666);
		cr_assert_eq(p->devices[i].uid, 0);
	}
	cr_assert_eq(p->devices[0].rdev, makedev(1, 3));
	cr_assert_eq(p->devices[3].rdev, makedev(5, 0));
	cr_assert_str_eq(p->devices[6].path, "dev/fuse");
	cr_assert_eq(p->devices[6].rdev, makedev(10, 229));
	cr_assert_eq(p->devices[6].mode, 0620);
	cr_assert_eq(p->devices[6].uid, 7);
	cr_assert_eq(p->devices[6].gid, 8);
	cr_assert_eq(p->n_symlinks, 5);
	cr_assert_str_eq(p->symlinks[0].name, "fd");
	cr_assert_str_eq(p->symlinks[0].target, "/proc/self/fd");
	cr_assert_str_eq(p->symlinks[4].name, "ptmx");
	cr_assert_str_eq(p->symlinks[4].target, "pts/ptmx");
}

Test(rootfs, plan_config_devices_override_defaults_and_ptmx_is_a_symlink)
{
	struct hr_config c = base_config();
	struct hr_mount tmpfs_dev[] = {MNT0("/dev", "tmpfs", "tmpfs")};
	struct hr_device devs[] = {
	    {.path = "/dev/null",
	     .type = 'c',
	     .major = 1,
	     .minor = 3,
	     .has_file_mode = true,
	     .file_mode = 0600},
	    {.path = "/dev/ptmx", .type = 'c', .major = 5, .minor = 2},
	    {.path = "/dev/fifo", .type = 'p'},
	};
	struct hr_rootfs_plan *p;

	SET_MOUNTS(&c, tmpfs_dev);
	c.linux_cfg.devices = devs;
	c.linux_cfg.n_devices = 3;
	p = build_ok(&c);
	cr_assert_eq(p->n_devices, 7);
	cr_assert_str_eq(p->devices[0].path, "dev/zero");
	cr_assert_str_eq(p->devices[5].path, "dev/null");
	cr_assert_eq(p->devices[5].mode, 0600);
	cr_assert_str_eq(p->devices[6].path, "dev/fifo");
	cr_assert_eq(p->devices[6].type, S_IFIFO);
	cr_assert_eq(p->devices[6].rdev, 0);
}

Test(rootfs, plan_bind_dev_creates_no_device)
{
	struct hr_config c = base_config();
	struct hr_mount bind_dev[] = {MNT("/dev", "bind", "/dev", "rbind")};
	struct hr_device extra = {.path = "/dev/fuse", .type = 'c', .major = 10, .minor = 229};
	struct hr_rootfs_plan *p;

	SET_MOUNTS(&c, bind_dev);
	c.linux_cfg.devices = &extra;
	c.linux_cfg.n_devices = 1;
	p = build_ok(&c);
	cr_assert(p->dev_is_bind);
	cr_assert_not(p->dev_is_tmpfs);
	cr_assert_eq(p->n_devices, 0);
}

Test(rootfs, plan_device_errors)
{
	struct hr_config c = base_config();
	struct hr_device bad_type = {.path = "/dev/x", .type = 'z'};
	struct hr_device bad_major = {.path = "/dev/x", .type = 'b', .major = -1};

	c.linux_cfg.devices = &bad_type;
	c.linux_cfg.n_devices = 1;
	build_fails(&c, "device /dev/x: unknown type 'z'");
	c.linux_cfg.devices = &bad_major;
	build_fails(&c, "device /dev/x: major/minor out of range");
}

Test(rootfs, plan_masked_readonly_and_sysctls)
{
	struct hr_config c = base_config();
	char *masked[] = {"/proc/kcore", "/sys/firmware/", NULL};
	char *ro[] = {"/proc/sys", "/proc//bus", NULL};
	struct hr_kv sysctl[] = {{"net.ipv4.ip_forward", "1"},
				 {"net/ipv4/conf/eth0.100/forwarding", "0"}};
	struct hr_rootfs_plan *p;

	c.linux_cfg.masked_paths = masked;
	c.linux_cfg.n_masked_paths = 2;
	c.linux_cfg.readonly_paths = ro;
	c.linux_cfg.n_readonly_paths = 2;
	c.linux_cfg.sysctl = sysctl;
	c.linux_cfg.n_sysctl = 2;
	p = build_ok(&c);
	cr_assert_eq(p->n_masked_paths, 2);
	cr_assert_str_eq(p->masked_paths[0], "proc/kcore");
	cr_assert_str_eq(p->masked_paths[1], "sys/firmware");
	cr_assert_eq(p->n_readonly_paths, 2);
	cr_assert_str_eq(p->readonly_paths[1], "proc/bus");
	cr_assert_eq(p->n_sysctls, 2);
	cr_assert_str_eq(p->sysctls[0].path, "net/ipv4/ip_forward");
	cr_assert_str_eq(p->sysctls[0].key, "net.ipv4.ip_forward");
	cr_assert_str_eq(p->sysctls[0].value, "1");
	cr_assert_str_eq(p->sysctls[1].path, "net/ipv4/conf/eth0.100/forwarding");

	sysctl[0].key = "kernel/../../etc/passwd";
	build_fails(&c, "sysctl kernel/../../etc/passwd: \"..\" is not allowed");
}

Test(rootfs, paths_clean_relative)
{
	char *out;

	cr_assert_eq(hr_path_clean_relative(&arena, "p", "/a//b/./c/", false, &out, &err), 0);
	cr_assert_str_eq(out, "a/b/c");
	cr_assert_eq(hr_path_clean_relative(&arena, "p", "/./", true, &out, &err), 0);
	cr_assert_str_eq(out, "");
	cr_assert_lt(hr_path_clean_relative(&arena, "p", "/./", false, &out, &err), 0);
	cr_assert_lt(hr_path_clean_relative(&arena, "p", "a/../..", false, &out, &err), 0);
	cr_assert_eq(hr_path_clean_relative(&arena, "p", "/a/..b/...", false, &out, &err), 0);
	cr_assert_str_eq(out, "a/..b/...");
}

/* No root needed: mkdir -p and file creation stay in the root even through hostile links. */
Test(rootfs, paths_mkdir_all_stays_in_root)
{
	char root[PATH_MAX], outside[PATH_MAX];
	int rfd, fd;
	struct stat st;

	snprintf(root, sizeof(root), "%s/rootfs", bundle);
	strcpy(outside, "/tmp/hr-outside-XXXXXX");
	cr_assert_not_null(mkdtemp(outside));
	cr_assert_eq(symlink(outside, pathf("%s/abs", root)), 0);
	cr_assert_eq(symlink(pathf("../../../../../..%s/rel", outside), pathf("%s/rel", root)), 0);
	cr_assert_eq(symlink("loop", pathf("%s/loop", root)), 0);
	rfd = open(root, O_PATH | O_DIRECTORY);
	cr_assert_geq(rfd, 0);

	fd = hr_path_mkdir_all(rfd, "/abs/x/y", 0755, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	close(fd);
	cr_assert_eq(stat(pathf("%s%s/x/y", root, outside), &st), 0, "created inside the root");
	fd = hr_path_mkdir_all(rfd, "rel/z", 0755, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	close(fd);
	cr_assert_eq(stat(pathf("%s%s/rel/z", root, outside), &st), 0);
	fd = hr_path_create_file(rfd, "abs/file", 0644, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	close(fd);
	cr_assert_eq(stat(pathf("%s%s/file", root, outside), &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_lt(hr_path_mkdir_all(rfd, "loop/a", 0755, &err), 0);
	cr_assert_eq(err.errnum, ELOOP, "%s", err.msg);
	write_file(pathf("%s/plain", root), "");
	cr_assert_lt(hr_path_mkdir_all(rfd, "plain/a", 0755, &err), 0);
	cr_assert_eq(err.errnum, ENOTDIR, "%s", err.msg);
	cr_assert_str_eq(err.msg, "create directory plain/a: open plain: Not a directory");

	cr_assert_eq(rmdir(outside), 0, "the outside directory stayed empty");
	close(rfd);
}

/* ---- the child functions, for real (root) ------------------------------------------------ */

#define REPORT_SIZE 8192

struct report {
	char text[REPORT_SIZE];
	size_t len;
};

static void fail(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->text + r->len, sizeof(r->text) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len >= sizeof(r->text) - 2)
		r->len = sizeof(r->text) - 2;
	r->text[r->len++] = '\n';
	r->text[r->len] = '\0';
}

#define CHECK(r, cond, ...)                                                                        \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail(r, __VA_ARGS__);                                                      \
	} while (0)

struct fixture {
	char base[PATH_MAX];
	char rootfs[PATH_MAX];
	char outside[PATH_MAX];	 /* rootfs/evil -> this (absolute) */
	char outside2[PATH_MAX]; /* rootfs/evil2 -> ../../../..this */
};

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	cr_assert(in >= 0 && out >= 0, "copy %s to %s: %s", from, to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

/* A private mount namespace for the whole test, and a small busybox rootfs in /tmp. */
static void fixture_setup(struct fixture *f)
{
	static const char *const dirs[] = {"bin", "proc", "sys", "dev", "tmp", "etc"};

	if (geteuid() != 0)
		cr_assert_fail("needs root: this test mounts inside private mount/pid namespaces");
	cr_assert_eq(unshare(CLONE_NEWNS), 0, "unshare: %s", strerror(errno));
	cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	strcpy(f->base, "/tmp/hr-rootfs-XXXXXX");
	strcpy(f->outside, "/tmp/hr-outside-XXXXXX");
	strcpy(f->outside2, "/tmp/hr-outside2-XXXXXX");
	cr_assert(mkdtemp(f->base) && mkdtemp(f->outside) && mkdtemp(f->outside2));
	registered = malloc(sizeof(*registered));
	cr_assert_not_null(registered);
	memcpy(registered, f, sizeof(*f));
	snprintf(f->rootfs, sizeof(f->rootfs), "%s/rootfs", f->base);
	cr_assert_eq(mkdir(f->rootfs, 0755), 0);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cr_assert_eq(mkdir(pathf("%s/%s", f->rootfs, dirs[i]), 0755), 0);
	copy_file("/bin/busybox", pathf("%s/bin/busybox", f->rootfs), 0755);
	cr_assert_eq(symlink(f->outside, pathf("%s/evil", f->rootfs)), 0);
	cr_assert_eq(symlink(pathf("../../../..%s", f->outside2), pathf("%s/evil2", f->rootfs)), 0);
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = false;
	}
	closedir(d);
	return empty;
}

static unsigned long long mnt_id(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return 0;
	return stx.stx_mnt_id;
}

static bool is_mountpoint(const char *path)
{
	unsigned long long id = mnt_id(path);

	return id != 0 && id != mnt_id(pathf("%s/..", path));
}

/* From the host's side of the namespace: nothing landed in the outside directories. */
static void check_outside_untouched(struct report *r, const struct fixture *f)
{
	CHECK(r, dir_is_empty(f->outside), "%s is not empty", f->outside);
	CHECK(r, dir_is_empty(f->outside2), "%s is not empty", f->outside2);
	CHECK(r, mnt_id(f->outside) == mnt_id("/tmp"), "%s became a mount point", f->outside);
	CHECK(r, mnt_id(f->outside2) == mnt_id("/tmp"), "%s became a mount point", f->outside2);
}

static void fixture_cleanup(const struct fixture *f)
{
	umount2(pathf("%s/vol/sub", f->base), MNT_DETACH);
	hrt_rm_tree(f->base);
	rmdir(f->outside);
	rmdir(f->outside2);
}

typedef void (*container_fn)(const struct hr_rootfs_plan *plan, const struct fixture *f,
			     struct report *r);

static void run_child(const struct hr_rootfs_plan *plan, const struct fixture *f, container_fn fn,
		      int out)
{
	struct report r = {.len = 0};

	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWCGROUP) < 0)
		fail(&r, "unshare: %s", strerror(errno));
	else
		fn(plan, f, &r);
	if (write(out, r.text, r.len) < 0)
		_exit(3);
	_exit(0);
}

/*
 * Runs fn as pid 1 of new pid, mount, UTS (the sysctl test writes kernel.domainname) and
 * cgroup namespaces and returns what it reported: empty means every check passed. An
 * intermediate process unshares the pid namespace, so that the test process itself keeps
 * being able to create threads (LeakSanitizer needs one at exit).
 */
static void run_container(const struct hr_rootfs_plan *plan, const struct fixture *f,
			  container_fn fn, struct report *out)
{
	int pipefd[2], status;
	pid_t pid;
	ssize_t n;

	cr_assert_eq(pipe(pipefd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		pid_t child;

		close(pipefd[0]);
		if (unshare(CLONE_NEWPID) < 0)
			_exit(4);
		child = fork();
		if (child == 0)
			run_child(plan, f, fn, pipefd[1]);
		if (child < 0 || waitpid(child, &status, 0) != child)
			_exit(5);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 6);
	}
	close(pipefd[1]);
	memset(out, 0, sizeof(*out));
	while ((n = read(pipefd[0], out->text + out->len, sizeof(out->text) - 1 - out->len)) > 0)
		out->len += (size_t)n;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail(out, "the container process exited with status %d", status);
}

static bool step(struct report *r, const char *what, int ret, const struct hr_err *e)
{
	if (ret < 0)
		fail(r, "%s failed: %s", what, e->msg);
	return ret >= 0;
}

static long fs_type(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 ? (long)sfs.f_type : -1;
}

static int create_errno(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static bool reads_empty(const char *path)
{
	char buf[16];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == 0;
}

static void check_devices(struct report *r)
{
	struct stat st;
	char link[64];
	ssize_t n;

	CHECK(r,
	      stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) &&
		  (st.st_mode & 07777) == 0666,
	      "/dev/null is not a 0666 char device 1:3");
	CHECK(r, stat("/dev/urandom", &st) == 0 && st.st_rdev == makedev(1, 9), "/dev/urandom");
	CHECK(r, stat("/dev/tty", &st) == 0 && st.st_rdev == makedev(5, 0), "/dev/tty");
	n = readlink("/dev/fd", link, sizeof(link) - 1);
	CHECK(r, n > 0 && (link[n] = '\0', strcmp(link, "/proc/self/fd") == 0), "/dev/fd link");
	n = readlink("/dev/ptmx", link, sizeof(link) - 1);
	CHECK(r, n > 0 && (link[n] = '\0', strcmp(link, "pts/ptmx") == 0), "/dev/ptmx link");
	CHECK(r, fs_type("/dev/pts") == DEVPTS_SUPER_MAGIC, "/dev/pts is not a devpts");
	CHECK(r, stat("/dev/pts/ptmx", &st) == 0 && S_ISCHR(st.st_mode), "/dev/pts/ptmx missing");
	CHECK(r, create_errno("/dev/newfile") == EROFS, "a ro /dev tmpfs is writable");
}

static void check_proc_and_sys(struct report *r)
{
	static const char *const masked[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list",
					     "/proc/sched_debug", "/proc/latency_stats"};
	struct statvfs sv;
	unsigned long want = ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC;
	char buf[64] = {0};
	int fd;

	CHECK(r, getpid() == 1, "not pid 1 of the new pid namespace");
	CHECK(r, fs_type("/proc") == PROC_SUPER_MAGIC, "/proc is not a procfs");
	CHECK(r, fs_type("/sys") == SYSFS_MAGIC, "/sys is not a sysfs");
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		if (access(masked[i], F_OK) == 0)
			CHECK(r, reads_empty(masked[i]), "masked %s is readable", masked[i]);
	}
	if (access("/proc/acpi", F_OK) == 0)
		CHECK(r, fs_type("/proc/acpi") == TMPFS_MAGIC && dir_is_empty("/proc/acpi"),
		      "/proc/acpi is not masked by an empty tmpfs");
	CHECK(r,
	      fs_type("/sys/firmware") == TMPFS_MAGIC && dir_is_empty("/sys/firmware") &&
		  create_errno("/sys/firmware/x") == EROFS,
	      "/sys/firmware is not masked by an empty read-only tmpfs");
	CHECK(r, statvfs("/proc/sys", &sv) == 0 && (sv.f_flag & want) == want,
	      "/proc/sys is not ro,nosuid,nodev,noexec");
	fd = open("/proc/sys/kernel/domainname", O_RDWR);
	CHECK(r, fd < 0 && errno == EROFS, "/proc/sys/kernel/domainname opens for writing");
	fd = open("/proc/sys/kernel/domainname", O_RDONLY);
	CHECK(r, fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && strcmp(buf, "hrtest\n") == 0,
	      "sysctl kernel.domainname was not written: \"%s\"", buf);
	if (fd >= 0)
		close(fd);
	CHECK(r,
	      fs_type("/sys/fs/cgroup") == CGROUP2_SUPER_MAGIC ||
		  fs_type("/sys/fs/cgroup") == TMPFS_MAGIC,
	      "/sys/fs/cgroup is neither cgroup2 nor the tmpfs fallback");
	CHECK(r, statvfs("/sys/fs/cgroup", &sv) == 0 && (sv.f_flag & ST_RDONLY),
	      "/sys/fs/cgroup is writable");
}

static void check_busybox_runs(struct report *r)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/busybox", "busybox", "true", (char *)NULL);
		_exit(127);
	}
	CHECK(r,
	      pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0,
	      "/bin/busybox true did not run: %d", status);
}

/* A pty pair from /dev/ptmx; returns the slave. */
static int open_pty_slave(struct report *r)
{
	char name[64];
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY), slave = -1;

	if (master >= 0 && unlockpt(master) == 0 && ptsname_r(master, name, sizeof(name)) == 0)
		slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		fail(r, "open a pty: %s", strerror(errno));
	return slave;
}

static void full_container(const struct hr_rootfs_plan *plan, const struct fixture *f,
			   struct report *r)
{
	struct hr_err e;
	struct stat pty, console;
	int slave;

	if (!step(r, "prepare", hr_rootfs_prepare(plan, &e), &e))
		return;
	check_outside_untouched(r, f);
	CHECK(r, is_mountpoint(pathf("%s%s", f->rootfs, f->outside)),
	      "the mount on /evil did not land on rootfs%s", f->outside);
	CHECK(r, is_mountpoint(pathf("%s%s", f->rootfs, f->outside2)),
	      "the mount on /evil2 did not land on rootfs%s", f->outside2);
	if (!step(r, "pivot", hr_rootfs_pivot(plan, false, &e), &e))
		return;
	/* the pty comes from the container's own devpts, as in hardrun's init */
	slave = open_pty_slave(r);
	if (slave < 0 || fstat(slave, &pty) < 0 ||
	    !step(r, "bind console", hr_rootfs_bind_console(plan, slave, &e), &e) ||
	    !step(r, "finalize", hr_rootfs_finalize(plan, &e), &e))
		return;
	CHECK(r, is_mountpoint(f->outside) && fs_type(f->outside) == TMPFS_MAGIC,
	      "%s is not the tmpfs mounted inside", f->outside);
	CHECK(r, create_errno("/newfile") == EROFS, "the root is writable");
	CHECK(r, create_errno("/tmp/newfile") == 0, "/tmp is not writable");
	CHECK(r, fs_type("/tmp") == TMPFS_MAGIC, "/tmp is not a tmpfs");
	CHECK(r, access("/vol/hello", F_OK) == 0, "/vol/hello is missing");
	CHECK(r, create_errno("/vol/newfile") == EROFS, "the ro bind /vol is writable");
	CHECK(r, access("/vol/sub/inner", F_OK) == 0, "the rbind did not bring /vol/sub");
	CHECK(r, create_errno("/vol/sub/newfile") == EROFS, "the ro rbind /vol/sub is writable");
	CHECK(r, access("/etc/hostfile", F_OK) == 0, "the file bind /etc/hostfile is missing");
	CHECK(r,
	      stat("/dev/console", &console) == 0 && S_ISCHR(console.st_mode) &&
		  console.st_rdev == pty.st_rdev,
	      "/dev/console is not the pty slave");
	check_devices(r);
	check_proc_and_sys(r);
	check_busybox_runs(r);
}

Test(rootfs, root_full_container_stays_inside, .timeout = 60)
{
	struct fixture f;
	struct report rep;
	struct hr_rootfs_plan *p;
	struct hr_mount mounts[] = {
	    MNT("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
	    MNT("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k", "ro"),
	    MNT("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
		"mode=0620"),
	    MNT("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777",
		"size=65536k"),
	    MNT("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
	    MNT("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime",
		"ro"),
	    MNT("/tmp", "tmpfs", "tmpfs", "mode=1777", "size=64m", "nosuid", "nodev"),
	    MNT("/evil", "tmpfs", "tmpfs", "size=1m"),
	    MNT("/evil2", "tmpfs", "tmpfs", "size=1m"),
	    MNT("/vol", "bind", "vol", "rbind", "ro", "rprivate"),
	    MNT("/etc/hostfile", NULL, "hostfile", "bind", "ro"),
	};
	char *masked[] = {"/proc/acpi",		 "/proc/kcore",	     "/proc/keys",
			  "/proc/latency_stats", "/proc/timer_list", "/proc/sched_debug",
			  "/proc/scsi",		 "/sys/firmware",    "/proc/does-not-exist"};
	char *ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
	struct hr_kv sysctl[] = {{"kernel.domainname", "hrtest"}};
	struct hr_config c = {.root_path = "rootfs",
			      .root_readonly = true,
			      .has_linux = true,
			      .linux_cfg = OWN_MOUNT_NS};

	fixture_setup(&f);
	cr_assert_eq(mkdir(pathf("%s/vol", f.base), 0755), 0);
	write_file(pathf("%s/vol/hello", f.base), "hi");
	write_file(pathf("%s/hostfile", f.base), "file");
	cr_assert_eq(mkdir(pathf("%s/vol/sub", f.base), 0755), 0);
	cr_assert_eq(mount("tmpfs", pathf("%s/vol/sub", f.base), "tmpfs", 0, "size=1m"), 0);
	write_file(pathf("%s/vol/sub/inner", f.base), "inner");
	SET_MOUNTS(&c, mounts);
	c.linux_cfg.masked_paths = masked;
	c.linux_cfg.n_masked_paths = sizeof(masked) / sizeof(masked[0]);
	c.linux_cfg.readonly_paths = ro;
	c.linux_cfg.n_readonly_paths = sizeof(ro) / sizeof(ro[0]);
	c.linux_cfg.sysctl = sysctl;
	c.linux_cfg.n_sysctl = 1;
	cr_assert_eq(hr_rootfs_plan_build(&c, f.base, &arena, &p, &err), 0, "%s", err.msg);

	run_container(p, &f, full_container, &rep);
	{
		struct report host = {.len = 0};

		check_outside_untouched(&host, &f);
		fixture_cleanup(&f);
		cr_expect_str_empty(host.text, "seen from the test's namespace:\n%s", host.text);
	}
	cr_assert_str_empty(rep.text, "from inside the container:\n%s", rep.text);
}

static void expect_prepare_error(const struct hr_rootfs_plan *plan, const struct fixture *f,
				 struct report *r)
{
	struct hr_err e;

	if (hr_rootfs_prepare(plan, &e) == 0) {
		fail(r, "prepare succeeded");
		return;
	}
	fail(r, "%d %s", e.errnum, e.msg);
	check_outside_untouched(r, f);
}

/* CVE-2019-19921 / CVE-2023-27561 class: /proc is a symlink to a directory on the host. */
Test(rootfs, root_proc_on_a_symlink_is_refused, .timeout = 60)
{
	struct fixture f;
	struct report rep;
	struct hr_rootfs_plan *p;
	struct hr_mount mounts[] = {MNT("/proc", "proc", "proc", "nosuid")};
	struct hr_config c = {.root_path = "rootfs", .has_linux = true, .linux_cfg = OWN_MOUNT_NS};

	fixture_setup(&f);
	cr_assert_eq(rmdir(pathf("%s/proc", f.rootfs)), 0);
	cr_assert_eq(symlink(f.outside, pathf("%s/proc", f.rootfs)), 0);
	SET_MOUNTS(&c, mounts);
	cr_assert_eq(hr_rootfs_plan_build(&c, f.base, &arena, &p, &err), 0, "%s", err.msg);
	run_container(p, &f, expect_prepare_error, &rep);
	fixture_cleanup(&f);
	cr_assert_str_eq(rep.text,
			 "40 mount proc to /proc in rootfs: the destination is or passes through a "
			 "symlink: proc must be mounted on a real directory: Too many levels of "
			 "symbolic links\n");
}

Test(rootfs, root_sysfs_through_a_symlinked_parent_is_refused, .timeout = 60)
{
	struct fixture f;
	struct report rep;
	struct hr_rootfs_plan *p;
	struct hr_mount mounts[] = {MNT("/evil/sys", "sysfs", "sysfs", "ro")};
	struct hr_config c = {.root_path = "rootfs", .has_linux = true, .linux_cfg = OWN_MOUNT_NS};

	fixture_setup(&f);
	SET_MOUNTS(&c, mounts);
	cr_assert_eq(hr_rootfs_plan_build(&c, f.base, &arena, &p, &err), 0, "%s", err.msg);
	run_container(p, &f, expect_prepare_error, &rep);
	fixture_cleanup(&f);
	cr_assert(strstr(rep.text, "mount sysfs to /evil/sys in rootfs: the destination is or "
				   "passes through a symlink") != NULL,
		  "%s", rep.text);
	cr_assert(strchr(rep.text, '\n') == rep.text + strlen(rep.text) - 1, "%s", rep.text);
}

static void expect_finalize_error(const struct hr_rootfs_plan *plan, const struct fixture *f,
				  struct report *r)
{
	struct hr_err e;

	(void)f;
	if (!step(r, "prepare", hr_rootfs_prepare(plan, &e), &e) ||
	    !step(r, "pivot", hr_rootfs_pivot(plan, false, &e), &e))
		return;
	if (hr_rootfs_finalize(plan, &e) == 0)
		fail(r, "finalize succeeded");
	else
		fail(r, "%s", e.msg);
}

/* CVE-2025-31133 class: the rootfs's /dev/null is a symlink (or not a device at all). */
static void bad_dev_null(bool as_symlink)
{
	struct fixture f;
	struct report rep;
	struct hr_rootfs_plan *p;
	struct hr_mount mounts[] = {MNT("/proc", "proc", "proc", "nosuid")};
	char *masked[] = {"/proc/self/stat"};
	struct hr_config c = {.root_path = "rootfs", .has_linux = true, .linux_cfg = OWN_MOUNT_NS};
	const char *want = as_symlink
			       ? "mask /proc/self/stat: /dev/null in the container is a symlink: "
				 "Too many levels of symbolic links\n"
			       : "mask /proc/self/stat: /dev/null in the container is not the null "
				 "device: Invalid argument\n";

	fixture_setup(&f);
	if (as_symlink)
		cr_assert_eq(
		    symlink("/proc/sys/kernel/core_pattern", pathf("%s/dev/null", f.rootfs)), 0);
	else
		write_file(pathf("%s/dev/null", f.rootfs), "");
	SET_MOUNTS(&c, mounts);
	c.linux_cfg.masked_paths = masked;
	c.linux_cfg.n_masked_paths = 1;
	cr_assert_eq(hr_rootfs_plan_build(&c, f.base, &arena, &p, &err), 0, "%s", err.msg);
	run_container(p, &f, expect_finalize_error, &rep);
	fixture_cleanup(&f);
	cr_assert_str_eq(rep.text, want);
}

Test(rootfs, root_dev_null_symlink_is_refused_for_masking, .timeout = 60)
{
	bad_dev_null(true);
}

Test(rootfs, root_dev_null_regular_file_is_refused_for_masking, .timeout = 60)
{
	bad_dev_null(false);
}

static void small_container(const struct hr_rootfs_plan *plan, const struct fixture *f,
			    struct report *r, bool no_pivot)
{
	struct hr_err e;

	if (!step(r, "prepare", hr_rootfs_prepare(plan, &e), &e))
		return;
	check_outside_untouched(r, f);
	if (!step(r, "pivot", hr_rootfs_pivot(plan, no_pivot, &e), &e) ||
	    !step(r, "finalize", hr_rootfs_finalize(plan, &e), &e))
		return;
	CHECK(r, access("/bin/busybox", X_OK) == 0, "not in the rootfs");
	CHECK(r, fs_type("/proc") == PROC_SUPER_MAGIC, "/proc is not a procfs");
	CHECK(r, create_errno("/newfile") == EROFS, "the root is writable");
	CHECK(r, create_errno("/tmp/newfile") == 0, "/tmp is not writable");
	check_busybox_runs(r);
}

static void pivot_container(const struct hr_rootfs_plan *plan, const struct fixture *f,
			    struct report *r)
{
	small_container(plan, f, r, false);
}

static void no_pivot_container(const struct hr_rootfs_plan *plan, const struct fixture *f,
			       struct report *r)
{
	small_container(plan, f, r, true);
}

static void run_small(unsigned long propagation, container_fn fn)
{
	struct fixture f;
	struct report rep;
	struct hr_rootfs_plan *p;
	struct hr_mount mounts[] = {
	    MNT("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
	    MNT("/tmp", "tmpfs", "tmpfs", "mode=1777"),
	};
	struct hr_config c = {.root_path = "rootfs",
			      .root_readonly = true,
			      .has_linux = true,
			      .linux_cfg = OWN_MOUNT_NS};

	fixture_setup(&f);
	SET_MOUNTS(&c, mounts);
	c.linux_cfg.rootfs_propagation = propagation;
	cr_assert_eq(hr_rootfs_plan_build(&c, f.base, &arena, &p, &err), 0, "%s", err.msg);
	run_container(p, &f, fn, &rep);
	fixture_cleanup(&f);
	cr_assert_str_empty(rep.text, "%s", rep.text);
}

Test(rootfs, root_no_pivot_moves_and_chroots, .timeout = 60)
{
	run_small(0, no_pivot_container);
}

Test(rootfs, root_shared_root_propagation_still_pivots, .timeout = 60)
{
	run_small(MS_SHARED, pivot_container);
}

Test(rootfs, root_slave_root_propagation, .timeout = 60)
{
	run_small(MS_SLAVE, pivot_container);
}

static void run_prepare_error(struct hr_mount *mounts, size_t n, const char *link,
			      const char *link_target, struct report *rep)
{
	struct fixture f;
	struct hr_rootfs_plan *p;
	struct hr_config c = {.root_path = "rootfs", .has_linux = true, .linux_cfg = OWN_MOUNT_NS};

	fixture_setup(&f);
	if (link != NULL)
		cr_assert_eq(symlink(link_target, pathf("%s/%s", f.rootfs, link)), 0);
	c.mounts = mounts;
	c.n_mounts = n;
	cr_assert_eq(hr_rootfs_plan_build(&c, f.base, &arena, &p, &err), 0, "%s", err.msg);
	run_container(p, &f, expect_prepare_error, rep);
	fixture_cleanup(&f);
}

/* The lexical check cannot see it: a symlink in the rootfs leads a bind into /proc. */
Test(rootfs, root_mount_redirected_into_proc_is_refused, .timeout = 60)
{
	struct report rep;
	struct hr_mount mounts[] = {
	    MNT("/proc", "proc", "proc", "nosuid"),
	    MNT("/etc/sys", "tmpfs", "tmpfs", "size=1m"),
	};

	run_prepare_error(mounts, 2, "etc/sys", "/proc/sys", &rep);
	cr_assert_str_eq(rep.text, "1 mount tmpfs to /etc/sys in rootfs: the destination resolves "
				   "into a procfs: Operation not permitted\n");
}

Test(rootfs, root_error_names_mount_operation_and_cause, .timeout = 60)
{
	struct report rep;
	struct hr_mount mounts[] = {MNT("/tmp", "tmpfs", "tmpfs", "mode=banana", "nosuid")};
	const char *want = "22 mount tmpfs to /tmp in rootfs: set option mode";

	run_prepare_error(mounts, 1, NULL, NULL, &rep);
	cr_assert(strncmp(rep.text, want, strlen(want)) == 0, "%s", rep.text);
	cr_assert(strstr(rep.text, "banana") == NULL, "the value is echoed: %s", rep.text);
	cr_assert(strstr(rep.text, ": Invalid argument\n") != NULL, "%s", rep.text);
}

Test(rootfs, root_missing_bind_source, .timeout = 60)
{
	struct report rep;
	struct hr_mount mounts[] = {MNT("/data", "bind", "no-such-dir", "rbind")};

	run_prepare_error(mounts, 1, NULL, NULL, &rep);
	cr_assert(strstr(rep.text, "2 bind mount /tmp/hr-rootfs-") == rep.text, "%s", rep.text);
	cr_assert(strstr(rep.text, "/no-such-dir to /data in rootfs: open_tree: No such file or "
				   "directory\n") != NULL,
		  "%s", rep.text);
}

static bool write_proc(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A user namespace (root mapped to itself) owning a new mount namespace: mknod is refused
 * and so is cgroup2 without a cgroup namespace, so both fallbacks run. */
static void userns_container(const struct hr_rootfs_plan *plan, const struct fixture *f,
			     struct report *r)
{
	struct hr_err e;
	struct stat st;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0 ||
	    !write_proc("/proc/self/uid_map", "0 0 1") ||
	    !write_proc("/proc/self/setgroups", "deny") ||
	    !write_proc("/proc/self/gid_map", "0 0 1")) {
		fail(r, "enter a user namespace: %s", strerror(errno));
		return;
	}
	if (!step(r, "prepare", hr_rootfs_prepare(plan, &e), &e))
		return;
	check_outside_untouched(r, f);
	if (!step(r, "pivot", hr_rootfs_pivot(plan, false, &e), &e) ||
	    !step(r, "finalize", hr_rootfs_finalize(plan, &e), &e))
		return;
	CHECK(r, stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	      "/dev/null is not the host's node bound in");
	CHECK(r, create_errno("/dev/null") == 0, "/dev/null is not writable");
	CHECK(r, stat("/dev/zero", &st) == 0 && st.st_rdev == makedev(1, 5), "/dev/zero");
	CHECK(r,
	      fs_type("/sys/fs/cgroup") == CGROUP2_SUPER_MAGIC ||
		  (fs_type("/sys/fs/cgroup") == TMPFS_MAGIC && dir_is_empty("/sys/fs/cgroup")),
	      "/sys/fs/cgroup is neither the host's cgroup2 nor an empty tmpfs");
	CHECK(r, create_errno("/sys/fs/cgroup/x") == EROFS, "/sys/fs/cgroup is writable");
	CHECK(r, create_errno("/newfile") == EROFS, "the root is writable");
	CHECK(r, create_errno("/tmp/newfile") == 0, "/tmp is not writable");
}

Test(rootfs, root_user_namespace_fallbacks, .timeout = 60)
{
	struct fixture f;
	struct report rep;
	struct hr_rootfs_plan *p;
	struct hr_mount mounts[] = {
	    MNT("/dev", "tmpfs", "tmpfs", "nosuid", "mode=755"),
	    MNT("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "ro"),
	    MNT("/tmp", "tmpfs", "tmpfs", "mode=1777"),
	};
	struct hr_config c = {.root_path = "rootfs",
			      .root_readonly = true,
			      .has_linux = true,
			      .linux_cfg = OWN_MOUNT_NS};

	fixture_setup(&f);
	SET_MOUNTS(&c, mounts);
	cr_assert_eq(hr_rootfs_plan_build(&c, f.base, &arena, &p, &err), 0, "%s", err.msg);
	run_container(p, &f, userns_container, &rep);
	fixture_cleanup(&f);
	cr_assert_str_empty(rep.text, "%s", rep.text);
}

Test(rootfs, root_unbindable_root_propagation, .timeout = 60)
{
	run_small(MS_UNBINDABLE, pivot_container);
}
