// mtguard's configuration: one TOML file (--config PATH, env MTGUARD_CONFIG, default
// ./mtguard.toml) plus one JSON file per MT5 instance in [instances].dir (docs/requirements.md §3.8).
// Errors name the file and the key, on one line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "keys/redis_keys.h"
#include "util/status.h"

namespace mtg {

// What an acknowledged Redis write is worth ([redis] durability; docs/operations.md
// "Durability"). kEverysec: Redis runs with appendfsync everysec (the default); a
// crash of Redis on a stalled disk, or of its host, may lose its last seconds of
// acknowledged writes, which producers cover by resubmitting. kAlways: appendfsync
// always; an acknowledged write is on disk. mtguard checks that Redis runs so.
enum class RedisDurability { kEverysec, kAlways };

// "everysec" or "always".
const char* durability_name(RedisDurability durability);

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string prefix = kDefaultKeyPrefix;  // every key and stream name starts with it
  int connect_timeout_ms = 1000;
  int command_timeout_ms = 5000;
  RedisDurability durability = RedisDurability::kEverysec;
};

struct PostgresConfig {
  std::string host = "127.0.0.1";
  int port = 5432;
  std::string user = "postgres";
  std::string database = "mtguard";
  int connect_timeout_s = 3;
  // libpq connection string for these settings.
  std::string conninfo() const;
};

struct ClickHouseConfig {
  std::string host = "127.0.0.1";
  int http_port = 8123;
  std::string database = "mtguard";
  int timeout_ms = 5000;
};

struct DuckDbConfig {
  std::string path = "var/data/mtguard.duckdb";
};

struct EngineConfig {
  // The terminal link server listens here (terminals dial it). Any address other than a
  // loopback one needs link_tls: a token must never cross a network in the clear.
  std::string link_host = "127.0.0.1";
  int link_port = 7400;
  bool link_tls = false;      // serve (engine) or dial (sim, mtguard-ea) the link over TLS
  std::string link_cert;      // the engine's certificate, PEM (`mtguard link-cert`); needed with link_tls
  std::string link_key;       // its private key, PEM, mode 0600
  // What a terminal pins of the engine's certificate: its SHA-256 thumbprint as
  // `mtguard link-cert` prints it. A sim or mtguard-ea with link_tls needs it.
  std::string link_thumbprint;
  int64_t dedup_window_s = 7 * 24 * 3600;  // a uuid seen within this window is a duplicate
  int64_t default_ttl_ms = 30'000;         // docs/requirements.md §3.4
  int64_t max_signal_bytes = 16 * 1024;    // larger RTSS payloads are rejected
  std::string spill_path = "var/engine/spill.journal";  // results kept while Redis is down
  int64_t attempt_interval_ms = 3'000;  // connection-loss policy: one attempt per interval
  int notify_after_attempts = 5;        // ... a warning at this many
  int disable_after_attempts = 10;      // ... the instance disabled at this many
};

// The backend (`mtguard backend`): RTRS -> DuckDB -> ClickHouse ([backend] in the TOML).
struct BackendConfig {
  int64_t retry_interval_ms = 5'000;  // a failed ClickHouse batch is retried this often
  int max_attempts = 5;               // ... and the sync suspends after this many failures
  int64_t auto_resume_after_ms = 60'000;  // ... and resumes once ClickHouse answered this long (0: never)
  int64_t rtrs_retain_ms = 600'000;   // acknowledged RTRS and events entries are trimmed after this age
  int refill_step_entries = 2'000;    // ClickHouse rows and stream entries a DuckDB refill step takes, each feed
};

// [metrics]: where the long-running processes serve their Prometheus metrics (GET
// /metrics, docs/operations.md "Metrics"). One config serves every process, so each has
// a port of its own on the one `listen` address.
struct MetricsConfig {
  std::string listen = "127.0.0.1";  // "": no process serves metrics
  int engine_port = 9460;            // 0: this process serves none
  int backend_port = 9461;
  int backupd_port = 9462;

  // "listen:port" ("[listen]:port" for an IPv6 address), or "" when `listen` is empty
  // or `port` is 0.
  std::string address(int port) const;
};

// [web]: where `mtguard web` serves the read-only status page (GET /, GET /api/status).
// Any address other than a loopback one (127.0.0.1, ::1, localhost) needs a token, which
// a client sends as `Authorization: Bearer TOKEN` or `?token=TOKEN`.
struct WebConfig {
  std::string listen = "127.0.0.1";
  int port = 9463;
  std::string token;  // "": none (then only a loopback address is allowed)
};

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback_address(std::string_view address);

// Simulated broker behaviour of an instance when `mtguard sim` plays its terminal (the
// instance JSON's "sim" object; docs/protocol.md "Simulator specifics").
struct SimConfig {
  uint64_t seed = 1;
  std::string account = "netting";  // "netting" or "hedging"
  double partial_fill_prob = 0.0;   // probability that a market execution fills only partly
  double requote_prob = 0.0;        // probability of retcode 10004 (requote)
  double reject_prob = 0.0;         // probability of retcode 10006 (reject)
  // Probability that an order which executed is answered 10012 (request timed out), as
  // a real MT5 does; the terminal's history keeps the real outcome, which a query reads.
  double timeout_after_fill_prob = 0.0;
  int latency_ms_min = 0;
  int latency_ms_max = 0;
  // The broker's symbol names are the canonical ones plus this ("EURUSD.m" for ".m");
  // the bare name is then unknown (10013).
  std::string symbol_suffix;
  // The filling mode the terminal asks for ("fok", "ioc" or "return"), and the modes
  // each broker symbol allows (absent: all); a market execution of a symbol that does
  // not allow `filling` is refused 10030.
  std::string filling = "fok";
  std::map<std::string, std::vector<std::string>> symbol_filling;
  double market_closed_prob = 0.0;  // probability that a market execution gets 10018
  // Probability that an order which changed the book is recorded and then the link is
  // dropped before its result is sent (the engine learns it by query).
  double link_drop_after_fill_prob = 0.0;
  // Probability that a result is held back slow_result_ms (heartbeats keep flowing);
  // the default outlasts the engine's heartbeat timeout (5 x 1000 ms).
  double slow_result_prob = 0.0;
  int64_t slow_result_ms = 6'000;
};

