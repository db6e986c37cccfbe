/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "libcontainer/mountopts.h"

#define OPTS(...) ((char *[]){__VA_ARGS__}), (sizeof((char *[]){__VA_ARGS__}) / sizeof(char *))

static struct hr_arena arena;
static struct hr_mountopts mo;
static struct hr_err err;

static void teardown(void)
{
	hr_arena_free(&arena);
}

TestSuite(mountopts, .fini = teardown);

Test(mountopts, table_is_sorted_and_listed)
{
	size_t n = hr_mount_option_count();

	cr_assert_gt(n, 50);
	for (size_t i = 1; i < n; i++)
		cr_assert_lt(strcmp(hr_mount_option_name(i - 1), hr_mount_option_name(i)), 0,
			     "%s before %s", hr_mount_option_name(i - 1), hr_mount_option_name(i));
	cr_assert_null(hr_mount_option_name(n));
	cr_assert_null(hr_mount_option_at(n));
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(hr_mountopt_lookup(hr_mount_option_name(i)), hr_mount_option_at(i));
}

Test(mountopts, every_documented_option_is_known)
{
	static const char *const names[] = {
	    "defaults",	  "ro",	      "rw",	    "nosuid",	   "suid",	    "nodev",
	    "dev",	  "noexec",   "exec",	    "sync",	   "async",	    "dirsync",
	    "remount",	  "mand",     "nomand",	    "atime",	   "noatime",	    "diratime",
	    "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime", "lazytime",
	    "nolazytime", "bind",     "rbind",	    "private",	   "rprivate",	    "shared",
	    "rshared",	  "slave",    "rslave",	    "unbindable",  "runbindable",   "nosymfollow",
	    "silent",	  "loud",     "iversion",   "noiversion",  "idmap",	    "ridmap",
	    "tmpcopyup",  "rro",      "rrw",	    "rnosuid",	   "rnoexec",	    "notmpcopyup",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert_not_null(hr_mountopt_lookup(names[i]), "%s", names[i]);
	cr_assert_null(hr_mountopt_lookup("mode=755"));
	cr_assert_null(hr_mountopt_lookup("size"));
}

Test(mountopts, tmpfs_flags_and_data)
{
	cr_assert_eq(
	    hr_mountopts_parse(OPTS("mode=1777", "size=64m", "nosuid", "nodev", "newinstance"),
			       &arena, &mo, &err),
	    0, "%s", err.msg);
	cr_assert_eq(mo.flags, MS_NOSUID | MS_NODEV);
	cr_assert_eq(mo.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	cr_assert_eq(mo.attr_clr, 0);
	cr_assert_str_eq(mo.data, "mode=1777,size=64m,newinstance");
	cr_assert_eq(mo.n_params, 3);
	cr_assert_str_eq(mo.params[0].key, "mode");
	cr_assert_str_eq(mo.params[0].value, "1777");
	cr_assert_str_eq(mo.params[1].key, "size");
	cr_assert_str_eq(mo.params[1].value, "64m");
	cr_assert_str_eq(mo.params[2].key, "newinstance");
	cr_assert_null(mo.params[2].value);
	cr_assert_not(mo.bind);
	cr_assert_eq(mo.propagation, 0);
}

Test(mountopts, no_data_gives_null)
{
	cr_assert_eq(hr_mountopts_parse(OPTS("ro", "noexec"), &arena, &mo, &err), 0);
	cr_assert_null(mo.data);
	cr_assert_eq(mo.n_params, 0);
	cr_assert_eq(mo.flags, MS_RDONLY | MS_NOEXEC);
}

Test(mountopts, later_options_win)
{
	cr_assert_eq(hr_mountopts_parse(OPTS("ro", "nosuid", "rw", "suid"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.flags & (MS_RDONLY | MS_NOSUID), 0);
	cr_assert_eq(mo.cleared, MS_RDONLY | MS_NOSUID);
	cr_assert_eq(mo.attr_set, 0);
	cr_assert_eq(mo.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);

	cr_assert_eq(hr_mountopts_parse(OPTS("rw", "ro"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.flags, MS_RDONLY);
	cr_assert_eq(mo.cleared, 0);
	cr_assert_eq(mo.attr_set, MOUNT_ATTR_RDONLY);
	cr_assert_eq(mo.attr_clr, 0);
}

Test(mountopts, atime_is_one_field)
{
	cr_assert_eq(hr_mountopts_parse(OPTS("noatime"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.attr_set, MOUNT_ATTR_NOATIME);
	cr_assert_eq(mo.attr_clr, MOUNT_ATTR__ATIME);
	cr_assert_eq(hr_mountopts_parse(OPTS("noatime", "strictatime"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.attr_set, MOUNT_ATTR_STRICTATIME);
	cr_assert_eq(mo.attr_clr, MOUNT_ATTR__ATIME);
	cr_assert_eq(mo.flags, MS_NOATIME | MS_STRICTATIME);
	cr_assert_eq(hr_mountopts_parse(OPTS("nodiratime", "relatime"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.attr_set, MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_RELATIME);
	cr_assert_eq(mo.attr_clr, MOUNT_ATTR__ATIME);
}

Test(mountopts, bind_and_propagation)
{
	cr_assert_eq(hr_mountopts_parse(OPTS("rbind", "rprivate", "ro"), &arena, &mo, &err), 0);
	cr_assert(mo.bind);
	cr_assert(mo.recursive);
	cr_assert_eq(mo.flags, MS_BIND | MS_REC | MS_RDONLY);
	cr_assert_eq(mo.propagation, MS_PRIVATE | MS_REC);
	cr_assert_eq(mo.attr_set, MOUNT_ATTR_RDONLY);

	cr_assert_eq(hr_mountopts_parse(OPTS("bind", "slave"), &arena, &mo, &err), 0);
	cr_assert(mo.bind);
	cr_assert_not(mo.recursive);
	cr_assert_eq(mo.propagation, MS_SLAVE);
	cr_assert_eq(hr_mountopts_parse(OPTS("shared", "runbindable"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.propagation, MS_UNBINDABLE | MS_REC);
}

Test(mountopts, recursive_attributes)
{
	cr_assert_eq(hr_mountopts_parse(OPTS("rro", "rnosuid", "rnoatime"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.rec_attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME);
	cr_assert_eq(mo.rec_attr_clr, MOUNT_ATTR__ATIME);
	cr_assert_eq(mo.attr_set, 0);
	cr_assert_eq(hr_mountopts_parse(OPTS("rro", "rrw"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.rec_attr_set, 0);
	cr_assert_eq(mo.rec_attr_clr, MOUNT_ATTR_RDONLY);
}

Test(mountopts, superblock_flags_become_fsconfig_flags)
{
	cr_assert_eq(
	    hr_mountopts_parse(OPTS("size=1m", "sync", "dirsync", "lazytime"), &arena, &mo, &err),
	    0);
	cr_assert_eq(mo.flags, MS_SYNCHRONOUS | MS_DIRSYNC | MS_LAZYTIME);
	cr_assert_str_eq(mo.data, "size=1m");
	cr_assert_eq(mo.n_params, 4);
	cr_assert_str_eq(mo.params[1].key, "dirsync");
	cr_assert_null(mo.params[1].value);
	cr_assert_str_eq(mo.params[2].key, "lazytime");
	cr_assert_str_eq(mo.params[3].key, "sync");
	cr_assert_eq(hr_mountopts_parse(OPTS("sync", "async"), &arena, &mo, &err), 0);
	cr_assert_eq(mo.n_params, 0);
}

Test(mountopts, idmap_and_ridmap)
{
	cr_assert_eq(hr_mountopts_parse(OPTS("rbind", "idmap"), &arena, &mo, &err), 0, "%s",
		     err.msg);
	cr_assert(mo.idmap && !mo.idmap_recursive && mo.recursive);
	cr_assert_eq(mo.n_params, 0, "idmap became data");
	cr_assert_eq(hr_mountopts_parse(OPTS("ridmap"), &arena, &mo, &err), 0, "%s", err.msg);
	cr_assert(mo.idmap && mo.idmap_recursive);
	cr_assert_lt(hr_mountopts_parse(OPTS("rw", "idmap=uids=0-1000-10"), &arena, &mo, &err), 0);
	cr_assert_eq(err.errnum, EINVAL);
	cr_assert(strstr(err.msg, "mount option idmap=uids=0-1000-10: idmap takes no value") ==
		      err.msg,
		  "%s", err.msg);
}

Test(mountopts, tmpcopyup_is_accepted_and_notmpcopyup_turns_it_off)
{
	const struct hr_mountopt *o = hr_mountopt_lookup("tmpcopyup");

	cr_assert_not_null(o);
	cr_assert_neq(o->kind, HR_MOUNTOPT_REFUSED);
	cr_assert_eq(hr_mountopts_parse(OPTS("size=1m", "tmpcopyup", "nosuid"), &arena, &mo, &err),
		     0, "%s", err.msg);
	cr_assert(mo.tmpcopyup);
	/* an option of hardrun, never data for the filesystem */
	cr_assert_str_eq(mo.data, "size=1m");
	cr_assert_eq(mo.n_params, 1);
	cr_assert_eq(mo.flags, MS_NOSUID);

	cr_assert_eq(hr_mountopts_parse(OPTS("tmpcopyup", "notmpcopyup"), &arena, &mo, &err), 0);
	cr_assert_not(mo.tmpcopyup, "the later notmpcopyup wins");
	cr_assert_null(mo.data);
	cr_assert_eq(mo.n_params, 0);
	cr_assert_eq(hr_mountopts_parse(OPTS("notmpcopyup", "tmpcopyup"), &arena, &mo, &err), 0);
	cr_assert(mo.tmpcopyup, "the later tmpcopyup wins");
	cr_assert_eq(hr_mountopts_parse(OPTS("notmpcopyup"), &arena, &mo, &err), 0);
	cr_assert_not(mo.tmpcopyup);
	cr_assert_null(mo.data, "notmpcopyup is not passed to the filesystem");
	cr_assert_eq(hr_mountopts_parse(OPTS("size=1m"), &arena, &mo, &err), 0);
	cr_assert_not(mo.tmpcopyup, "off unless asked for");
}

Test(mountopts, userspace_and_empty_options_are_dropped)
{
	cr_assert_eq(
	    hr_mountopts_parse(OPTS("x-systemd.automount", "", "nodev"), &arena, &mo, &err), 0);
	cr_assert_null(mo.data);
	cr_assert_eq(mo.flags, MS_NODEV);
}

Test(mountopts, empty_key_is_refused_without_the_value)
{
	cr_assert_lt(hr_mountopts_parse(OPTS("nodev", "=secret"), &arena, &mo, &err), 0);
	cr_assert_null(strstr(err.msg, "secret"), "%s", err.msg);
	cr_assert_str_eq(err.msg, "mount option 1: empty option name: Invalid argument");
}
