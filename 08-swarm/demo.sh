#!/usr/bin/env bash
# demo.sh (08-swarm) - the swarm in the simulator: a leader killed, a worker killed, and two
# managers that cannot lose one. Pure simulation: no root, no network, a second or two.
set -euo pipefail
T=${TINYDOCK:-build/tinydock}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# The timeline without the lines of the first placements, so each story fits a screen.
story() { printf '$ %s\n' "$*"; "$@" | grep -v -e 'is placed on' -e 'follows leader'; }

say "3 managers, 5 workers: the leader is killed; another is elected, and the swarm takes changes"
story "$T" swarm simulate --managers 3 --workers 5 --seed 1 --scenario kill-leader

say "A worker is killed: after 3 missed heartbeats its node is down, its tasks move"
story "$T" swarm simulate --managers 3 --workers 5 --seed 1 --scenario kill-worker

say "2 managers, one killed: 1 of 2 is no majority, no leader, no change until it returns"
story "$T" swarm simulate --managers 2 --workers 5 --seed 1 --scenario kill-leader
