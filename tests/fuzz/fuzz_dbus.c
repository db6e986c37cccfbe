/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A message from the bus as the systemd cgroup manager reads it (dbus.c): its size from the
 * first 16 bytes, then, when whole, what it is to the call with serial 1. */
#include "fuzz.h"

#include "libcontainer/dbus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_dbus_error error;
	enum hr_dbus_reply kind;
	struct hr_err err;

	if (size < 16 || hr_dbus_message_size(data) != size)
		return 0;
	hr_dbus_reply_parse(data, size, 1, &kind, &error, &err);
	return 0;
}
