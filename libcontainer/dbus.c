/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The D-Bus client of the systemd cgroup manager (dbus.h), after the D-Bus specification. */
#include "dbus.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

#define CALL_TIMEOUT_MS 25000
/* systemd's replies are small; a bus may send a signal first (NameAcquired) */
#define MESSAGE_MAX (1024 * 1024)

enum { TYPE_CALL = 1, TYPE_RETURN = 2, TYPE_ERROR = 3 };
enum {
	FIELD_PATH = 1,
	FIELD_INTERFACE = 2,
	FIELD_MEMBER = 3,
	FIELD_ERROR_NAME = 4,
	FIELD_REPLY_SERIAL = 5,
	FIELD_DESTINATION = 6,
	FIELD_SIGNATURE = 8,
};

/* ---- writing ---- */

void hr_dbus_body_free(struct hr_dbus_body *b)
{
	free(b->data);
	*b = (struct hr_dbus_body){0};
}

static uint8_t *reserve(struct hr_dbus_body *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *data;

		while (cap < b->len + n)
			cap *= 2;
		data = realloc(b->data, cap);
		if (data == NULL) {
			b->failed = true;
			return NULL;
		}
		b->data = data;
		b->cap = cap;
	}
	b->len += n;
	return b->data + b->len - n;
}

static void put(struct hr_dbus_body *b, const void *v, size_t n)
{
	uint8_t *p = reserve(b, n);

	if (p != NULL)
		memcpy(p, v, n);
}

/* Zero bytes up to a multiple of align, counted from the start of the message. */
static void align_to(struct hr_dbus_body *b, size_t align)
{
	size_t pad = (align - b->len % align) % align;
	uint8_t *p = reserve(b, pad);

	if (p != NULL)
		memset(p, 0, pad);
}

void hr_dbus_put_byte(struct hr_dbus_body *b, uint8_t v)
{
	put(b, &v, 1);
}

void hr_dbus_put_u32(struct hr_dbus_body *b, uint32_t v)
{
	align_to(b, 4);
	put(b, &v, 4);
}

void hr_dbus_put_bool(struct hr_dbus_body *b, bool v)
{
	hr_dbus_put_u32(b, v ? 1 : 0);
}

void hr_dbus_put_u64(struct hr_dbus_body *b, uint64_t v)
{
	align_to(b, 8);
	put(b, &v, 8);
}

void hr_dbus_put_string(struct hr_dbus_body *b, const char *s)
{
	size_t n = strlen(s);

	hr_dbus_put_u32(b, (uint32_t)n);
	put(b, s, n + 1);
}

void hr_dbus_put_signature(struct hr_dbus_body *b, const char *sig)
{
	size_t n = strlen(sig);

	if (n > 255) {
		b->failed = true;
		return;
	}
	hr_dbus_put_byte(b, (uint8_t)n);
	put(b, sig, n + 1);
}

void hr_dbus_struct_open(struct hr_dbus_body *b)
{
	align_to(b, 8);
}

struct hr_dbus_array hr_dbus_array_open(struct hr_dbus_body *b, size_t align)
{
	struct hr_dbus_array a;

	hr_dbus_put_u32(b, 0);
	a.length_at = b->len - 4;
	/* the length counts from the first element, after its padding */
	align_to(b, align);
	a.start = b->len;
	return a;
}

void hr_dbus_array_close(struct hr_dbus_body *b, struct hr_dbus_array a)
{
	uint32_t n = (uint32_t)(b->len - a.start);

	if (!b->failed)
		memcpy(b->data + a.length_at, &n, 4);
}

void hr_dbus_put_variant(struct hr_dbus_body *b, const char *sig)
{
	hr_dbus_put_signature(b, sig);
}

static void put_field(struct hr_dbus_body *h, uint8_t code, const char *sig, const char *value)
{
	hr_dbus_struct_open(h);
	hr_dbus_put_byte(h, code);
	hr_dbus_put_variant(h, sig);
	if (strcmp(sig, "g") == 0)
		hr_dbus_put_signature(h, value);
	else
		hr_dbus_put_string(h, value);
}

