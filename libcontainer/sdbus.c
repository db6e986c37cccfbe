/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsystemd loaded at run time, for the systemd cgroup manager (sdbus.h). */
#include "sdbus.h"

#include <dlfcn.h>
#include <errno.h>

#ifdef HR_HAVE_SYSTEMD

/* The library's soname: the ABI sd-bus has kept since systemd 209. */
#define LIBSYSTEMD "libsystemd.so.0"

/* Each entry: where the pointer goes, and the symbol; the types are checked below. */
#define SDBUS_FUNCTIONS(X)                                                                         \
	X(bus_new, sd_bus_new)                                                                     \
	X(bus_set_address, sd_bus_set_address)                                                     \
	X(bus_start, sd_bus_start)                                                                 \
	X(bus_unref, sd_bus_unref)                                                                 \
	X(bus_flush_close_unref, sd_bus_flush_close_unref)                                         \
	X(bus_default_system, sd_bus_default_system)                                               \
	X(bus_open_user, sd_bus_open_user)                                                         \
	X(message_new_method_call, sd_bus_message_new_method_call)                                 \
	X(message_append, sd_bus_message_append)                                                   \
	X(message_append_array, sd_bus_message_append_array)                                       \
	X(message_open_container, sd_bus_message_open_container)                                   \
	X(message_close_container, sd_bus_message_close_container)                                 \
	X(message_unref, sd_bus_message_unref)                                                     \
	X(call, sd_bus_call)                                                                       \
	X(call_method, sd_bus_call_method)                                                         \
	X(error_has_name, sd_bus_error_has_name)                                                   \
	X(error_free, sd_bus_error_free)

/* struct hr_sdbus must declare each function as sd-bus.h does */
#define CHECK_TYPE(field, symbol)                                                                  \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&symbol),                           \
						    __typeof__(((struct hr_sdbus *)0)->field)),    \
		       #symbol);
SDBUS_FUNCTIONS(CHECK_TYPE)

static struct hr_sdbus loaded;
static void *library;

const struct hr_sdbus *hr_sdbus_get(struct hr_err *err)
{
	if (library != NULL)
		return &loaded;
	library = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
	if (library == NULL) {
		hr_err_set(err, ELIBACC,
			   "the systemd cgroup manager needs " LIBSYSTEMD
			   " (apt-get install libsystemd0): %s",
			   dlerror());
		return NULL;
	}
#define RESOLVE(field, symbol)                                                                     \
	*(void **)&loaded.field = dlsym(library, #symbol);                                         \
	if (loaded.field == NULL) {                                                                \
		hr_err_set(err, ELIBBAD, LIBSYSTEMD " has no %s: %s", #symbol, dlerror());         \
		dlclose(library);                                                                  \
		library = NULL;                                                                    \
		return NULL;                                                                       \
	}
	SDBUS_FUNCTIONS(RESOLVE)
#undef RESOLVE
	return &loaded;
}

#else

const struct hr_sdbus *hr_sdbus_get(struct hr_err *err)
{
	hr_err_set(err, ENOTSUP,
		   "this hardrun was built without the systemd cgroup manager (./configure "
		   "--without-systemd): use --cgroup-manager=cgroupfs");
	return NULL;
}

#endif
