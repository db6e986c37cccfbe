/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The D-Bus client of the systemd cgroup manager (libcontainer/dbus.c): the bytes of a call
 * against the specification's rules, replies and errors read back (in both byte orders), the
 * addresses, and whole calls to a real dbus-daemon, which checks every message it gets against
 * its signature and drops a connection that sends a broken one.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libcontainer/dbus.h"

static uint32_t u32_at(const struct hr_dbus_body *b, size_t at)
{
	uint32_t v;

	memcpy(&v, b->data + at, 4);
	return v;
}

Test(dbus, scalars_are_aligned_to_their_size)
{
	struct hr_dbus_body b = {0};

	hr_dbus_put_byte(&b, 7);
	hr_dbus_put_u32(&b, 0x01020304);
	hr_dbus_put_byte(&b, 8);
	hr_dbus_put_u64(&b, 42);
	hr_dbus_put_string(&b, "ab");
	hr_dbus_put_signature(&b, "t");
	cr_assert_eq(b.len, 34);
	cr_assert_eq(b.data[0], 7);
	cr_assert_eq(u32_at(&b, 4), 0x01020304, "a u32 at offset 4, after 3 bytes of padding");
	cr_assert_eq(b.data[8], 8);
	cr_assert_eq(b.data[16], 42, "a u64 at offset 16");
	cr_assert_eq(u32_at(&b, 24), 2);
	cr_assert_str_eq((char *)b.data + 28, "ab");
	cr_assert_eq(b.data[31], 1, "a signature: its length in one byte, unaligned");
	cr_assert_str_eq((char *)b.data + 32, "t");
	hr_dbus_body_free(&b);
}

/* An array's length counts its elements, not the padding between the length and the first. */
Test(dbus, array_length_leaves_out_the_padding_before_the_first_element)
{
	struct hr_dbus_body b = {0};
	struct hr_dbus_array a;

	hr_dbus_put_byte(&b, 1);
	a = hr_dbus_array_open(&b, 8);
	cr_assert_eq(a.length_at, 4);
	cr_assert_eq(b.len, 8, "the first element at 8");
	hr_dbus_struct_open(&b);
	hr_dbus_put_u64(&b, 5);
	hr_dbus_array_close(&b, a);
	cr_assert_eq(u32_at(&b, 4), 8);

	/* an empty array of structs still has the padding, and length 0 */
	a = hr_dbus_array_open(&b, 8);
	hr_dbus_array_close(&b, a);
	cr_assert_eq(u32_at(&b, 16), 0);
	cr_assert_eq(b.len, 24);
	hr_dbus_body_free(&b);
}

/* The header of Hello, byte by byte, as the specification lays it out. */
Test(dbus, a_call_without_body)
{
	const struct hr_dbus_call call = {.destination = "org.freedesktop.DBus",
					  .path = "/org/freedesktop/DBus",
					  .interface = "org.freedesktop.DBus",
					  .member = "Hello"};
	struct hr_dbus_body m = {0};

	cr_assert_eq(hr_dbus_message(&call, 1, &m), 0);
	cr_assert_eq(m.data[0], 'l');
	cr_assert_eq(m.data[1], 1, "a method call");
	cr_assert_eq(m.data[3], 1, "version 1");
	cr_assert_eq(u32_at(&m, 4), 0, "no body");
	cr_assert_eq(u32_at(&m, 8), 1, "the serial");
	cr_assert_eq(m.len % 8, 0, "the header is padded to 8");
	cr_assert_eq(hr_dbus_message_size(m.data), m.len);
	/* the first field: PATH, variant "o", the path */
	cr_assert_eq(m.data[16], 1);
	cr_assert_eq(m.data[17], 1);
	cr_assert_str_eq((char *)m.data + 18, "o");
	cr_assert_eq(u32_at(&m, 20), strlen("/org/freedesktop/DBus"));
	cr_assert_str_eq((char *)m.data + 24, "/org/freedesktop/DBus");
	cr_assert_null(memmem(m.data, m.len, "\010\001g", 3), "no SIGNATURE field without a body");
	hr_dbus_body_free(&m);
}