int hr_dbus_message(const struct hr_dbus_call *call, uint32_t serial, struct hr_dbus_body *out)
{
	const struct hr_dbus_body *body = call->body;
	size_t body_len = body != NULL ? body->len : 0;
	struct hr_dbus_array fields;

	if (body != NULL && body->failed)
		return -ENOMEM;
	if (body_len > MESSAGE_MAX)
		return -EMSGSIZE;
	*out = (struct hr_dbus_body){0};
	hr_dbus_put_byte(out, __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 'l' : 'B');
	hr_dbus_put_byte(out, TYPE_CALL);
	hr_dbus_put_byte(out, 0);
	hr_dbus_put_byte(out, 1); /* the protocol's version */
	hr_dbus_put_u32(out, (uint32_t)body_len);
	hr_dbus_put_u32(out, serial);
	fields = hr_dbus_array_open(out, 8);
	put_field(out, FIELD_PATH, "o", call->path);
	if (call->interface != NULL)
		put_field(out, FIELD_INTERFACE, "s", call->interface);
	put_field(out, FIELD_MEMBER, "s", call->member);
	if (call->destination != NULL)
		put_field(out, FIELD_DESTINATION, "s", call->destination);
	if (call->signature != NULL && call->signature[0] != '\0')
		put_field(out, FIELD_SIGNATURE, "g", call->signature);
	hr_dbus_array_close(out, fields);
	align_to(out, 8);
	if (body_len > 0)
		put(out, body->data, body_len);
	if (out->failed) {
		hr_dbus_body_free(out);
		return -ENOMEM;
	}
	return 0;
}

/* ---- reading ---- */

struct reader {
	const uint8_t *p;
	size_t len, at;
	bool swap; /* the message's byte order is not ours */
};

static bool skip_to(struct reader *r, size_t align)
{
	size_t at = (r->at + align - 1) / align * align;

	if (at > r->len)
		return false;
	r->at = at;
	return true;
}

static bool get_u32(struct reader *r, uint32_t *v)
{
	if (!skip_to(r, 4) || r->len - r->at < 4)
		return false;
	memcpy(v, r->p + r->at, 4);
	if (r->swap)
		*v = __builtin_bswap32(*v);
	r->at += 4;
	return true;
}

/* A string (s, o; sig: g), NUL-terminated in the message. */
static bool get_string(struct reader *r, bool sig, const char **s, size_t *n)
{
	uint32_t len;

	if (sig) {
		if (r->at >= r->len)
			return false;
		len = r->p[r->at++];
	} else if (!get_u32(r, &len)) {
		return false;
	}
	if (len >= r->len - r->at || r->p[r->at + len] != '\0')
		return false;
	*s = (const char *)r->p + r->at;
	*n = len;
	r->at += (size_t)len + 1;
	return true;
}

/* A header field's value of a basic type, skipped: its alignment and size. */
static bool skip_value(struct reader *r, char type)
{
	const char *s;
	size_t n, size;

	switch (type) {
	case 's':
	case 'o':
	case 'g':
		return get_string(r, type == 'g', &s, &n);
	case 'y':
		size = 1;
		break;
	case 'n':
	case 'q':
		size = 2;
		break;
	case 'b':
	case 'i':
	case 'u':
	case 'h':
		size = 4;
		break;
	case 'x':
	case 't':
	case 'd':
		size = 8;
		break;
	default:
		return false;
	}
	if (!skip_to(r, size) || r->len - r->at < size)
		return false;
	r->at += size;
	return true;
}

size_t hr_dbus_message_size(const uint8_t head[16])
{
	struct reader r = {.p = head, .len = 16, .at = 4, .swap = false};
	uint32_t body, fields;
	size_t total;

	if (head[0] != 'l' && head[0] != 'B')
		return 0;
	r.swap = (head[0] == 'l') != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
	r.at = 4;
	if (!get_u32(&r, &body) || !(r.at = 12, get_u32(&r, &fields)))
		return 0;
	total = (16 + (size_t)fields + 7) / 8 * 8 + body;
	return total <= MESSAGE_MAX ? total : 0;
}

/* The header's fields that matter here. */
struct header {
	uint8_t type;
	uint32_t reply_serial;
	const char *error_name, *signature;
	size_t body_at;
};

