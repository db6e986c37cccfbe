// SPDX-License-Identifier: GPL-2.0-or-later
// The pod sandbox's process of the CRI tests (tests/vm/clients/cri.bats), as Kubernetes' pause
// image has one: it holds the pod's namespaces open, reaps the orphans the pod's PID namespace
// hands it when it is the pod's init, and exits 0 on SIGINT or SIGTERM (containerd stops a
// sandbox with SIGKILL, a user may stop it with TERM).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig)
{
	(void)sig;
	_exit(0);
}

static void on_child(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

int main(void)
{
	if (handle(SIGINT, on_stop) < 0 || handle(SIGTERM, on_stop) < 0 ||
	    handle(SIGCHLD, on_child) < 0) {
		perror("pause: sigaction");
		return 1;
	}
	for (;;)
		pause();
}
