/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_LSM_H
#define HR_LSM_H

/*
 * The host's Linux security modules, as the runtime, `spec`, `audit` and the features document
 * see them: whether AppArmor or SELinux is enabled, whether an AppArmor profile is loaded, and
 * whether the host can apply the labels a config asks for.
 */
#include <stdbool.h>

#include "error.h"

/* The AppArmor profile hardrun ships (contrib/apparmor/hardrun-default). */
#define HR_APPARMOR_DEFAULT_PROFILE "hardrun-default"
/* The kernel's list of loaded profiles, "NAME (MODE)" a line (securityfs, readable by root). */
#define HR_APPARMOR_PROFILES "/sys/kernel/security/apparmor/profiles"

/*
 * Whether the running kernel has the LSM enabled: AppArmor when
 * /sys/module/apparmor/parameters/enabled says Y, SELinux when selinuxfs is mounted on
 * /sys/fs/selinux. What hr_lsm_check and the features document both go by.
 */
bool hr_lsm_apparmor_enabled(void);
bool hr_lsm_selinux_enabled(void);

/*
 * Whether the AppArmor profile name is loaded: a line "NAME (MODE)" of profiles_path
 * (NULL: HR_APPARMOR_PROFILES). False when the file cannot be read (no AppArmor, securityfs
 * not mounted, or not root).
 */
bool hr_lsm_apparmor_loaded(const char *profiles_path, const char *name);

/*
 * Whether the host can apply the labels the config asks for (checked in the parent):
 * process.apparmorProfile, process.selinuxLabel and linux.mountLabel (NULL: not asked).
 */
int hr_lsm_check(const char *apparmor_profile, const char *selinux_label, const char *mount_label,
		 struct hr_err *err);

#endif