/* A reply written as a peer would: type, reply serial, error name, signature, body. */
static void reply(struct hr_dbus_body *m, bool big_endian, uint8_t type, uint32_t reply_serial,
		  const char *error_name, const char *text)
{
	struct hr_dbus_body body = {0};
	struct hr_dbus_array fields;
	uint32_t swap_at[4];
	size_t n_swap = 0;

	if (text != NULL)
		hr_dbus_put_string(&body, text);
	*m = (struct hr_dbus_body){0};
	hr_dbus_put_byte(m, big_endian ? 'B' : 'l');
	hr_dbus_put_byte(m, type);
	hr_dbus_put_byte(m, 0);
	hr_dbus_put_byte(m, 1);
	swap_at[n_swap++] = (uint32_t)m->len;
	hr_dbus_put_u32(m, (uint32_t)body.len);
	hr_dbus_put_u32(m, 99);
	swap_at[n_swap++] = (uint32_t)m->len;
	fields = hr_dbus_array_open(m, 8);
	hr_dbus_struct_open(m);
	hr_dbus_put_byte(m, 5);
	hr_dbus_put_variant(m, "u");
	swap_at[n_swap++] = (uint32_t)m->len;
	hr_dbus_put_u32(m, reply_serial);
	if (error_name != NULL) {
		hr_dbus_struct_open(m);
		hr_dbus_put_byte(m, 4);
		hr_dbus_put_variant(m, "s");
		cr_assert(!big_endian, "only scalar fields are swapped here");
		hr_dbus_put_string(m, error_name);
	}
	if (text != NULL) {
		hr_dbus_struct_open(m);
		hr_dbus_put_byte(m, 8);
		hr_dbus_put_variant(m, "g");
		hr_dbus_put_signature(m, "s");
	}
	hr_dbus_array_close(m, fields);
	hr_dbus_struct_open(m);
	for (size_t i = 0; i < body.len; i++)
		hr_dbus_put_byte(m, body.data[i]);
	if (big_endian) {
		/* the body length and serial, the fields' length, the reply serial */
		for (size_t i = 0; i < n_swap; i++) {
			uint32_t v = u32_at(m, swap_at[i]);

			v = __builtin_bswap32(v);
			memcpy(m->data + swap_at[i], &v, 4);
		}
		uint32_t serial = __builtin_bswap32(u32_at(m, 8));
		memcpy(m->data + 8, &serial, 4);
	}
	hr_dbus_body_free(&body);
}

Test(dbus, a_reply_is_matched_by_its_serial)
{
	struct hr_dbus_body m;
	struct hr_dbus_error error;
	struct hr_err err = {0};
	enum hr_dbus_reply kind;

	reply(&m, false, 2, 7, NULL, NULL);
	cr_assert_eq(hr_dbus_reply_parse(m.data, m.len, 7, &kind, &error, &err), 0, "%s", err.msg);
	cr_assert_eq(kind, HR_DBUS_RETURN);
	cr_assert_eq(hr_dbus_reply_parse(m.data, m.len, 8, &kind, &error, &err), 0, "%s", err.msg);
	cr_assert_eq(kind, HR_DBUS_OTHER, "another call's reply is not ours");
	hr_dbus_body_free(&m);

	reply(&m, true, 2, 7, NULL, NULL);
	cr_assert_eq(hr_dbus_message_size(m.data), m.len, "a big-endian header's size");
	cr_assert_eq(hr_dbus_reply_parse(m.data, m.len, 7, &kind, &error, &err), 0, "%s", err.msg);
	cr_assert_eq(kind, HR_DBUS_RETURN, "a big-endian reply");
	hr_dbus_body_free(&m);
}

Test(dbus, an_error_gives_its_name_and_message)
{
	struct hr_dbus_body m;
	struct hr_dbus_error error;
	struct hr_err err = {0};
	enum hr_dbus_reply kind;

	reply(&m, false, 3, 3, "org.freedesktop.systemd1.UnitExists",
	      "Unit hardrun-x.scope already exists.");
	cr_assert_eq(hr_dbus_reply_parse(m.data, m.len, 3, &kind, &error, &err), 0, "%s", err.msg);
	cr_assert_eq(kind, HR_DBUS_ERROR);
	cr_assert_str_eq(error.name, "org.freedesktop.systemd1.UnitExists");
	cr_assert_str_eq(error.message, "Unit hardrun-x.scope already exists.");
	hr_dbus_body_free(&m);
}

Test(dbus, broken_messages_are_refused)
{
	struct hr_dbus_body m;
	struct hr_dbus_error error;
	struct hr_err err = {0};
	enum hr_dbus_reply kind;

	reply(&m, false, 3, 3, "org.example.Error", "text");
	cr_assert_lt(hr_dbus_reply_parse(m.data, m.len - 8, 3, &kind, &error, &err), 0);
	/* a field array longer than the message */
	uint32_t big = 4096;
	memcpy(m.data + 12, &big, 4);
	cr_assert_eq(hr_dbus_message_size(m.data) > m.len, true);
	cr_assert_lt(hr_dbus_reply_parse(m.data, m.len, 3, &kind, &error, &err), 0);
	m.data[0] = 'x';
	cr_assert_eq(hr_dbus_message_size(m.data), 0, "not a byte order");
	hr_dbus_body_free(&m);
}

