/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A seccomp user-notification agent for tests/integration/seccomp_notify.bats.
 *
 *   seccomp-agent SOCKET OUTPUT_PREFIX
 *
 * Listens on the unix stream socket SOCKET. For each connection (one per container process
 * whose filter has SCMP_ACT_NOTIFY rules) it receives the ContainerProcessState JSON with the
 * listener fd (SCM_RIGHTS), writes the JSON to OUTPUT_PREFIX.N (N = 1, 2, ...: the connection's
 * number) and answers that fd's notifications: mkdir and mkdirat fail with ENOTSUP, which no
 * filesystem would say for them; any other call continues as if unfiltered. It serves the fds
 * in child processes (each exits when its filter has no process left) and runs until killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One message: the JSON in buf (NUL-terminated), the fd it carried in *fd. */
static ssize_t receive(int conn, char *buf, size_t size, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = size - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf)};
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);

	*fd = -1;
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

static void write_json(const char *prefix, unsigned n, const char *json)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s.%u", prefix, n);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL || fputs(json, f) < 0 || fclose(f) != 0)
		die(tmp);
	if (rename(tmp, path) < 0)
		die(path);
}

/* Answers notifications on fd until every process using the filter is gone. */
static void serve(int fd)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		die("SECCOMP_GET_NOTIF_SIZES");
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	if (req == NULL || resp == NULL)
		die("calloc");
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			exit(0); /* the filter's last user is gone */
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			die("SECCOMP_IOCTL_NOTIF_RECV");
		}
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		if (req->data.nr == SYS_mkdir || req->data.nr == SYS_mkdirat)
			resp->error = -ENOTSUP;
		else
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		/* ENOENT: the process was killed while we looked */
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	static char json[65536];
	unsigned n = 0;
	int sock;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: seccomp-agent SOCKET OUTPUT_PREFIX\n");
		return 2;
	}
	signal(SIGCHLD, SIG_IGN); /* no zombies from the per-fd servers */
	strcpy(sa.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(sock, 8) < 0)
		die(argv[1]);
	for (;;) {
		int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC), fd;
		pid_t pid;

		if (conn < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		if (receive(conn, json, sizeof(json), &fd) < 0 || fd < 0) {
			fprintf(stderr, "seccomp-agent: connection %u: no fd\n", n + 1);
			close(conn);
			continue;
		}
		close(conn);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(sock);
			serve(fd);
		}
		close(fd);
		write_json(argv[2], ++n, json);
	}
}
