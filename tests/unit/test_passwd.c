/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hr_passwd_home: HOME from a container's /etc/passwd, read in-root without allocating. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/passwd.h"

static char dir[] = "/tmp/hr-passwd-XXXXXX";
static int root = -1;

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(mkdir(strcat(strcpy((char[PATH_MAX]){0}, dir), "/etc"), 0755), 0);
	root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(root, 0);
}

static void teardown(void)
{
	close(root);
	hrt_rm_tree(dir);
	strcpy(dir, "/tmp/hr-passwd-XXXXXX");
}

static void write_passwd(const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/passwd", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static int lookup(uid_t uid, char *home, size_t size)
{
	struct hr_err err = {0};
	int r = hr_passwd_home(root, "/etc/passwd", uid, home, size, &err);

	cr_assert_geq(r, 0, "%s", err.msg);
	return r;
}

TestSuite(passwd, .init = setup, .fini = teardown);

Test(passwd, finds_the_uid_and_only_it)
{
	char home[64];

	write_passwd("root:x:0:0:root:/root:/bin/sh\n"
		     "# a comment:x:1001\n"
		     "app:x:10010:1001::/home/app10010:/bin/sh\n"
		     "app:x:1001:1001:App,,,:/home/app:/bin/sh\n");
	cr_assert_eq(lookup(1001, home, sizeof(home)), 1);
	cr_assert_str_eq(home, "/home/app");
	cr_assert_eq(lookup(0, home, sizeof(home)), 1);
	cr_assert_str_eq(home, "/root");
	cr_assert_eq(lookup(4242, home, sizeof(home)), 0);
}

Test(passwd, last_line_without_newline_and_malformed_lines)
{
	char home[64];

	write_passwd("bad\n"
		     "neg:x:-1:0::/neg:/bin/sh\n"
		     "num:x:12x:0::/num:/bin/sh\n"
		     "empty:x:7:0:::/bin/sh\n"
		     "tail:x:77:0::/tail");
	cr_assert_eq(lookup(12, home, sizeof(home)), 0);
	cr_assert_eq(lookup(7, home, sizeof(home)), 0, "an empty home is no home");
	cr_assert_eq(lookup(77, home, sizeof(home)), 1);
	cr_assert_str_eq(home, "/tail");
}

Test(passwd, a_line_longer_than_the_buffer_is_skipped_whole)
{
	char home[64];
	size_t n = 10000;
	char *text = malloc(n + 128);

	cr_assert_not_null(text);
	/* a long gecos field that itself looks like an entry for uid 5 past the buffer's end */
	strcpy(text, "long:x:9:0:");
	memset(text + strlen(text), 'g', n);
	strcpy(text + 11 + n, ":/x\nfake:x:5:0::/fake:/bin/sh\nreal:x:9:0::/real:/bin/sh\n");
	write_passwd(text);
	free(text);
	cr_assert_eq(lookup(9, home, sizeof(home)), 1);
	cr_assert_str_eq(home, "/real");
	cr_assert_eq(lookup(5, home, sizeof(home)), 1, "the line after a long one is read");
}

Test(passwd, missing_file_or_home_too_long_is_not_found)
{
	char home[8];

	cr_assert_eq(lookup(0, home, sizeof(home)), 0, "no /etc/passwd");
	write_passwd("root:x:0:0::/a/very/long/home:/bin/sh\n");
	cr_assert_eq(lookup(0, home, sizeof(home)), 0);
}

Test(passwd, symlink_out_of_the_root_stays_inside)
{
	char path[PATH_MAX], home[64];

	snprintf(path, sizeof(path), "%s/etc/passwd", dir);
	/* the host has /etc/passwd (and this test's files): resolved in the root, neither */
	cr_assert_eq(symlink("../../../../../../etc/passwd.host", path), 0);
	cr_assert_eq(access("/etc/passwd", F_OK), 0);
	cr_assert_eq(lookup(0, home, sizeof(home)), 0, "the host's passwd must not be read");
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(symlink("../../../../../../etc/passwd", path), 0);
	/* in-root the link names itself: the kernel's symlink loop, an error, never the host */
	{
		struct hr_err err = {0};

		cr_assert_eq(hr_passwd_home(root, "/etc/passwd", 0, home, sizeof(home), &err), -1);
		cr_assert_eq(err.errnum, ELOOP, "%s", err.msg);
	}
}

Test(passwd, a_fifo_is_not_read)
{
	char path[PATH_MAX], home[64];

	snprintf(path, sizeof(path), "%s/etc/passwd", dir);
	cr_assert_eq(mkfifo(path, 0644), 0);
	cr_assert_eq(lookup(0, home, sizeof(home)), 0);
}

/* `list`'s owner: the name field of the same entry */
Test(passwd, the_name_of_a_uid)
{
	struct hr_err err = {0};
	char name[64];

	write_passwd("root:x:0:0:root:/root:/bin/sh\n"
		     "app:x:1001:1001:App,,,:/home/app:/bin/sh\n");
	cr_assert_eq(
	    hr_passwd_lookup(root, "/etc/passwd", 1001, HR_PASSWD_NAME, name, sizeof(name), &err),
	    1, "%s", err.msg);
	cr_assert_str_eq(name, "app");
	cr_assert_eq(
	    hr_passwd_lookup(root, "/etc/passwd", 7, HR_PASSWD_NAME, name, sizeof(name), &err), 0);
}
