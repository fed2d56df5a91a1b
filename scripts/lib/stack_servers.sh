# shellcheck shell=bash
# Launching, probing and stopping the stack's servers (Redis, PostgreSQL, ClickHouse).
# Sourced after stack_proc.sh and stack_files.sh. Every server binds 127.0.0.1 only,
# runs detached (setsid + nohup) so it outlives the script, and logs to var/log/NAME.log.

pg_bin=/usr/lib/postgresql/15/bin

# probe_server NAME PORT: true when the server answers as ready on PORT.
probe_server() {
  case $1 in
    redis|cluster[1-3]) [ "$(timeout 2 redis-cli -h "$stack_host" -p "$2" ping 2>/dev/null)" = PONG ] ;;
    postgres) "$pg_bin/pg_isready" -q -t 2 -h "$stack_host" -p "$2" -U postgres -d postgres ;;
    clickhouse) [ "$(curl -s --max-time 2 "http://$stack_host:$2/ping" 2>/dev/null)" = Ok. ] ;;
  esac
}

# require_free_port NAME PORT: dies when something else already listens on PORT.
require_free_port() {
  local who
  who=$(port_listener "$2")
  [ -z "$who" ] || die "$1: port $2 is already taken ($who); stop it or set MTG_PORT_BASE"
}

# close_inherited_fds: closes every fd above 2, so a server holds neither the stack lock
# nor a caller's pipe (a test reading our output would otherwise never see EOF).
close_inherited_fds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    (( fd > 2 )) && eval "exec $fd>&-"
  done
  return 0
}

# start_detached NAME PORT CMD...: runs CMD in its own session; records its pid and port.
start_detached() {
  local name=$1 port=$2 log
  shift 2
  log=$(server_log "$name")
  mkdir -p "$stack_logs"
  if [ -f "$log" ] && (( $(stat -c %s "$log") > max_log_bytes )); then mv -f "$log" "$log.1"; fi
  printf '\n==== %s: scripts/stack starts %s on port %s\n' "$(date -Is)" "$name" "$port" >>"$log"
  (
    close_inherited_fds
    exec setsid nohup "$@" >>"$log" 2>&1 </dev/null
  ) &
  record_server "$name" "$!" "$port"
}

# slow_fsync_prefix: sets redis_prefix to the command prefix that runs Redis on a
# stalled disk when MTG_REDIS_SLOW_FSYNC_MS is set (every fsync/fdatasync delayed that
# long by the LD_PRELOAD fixture tests/fixtures/slow_fsync.c), else to nothing.
slow_fsync_prefix() {
  local ms=${MTG_REDIS_SLOW_FSYNC_MS:-0} lib=${MTG_SLOW_FSYNC_LIB:-$mtg_root/build/tests/fixtures/libslow_fsync.so}
  redis_prefix=()
  [[ $ms =~ ^[0-9]+$ ]] || die "MTG_REDIS_SLOW_FSYNC_MS must be a whole number of milliseconds (got '$ms')"
  (( ms > 0 )) || return 0
  [ -f "$lib" ] || die "redis: no stalled-disk library at $lib (build the slow_fsync target or set MTG_SLOW_FSYNC_LIB)"
  log "redis: every fsync delayed ${ms} ms ($lib)"
  redis_prefix=(env "LD_PRELOAD=$lib" "MTG_SLOW_FSYNC_MS=$ms")
}

launch_redis() {
  local dir mode redis_prefix
  dir=$(server_dir redis)
  mode=$(redis_durability)
  mkdir -p "$dir"
  slow_fsync_prefix
  start_detached redis "$redis_port" "${redis_prefix[@]}" redis-server --port "$redis_port" --bind "$stack_host" \
    --dir "$dir" --appendonly yes --appendfsync "$mode" --save "300 1" --daemonize no \
    --maxmemory-policy noeviction
}

