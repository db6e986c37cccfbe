/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "sync.h"

int hr_pty_open(uint32_t height, uint32_t width, int *master, int *slave, struct hr_err *err)
{
	_cleanup_close_ int m = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int unlock = 0;

	if (m < 0)
		return hr_err_sys(err, "open /dev/pts/ptmx in the container");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return hr_err_sys(err, "unlock pty");
	*slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return hr_err_sys(err, "open pty slave");
	if (height != 0 && width != 0) {
		struct winsize ws = {.ws_row = (unsigned short)height,
				     .ws_col = (unsigned short)width};

		if (ioctl(*slave, TIOCSWINSZ, &ws) < 0)
			return hr_err_sys(err, "set console size");
	}
	*master = steal_fd(&m);
	return 0;
}

int hr_pty_make_controlling(int slave, struct hr_err *err)
{
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return hr_err_sys(err, "set controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return hr_err_sys(err, "dup pty slave to fd %d", fd);
	return 0;
}

int hr_console_socket_connect(const char *path, struct hr_err *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;

	if (strlen(path) >= sizeof(addr.sun_path))
		return hr_err_set(err, ENAMETOOLONG, "console socket %s", path);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return hr_err_sys(err, "create socket for console socket %s", path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return hr_err_sys(err, "connect to console socket %s", path);
	return steal_fd(&fd);
}

int hr_console_socket_send(int sock, int master, struct hr_err *err)
{
	/* runc sends the name of the pty with it; clients ignore it */
	static const char name[] = "/dev/ptmx";

	if (hr_send_with_fd(sock, name, sizeof(name) - 1, master) < 0)
		return hr_err_sys(err, "send the pty master to the console socket");
	return 0;
}

void hr_pty_copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

bool hr_pty_pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += w;
	}
	return true;
}
