// The whole product on the real stack, for integration and chaos tests: a private
// configuration (own Redis key prefix, own link port, own DuckDB file and instances)
// next to the servers of scripts/stack, the real `mtguard engine` and `mtguard sim`
// processes, and the evidence to check invariants: RTRS and the simulators' ledgers.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "order/trade_result.h"
#include "signal/signal.h"
#include "store/redis/redis_client.h"
#include "testkit/link_proxy.h"
#include "testkit/process.h"
#include "testkit/temp_dir.h"
#include "trade/trade_event.h"
#include "util/status.h"

namespace mtg::testkit {

struct SystemOptions {
  int instances = 3;  // <instance_prefix>1 .. <instance_prefix>N
  // "demo-" shares ClickHouse history with every other System; a fresh prefix
  // (fresh_instance_prefix) starts from none: a backend's first DuckDB refill then reads
  // only this System's rows.
  std::string instance_prefix = "demo-";
  SimConfig sim;  // broker behaviour of every simulator (seed + instance number)
  double max_volume = 10.0;
  std::string engine_toml;  // extra lines for the [engine] table, e.g. "attempt_interval_ms = 200\n"
  std::string extra_toml;   // extra tables at the end, e.g. "[notify]\nwebhook_url = ...\n"
  std::string backup_toml;  // extra lines for the [backup] table, e.g. "duckdb_interval_s = 5\n"
  // Each simulator dials the engine through its own LinkProxy (proxy(i)) so a test can
  // cut its link; the simulator then reads a config of its own (sim_config_path(i)).
  bool link_proxies = false;
  // A PostgreSQL database of its own (created now, dropped by the destructor) instead of
  // the stack's, for tests that restore it: `mtguard restore postgres` replaces a whole
  // database, which must not roll back what other tests keep in the shared one.
  bool private_postgres = false;
  // The terminal link over TLS: a fresh self-signed certificate (link_thumbprint()),
  // the engine serving it and every terminal pinning it.
  bool link_tls = false;
  // The terminal program start_sims runs, given `--config --instance --ledger`:
  // empty = `mtguard sim`; else e.g. the path of mtguard-ea (the MQL5 EA's core).
  std::string terminal_program;
};

// An instance prefix no other System uses: `tag`, 8 random hex digits and "-".
std::string fresh_instance_prefix(const std::string& tag);

class System {
 public:
  // Requires $MTG_CONFIG (scripts/stack env); check testkit::stack_available() first.
  explicit System(SystemOptions options = {});
  ~System();

  const Config& config() const { return config_; }
  const SystemOptions& options() const { return options_; }
  const std::string& config_path() const { return config_path_; }
  std::string instance_id(int i) const { return options_.instance_prefix + std::to_string(i + 1); }
  // With options.link_tls: the SHA-256 thumbprint of the engine's certificate.
  const std::string& link_thumbprint() const { return link_thumbprint_; }

  void start_engine();
  void start_sims();
  // `mtguard backend` (log: file("backend.log")).
  void start_backend();
  // A new master key at config().key_file (credentials and PostgreSQL backups need one).
  Status create_master_key() const;
  // `mtguard backupd` (log: file("backupd.log")); backups go to file("backups").
  void start_backupd();
  // http://127.0.0.1:PORT/metrics where `mtguard engine|backend|backupd` of this system
  // serves its metrics (each on a free port of its own, [metrics] of the config).
  std::string metrics_url(const std::string& process) const;
  // `mtguard web` (log: file("web.log")) on a free port of its own: web_url().
  void start_web();
  // "http://127.0.0.1:PORT/": the status page of start_web.
  std::string web_url() const;
  Process& engine() { return *engine_; }
  Process& backend() { return *backend_; }
  Process& backupd() { return *backupd_; }
  bool has_backupd() const { return backupd_ != nullptr; }
  // Precondition: options.link_proxies.
  LinkProxy& proxy(int i) { return *proxies_.at(static_cast<size_t>(i)); }
  // The config simulator i reads: config_path(), or its own with the proxy's port.
  std::string sim_config_path(int i) const;
  // The system's private directory (config, logs, DuckDB file, ledgers).
  std::string file(const std::string& name) const { return dir_.file(name); }
  Process& sim(int i) { return *sims_.at(static_cast<size_t>(i)); }
  RedisClient& redis() { return *redis_; }

  // XADDs every payload to RTSS (pipelined).
  void submit(const std::vector<std::string>& payloads);
  // Every result in RTRS, in order.
  std::vector<TradeResult> results();
  // Every trade event in the events stream, in order.
  std::vector<TradeEvent> events();
  // Waits until each uuid has a final result; false on timeout.
  bool wait_final(const std::set<std::string>& uuids, int timeout_ms);
  // Sum of executed volume per uuid over every simulator's ledger.
  std::map<std::string, double> ledger_volume() const;
  std::string ledger_path(int i) const { return dir_.file("ledger-" + instance_id(i) + ".jsonl"); }

  // A valid version-1 signal for instance i: a market open of a symbol and side drawn
  // from the uuid.
  Signal market_open(const std::string& uuid, int instance, double volume, int64_t created_at_ms,
                     int64_t ttl_ms = 30'000) const;
  // market_open as JSON.
  std::string signal(const std::string& uuid, int instance, double volume, int64_t created_at_ms,
                     int64_t ttl_ms = 30'000) const;
  static std::string new_uuid();
  std::string log_tail(const std::string& path) const;

 private:
  void write_config(const Config& stack);
  std::string config_text(const Config& stack, int link_port) const;
  void delete_keys();
  // The `field` values of every entry of the stream at `key`, in order.
  std::vector<std::string> stream_values(const std::string& key, const std::string& field);
  void create_database(Config& stack);

  SystemOptions options_;
  TempDir dir_;
  std::string prefix_;
  std::string config_path_;
  MetricsConfig metrics_;  // free ports, chosen once
  std::string link_thumbprint_;
  int web_port_ = 0;
  Config config_;
  PostgresConfig admin_postgres_;  // the stack's database, with options.private_postgres
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<Process> engine_;
  std::unique_ptr<Process> backend_;
  std::unique_ptr<Process> backupd_;
  std::unique_ptr<Process> web_;
  std::vector<std::unique_ptr<LinkProxy>> proxies_;
  std::vector<std::unique_ptr<Process>> sims_;
};

}  // namespace mtg::testkit
