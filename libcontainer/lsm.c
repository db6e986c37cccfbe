/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

bool hr_lsm_apparmor_enabled(void)
{
	char c = 'N';
	_cleanup_close_ int fd =
	    open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);

	return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

bool hr_lsm_selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

bool hr_lsm_apparmor_loaded(const char *profiles_path, const char *name)
{
	_cleanup_fclose_ FILE *f =
	    fopen(profiles_path ? profiles_path : HR_APPARMOR_PROFILES, "re");
	_cleanup_free_ char *line = NULL;
	size_t size = 0, len = strlen(name);

	if (f == NULL || len == 0)
		return false;
	/* "NAME (enforce)": the name, then the mode in parentheses */
	while (getline(&line, &size, f) >= 0)
		if (strncmp(line, name, len) == 0 && strncmp(line + len, " (", 2) == 0)
			return true;
	return false;
}

int hr_lsm_check(const char *apparmor_profile, const char *selinux_label, const char *mount_label,
		 struct hr_err *err)
{
	if (apparmor_profile != NULL && *apparmor_profile && !hr_lsm_apparmor_enabled())
		return hr_err_set(err, ENOTSUP,
				  "process.apparmorProfile \"%.128s\" is set but AppArmor is not "
				  "enabled on this host",
				  apparmor_profile);
	if (selinux_label != NULL && *selinux_label && !hr_lsm_selinux_enabled())
		return hr_err_set(
		    err, ENOTSUP,
		    "process.selinuxLabel is set but SELinux is not enabled on this host");
	if (mount_label != NULL && *mount_label && !hr_lsm_selinux_enabled())
		return hr_err_set(err, ENOTSUP,
				  "linux.mountLabel is set but SELinux is not enabled on this host "
				  "(it labels the container's filesystems with context=)");
	return 0;
}
