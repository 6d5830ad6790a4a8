# demo-lib.sh - how every chapter's demo.sh tells its story (sourced, not run).
#
# A demo is a list of steps; each step is one sentence a student understands, then the
# commands that show it, each printed as typed ($ ...) and followed by its real output. Every
# demo sources this file so that they all look and pace alike:
#
#   demo_init NN        T is the chapter's own binary (build/chNN/tinydock, or $TINYDOCK),
#                       PROBE and ESCAPE the static helpers (build/probe, build/chroot-escape)
#   step SENTENCE       a new step: its heading (after Enter when DEMO_PAUSE=1)
#   show CMD...         print "$ CMD" and run it
#   say SENTENCE        a line of narration about the output just shown
#   pause               with DEMO_PAUSE=1, wait for Enter (a live class sets the pace)
#   on_exit FUNCTION    run FUNCTION when the demo ends: at the end, after a failing command,
#                       after Ctrl-C; a second Ctrl-C does not cut the clean-up short
#   wait_until SECONDS CMD...   run CMD until it succeeds, for at most SECONDS; 1 on time-out
#
# Each demo runs against its chapter's stage binary, so it shows what that chapter built and
# nothing of the chapters after it. Each keeps its state (TINYDOCK_ROOT, TINYDOCK_RUN) in a
# folder of its own and removes it, and whatever it started, in a trap on EXIT, which bash also
# runs after Ctrl-C (the INT trap below turns it into an exit) and after a failing command
# (set -e). Bash acts on a Ctrl-C once the command in the foreground has ended (bash(1),
# SIGNALS); a `tinydock run` in the foreground passes SIGINT on to its container, as
# `docker run` does, and ends when the container does.

demo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

demo_init() {
	T=${TINYDOCK:-$demo_root/build/ch$1/tinydock}
	PROBE=${TINYDOCK_PROBE:-$(dirname "$T")/../probe}
	ESCAPE=${TINYDOCK_ESCAPE:-$(dirname "$T")/../chroot-escape}
	[ -x "$PROBE" ] || PROBE=$demo_root/build/probe
	[ -x "$ESCAPE" ] || ESCAPE=$demo_root/build/chroot-escape
	if [ ! -x "$T" ]; then
		echo "demo: no $T (run make first)" >&2
		exit 1
	fi
	demo_steps=0
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

on_exit() {
	trap "trap '' INT TERM; $1" EXIT
}

pause() {
	[ "${DEMO_PAUSE:-0}" = 1 ] || return 0
	# The terminal, not stdin: a step's commands may read stdin. No terminal (a test, a pipe
	# into a log): no one to wait for.
	if { exec 9<>/dev/tty; } 2>/dev/null; then
		printf '\033[2m(Enter)\033[0m' >&9
		read -r _ <&9 || true
		exec 9>&-
	fi
}

step() {
	if [ "$demo_steps" -gt 0 ]; then pause; fi
	demo_steps=$((demo_steps + 1))
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

say() { printf '\033[3m%s\033[0m\n' "$*"; }

# Print a command as a student would type it: the binary as `tinydock`, and any word that the
# shell would split or expand in single quotes.
show_command() {
	local word line=\$
	for word in "$@"; do
		if [ "$word" = "$T" ]; then
			word=tinydock
		elif [[ -z $word || $word =~ [^A-Za-z0-9_./:=@%+,-] ]]; then
			word="'${word//\'/\'\\\'\'}'"
		fi
		line+=" $word"
	done
	printf '%s\n' "$line"
}

show() {
	show_command "$@"
	"$@"
}

wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
		sleep 0.1
	done
}