static const char *address(const char *text)
{
	static char out[256];
	struct sockaddr_un sa;
	socklen_t len;
	struct hr_err err = {0};

	if (hr_dbus_address_parse(text, &sa, &len, &err) < 0)
		snprintf(out, sizeof(out), "error: %s", err.msg);
	else if (sa.sun_path[0] == '\0')
		snprintf(out, sizeof(out), "@%.*s", (int)(len - sizeof(sa.sun_family) - 1),
			 sa.sun_path + 1);
	else
		snprintf(out, sizeof(out), "%s", sa.sun_path);
	return out;
}

Test(dbus, addresses)
{
	cr_assert_str_eq(address("unix:path=/run/dbus/system_bus_socket"),
			 "/run/dbus/system_bus_socket");
	cr_assert_str_eq(address("unix:guid=00ff,path=/run/user/1000/bus"), "/run/user/1000/bus");
	cr_assert_str_eq(address("tcp:host=localhost,port=1;unix:path=/a%20b"), "/a b");
	cr_assert_str_eq(address("unix:abstract=/tmp/dbus-X"), "@/tmp/dbus-X");
	cr_assert(strstr(address("tcp:host=localhost,port=1"), "no unix:path=") != NULL);
	cr_assert(strstr(address("unix:path=/x%zz"), "a bad path=") != NULL);
	cr_assert(strstr(address("unix:path="), "a bad path=") != NULL);
}

/* ---- against dbus-daemon ---- */

static pid_t daemon_pid;
static char bus_address[512];
static char bus_dir[] = "/tmp/hr-dbus-test.XXXXXX";

/* A session dbus-daemon of the test's own, on a socket in a fresh directory. */
static void start_daemon(void)
{
	char listen[300];
	int out[2];
	ssize_t n;

	cr_assert_not_null(mkdtemp(bus_dir));
	snprintf(listen, sizeof(listen), "unix:path=%s/bus", bus_dir);
	cr_assert_eq(pipe(out), 0);
	daemon_pid = fork();
	cr_assert_geq(daemon_pid, 0);
	if (daemon_pid == 0) {
		char fd[16];

		snprintf(fd, sizeof(fd), "%d", out[1]);
		close(out[0]);
		execlp("dbus-daemon", "dbus-daemon", "--session", "--nofork", "--nopidfile",
		       "--address", listen, "--print-address", fd, (char *)NULL);
		dprintf(2, "dbus-daemon: %s (apt-get install dbus-daemon)\n", strerror(errno));
		_exit(127);
	}
	close(out[1]);
	n = read(out[0], bus_address, sizeof(bus_address) - 1);
	close(out[0]);
	cr_assert_gt(n, 0, "dbus-daemon printed no address (apt-get install dbus-daemon)");
	bus_address[strcspn(bus_address, "\n")] = '\0';
}

static void stop_daemon(void)
{
	char path[300];

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		waitpid(daemon_pid, NULL, 0);
	}
	snprintf(path, sizeof(path), "%s/bus", bus_dir);
	unlink(path);
	rmdir(bus_dir);
}

/* The body of StartTransientUnit as cgroup_systemd.c writes it: every kind of value it uses. */
static void transient_unit_body(struct hr_dbus_body *b)
{
	struct hr_dbus_array props, a;

	hr_dbus_put_string(b, "hardrun-x.scope");
	hr_dbus_put_string(b, "fail");
	props = hr_dbus_array_open(b, 8);
	hr_dbus_struct_open(b);
	hr_dbus_put_string(b, "Description");
	hr_dbus_put_variant(b, "s");
	hr_dbus_put_string(b, "hardrun container x");
	hr_dbus_struct_open(b);
	hr_dbus_put_string(b, "Delegate");
	hr_dbus_put_variant(b, "b");
	hr_dbus_put_bool(b, true);
	hr_dbus_struct_open(b);
	hr_dbus_put_string(b, "PIDs");
	hr_dbus_put_variant(b, "au");
	a = hr_dbus_array_open(b, 4);
	hr_dbus_put_u32(b, 1234);
	hr_dbus_array_close(b, a);
	hr_dbus_struct_open(b);
	hr_dbus_put_string(b, "MemoryMax");
	hr_dbus_put_variant(b, "t");
	hr_dbus_put_u64(b, 536870912);
	hr_dbus_struct_open(b);
	hr_dbus_put_string(b, "AllowedCPUs");
	hr_dbus_put_variant(b, "ay");
	a = hr_dbus_array_open(b, 1);
	hr_dbus_put_byte(b, 0x3);
	hr_dbus_array_close(b, a);
	hr_dbus_array_close(b, props);
	hr_dbus_array_close(b, hr_dbus_array_open(b, 8));
}