static int read_header(struct reader *r, struct header *h, struct hr_err *err)
{
	uint32_t body_len, fields_len, serial;
	size_t fields_end;

	*h = (struct header){.type = r->p[1], .signature = ""};
	r->at = 4;
	if (!get_u32(r, &body_len) || !get_u32(r, &serial) || !get_u32(r, &fields_len) ||
	    fields_len > r->len - r->at)
		return hr_err_set(err, EBADMSG, "D-Bus: a message with a broken header");
	fields_end = r->at + fields_len;
	while (r->at < fields_end) {
		const char *sig, *s;
		size_t n;
		uint8_t code;

		if (!skip_to(r, 8) || r->at >= fields_end)
			break;
		code = r->p[r->at++];
		if (!get_string(r, true, &sig, &n) || n != 1)
			return hr_err_set(err, EBADMSG, "D-Bus: a header field of a complex type");
		if (code == FIELD_REPLY_SERIAL && sig[0] == 'u') {
			if (!get_u32(r, &h->reply_serial))
				return hr_err_set(err, EBADMSG, "D-Bus: a header cut short");
		} else if ((code == FIELD_ERROR_NAME && sig[0] == 's') ||
			   (code == FIELD_SIGNATURE && sig[0] == 'g')) {
			if (!get_string(r, sig[0] == 'g', &s, &n))
				return hr_err_set(err, EBADMSG, "D-Bus: a header cut short");
			*(code == FIELD_ERROR_NAME ? &h->error_name : &h->signature) = s;
		} else if (!skip_value(r, sig[0])) {
			return hr_err_set(err, EBADMSG, "D-Bus: a header field of type %c", sig[0]);
		}
	}
	r->at = fields_end;
	if (!skip_to(r, 8) || r->len - r->at != body_len)
		return hr_err_set(err, EBADMSG, "D-Bus: a message whose body is not its length");
	h->body_at = r->at;
	return 0;
}

int hr_dbus_reply_parse(const uint8_t *msg, size_t len, uint32_t serial, enum hr_dbus_reply *kind,
			struct hr_dbus_error *error, struct hr_err *err)
{
	struct reader r = {.p = msg, .len = len};
	struct header h;
	const char *s;
	size_t n;

	*kind = HR_DBUS_OTHER;
	if (len < 16 || hr_dbus_message_size(msg) != len)
		return hr_err_set(err, EBADMSG, "D-Bus: a message of a wrong size");
	r.swap = (msg[0] == 'l') != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
	if (read_header(&r, &h, err) < 0)
		return -1;
	if ((h.type != TYPE_RETURN && h.type != TYPE_ERROR) || h.reply_serial != serial)
		return 0;
	if (h.type == TYPE_RETURN) {
		*kind = HR_DBUS_RETURN;
		return 0;
	}
	*kind = HR_DBUS_ERROR;
	snprintf(error->name, sizeof(error->name), "%s",
		 h.error_name != NULL ? h.error_name : "org.freedesktop.DBus.Error.Failed");
	error->message[0] = '\0';
	/* an error's body begins with its message, when it has one */
	if (h.signature[0] == 's' && get_string(&r, false, &s, &n))
		snprintf(error->message, sizeof(error->message), "%s", s);
	return 0;
}

