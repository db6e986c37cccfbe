/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_DBUS_H
#define HR_DBUS_H

/*
 * A D-Bus client of the size the systemd cgroup manager needs (cgroup_systemd.c), as runc
 * (godbus) and youki speak the protocol themselves: a unix socket, the EXTERNAL
 * authentication, Hello on a bus, method calls with a body written here, and the reply's
 * kind and error. No library: hardrun links no libsystemd and loads none, and so can be one
 * static binary. Only what systemd's Manager calls take is written (y b u t s o g, arrays,
 * structs, variants); the reply is read for its header and an error's name and message.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "error.h"

/* A message body (or header) being written, in the machine's byte order. */
struct hr_dbus_body {
	uint8_t *data;
	size_t len, cap;
	bool failed; /* out of memory: every later write does nothing, the call fails */
};

void hr_dbus_body_free(struct hr_dbus_body *b);
void hr_dbus_put_byte(struct hr_dbus_body *b, uint8_t v);
void hr_dbus_put_bool(struct hr_dbus_body *b, bool v);
void hr_dbus_put_u32(struct hr_dbus_body *b, uint32_t v);
void hr_dbus_put_u64(struct hr_dbus_body *b, uint64_t v);
void hr_dbus_put_string(struct hr_dbus_body *b, const char *s); /* also "o" */
void hr_dbus_put_signature(struct hr_dbus_body *b, const char *sig);
/* A struct's start (its 8-byte alignment); nothing to close. */
void hr_dbus_struct_open(struct hr_dbus_body *b);
/* An array of elements aligned to align (1, 4 or 8), open until hr_dbus_array_close. */
struct hr_dbus_array {
	size_t length_at, start;
};
struct hr_dbus_array hr_dbus_array_open(struct hr_dbus_body *b, size_t align);
void hr_dbus_array_close(struct hr_dbus_body *b, struct hr_dbus_array array);
/* A variant: its signature; the value follows. */
void hr_dbus_put_variant(struct hr_dbus_body *b, const char *sig);

/* A method call: the header, then the body (signature sig, "" for none). */
struct hr_dbus_call {
	const char *destination, *path, *interface, *member, *signature;
	const struct hr_dbus_body *body;
};

/* The whole message of call with serial, in out (freed by the caller). */
int hr_dbus_message(const struct hr_dbus_call *call, uint32_t serial, struct hr_dbus_body *out);

/* What a D-Bus error reply says. */
struct hr_dbus_error {
	char name[256];
	char message[768];
};

enum hr_dbus_reply {
	HR_DBUS_OTHER,	/* not the reply to the serial asked for (a signal, another reply) */
	HR_DBUS_RETURN, /* its method return */
	HR_DBUS_ERROR,	/* its error: name and message in error */
};

/*
 * The size of the message whose first 16 bytes are head (0 when they are not a D-Bus
 * header), and what a whole message msg of that size is to the call with serial.
 */
size_t hr_dbus_message_size(const uint8_t head[16]);
int hr_dbus_reply_parse(const uint8_t *msg, size_t len, uint32_t serial, enum hr_dbus_reply *kind,
			struct hr_dbus_error *error, struct hr_err *err);

/* The first unix:path= or unix:abstract= of a D-Bus address list. */
int hr_dbus_address_parse(const char *address, struct sockaddr_un *sa, socklen_t *sa_len,
			  struct hr_err *err);

/* A connection. */
struct hr_dbus {
	int fd;
	uint32_t serial;
};

/*
 * Connects to address and authenticates as our euid; on a bus (not a peer's private
 * socket), says Hello. fd -1 after a failure.
 */
int hr_dbus_open(struct hr_dbus *bus, const char *address, bool hello, struct hr_err *err);
void hr_dbus_close(struct hr_dbus *bus);

/*
 * Calls and waits (25 s, as sd-bus) for the reply: 0 on a method return; -1 on a D-Bus error
 * (error filled, err's errno from its name) or when the call could not be made.
 */
int hr_dbus_call(struct hr_dbus *bus, const struct hr_dbus_call *call, struct hr_dbus_error *error,
		 struct hr_err *err);

#endif