Test(dbus, calls_to_a_real_bus, .init = start_daemon, .fini = stop_daemon)
{
	struct hr_dbus bus;
	struct hr_dbus_error error;
	struct hr_err err = {0};
	struct hr_dbus_body body = {0};
	struct hr_dbus_call call = {.destination = "org.freedesktop.DBus",
				    .path = "/org/freedesktop/DBus",
				    .interface = "org.freedesktop.DBus",
				    .member = "GetNameOwner",
				    .signature = "s",
				    .body = &body};

	cr_assert_eq(hr_dbus_open(&bus, bus_address, true, &err), 0, "%s: %s", bus_address,
		     err.msg);
	/* a method return, after the NameAcquired signal Hello brings */
	hr_dbus_put_string(&body, "org.freedesktop.DBus");
	cr_assert_eq(hr_dbus_call(&bus, &call, &error, &err), 0, "%s", err.msg);
	/* an error, by name, with the daemon's message */
	hr_dbus_body_free(&body);
	hr_dbus_put_string(&body, "org.example.nobody");
	cr_assert_lt(hr_dbus_call(&bus, &call, &error, &err), 0);
	cr_assert_str_eq(error.name, "org.freedesktop.DBus.Error.NameHasNoOwner");
	cr_assert(strstr(error.message, "org.example.nobody") != NULL, "%s", error.message);
	cr_assert(strstr(err.msg, "GetNameOwner") != NULL, "%s", err.msg);
	/* systemd's call, validated by the daemon against its signature: a broken one would end
	 * the connection, a valid one to the daemon gets "no such method" */
	hr_dbus_body_free(&body);
	transient_unit_body(&body);
	call.interface = "org.freedesktop.systemd1.Manager";
	call.member = "StartTransientUnit";
	call.signature = "ssa(sv)a(sa(sv))";
	cr_assert_lt(hr_dbus_call(&bus, &call, &error, &err), 0);
	cr_assert(strstr(error.name, "org.freedesktop.DBus.Error.Unknown") == error.name, "%s: %s",
		  error.name, err.msg);
	/* and a wrong signature for the same bytes is dropped by the daemon */
	call.signature = "ssa(sv)";
	cr_assert_lt(hr_dbus_call(&bus, &call, &error, &err), 0);
	cr_assert_eq(error.name[0], '\0', "a broken message ends the connection: %s", err.msg);
	hr_dbus_body_free(&body);
	hr_dbus_close(&bus);
}

Test(dbus, refused_and_missing_servers)
{
	struct hr_dbus bus;
	struct hr_err err = {0};

	cr_assert_lt(hr_dbus_open(&bus, "unix:path=/nonexistent/bus", true, &err), 0);
	cr_assert_eq(err.errnum, ENOENT);
	cr_assert(strstr(err.msg, "/nonexistent/bus") != NULL, "%s", err.msg);
	cr_assert_eq(bus.fd, -1);
}

/* A server that hangs up at once: an error, never a SIGPIPE that would kill hardrun. A thread,
 * not a fork: a forked copy of the test would end with criterion's memory unfreed. */
static void *hang_up(void *listener)
{
	close(accept(*(int *)listener, NULL, NULL));
	return NULL;
}

Test(dbus, a_server_that_hangs_up)
{
	char dir[] = "/tmp/hr-dbus-hup.XXXXXX", address[300];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct hr_dbus bus;
	struct hr_err err = {0};
	pthread_t server;
	int listener;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bus", dir);
	snprintf(address, sizeof(address), "unix:path=%s", sa.sun_path);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(listener, 0);
	cr_assert_eq(bind(listener, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(listener, 1), 0);
	cr_assert_eq(pthread_create(&server, NULL, hang_up, &listener), 0);
	cr_assert_lt(hr_dbus_open(&bus, address, true, &err), 0);
	cr_assert(err.errnum == ECONNRESET || err.errnum == EPIPE, "%d %s", err.errnum, err.msg);
	cr_assert_eq(bus.fd, -1);
	pthread_join(server, NULL);
	close(listener);
	unlink(sa.sun_path);
	rmdir(dir);
}
