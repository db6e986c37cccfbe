#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash and zsh completions (contrib/completion): their tables of commands and options are
# what the binary's own help lists (helpers/help-options.py), so they cannot drift from it; and
# they complete what they should, container IDs from `hardrun list -q` of the command line's
# --root among it (bash as bash calls it; zsh with its completion builtins stood in for).
# hr-guest: host only (completion tables; containers run only to be listed)

# status, output and lines are set by bats' `run`.
# shellcheck disable=SC2154
load lib

BASH_COMPLETION=$BATS_TEST_DIRNAME/../../contrib/completion/bash/hardrun
ZSH_COMPLETION=$BATS_TEST_DIRNAME/../../contrib/completion/zsh/_hardrun

setup() {
	hr_setup
	command -v zsh >/dev/null || fail "the zsh completion is tested with zsh: apt-get install zsh"
}

# The tables of a completion as "COMMAND|OPTIONS|VALUED" lines, as help-options.py prints them.
bash_tables() {
	bash -c '
		set -e
		source "$1"
		words() { printf "%s\n" $1 | LC_ALL=C sort | paste -sd " " -; }
		echo "-|$(words "$_hardrun_global_opts")|$(words "$_hardrun_global_args")"
		for c in "${!_hardrun_opts[@]}"; do
			echo "$c|$(words "${_hardrun_opts[$c]}")|$(words "${_hardrun_args[$c]}")"
		done' _ "$BASH_COMPLETION" | LC_ALL=C sort
}

zsh_tables() {
	zsh -f -c '
		compdef() { :; }
		source "$1"
		words() { print -l -- ${=1} | LC_ALL=C sort | paste -sd " " -; }
		print -r -- "-|$(words "$_hardrun_global_opts")|$(words "$_hardrun_global_args")"
		for c in ${(k)_hardrun_opts}; do
			print -r -- "$c|$(words "$_hardrun_opts[$c]")|$(words "$_hardrun_args[$c]")"
		done' _ "$ZSH_COMPLETION" | LC_ALL=C sort
}

help_tables() {
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/helpers/help-options.py" "$HARDRUN" | LC_ALL=C sort
}

@test "completion: the bash and zsh tables of commands and options are what hardrun's help lists" {
	help_tables >"$HR_TMP/help"
	[ "$(wc -l <"$HR_TMP/help")" -ge 20 ] || fail "help-options.py found too little: $(cat "$HR_TMP/help")"
	grep -qx 'checkpoint|.*--pre-dump.*|.*--parent-path.*' "$HR_TMP/help" || fail "help-options.py misses checkpoint's options"
	grep -qx 'run|.*--health-cmd.*|.*--health-cmd.*' "$HR_TMP/help" || fail "help-options.py misses run's second section"
	bash_tables >"$HR_TMP/bash"
	diff -u "$HR_TMP/help" "$HR_TMP/bash" || fail "contrib/completion/bash/hardrun drifted from the help (- help, + bash)"
	zsh_tables >"$HR_TMP/zsh"
	diff -u "$HR_TMP/help" "$HR_TMP/zsh" || fail "contrib/completion/zsh/_hardrun drifted from the help (- help, + zsh)"
	# zsh shows each command's summary: the help's
	"$HR_PYTHON" "$BATS_TEST_DIRNAME/helpers/help-options.py" "$HARDRUN" --summaries |
		grep -v '^help|' >"$HR_TMP/summaries"
	zsh -f -c 'compdef() { :; }; source "$1"; print -l -- ${_hardrun_commands:#help:*}' _ "$ZSH_COMPLETION" |
		sed 's/:/|/' | LC_ALL=C sort >"$HR_TMP/zsh-summaries"
	diff -u <(LC_ALL=C sort "$HR_TMP/summaries") "$HR_TMP/zsh-summaries" || fail "the zsh summaries drifted"
}

# bash_complete WORD...: what bash's completion offers for the last word (being typed).
bash_complete() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hardrun
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd " " -' _ "$BASH_COMPLETION" "$@"
}

