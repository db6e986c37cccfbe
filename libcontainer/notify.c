/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"

/* sd_notify messages are small; systemd itself refuses datagrams above its pipe buffer. */
#define NOTIFY_MSG_MAX 4096

const char *hr_notify_caller_socket(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s != NULL && s[0] != '\0' ? s : NULL;
}

int hr_notify_make_dir(int state_dir, const char *state_path, struct hr_err *err)
{
	/* 0755: a container process of any uid may reach the socket (it is 0777 itself) */
	if (mkdirat(state_dir, HR_NOTIFY_DIR, 0755) < 0 && errno != EEXIST)
		return hr_err_sys(err, "create %s/%s", state_path, HR_NOTIFY_DIR);
	return 0;
}

/* The address of <dir fd>/name through /proc/self/fd: short whatever the state path's length. */
static void addr_in_dir(struct sockaddr_un *addr, int dir, const char *name)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d/%s", dir, name);
}

int hr_notify_bind(int state_dir, const char *state_path, struct hr_err *err)
{
	_cleanup_close_ int dir =
	    openat(state_dir, HR_NOTIFY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int sock = -1;
	struct sockaddr_un addr;
	int r;

	if (dir < 0)
		return hr_err_sys(err, "open %s/%s", state_path, HR_NOTIFY_DIR);
	if (unlinkat(dir, HR_NOTIFY_SOCKET_NAME, 0) < 0 && errno != ENOENT)
		return hr_err_sys(err, "remove %s/%s/%s", state_path, HR_NOTIFY_DIR,
				  HR_NOTIFY_SOCKET_NAME);
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sock < 0)
		return hr_err_sys(err, "create the notify socket");
	addr_in_dir(&addr, dir, HR_NOTIFY_SOCKET_NAME);
	if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return hr_err_sys(err, "bind %s/%s/%s", state_path, HR_NOTIFY_DIR,
				  HR_NOTIFY_SOCKET_NAME);
	if (fchmodat(dir, HR_NOTIFY_SOCKET_NAME, 0777, 0) < 0)
		return hr_err_sys(err, "chmod %s/%s/%s", state_path, HR_NOTIFY_DIR,
				  HR_NOTIFY_SOCKET_NAME);
	r = sock;
	sock = -1;
	return r;
}

/* Whether one of the newline-separated assignments of msg is READY=1. */
static bool says_ready(const char *msg, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(msg + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - msg) : len;

		if (end - i == 7 && memcmp(msg + i, "READY=1", 7) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

static int forward(const char *caller_socket, pid_t pid, const char *msg, size_t len,
		   struct hr_err *err)
{
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t path_len = strlen(caller_socket);
	socklen_t addr_len;
	char out[NOTIFY_MSG_MAX + 32];
	int n;

	if (sock < 0)
		return hr_err_sys(err, "create a socket for NOTIFY_SOCKET");
	if (path_len >= sizeof(addr.sun_path))
		return hr_err_set(err, ENAMETOOLONG, "NOTIFY_SOCKET %s: the path is too long",
				  caller_socket);
	memcpy(addr.sun_path, caller_socket, path_len);
	if (caller_socket[0] == '@')
		addr.sun_path[0] = '\0'; /* abstract, as sd_notify(3) reads it */
	addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len +
			       (caller_socket[0] == '@' ? 0 : 1));
	n = snprintf(out, sizeof(out), "MAINPID=%d\n%.*s", (int)pid, (int)len, msg);
	if (n < 0 || (size_t)n >= sizeof(out))
		return hr_err_set(err, EMSGSIZE, "the container's notify message is too long");
	if (sendto(sock, out, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len) < 0)
		return hr_err_sys(err, "send READY=1 to NOTIFY_SOCKET %s", caller_socket);
	return 0;
}

int hr_notify_relay(int sock, int pidfd, pid_t pid, const char *caller_socket, struct hr_err *err)
{
	struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
	char msg[NOTIFY_MSG_MAX];

	for (;;) {
		ssize_t n;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return hr_err_sys(err, "wait for the container's READY=1");
		}
		if (fds[0].revents & POLLIN) {
			n = recv(sock, msg, sizeof(msg), MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return hr_err_sys(err, "read the notify socket");
			if (n > 0 && says_ready(msg, (size_t)n))
				return forward(caller_socket, pid, msg, (size_t)n, err);
			continue;
		}
		if (fds[1].revents & POLLIN)
			return 0;
	}
}
