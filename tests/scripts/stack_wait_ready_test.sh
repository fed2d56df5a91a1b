#!/usr/bin/env bash
# scripts/lib/stack_servers.sh's wait_ready against a real redis-server on a spare port,
# in a private var/run: a server whose launcher has not yet exec'd it (the recorded pid
# still runs bash) is waited for; a launcher that exits is reported at once.
# Regression: StoreRedis.ReconnectsAfterTheServerIsKilledAndRestarted failed on a loaded
# machine with "redis: exited during start-up" while redis was still being launched.
set -euo pipefail
mtg_tag=stack-test
lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib" && pwd -P)"
# shellcheck source=../../scripts/lib/common.sh
. "$lib/common.sh"
# shellcheck source=../../scripts/lib/stack_layout.sh
. "$lib/stack_layout.sh"
# shellcheck source=../../scripts/lib/stack_proc.sh
. "$lib/stack_proc.sh"
# shellcheck source=../../scripts/lib/stack_files.sh
. "$lib/stack_files.sh"
# shellcheck source=../../scripts/lib/stack_servers.sh
. "$lib/stack_servers.sh"

tmp=$(mktemp -d)
stack_run=$tmp/run
stack_logs=$tmp/log
mkdir -p "$stack_run"
cleanup() {
  local pid
  pid=$(recorded_pid redis)
  [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

redis_port=$(( 40000 + RANDOM % 20000 ))
until [ -z "$(port_listener "$redis_port")" ]; do redis_port=$(( 40000 + RANDOM % 20000 )); done

fails=0
check() {  # check WHAT EXPECTED_STATUS ACTUAL_STATUS
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAILED: $1 (exit $3, expected $2)"; fails=$(( fails + 1 )); fi
}

# A launcher that is still bash for a second before it becomes redis-server.
start_detached redis "$redis_port" bash -c "sleep 1; exec redis-server --port $redis_port --bind 127.0.0.1 \
  --dir $tmp --save '' --appendonly no"
rc=0
(wait_ready redis) || rc=$?
check "a server still being launched is waited for" 0 "$rc"
rc=0
[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$redis_port" ping)" = PONG ] || rc=$?
check "and answers afterwards" 0 "$rc"
pid=$(recorded_pid redis)
kill -9 "$pid"
wait "$pid" 2>/dev/null || true

# A launcher that exits without ever starting the server.
start_detached redis "$redis_port" bash -c "sleep 0.3; exit 3"
rc=0
out=$( (wait_ready redis) 2>&1) || rc=$?
check "a launcher that exits is reported" 1 "$rc"
rc=0
[[ $out == *"exited during start-up"* ]] || rc=$?
check "as exited during start-up" 0 "$rc"

(( fails == 0 )) || exit 1
