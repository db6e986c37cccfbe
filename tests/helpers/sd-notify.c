/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sd-notify MESSAGE: sends MESSAGE as one datagram to $NOTIFY_SOCKET, as sd_notify(3) does
 * (a path, or "@name" for an abstract socket). Built static by the integration tests, for a
 * busybox rootfs, whose applets cannot send to a unix datagram socket.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len;
	int fd;

	if (argc != 2 || path == NULL || path[0] == '\0') {
		fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sd-notify MESSAGE\n");
		return 2;
	}
	len = strlen(path);
	if (len >= sizeof(addr.sun_path)) {
		fprintf(stderr, "sd-notify: %s: path too long\n", path);
		return 1;
	}
	memcpy(addr.sun_path, path, len);
	if (path[0] == '@')
		addr.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&addr,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
					 (path[0] == '@' ? 0 : 1))) < 0) {
		perror("sd-notify");
		return 1;
	}
	close(fd);
	return 0;
}
