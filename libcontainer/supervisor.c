/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The supervisor of a foreground container: one poll loop for every source (supervisor.h). */
#include "supervisor.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "fdio.h"
#include "health.h"
#include "terminal.h"

int hr_signalfd_for_forwarding(sigset_t *old, struct hr_err *err)
{
	sigset_t set;
	int fd;

	static const int own_failures[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

	sigfillset(&set);
	/* signals that mean our own failure are left alone */
	for (size_t i = 0; i < sizeof(own_failures) / sizeof(own_failures[0]); i++)
		sigdelset(&set, own_failures[i]);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return hr_err_sys(err, "block signals");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return hr_err_sys(err, "create signalfd");
	return fd;
}

/* The container's exit status as a shell reports it: 128+signal when killed. */
static int wait_status(int pidfd, struct hr_err *err)
{
	siginfo_t info = {0};

	while (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0) {
		if (errno != EINTR)
			return hr_err_sys(err, "wait for the container");
	}
	return info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
}

/* Every pending signal to the container; SIGWINCH resizes the pty while one is relayed. */
static void forward_signals(int sigfd, int pidfd, int pty_master)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			if (pty_master >= 0)
				hr_pty_copy_winsize(STDIN_FILENO, pty_master);
		} else if (si.ssi_signo != SIGCHLD) {
			syscall(SYS_pidfd_send_signal, pidfd, (int)si.ssi_signo, NULL, 0);
		}
	}
}

enum { SRC_PIDFD, SRC_SIGNALS, SRC_HEALTH, SRC_PTY, SRC_STDIN, N_SOURCES };

struct relay {
	struct termios saved;
	bool raw;
};

static void relay_start(struct relay *r, int pty_master)
{
	struct termios raw;

	r->raw = tcgetattr(STDIN_FILENO, &r->saved) == 0;
	if (r->raw) {
		raw = r->saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		hr_pty_copy_winsize(STDIN_FILENO, pty_master);
	}
}

/* The relay is over (the master hung up, or the process exited with nothing left to read). */
static void relay_stop(struct relay *r, struct pollfd *fds)
{
	fds[SRC_PTY].fd = fds[SRC_STDIN].fd = -1;
	if (r->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &r->saved);
	r->raw = false;
}

/* One read of the pty, written to our stdout and to the log; false at its end or when our
 * stdout cannot take it (the relay is over). */
static bool copy_output(int from, struct hr_output_log *log)
{
	char buf[65536];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (log != NULL)
		hr_output_log_write(log, HR_OUTPUT_STDOUT, buf, (size_t)n);
	return hr_write_all(STDOUT_FILENO, buf, (size_t)n) == 0;
}

int hr_supervise(const struct hr_supervised *s, struct hr_err *err)
{
	struct relay relay = {.raw = false};
	struct pollfd fds[N_SOURCES] = {
	    [SRC_PIDFD] = {.fd = s->pidfd, .events = POLLIN},
	    [SRC_SIGNALS] = {.fd = s->sigfd, .events = POLLIN},
	    [SRC_HEALTH] = {.fd = -1, .events = POLLIN},
	    [SRC_PTY] = {.fd = s->pty_master, .events = POLLIN},
	    [SRC_STDIN] = {.fd = s->pty_master >= 0 ? STDIN_FILENO : -1, .events = POLLIN},
	};

	if (s->pty_master >= 0)
		relay_start(&relay, s->pty_master);
	for (;;) {
		bool pty_had_output;

		fds[SRC_HEALTH].fd = s->health ? hr_health_poll_fd(s->health) : -1;
		if (poll(fds, N_SOURCES, s->health ? hr_health_poll_timeout(s->health) : -1) < 0) {
			if (errno == EINTR)
				continue;
			relay_stop(&relay, fds);
			return hr_err_sys(err, "wait for the container");
		}
		pty_had_output = fds[SRC_PTY].fd >= 0 && (fds[SRC_PTY].revents & POLLIN);
		if (fds[SRC_PTY].fd >= 0 && (fds[SRC_PTY].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !copy_output(fds[SRC_PTY].fd, s->log))
			relay_stop(&relay, fds);
		/* our stdin ended: keep relaying output */
		if (fds[SRC_STDIN].fd >= 0 && (fds[SRC_STDIN].revents & (POLLIN | POLLHUP)) &&
		    !hr_pty_pump(STDIN_FILENO, s->pty_master))
			fds[SRC_STDIN].fd = -1;
		if (fds[SRC_SIGNALS].revents & POLLIN)
			forward_signals(s->sigfd, s->pidfd, fds[SRC_PTY].fd);
		/* the process exited: what it wrote to the pty is relayed before its status */
		if ((fds[SRC_PIDFD].revents & POLLIN) && !pty_had_output) {
			relay_stop(&relay, fds);
			return wait_status(s->pidfd, err);
		}
		if (s->health != NULL)
			hr_health_step(s->health);
	}
}
