/* SPDX-License-Identifier: GPL-2.0-or-later */

#include "version.h"

#include <seccomp.h>

#include "hr-commit.h" /* HR_GIT_COMMIT, written by make */

/* the systemd cgroup manager: built in (D-Bus spoken by dbus.c), or not */
#ifdef HR_HAVE_SYSTEMD
#define HR_SYSTEMD_FEATURE "+SYSTEMD"
#else
#define HR_SYSTEMD_FEATURE "-SYSTEMD"
#endif

void hr_print_version(FILE *out)
{
	const struct scmp_version *scmp = seccomp_version();

	fprintf(out, "hardrun version %s\n", PACKAGE_VERSION);
	fprintf(out, "commit: %s\n", HR_GIT_COMMIT);
	fprintf(out, "spec: %s\n", HR_OCI_VERSION);
	fprintf(out, "libseccomp: %u.%u.%u\n", scmp->major, scmp->minor, scmp->micro);
	/* what is compiled in, as crun prints it: SELinux labels and AppArmor profiles are applied
	 * through /proc (no library needed), the device filter is eBPF, idmapped mounts use
	 * mount_setattr(2); checkpoint and restore are built in (they run the criu binary, found
	 * at run time: a missing one is their error, not this line's) */
	fprintf(out,
		"+SECCOMP +CAP +YAJL +CGROUPV2 %s +USERNS +SELINUX +APPARMOR +EBPF +IDMAP "
		"+CRIU\n",
		HR_SYSTEMD_FEATURE);
}