# A cluster node keeps its nodes.conf in its directory: killed and started again, it
# rejoins with its slots. Full coverage is not required, so the other masters' slots
# keep serving while one is down.
launch_cluster_node() {
  local name=$1 dir port
  dir=$(server_dir "$name")
  port=$(server_port "$name")
  mkdir -p "$dir"
  require_free_port "$name" $(( cluster_bus_port_base + ${name#cluster} ))
  start_detached "$name" "$port" redis-server --port "$port" --bind "$stack_host" --dir "$dir" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "$cluster_node_timeout_ms" \
    --cluster-port $(( cluster_bus_port_base + ${name#cluster} )) --cluster-require-full-coverage no \
    --appendonly yes --appendfsync "$(redis_durability)" --save "" --daemonize no --maxmemory-policy noeviction
}

# cluster_state PORT: what CLUSTER INFO of the node on PORT says of the cluster ("ok", "fail").
cluster_state() {
  timeout 2 redis-cli -h "$stack_host" -p "$1" cluster info 2>/dev/null | tr -d '\r' |
    sed -n 's/^cluster_state://p'
}

# form_cluster: joins the three nodes into one cluster with every slot assigned, once
# (a node that knows other nodes already belongs to it), and waits until each says ok.
form_cluster() {
  local name port start known
  port=$(server_port cluster1)
  known=$(timeout 2 redis-cli -h "$stack_host" -p "$port" cluster info | tr -d '\r' |
    sed -n 's/^cluster_known_nodes://p')
  if [ "${known:-1}" = 1 ]; then
    log "redis cluster: creating it on $(cluster_nodes)"
    # shellcheck disable=SC2046
    redis-cli --cluster create $(cluster_nodes | tr , ' ') --cluster-replicas 0 --cluster-yes \
      >>"$(server_log cluster1)" 2>&1 || fail_start cluster1 "redis-cli --cluster create failed"
  fi
  for name in "${cluster_servers[@]}"; do
    port=$(server_port "$name")
    start=$(now_us)
    until [ "$(cluster_state "$port")" = ok ]; do
      (( $(now_us) - start < ready_timeout_s * 1000000 )) ||
        fail_start "$name" "cluster_state not ok after ${ready_timeout_s}s"
      sleep "$poll_step_s"
    done
  done
}

# init_postgres DIR: a new cluster (trust auth, user postgres), made aside then moved in place.
init_postgres() {
  local dir=$1 tmp="$1.init"
  log "postgres: initdb $dir"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  chown postgres:postgres "$tmp"
  chmod 700 "$tmp"
  (cd "$tmp" && runuser -u postgres -- "$pg_bin/initdb" -D "$tmp" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync) >>"$(server_log postgres)" 2>&1 ||
    fail_start postgres "initdb failed"
  mv "$tmp" "$dir"
}

# clear_stale_postmaster_pid DIR: a postmaster.pid naming a dead or foreign pid blocks start.
clear_stale_postmaster_pid() {
  local f="$1/postmaster.pid" pid
  [ -f "$f" ] || return 0
  read -r pid <"$f" || true
  ! pid_runs "$pid" "$(server_exe postgres)" ||
    die "postgres: an unrecorded postmaster (pid $pid) already runs on $1"
  rm -f "$f"
}

# Recovery after a kill -9 uses one syncfs: the default fsync of every file of the cluster
# took seconds on this shared, busy disk.
launch_postgres() {
  local dir
  dir=$(server_dir postgres)
  mkdir -p "$stack_logs"
  [ -f "$dir/PG_VERSION" ] || init_postgres "$dir"
  clear_stale_postmaster_pid "$dir"
  start_detached postgres "$pg_port" setpriv --reuid=postgres --regid=postgres --init-groups \
    "$pg_bin/postgres" -D "$dir" -p "$pg_port" -k "$dir" -c listen_addresses="$stack_host" \
    -c recovery_init_sync_method=syncfs
}

launch_clickhouse() {
  local dir
  dir=$(server_dir clickhouse)
  require_free_port clickhouse "$ch_tcp_port"
  require_free_port clickhouse "$ch_interserver_port"
  mkdir -p "$dir"/{data,tmp,user_files,format_schemas}
  write_clickhouse_config "$dir"
  start_detached clickhouse "$ch_http_port" clickhouse-server --config-file="$dir/config.xml"
}

# fail_start NAME WHY: dies with WHY and the tail of the server's log.
fail_start() {
  local log
  log=$(server_log "$1")
  {
    printf '[%s] error: %s: %s; last %d lines of %s:\n' "$mtg_tag" "$1" "$2" "$log_tail_lines" "$log"
    tail -n "$log_tail_lines" "$log" 2>/dev/null | sed 's/^/    /'
  } >&2
  exit 1
}

# launch_server NAME: starts NAME unless it already runs (then checks it runs on our port).
# A cluster node's port is taken by its bus port too (require_free_port in its launch).
launch_server() {
  local name=$1 pid port recorded
  port=$(server_port "$name")
  if pid=$(server_pid "$name"); then
    recorded=$(cat "$(port_file "$name")" 2>/dev/null || echo "?")
    [ "$recorded" = "$port" ] ||
      die "$name runs (pid $pid) on port $recorded, not $port: run scripts/stack down first"
    return 0
  fi
  forget_server "$name"
  require_free_port "$name" "$port"
  if is_cluster_node "$name"; then launch_cluster_node "$name"; else "launch_$name"; fi
}

# wait_ready NAME: polls until NAME answers; fails fast when its process exits. The
# recorded pid runs bash, setsid and nohup before it execs the server: only a pid that
# is gone means the server exited (a loaded machine can poll inside that window).
wait_ready() {
  local name=$1 port start
  port=$(server_port "$name")
  start=$(now_us)
  until probe_server "$name" "$port"; do
    pid_alive "$(recorded_pid "$name")" || fail_start "$name" "exited during start-up"
    (( $(now_us) - start < ready_timeout_s * 1000000 )) ||
      fail_start "$name" "not ready after ${ready_timeout_s}s (still running, pid $(recorded_pid "$name"))"
    sleep "$poll_step_s"
  done
}

# prepare_server NAME: idempotent first-use set-up once NAME is ready (databases).
prepare_server() {
  case $1 in
    redis)
      # A Redis that was already running takes the durability asked for now.
      local mode
      mode=$(redis_durability)
      [ "$(timeout 5 redis-cli -h "$stack_host" -p "$redis_port" CONFIG SET appendfsync "$mode")" = OK ] ||
        die "redis: CONFIG SET appendfsync $mode failed"
      ;;
    postgres)
      local have
      have=$("$pg_bin/psql" -h "$stack_host" -p "$pg_port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'mtguard'") || die "postgres: cannot query databases"
      [ "$have" = 1 ] || "$pg_bin/createdb" -h "$stack_host" -p "$pg_port" -U postgres mtguard ||
        die "postgres: createdb mtguard failed"
      ;;
    clickhouse)
      curl -sf --max-time 10 --data-binary 'CREATE DATABASE IF NOT EXISTS mtguard' \
        "http://$stack_host:$ch_http_port/" >/dev/null || die "clickhouse: CREATE DATABASE mtguard failed"
      ;;
  esac
}

# stop_signal NAME: the graceful-stop signal (postgres: SIGINT = fast shutdown).
stop_signal() { [ "$1" = postgres ] && echo INT || echo TERM; }

# kill_server NAME: kill -9 of the server's process; waits until it and its children are gone.
kill_server() {
  local pid tree
  pid=$(server_pid "$1") || die "$1 is not running"
  tree=$(process_tree "$pid")
  kill -9 "$pid"
  # shellcheck disable=SC2086
  wait_gone "$gone_timeout_s" $tree || die "$1: pid $pid still present ${gone_timeout_s}s after kill -9"
  forget_server "$1"
}

# stop_servers NAME...: graceful stop of each running server, kill -9 after stop_timeout_s.
stop_servers() {
  local name pid trees=() names=() i
  for name in "$@"; do
    pid=$(server_pid "$name") || { forget_server "$name"; continue; }
    trees+=("$(process_tree "$pid" | tr '\n' ' ')")
    names+=("$name")
    kill -s "$(stop_signal "$name")" "$pid"
  done
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086
    if ! wait_gone "$stop_timeout_s" ${trees[i]}; then
      log "${names[i]}: no exit ${stop_timeout_s}s after SIG$(stop_signal "${names[i]}"); kill -9"
      kill -9 ${trees[i]} 2>/dev/null || true
      wait_gone "$gone_timeout_s" ${trees[i]} || die "${names[i]}: still present after kill -9"
    fi
    forget_server "${names[i]}"
  done
}
