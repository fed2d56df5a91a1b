# shellcheck shell=bash
# Files the local stack writes under var/: mtguard.toml, the demo instances, the master
# key, and ClickHouse's own config.xml/users.xml. Sourced after stack_layout.sh.
# Secrets (tokens, the master key) are generated once and never printed.

demo_instances=(demo-1 demo-2 demo-3)
master_key_bytes=32
token_bytes=16

# write_atomic FILE MODE: stdin to FILE via a temporary file and rename.
write_atomic() {
  local tmp="$1.tmp.$$"
  (umask 077 && cat >"$tmp")
  chmod "$2" "$tmp"
  mv -f "$tmp" "$1"
}

render_toml() {
  cat <<TOML
[redis]
host = "$stack_host"
port = $redis_port
prefix = "mtg:"
durability = "$(redis_durability)"
[postgres]
host = "$stack_host"
port = $pg_port
user = "postgres"
database = "mtguard"
[clickhouse]
host = "$stack_host"
http_port = $ch_http_port
database = "mtguard"
[duckdb]
path = "data/mtguard.duckdb"
[engine]
link_host = "$stack_host"
link_port = $link_port
spill_path = "engine/spill.journal"
[metrics]
listen = "$stack_host"
engine_port = $engine_metrics_port
backend_port = $backend_metrics_port
backupd_port = $backupd_metrics_port
[web]
listen = "$stack_host"
port = $web_port
[instances]
dir = "instances"
[backup]
dir = "backups"
redis_start_command = "$mtg_root/scripts/stack start redis"
[prefs]
file = "prefs.json"
[crypto]
key_file = "keys/master.key"
[log]
level = "info"
TOML
}

# write_toml: var/mtguard.toml when absent or different from what we render.
write_toml() {
  if [ -f "$stack_config" ] && [ "$(cat "$stack_config")" = "$(render_toml)" ]; then
    return 0
  fi
  log "writing $stack_config"
  render_toml | write_atomic "$stack_config" 644
}

# render_instance ID SEED ACCOUNT TOKEN: one instance configuration (JSON, one line).
render_instance() {
  printf '{"id":"%s","token":"%s","symbols":["EURUSD","GBPUSD","USDJPY","XAUUSD"],' "$1" "$4"
  printf '"min_volume":0.01,"max_volume":10.0,"volume_step":0.01,"enabled":true,"recovery_command":"",'
  printf '"sim":{"seed":%d,"account":"%s","partial_fill_prob":0.1,"requote_prob":0.02,' "$2" "$3"
  printf '"reject_prob":0.02,"latency_ms_min":0,"latency_ms_max":5}}\n'
}

# write_instances: var/instances/demo-N.json (0600), each written once with a fresh token.
write_instances() {
  local dir="$stack_var/instances" i id file account token
  mkdir -p "$dir"
  for i in "${!demo_instances[@]}"; do
    id=${demo_instances[i]}
    file="$dir/$id.json"
    [ -s "$file" ] && continue
    account=netting
    [ "$id" = demo-2 ] && account=hedging
    token=$(od -An -tx1 -N "$token_bytes" /dev/urandom | tr -d ' \n')
    [ ${#token} -eq $(( token_bytes * 2 )) ] || die "could not read $token_bytes random bytes"
    render_instance "$id" $(( i + 1 )) "$account" "$token" | write_atomic "$file" 600
  done
}

# write_master_key: var/keys/master.key, 32 raw random bytes, written once (dir 0700, file 0600).
write_master_key() {
  local dir="$stack_var/keys" file="$stack_var/keys/master.key"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ ! -s "$file" ]; then
    head -c "$master_key_bytes" /dev/urandom | write_atomic "$file" 600
  fi
  [ "$(stat -c %s "$file")" -eq "$master_key_bytes" ] || die "$file is not $master_key_bytes bytes"
}

# write_stack_files: everything mtguard's config refers to, idempotently.
write_stack_files() {
  mkdir -p "$stack_var"/{data,engine,backups} "$stack_run" "$stack_logs"
  write_master_key
  write_instances
  write_toml
}

render_clickhouse_config() {
  cat <<XML
<?xml version="1.0"?>
<!-- Written by scripts/stack on every start: edits here are lost. -->
<yandex>
    <logger>
        <level>information</level>
        <log>$stack_logs/clickhouse-server.log</log>
        <errorlog>$stack_logs/clickhouse-server.err.log</errorlog>
        <size>50M</size>
        <count>2</count>
    </logger>
    <listen_host>$stack_host</listen_host>
    <http_port>$ch_http_port</http_port>
    <tcp_port>$ch_tcp_port</tcp_port>
    <interserver_http_port>$ch_interserver_port</interserver_http_port>
    <interserver_http_host>$stack_host</interserver_http_host>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>64</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$1/data/</path>
    <tmp_path>$1/tmp/</tmp_path>
    <user_files_path>$1/user_files/</user_files_path>
    <format_schema_path>$1/format_schemas/</format_schema_path>
    <users_config>$1/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mlock_executable>false</mlock_executable>
</yandex>
XML
}

render_clickhouse_users() {
  cat <<XML
<?xml version="1.0"?>
<!-- Written by scripts/stack: user default, no password, loopback only. -->
<yandex>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks>
                <ip>127.0.0.1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
XML
}

# write_clickhouse_config DIR: config.xml and users.xml for the current ports and paths.
write_clickhouse_config() {
  render_clickhouse_config "$1" | write_atomic "$1/config.xml" 644
  render_clickhouse_users | write_atomic "$1/users.xml" 644
}