/* ---- the connection ---- */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An address value, %XX decoded, up to ',' or ';'; the number of bytes or -1. */
static ssize_t address_value(const char *v, char *out, size_t size)
{
	size_t n = 0;

	for (; *v != '\0' && *v != ',' && *v != ';'; v++) {
		int c = (unsigned char)*v;

		if (c == '%') {
			int hi = hex_value(v[1]), lo = hi < 0 ? -1 : hex_value(v[2]);

			if (lo < 0)
				return -1;
			c = hi * 16 + lo;
			v += 2;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return (ssize_t)n;
}

int hr_dbus_address_parse(const char *address, struct sockaddr_un *sa, socklen_t *sa_len,
			  struct hr_err *err)
{
	for (const char *entry = address; entry != NULL && *entry != '\0';
	     entry = strchr(entry, ';') ? strchr(entry, ';') + 1 : NULL) {
		const char *key;

		if (strncmp(entry, "unix:", 5) != 0)
			continue;
		for (key = entry + 5; key != NULL && *key != '\0' && *key != ';';
		     key = strpbrk(key, ",;") && *strpbrk(key, ",;") == ',' ? strpbrk(key, ",;") + 1
									    : NULL) {
			bool abstract = strncmp(key, "abstract=", 9) == 0;
			ssize_t n;

			if (!abstract && strncmp(key, "path=", 5) != 0)
				continue;
			*sa = (struct sockaddr_un){.sun_family = AF_UNIX};
			n = address_value(key + (abstract ? 9 : 5), sa->sun_path + abstract,
					  sizeof(sa->sun_path) - abstract);
			if (n <= 0)
				return hr_err_set(err, EINVAL, "D-Bus address \"%.200s\": a bad %s",
						  address, abstract ? "abstract=" : "path=");
			*sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract +
					      (size_t)n + !abstract);
			return 0;
		}
	}
	return hr_err_set(err, EAFNOSUPPORT,
			  "D-Bus address \"%.200s\": no unix:path= or unix:abstract= in it",
			  address);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly n bytes before the deadline. */
static int read_full(int fd, void *buf, size_t n, long deadline, struct hr_err *err)
{
	uint8_t *p = buf;

	while (n > 0) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long left = deadline - now_ms();
		ssize_t got;

		if (left <= 0)
			return hr_err_set(err, ETIMEDOUT, "D-Bus: no reply within %d s",
					  CALL_TIMEOUT_MS / 1000);
		int ready = poll(&pfd, 1, (int)left);

		if (ready < 0 && errno != EINTR)
			return hr_err_sys(err, "D-Bus: poll");
		if (ready <= 0)
			continue; /* the deadline is checked again */
		got = read(fd, p, n);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0)
			return hr_err_sys(err, "D-Bus: read");
		if (got == 0)
			return hr_err_set(err, ECONNRESET, "D-Bus: the peer closed the connection");
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

/* All of buf to the socket; MSG_NOSIGNAL: a server gone is an EPIPE, not our death. */
static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One line of the server's, before the deadline: byte by byte, nothing read past it. */
static int read_line(int fd, char *line, size_t size, long deadline, struct hr_err *err)
{
	size_t n = 0;

	while (n < size - 1) {
		if (read_full(fd, line + n, 1, deadline, err) < 0)
			return -1;
		if (line[n++] == '\n')
			break;
	}
	line[n] = '\0';
	return 0;
}

/*
 * EXTERNAL without an identity: the server takes our credentials from the socket, so that a
 * process in a user namespace (exec into a rootless container: uid 0 there) is who the kernel
 * says it is, as sd-bus does. The server asks with an empty DATA and gets an empty one back.
 */
static int authenticate(int fd, struct hr_err *err)
{
	static const char auth[] = "\0AUTH EXTERNAL\r\n";
	long deadline = now_ms() + CALL_TIMEOUT_MS;
	char line[256];

	if (send_all(fd, auth, sizeof(auth) - 1) < 0)
		return hr_err_sys(err, "D-Bus: send the authentication");
	if (read_line(fd, line, sizeof(line), deadline, err) < 0)
		return -1;
	if (strncmp(line, "DATA", 4) == 0) {
		if (send_all(fd, "DATA\r\n", 6) < 0)
			return hr_err_sys(err, "D-Bus: send the authentication");
		if (read_line(fd, line, sizeof(line), deadline, err) < 0)
			return -1;
	}
	if (strncmp(line, "OK ", 3) != 0)
		return hr_err_set(err, EACCES, "D-Bus: the server refused uid %u: %.100s",
				  (unsigned)geteuid(), line);
	if (send_all(fd, "BEGIN\r\n", 7) < 0)
		return hr_err_sys(err, "D-Bus: begin");
	return 0;
}

int hr_dbus_open(struct hr_dbus *bus, const char *address, bool hello, struct hr_err *err)
{
	struct sockaddr_un sa;
	socklen_t sa_len;
	struct hr_dbus_error error;
	const struct hr_dbus_call call = {.destination = "org.freedesktop.DBus",
					  .path = "/org/freedesktop/DBus",
					  .interface = "org.freedesktop.DBus",
					  .member = "Hello"};

	*bus = (struct hr_dbus){.fd = -1};
	if (hr_dbus_address_parse(address, &sa, &sa_len, err) < 0)
		return -1;
	bus->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bus->fd < 0)
		return hr_err_sys(err, "D-Bus: socket");
	if (connect(bus->fd, (struct sockaddr *)&sa, sa_len) < 0) {
		hr_err_sys(err, "D-Bus: connect to %.200s", address);
		hr_dbus_close(bus);
		return -1;
	}
	if (authenticate(bus->fd, err) < 0 ||
	    (hello && hr_dbus_call(bus, &call, &error, err) < 0)) {
		hr_err_prefix(err, "%.200s", address);
		hr_dbus_close(bus);
		return -1;
	}
	return 0;
}

void hr_dbus_close(struct hr_dbus *bus)
{
	if (bus->fd >= 0)
		close(bus->fd);
	bus->fd = -1;
}

/* The errno an error name stands for, as sd-bus maps the common ones. */
static int error_errno(const char *name)
{
	static const struct {
		const char *name;
		int errnum;
	} map[] = {
	    {"org.freedesktop.DBus.Error.AccessDenied", EACCES},
	    {"org.freedesktop.DBus.Error.InvalidArgs", EINVAL},
	    {"org.freedesktop.DBus.Error.NoMemory", ENOMEM},
	    {"org.freedesktop.DBus.Error.ServiceUnknown", EHOSTUNREACH},
	    {"org.freedesktop.DBus.Error.UnknownMethod", EBADR},
	    {"org.freedesktop.DBus.Error.UnknownProperty", ENOENT},
	    {"org.freedesktop.DBus.Error.PropertyReadOnly", EROFS},
	    {"org.freedesktop.DBus.Error.Timeout", ETIMEDOUT},
	    {"org.freedesktop.DBus.Error.NoReply", ETIMEDOUT},
	    {"org.freedesktop.DBus.Error.NotSupported", EOPNOTSUPP},
	    {"org.freedesktop.systemd1.UnitExists", EEXIST},
	    {"org.freedesktop.systemd1.NoSuchUnit", ENOENT},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(name, map[i].name) == 0)
			return map[i].errnum;
	return EIO;
}

int hr_dbus_call(struct hr_dbus *bus, const struct hr_dbus_call *call, struct hr_dbus_error *error,
		 struct hr_err *err)
{
	struct hr_dbus_body msg __attribute__((cleanup(hr_dbus_body_free))) = {0};
	long deadline = now_ms() + CALL_TIMEOUT_MS;
	uint32_t serial = ++bus->serial;
	int ret = hr_dbus_message(call, serial, &msg);

	*error = (struct hr_dbus_error){0};
	if (ret < 0)
		return hr_err_set(err, -ret, "D-Bus: the call %s", call->member);
	if (send_all(bus->fd, msg.data, msg.len) < 0)
		return hr_err_sys(err, "D-Bus: send %s", call->member);
	for (;;) {
		uint8_t head[16];
		_cleanup_free_ uint8_t *whole = NULL;
		enum hr_dbus_reply kind;
		size_t size;

		if (read_full(bus->fd, head, sizeof(head), deadline, err) < 0)
			return hr_err_prefix(err, "%s", call->member);
		size = hr_dbus_message_size(head);
		if (size < sizeof(head))
			return hr_err_set(err, EBADMSG, "D-Bus: %s: a message too large or broken",
					  call->member);
		whole = malloc(size);
		if (whole == NULL)
			return hr_err_set(err, ENOMEM, "D-Bus: %s", call->member);
		memcpy(whole, head, sizeof(head));
		if (read_full(bus->fd, whole + sizeof(head), size - sizeof(head), deadline, err) <
			0 ||
		    hr_dbus_reply_parse(whole, size, serial, &kind, error, err) < 0)
			return hr_err_prefix(err, "%s", call->member);
		if (kind == HR_DBUS_RETURN)
			return 0;
		if (kind == HR_DBUS_ERROR)
			return hr_err_set(err, error_errno(error->name), "%s: %s", call->member,
					  error->message[0] ? error->message : error->name);
	}
}
