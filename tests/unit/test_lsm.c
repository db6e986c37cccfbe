/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host's LSMs: whether an AppArmor profile is loaded, from the kernel's profile list. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/lsm.h"

static const char profiles[] = "/usr/sbin/cupsd (enforce)\n"
			       "hardrun-default-old (enforce)\n"
			       "hardrun-test//child (complain)\n"
			       "hardrun-default (enforce)\n"
			       "docker-default (enforce)\n";

Test(lsm, apparmor_loaded_matches_whole_names)
{
	_cleanup_free_ char *path = hrt_write_temp(profiles, strlen(profiles));

	cr_expect(hr_lsm_apparmor_loaded(path, "hardrun-default"));
	cr_expect(hr_lsm_apparmor_loaded(path, "docker-default"));
	cr_expect(hr_lsm_apparmor_loaded(path, "/usr/sbin/cupsd"));
	cr_expect(hr_lsm_apparmor_loaded(path, "hardrun-test//child"));
	cr_expect_not(hr_lsm_apparmor_loaded(path, "hardrun-test"), "a prefix of a child's name");
	cr_expect_not(hr_lsm_apparmor_loaded(path, "hardrun"), "a prefix of a name");
	cr_expect_not(hr_lsm_apparmor_loaded(path, "docker-default (enforce)"));
	cr_expect_not(hr_lsm_apparmor_loaded(path, ""));
	unlink(path);
}

Test(lsm, apparmor_loaded_is_false_without_the_list)
{
	_cleanup_free_ char *path = hrt_write_temp("", 0);

	cr_expect_not(hr_lsm_apparmor_loaded(path, "hardrun-default"), "an empty list");
	unlink(path);
	cr_expect_not(hr_lsm_apparmor_loaded(path, "hardrun-default"), "no file");
}