# zsh_complete WORD...: the same with zsh, its completion builtins stood in for.
zsh_complete() {
	zsh -f -c '
		compadd() { while (($# > 0)) && [[ $1 != -- ]]; do shift; done; shift; print -l -- "$@"; }
		_describe() { print -l -- ${${(P)4}%%:*}; }
		_directories() { print -- "<directories>"; }
		_files() { print -- "<files>"; }
		_message() { print -- "<message>"; }
		_call_program() { shift; eval "$@"; }
		compdef() { :; }
		source "$1"
		shift
		words=("$@")
		CURRENT=$#
		_hardrun | LC_ALL=C sort | paste -sd " " -' _ "$ZSH_COMPLETION" "$@"
}

@test "completion: bash and zsh complete commands, options, values and the IDs of --root's containers" {
	make_bundle_running sleep 1000
	hr_bg run -d --bundle "$BUNDLE" cpl-one
	hr_bg run -d --bundle "$BUNDLE" cpl-two
	local shell complete
	for shell in bash zsh; do
		complete=${shell}_complete
		run -0 "$complete" "$HARDRUN" --root "$HR_ROOT" kill ""
		[ "$output" = "cpl-one cpl-two" ] || fail "$shell: kill's IDs: $output"
		run -0 "$complete" "$HARDRUN" --root "$HR_ROOT" delete cpl-one ""
		[ "$output" = "cpl-one cpl-two" ] || fail "$shell: delete takes more IDs: $output"
		run -0 "$complete" "$HARDRUN" --root "$HR_ROOT" exec -e A=1 ""
		[ "$output" = "cpl-one cpl-two" ] || fail "$shell: exec's ID after a valued option: $output"
		# one ID for the others, and none for a command that makes its container
		run -0 "$complete" "$HARDRUN" --root "$HR_ROOT" state cpl-one ""
		[ -z "$output" ] || fail "$shell: state after its ID: $output"
		run -0 "$complete" "$HARDRUN" --root "$HR_ROOT" create ""
		[ -z "$output" ] || fail "$shell: create offered: $output"
		# another state directory, other IDs
		run -0 "$complete" "$HARDRUN" --root "$HR_TMP/empty-root" kill ""
		[ -z "$output" ] || fail "$shell: IDs of another --root: $output"
		run -0 "$complete" "$HARDRUN" --root "$HR_ROOT" kill cpl-one ""
		[[ " $output " == *" TERM "* ]] && [[ " $output " == *" HUP "* ]] || fail "$shell: kill's signals: $output"
		run -0 "$complete" "$HARDRUN" --root "$HR_ROOT" kill cpl-one SIG
		[[ " $output " == *" SIGTERM "* ]] || fail "$shell: kill's signals as SIG...: $output"
		run -0 "$complete" "$HARDRUN" --cgroup-manager ""
		[ "$output" = "cgroupfs disabled systemd" ] || fail "$shell: --cgroup-manager: $output"
		run -0 "$complete" "$HARDRUN" spec --profile ""
		[ "$output" = "development minimal production" ] || fail "$shell: spec --profile: $output"
		run -0 "$complete" "$HARDRUN" checkpoint --manage-cgroups-mode ""
		[ "$output" = "full ignore soft strict" ] || fail "$shell: --manage-cgroups-mode: $output"
		run -0 "$complete" "$HARDRUN" help ""
		[[ " $output " == *" checkpoint "* ]] && [[ " $output " == *" validate "* ]] ||
			fail "$shell: help's commands: $output"
	done
	# bash filters by what is typed; zsh's compadd does it there
	run -0 bash_complete "$HARDRUN" checkpoint --p
	[ "$output" = "--parent-path --pre-dump" ] || fail "bash: checkpoint --p: $output"
	run -0 bash_complete "$HARDRUN" --root "$HR_ROOT" ki
	[ "$output" = kill ] || fail "bash: ki: $output"
	run -0 bash_complete "$HARDRUN" --root "$HR_ROOT" kill cpl-o
	[ "$output" = cpl-one ] || fail "bash: cpl-o: $output"
	run -0 zsh_complete "$HARDRUN" run --bundle ""
	[ "$output" = "<directories>" ] || fail "zsh: run --bundle: $output"
	run -0 zsh_complete "$HARDRUN" exec cpl-one -p ""
	[ "$output" = "<files>" ] || fail "zsh: exec -p: $output"
	run -0 hr delete -f cpl-one cpl-two
}
