/* SPDX-License-Identifier: GPL-2.0-or-later */

#include "version.h"

#include <seccomp.h>

#include "hr-commit.h" /* HR_GIT_COMMIT, written by make */

void hr_print_version(FILE *out)
{
	const struct scmp_version *scmp = seccomp_version();

	fprintf(out, "hardrun version %s\n", PACKAGE_VERSION);
	fprintf(out, "commit: %s\n", HR_GIT_COMMIT);
	fprintf(out, "spec: %s\n", HR_OCI_VERSION);
	fprintf(out, "libseccomp: %u.%u.%u\n", scmp->major, scmp->minor, scmp->micro);
	fprintf(out, "+SECCOMP +CAP +YAJL +CGROUPV2 +SYSTEMD +USERNS -IDMAP -SELINUX -APPARMOR\n");
}
