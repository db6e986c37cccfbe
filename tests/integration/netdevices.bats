#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# linux.netDevices: a host interface moves into the container's new network namespace, renamed
# when asked, with its permanent global addresses, up; it is gone from the namespace it left.
# Every test runs hardrun in a network namespace of its own (in_own_netns), where it makes the
# link to move: nothing here touches the machine's own network. The link is a dummy where the
# kernel has the driver, else one end of a veth pair (a kernel without modules); both are
# virtual: when the container's namespace goes, the kernel destroys them.

load lib

# in_own_netns SCRIPT: SCRIPT (bash -e) in a new network namespace, with `hr` (this test's
# hardrun) and `mklink` (makes hrdummy0 with 10.77.0.7/24, fd77::7/64 and an address with a
# lifetime, which is not permanent and so does not move) defined.
in_own_netns() {
	unshare --net bash -ec '
hr() { "$HARDRUN" --root "$HR_ROOT" --cgroup-manager disabled "$@"; }
mklink() {
	ip link add hrdummy0 type dummy 2>/dev/null ||
		ip link add hrdummy0 type veth peer name hrpeer0
	ip addr add 10.77.0.7/24 dev hrdummy0
	ip addr add fd77::7/64 dev hrdummy0 nodad
	ip addr add 10.78.0.8/24 valid_lft 600 preferred_lft 600 dev hrdummy0
}
ip link set lo up
'"$1"
}

make_netdev_bundle() {
	make_bundle
	# no linux.resources: with the cgroup manager disabled, hardrun warns about them on stderr
	update_config "c['process']['terminal'] = False; c['process']['args'] = ['sleep', '1000']
c['linux'].pop('resources', None)
c['linux']['netDevices'] = $1"
	# what the container sees of its interfaces: the names in its /sys/class/net, then for the
	# interface $1 its MAC address, its flags and its addresses
	cat >"$BUNDLE/rootfs/inside.sh" <<-'EOF'
		echo "names: $(ls /sys/class/net | tr "\n" " ")"
		echo "mac: $(cat /sys/class/net/$1/address)"
		echo "flags: $(cat /sys/class/net/$1/flags)"
		ip -o addr show dev "$1" | sed "s/^/addr: /"
	EOF
}

@test "linux.netDevices: the device moves, renamed, with its permanent addresses, up" {
	make_netdev_bundle "{'hrdummy0': {'name': 'eth7'}}"
	run -0 in_own_netns '
mklink
echo "host-mac: $(ip -o link show hrdummy0 | grep -o "link/ether [0-9a-f:]*")"
hr run -d --bundle "$BUNDLE" nd1 </dev/null >"$HR_TMP/nd1.log" 2>&1 || { cat "$HR_TMP/nd1.log"; exit 1; }
ip link show hrdummy0 >/dev/null 2>&1 && echo "left: hrdummy0 is still here"
hr exec nd1 sh /inside.sh eth7
hr delete --force nd1'
	assert_output_contains "names: eth7 lo "
	assert_output_not_contains "hrdummy0"
	assert_output_not_contains "left:"
	# the same device: its MAC address came along
	local mac
	mac=$(sed -n 's/^host-mac: link\/ether //p' <<<"$output")
	[ -n "$mac" ] || fail "no MAC address read on the host side"
	assert_output_contains "mac: $mac"
	# up (IFF_UP is bit 0 of the flags)
	local flags
	flags=$(sed -n 's/^flags: //p' <<<"$output")
	(((flags & 1) == 1)) || fail "eth7 is not up: flags $flags"
	assert_line_matches '^addr: .* eth7 +inet 10\.77\.0\.7/24 '
	assert_line_matches '^addr: .* eth7 +inet6 fd77::7/64 '
	# an address with a lifetime is not permanent: it stays behind (and goes with the link)
	assert_output_not_contains "10.78.0.8"
}

