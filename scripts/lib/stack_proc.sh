# shellcheck shell=bash
# Process tracking for the local stack: pid files in var/run, liveness, signals, waiting.
# Sourced after stack_layout.sh. A server counts as running only when its recorded pid
# is a live (non-zombie) process of the server's own executable.

pid_file() { echo "$stack_run/$1.pid"; }
port_file() { echo "$stack_run/$1.port"; }

# server_exe NAME: the executable a server's process runs.
server_exe() {
  case $1 in
    redis|cluster[1-3]) echo /usr/bin/redis-server ;;
    postgres) echo /usr/lib/postgresql/15/bin/postgres ;;
    clickhouse) echo /usr/sbin/clickhouse-server ;;
  esac
}

# recorded_pid NAME: the pid from var/run/NAME.pid, empty when none (builtins only).
recorded_pid() {
  local pid=
  read -r pid 2>/dev/null <"$stack_run/$1.pid" || true
  [[ $pid =~ ^[0-9]+$ ]] && echo "$pid" || true
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
  local stat
  [ -n "$1" ] && read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# pid_runs PID EXE: PID is alive and runs EXE (same file, whatever the symlinks).
pid_runs() { pid_alive "$1" && [ "/proc/$1/exe" -ef "$2" ]; }

# server_pid NAME: prints the running server's pid; false when it is not running.
server_pid() {
  local pid
  pid=$(recorded_pid "$1")
  pid_runs "$pid" "$(server_exe "$1")" || return 1
  echo "$pid"
}

# record_server NAME PID PORT: remember a freshly launched server.
record_server() {
  echo "$2" >"$(pid_file "$1")"
  echo "$3" >"$(port_file "$1")"
}

# forget_server NAME: drop the pid and port records of a server that is gone.
forget_server() { rm -f "$(pid_file "$1")" "$(port_file "$1")"; }

# wait_gone TIMEOUT_S PID...: waits until every /proc/PID has vanished (zombies reaped).
wait_gone() {
  local timeout_s=$1 start pid left
  shift
  start=$(now_us)
  while :; do
    left=0
    for pid in "$@"; do [ -e "/proc/$pid" ] && left=1; done
    (( left == 0 )) && return 0
    (( $(now_us) - start > timeout_s * 1000000 )) && return 1
    sleep "$poll_step_s"
  done
}

# process_tree PID: PID and all its descendants (so a kill can wait for every one).
process_tree() {
  local child
  echo "$1"
  for child in $(pgrep -P "$1" || true); do process_tree "$child"; done
}

# port_listener PORT: describes whatever listens on PORT (empty when free).
port_listener() {
  ss -Htlnp "sport = :$1" 2>/dev/null | awk '{print $4, $6}' | head -n 1
}

# take_stack_lock: serializes up/start/kill/down across concurrent callers (fd 9).
take_stack_lock() {
  mkdir -p "$stack_run"
  exec 9>"$stack_run/stack.lock"
  flock -w "$lock_timeout_s" 9 || die "another scripts/stack holds $stack_run/stack.lock for ${lock_timeout_s}s"
}
