/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_NETDEV_H
#define HR_NETDEV_H

/*
 * linux.netDevices: host network interfaces moved into the container's network namespace, over
 * raw rtnetlink (NETLINK_ROUTE). The parent plans (each host interface looked up by name) and,
 * once the container's network namespace exists and before the container is set up, moves each
 * one there in a single RTM_NEWLINK (IFLA_NET_NS_FD with IFLA_IFNAME: the kernel renames it in
 * the new namespace), gives it back its permanent global addresses and brings it up, as the
 * runtime-spec asks. Nothing is moved back: when the namespace goes, the kernel returns a
 * physical device to the initial network namespace and destroys a virtual one.
 */
#include <stddef.h>

#include "arena.h"
#include "config_model.h"
#include "error.h"

/*
 * Why name cannot be a network interface name (the kernel's rules: 1 to 15 bytes, not "." or
 * "..", no '/', ':', whitespace or control character), or NULL when it can.
 */
const char *hr_netdev_name_problem(const char *name);

struct hr_netdev_plan {
	const struct hr_net_device *devices; /* the config's */
	int *host_ifindex;		     /* each device's index in the caller's namespace */
	size_t n;
};

/* Parent, before clone: each host interface looked up; a missing one is an error naming it. */
int hr_netdev_plan_build(const struct hr_linux *linux_cfg, struct hr_arena *arena,
			 struct hr_netdev_plan *plan, struct hr_err *err);

/*
 * Parent, after clone, before the container sets up: move every planned device into the
 * network namespace netns_fd (the init's, or the one it joins), renamed as asked, its permanent
 * global addresses restored, up. Nothing to do for an empty plan.
 */
int hr_netdev_move(const struct hr_netdev_plan *plan, int netns_fd, struct hr_err *err);

#endif
