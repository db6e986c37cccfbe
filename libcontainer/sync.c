/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct sync_msg {
	uint32_t step;
	int32_t errnum;
	char msg[HR_ERR_MSG_MAX];
};

int hr_sync_pair(int fds[2], struct hr_err *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return hr_err_sys(err, "create sync socketpair");
	return 0;
}

int hr_send_with_fd(int sock, const void *data, size_t len, int pass_fd)
{
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		/* a message goes whole or not at all: a short send is a send timeout */
		if ((size_t)n < len) {
			errno = EAGAIN;
			return -1;
		}
		return 0;
	}
}

int hr_sync_send(int fd, enum hr_sync_step step, const struct hr_err *payload, int pass_fd,
		 struct hr_err *err)
{
	struct sync_msg m = {.step = step};

	if (payload != NULL) {
		m.errnum = payload->errnum;
		memcpy(m.msg, payload->msg, sizeof(m.msg));
		m.msg[sizeof(m.msg) - 1] = '\0';
	}
	if (hr_send_with_fd(fd, &m, sizeof(m), pass_fd) < 0)
		return hr_err_sys(err, "send setup step %d", (int)step);
	return 0;
}

static int take_fd(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int fd;

			memcpy(&fd, CMSG_DATA(c), sizeof(int));
			return fd;
		}
	}
	return -1;
}

int hr_sync_wait(int fd, enum hr_sync_step expected, int *received_fd, struct hr_err *err)
{
	struct sync_msg m;
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;
	int passed;

	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hr_err_sys(err, "receive setup step");
	passed = take_fd(&mh);
	if (received_fd != NULL)
		*received_fd = passed;
	else if (passed >= 0)
		close(passed);
	if (n == 0)
		return hr_err_set(err, EPIPE, "container process exited during setup");
	if ((size_t)n != sizeof(m))
		return hr_err_set(err, EPROTO, "short setup message (%zd bytes)", n);
	if (m.step == HR_SYNC_ERROR) {
		m.msg[sizeof(m.msg) - 1] = '\0';
		err->errnum = m.errnum;
		memcpy(err->msg, m.msg, sizeof(err->msg));
		return -1;
	}
	if (m.step != (uint32_t)expected)
		return hr_err_set(err, EPROTO, "setup step %u received, %d expected", m.step,
				  (int)expected);
	return 0;
}

_Noreturn void hr_sync_fail(int fd, const struct hr_err *err)
{
	struct hr_err ignored;

	hr_sync_send(fd, HR_SYNC_ERROR, err, -1, &ignored);
	_exit(1);
}
