# shellcheck shell=bash
# Where the local stack lives: directories under var/ and the private loopback ports.
# Sourced after common.sh. Ports derive from MTG_PORT_BASE (default 17000).

stack_var="$mtg_root/var"
stack_run="$stack_var/run"
stack_logs="$stack_var/log"
stack_config="$stack_var/mtguard.toml"
stack_servers=(redis postgres clickhouse)
# A Redis Cluster of three masters beside them, started by `scripts/stack up --cluster`
# (docs/scale-out.md): one directory and port each, the bus on a port of ours too.
cluster_servers=(cluster1 cluster2 cluster3)
stack_host=127.0.0.1

port_base=${MTG_PORT_BASE:-17000}
[[ $port_base =~ ^[0-9]+$ ]] && (( port_base >= 1024 && port_base <= 64000 )) ||
  die "MTG_PORT_BASE must be an integer between 1024 and 64000 (got '$port_base')"
redis_port=$(( port_base + 379 ))
pg_port=$(( port_base + 432 ))
ch_http_port=$(( port_base + 123 ))
ch_tcp_port=$(( port_base + 900 ))
ch_interserver_port=$(( port_base + 909 ))
link_port=$(( port_base + 400 ))
engine_metrics_port=$(( port_base + 460 ))
backend_metrics_port=$(( port_base + 461 ))
backupd_metrics_port=$(( port_base + 462 ))
web_port=$(( port_base + 463 ))
cluster_port_base=$(( port_base + 380 ))      # cluster1..3 on +381..+383
cluster_bus_port_base=$(( port_base + 383 ))  # their buses on +384..+386
cluster_node_timeout_ms=3000

# Bounds on waiting (seconds) and the polling step.
ready_timeout_s=${MTG_STACK_READY_TIMEOUT_S:-60}
stop_timeout_s=30
gone_timeout_s=30
lock_timeout_s=300
poll_step_s=0.05
log_tail_lines=30
max_log_bytes=$(( 64 * 1024 * 1024 ))  # a bigger server log moves to NAME.log.1 at start

# is_stack_server NAME: true when NAME is one of the stack's servers (cluster nodes included).
is_stack_server() {
  local s
  for s in "${stack_servers[@]}" "${cluster_servers[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}

# is_cluster_node NAME: true for cluster1..3.
is_cluster_node() { [[ $1 =~ ^cluster[1-3]$ ]]; }

# server_port NAME: the port a server listens on (ClickHouse: its HTTP port).
server_port() {
  case $1 in
    redis) echo "$redis_port" ;;
    postgres) echo "$pg_port" ;;
    clickhouse) echo "$ch_http_port" ;;
    cluster[1-3]) echo $(( cluster_port_base + ${1#cluster} )) ;;
  esac
}

# cluster_nodes: "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3", the seeds a cluster client reads.
cluster_nodes() {
  local name nodes=()
  for name in "${cluster_servers[@]}"; do nodes+=("$stack_host:$(server_port "$name")"); done
  (IFS=,; echo "${nodes[*]}")
}

# server_dir NAME: the server's kept data directory.
server_dir() { echo "$stack_var/$1"; }

# server_log NAME: where the server's stdout/stderr go.
server_log() { echo "$stack_logs/$1.log"; }

# redis_durability: the appendfsync mode of the stack's Redis ([redis] durability):
# MTG_REDIS_DURABILITY when set, else what var/mtguard.toml says (so a `start redis` run
# by mtguard itself keeps the mode of `up`), else everysec.
redis_durability() {
  local mode=${MTG_REDIS_DURABILITY:-}
  if [ -z "$mode" ] && [ -f "$stack_config" ]; then
    mode=$(sed -n 's/^durability = "\(.*\)"$/\1/p' "$stack_config" | head -n 1)
  fi
  mode=${mode:-everysec}
  case $mode in
    everysec|always) echo "$mode" ;;
    *) die "MTG_REDIS_DURABILITY must be everysec or always (got '$mode')" ;;
  esac
}
