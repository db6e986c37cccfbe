/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SDBUS_H
#define HR_SDBUS_H

/*
 * libsystemd's sd-bus, for the systemd cgroup manager only (cgroup_systemd.c): hardrun does
 * not link libsystemd, it loads libsystemd.so.0 with dlopen(3) the first time that manager
 * needs it, so a hardrun that never uses it never loads it (and starts with one library less),
 * and a machine without libsystemd0 runs it with the other managers. Built --without-systemd
 * (no libsystemd-dev), the types below are declared here, as libsystemd's ABI has them, and
 * hr_sdbus_get says the manager is not built in.
 */
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef HR_HAVE_SYSTEMD
#include <systemd/sd-bus.h>
#else
typedef struct sd_bus sd_bus;
typedef struct sd_bus_message sd_bus_message;
typedef struct sd_bus_error {
	const char *name;
	const char *message;
	int _need_free;
} sd_bus_error;
#define SD_BUS_ERROR_NULL		((const sd_bus_error){NULL, NULL, 0})
#define SD_BUS_ERROR_UNKNOWN_PROPERTY	"org.freedesktop.DBus.Error.UnknownProperty"
#define SD_BUS_ERROR_PROPERTY_READ_ONLY "org.freedesktop.DBus.Error.PropertyReadOnly"
#endif

/* The sd-bus functions the systemd driver calls, as libsystemd.so.0 exports them. */
struct hr_sdbus {
	int (*bus_new)(sd_bus **bus);
	int (*bus_set_address)(sd_bus *bus, const char *address);
	int (*bus_start)(sd_bus *bus);
	sd_bus *(*bus_unref)(sd_bus *bus);
	sd_bus *(*bus_flush_close_unref)(sd_bus *bus);
	int (*bus_default_system)(sd_bus **bus);
	int (*bus_open_user)(sd_bus **bus);
	int (*message_new_method_call)(sd_bus *bus, sd_bus_message **m, const char *destination,
				       const char *path, const char *interface, const char *member);
	int (*message_append)(sd_bus_message *m, const char *types, ...);
	int (*message_append_array)(sd_bus_message *m, char type, const void *ptr, size_t size);
	int (*message_open_container)(sd_bus_message *m, char type, const char *contents);
	int (*message_close_container)(sd_bus_message *m);
	sd_bus_message *(*message_unref)(sd_bus_message *m);
	int (*call)(sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error,
		    sd_bus_message **reply);
	int (*call_method)(sd_bus *bus, const char *destination, const char *path,
			   const char *interface, const char *member, sd_bus_error *ret_error,
			   sd_bus_message **reply, const char *types, ...);
	int (*error_has_name)(const sd_bus_error *e, const char *name);
	void (*error_free)(sd_bus_error *e);
};

/*
 * The functions, libsystemd.so.0 loaded on the first call and kept; NULL, with an error that
 * says what to install (libsystemd0) or that this build has no systemd manager.
 */
const struct hr_sdbus *hr_sdbus_get(struct hr_err *err);

#endif
