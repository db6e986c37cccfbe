/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "capabilities.h"

#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

static const char *const cap_names[] = {
    [CAP_CHOWN] = "CAP_CHOWN",
    [CAP_DAC_OVERRIDE] = "CAP_DAC_OVERRIDE",
    [CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH",
    [CAP_FOWNER] = "CAP_FOWNER",
    [CAP_FSETID] = "CAP_FSETID",
    [CAP_KILL] = "CAP_KILL",
    [CAP_SETGID] = "CAP_SETGID",
    [CAP_SETUID] = "CAP_SETUID",
    [CAP_SETPCAP] = "CAP_SETPCAP",
    [CAP_LINUX_IMMUTABLE] = "CAP_LINUX_IMMUTABLE",
    [CAP_NET_BIND_SERVICE] = "CAP_NET_BIND_SERVICE",
    [CAP_NET_BROADCAST] = "CAP_NET_BROADCAST",
    [CAP_NET_ADMIN] = "CAP_NET_ADMIN",
    [CAP_NET_RAW] = "CAP_NET_RAW",
    [CAP_IPC_LOCK] = "CAP_IPC_LOCK",
    [CAP_IPC_OWNER] = "CAP_IPC_OWNER",
    [CAP_SYS_MODULE] = "CAP_SYS_MODULE",
    [CAP_SYS_RAWIO] = "CAP_SYS_RAWIO",
    [CAP_SYS_CHROOT] = "CAP_SYS_CHROOT",
    [CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
    [CAP_SYS_PACCT] = "CAP_SYS_PACCT",
    [CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
    [CAP_SYS_BOOT] = "CAP_SYS_BOOT",
    [CAP_SYS_NICE] = "CAP_SYS_NICE",
    [CAP_SYS_RESOURCE] = "CAP_SYS_RESOURCE",
    [CAP_SYS_TIME] = "CAP_SYS_TIME",
    [CAP_SYS_TTY_CONFIG] = "CAP_SYS_TTY_CONFIG",
    [CAP_MKNOD] = "CAP_MKNOD",
    [CAP_LEASE] = "CAP_LEASE",
    [CAP_AUDIT_WRITE] = "CAP_AUDIT_WRITE",
    [CAP_AUDIT_CONTROL] = "CAP_AUDIT_CONTROL",
    [CAP_SETFCAP] = "CAP_SETFCAP",
    [CAP_MAC_OVERRIDE] = "CAP_MAC_OVERRIDE",
    [CAP_MAC_ADMIN] = "CAP_MAC_ADMIN",
    [CAP_SYSLOG] = "CAP_SYSLOG",
    [CAP_WAKE_ALARM] = "CAP_WAKE_ALARM",
    [CAP_BLOCK_SUSPEND] = "CAP_BLOCK_SUSPEND",
    [CAP_AUDIT_READ] = "CAP_AUDIT_READ",
    /* older kernel headers lack the last three; their numbers are fixed ABI */
    [38] = "CAP_PERFMON",
    [39] = "CAP_BPF",
    [40] = "CAP_CHECKPOINT_RESTORE",
};

#define N_CAPS (sizeof(cap_names) / sizeof(cap_names[0]))

_Static_assert(N_CAPS <= 64, "capability sets are 64-bit masks");
#ifdef CAP_CHECKPOINT_RESTORE
_Static_assert(CAP_PERFMON == 38 && CAP_BPF == 39 && CAP_CHECKPOINT_RESTORE == 40,
	       "capability numbers are ABI");
#endif

int hr_cap_from_name(const char *name)
{
	if (name == NULL || strncmp(name, "CAP_", 4) != 0)
		return -1;
	for (size_t i = 0; i < N_CAPS; i++)
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *hr_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= N_CAPS)
		return NULL;
	return cap_names[cap];
}

int hr_cap_last(void)
{
	return (int)N_CAPS - 1;
}

size_t hr_cap_count(void)
{
	return N_CAPS;
}

const char *hr_cap_list(uint64_t mask, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int cap = 0; cap < 64 && used < size; cap++) {
		const char *name = hr_cap_name(cap);
		int n;

		if (!(mask & (UINT64_C(1) << cap)))
			continue;
		n = name != NULL ? snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name)
				 : snprintf(buf + used, size - used, "%scapability %d",
					    used ? ", " : "", cap);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}