// Bounds of an instance's symbol_map: names of 1 to kMaxMappedSymbolChars printable
// ASCII characters (no spaces), at most kMaxSymbolMapEntries entries.
constexpr size_t kMaxMappedSymbolChars = 32;
constexpr size_t kMaxSymbolMapEntries = 1000;

inline constexpr int64_t kMaxSlowResultMs = 600'000;
inline constexpr size_t kMaxSymbolSuffixChars = 16;

// Whether a SimConfig can be simulated: probabilities within [0, 1], those of an
// execution's outcomes (partial, requote, reject) adding up to at most 1, 0 <=
// latency_ms_min <= latency_ms_max, slow_result_ms within [0, kMaxSlowResultMs], an
// account of "netting" or "hedging", filling modes among "fok", "ioc", "return", a
// suffix of at most kMaxSymbolSuffixChars. kInvalidArgument "sim.KEY: why" otherwise.
Status check_sim_config(const SimConfig& sim);

// One MT5 terminal driven by the engine (a JSON file in [instances].dir).
struct InstanceConfig {
  std::string id;                    // e.g. "demo-1"
  std::string token;                 // the terminal's link token (file is mode 0600)
  // After `mtguard instance rotate-token`: the SHA-256 (hex) of the token it replaced,
  // which the engine still accepts until previous_token_expires_ms (Unix ms). The old
  // token itself is not kept.
  std::string previous_token_sha256;
  int64_t previous_token_expires_ms = 0;
  std::vector<std::string> symbols;  // symbols signals may name
  double min_volume = 0.01;          // lots
  double max_volume = 100.0;         // lots, per signal
  double volume_step = 0.01;         // lots
  bool enabled = true;
  std::string recovery_command;      // run when the instance is disabled (may be empty)
  std::string source_path;           // the JSON file it was read from
  SimConfig sim;
  // Canonical symbol name (what signals say) -> the broker's name for it, e.g.
  // {"EURUSD": "EURUSD.m"}. parse_instance guarantees that no two names of `symbols`
  // or keys of the map reach the broker under the same name, so the mapping inverts.
  std::map<std::string, std::string> symbol_map;

  // The broker's name of `canonical`: its symbol_map entry, else `canonical` itself.
  std::string broker_symbol(const std::string& canonical) const;
  // The canonical name of the broker's `broker`: the symbol_map key mapped to it, else
  // `broker` itself. canonical_symbol(broker_symbol(x)) == x for every x of `symbols`.
  std::string canonical_symbol(const std::string& broker) const;
};

// One kind of backup's schedule (docs/requirements.md §2): taken every `interval_s`, newest `keep` kept.
struct BackupSchedule {
  int64_t interval_s = 300;
  int keep = 5;
};

// [backup]: where backups live and the schedule of each kind (redis, configs, prefs,
// duckdb, postgres). Kinds are named by the backup module.
struct BackupConfig {
  std::string dir = "var/backups";
  BackupSchedule redis{300, 5};
  BackupSchedule configs{300, 5};
  BackupSchedule prefs{300, 5};
  BackupSchedule duckdb{60, 10};
  BackupSchedule postgres{86'400, 30};
  // Run (through /bin/sh) to start Redis again after a restore put its files in place;
  // empty: the operator starts it. scripts/stack writes "<root>/scripts/stack start redis".
  std::string redis_start_command;
};

struct Config {
  std::string path;  // the TOML file this was read from
  RedisConfig redis;
  PostgresConfig postgres;
  ClickHouseConfig clickhouse;
  DuckDbConfig duckdb;
  BackendConfig backend;
  EngineConfig engine;
  std::string instances_dir = "var/instances";
  std::vector<InstanceConfig> instances;  // sorted by id
  BackupConfig backup;
  MetricsConfig metrics;
  WebConfig web;
  // The JSON mirror of the user preferences hash `<prefix>prefs` ([prefs] file).
  std::string prefs_file = "var/prefs.json";
  std::string key_file = "var/keys/master.key";  // AES-256 master key, mode 0600
  std::string webhook_url;  // notifications are POSTed here when set ([notify] webhook_url)
  std::string log_level = "info";
  std::string log_file;  // empty: standard error

  // The instance with this id, or nullptr.
  const InstanceConfig* find_instance(const std::string& id) const;
};

// Reads and validates the TOML file and every *.json in its instances dir. Relative
// paths in the file are resolved against the file's directory.
// Errors: "PATH: key redis.port: expected an integer" (kInvalidArgument), or
// kNotFound when the file does not exist.
Result<Config> load_config(const std::string& path);

// The TOML path from an explicit flag, else $MTGUARD_CONFIG, else ./mtguard.toml.
std::string resolve_config_path(const std::string& flag_value);

// Parses one instance JSON document; `origin` names it in errors.
Result<InstanceConfig> parse_instance(const std::string& json_text, const std::string& origin);

// Reads and parses the instance JSON file at `path` (source_path set); kNotFound when
// it cannot be read.
Result<InstanceConfig> load_instance(const std::string& path);

}  // namespace mtg