@test "linux.netDevices: without a name the device keeps its own" {
	make_netdev_bundle "{'hrdummy0': {}}"
	run -0 in_own_netns '
mklink
hr run -d --bundle "$BUNDLE" nd2 </dev/null >"$HR_TMP/nd2.log" 2>&1 || { cat "$HR_TMP/nd2.log"; exit 1; }
ip link show hrdummy0 >/dev/null 2>&1 && echo "left: hrdummy0 is still here"
hr exec nd2 sh /inside.sh hrdummy0
hr delete --force nd2'
	assert_output_contains "names: hrdummy0 lo "
	assert_output_not_contains "left:"
	assert_line_matches '^addr: .* hrdummy0 +inet 10\.77\.0\.7/24 '
}

@test "linux.netDevices: a device the host does not have fails create, and nothing is left" {
	make_netdev_bundle "{'hrmissing0': {'name': 'eth7'}}"
	# validate reads the document only: whether the device exists is create's to find out
	run -0 "$HARDRUN" validate --bundle "$BUNDLE"
	run -1 in_own_netns 'hr create --bundle "$BUNDLE" nd3 </dev/null'
	assert_output_contains "create container nd3: linux.netDevices.hrmissing0: no such network interface on the host"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "a failed create left $(ls -A "$HR_ROOT") behind"
	run -0 hr list -q
	[ -z "$output" ] || fail "a container is listed: $output"
	# the devices are looked up before anything is started: one that exists stays where it was
	update_config "c['linux']['netDevices'] = {'hrdummy0': {}, 'hrmissing1': {}}"
	run -0 in_own_netns '
mklink
hr create --bundle "$BUNDLE" nd4 </dev/null && echo "created"
ip -o link show hrdummy0 >/dev/null && echo "hrdummy0 still here"'
	assert_output_contains "linux.netDevices.hrmissing1: no such network interface on the host"
	assert_output_not_contains "created"
	assert_output_contains "hrdummy0 still here"
	[ -z "$(ls -A "$HR_ROOT")" ] || fail "a failed create left $(ls -A "$HR_ROOT") behind"
}

@test "linux.netDevices: validate and create refuse the same documents with the same messages" {
	make_bundle
	update_config "c['process']['terminal'] = False; c['linux'].pop('resources', None)"
	local cases=(
		"c['linux']['netDevices'] = {'lo': {}}"
		"linux.netDevices.lo: the loopback device cannot leave its network namespace"
		"c['linux']['netDevices'] = {'hrdummy0': {'name': 'lo'}}"
		"linux.netDevices.hrdummy0.name: \"lo\" is the container's own loopback device"
		"c['linux']['netDevices'] = {'hrdummy0': {'name': 'a-name-of-16-byt'}}"
		"linux.netDevices.hrdummy0.name: an interface name has at most 15 bytes"
		"c['linux']['netDevices'] = {'hrdummy0': {'name': 'x'}, 'hrpeer0': {'name': 'x'}}"
		"linux.netDevices.hrpeer0.name: duplicate interface name \"x\" in the container (also linux.netDevices.hrdummy0's)"
		"c['linux']['netDevices'] = {'hrdummy0': ['eth0']}"
		"linux.netDevices.hrdummy0: expected an object, got an array"
		"c['linux']['netDevices'] = {'hrdummy0': {}}; c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']"
		"linux.netDevices: requires a network namespace (no \"network\" in linux.namespaces)"
	)
	local k
	for ((k = 0; k < ${#cases[@]}; k += 2)); do
		make_bundle "$HR_TMP/b$k"
		update_config "c['process']['terminal'] = False; c['linux'].pop('resources', None)
${cases[k]}" "$HR_TMP/b$k"
		run -1 "$HARDRUN" validate --bundle "$HR_TMP/b$k"
		assert_output_contains "config.json: ${cases[k + 1]}"
		local from_validate=$output
		run -1 in_own_netns "mklink; hr create --bundle $HR_TMP/b$k v$k </dev/null"
		assert_output_contains "config.json: ${cases[k + 1]}"
		# create's one error is validate's line (with the errno create's errors carry)
		local msg=${output#hardrun: }
		msg=${msg%: Invalid argument}
		[[ $from_validate == *"$msg"* ]] ||
			fail "create said \"$output\", validate \"$from_validate\""
		[ -z "$(ls -A "$HR_ROOT")" ] || fail "a refused create left $(ls -A "$HR_ROOT") behind"
	done
}
