#include "config/config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <toml++/toml.h>

#include "util/check.h"

namespace mtg {
namespace fs = std::filesystem;

std::string PostgresConfig::conninfo() const {
  std::ostringstream s;
  s << "host=" << host << " port=" << port << " user=" << user << " dbname=" << database
    << " connect_timeout=" << connect_timeout_s;
  return s.str();
}

const char* durability_name(RedisDurability durability) {
  return durability == RedisDurability::kAlways ? "always" : "everysec";
}

std::string MetricsConfig::address(int port) const {
  MTG_CHECK(port >= 0 && port <= 65535);
  if (listen.empty() || port == 0) return "";
  const bool ipv6 = listen.find(':') != std::string::npos;
  return (ipv6 ? "[" + listen + "]" : listen) + ":" + std::to_string(port);
}

const InstanceConfig* Config::find_instance(const std::string& id) const {
  for (const auto& inst : instances) {
    if (inst.id == id) return &inst;
  }
  return nullptr;
}

namespace {

// Reads typed keys from a TOML table, remembering the first error with its full key.
class TableReader {
 public:
  TableReader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  template <typename T>
  void read(const std::string& key, T& out) {
    const toml::node* node = root_.at_path(key).node();
    if (node == nullptr) return;  // keep the default
    if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = node->value<std::string>()) { out = *v; return; }
      fail(key, "expected a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node->value<bool>()) { out = *v; return; }
      fail(key, "expected true or false");
    } else {
      if (!node->is_integer()) { fail(key, "expected an integer"); return; }
      const int64_t v = node->as_integer()->get();
      // Narrowed unchecked, 4294973675 would read as a port of 6379.
      if (!std::in_range<T>(v)) { fail(key, "out of range: " + std::to_string(v)); return; }
      out = static_cast<T>(v);
    }
  }

  void require_range(const std::string& key, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi) {
      fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
  }

  void fail(const std::string& key, const std::string& why) {
    MTG_CHECK(!key.empty());
    if (status_.is_ok()) status_ = Status::invalid(file_ + ": key " + key + ": " + why);
    MTG_CHECK(!status_.is_ok());  // the first error is kept, never cleared
  }

  const Status& status() const { return status_; }

 private:
  const toml::table& root_;
  std::string file_;
  Status status_;
};

std::string resolve_path(const fs::path& base, const std::string& p) {
  MTG_CHECK(base.is_absolute());
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

void read_schedule(TableReader& r, const std::string& kind, BackupSchedule& schedule) {
  MTG_CHECK(!kind.empty());
  const std::string interval = "backup." + kind + "_interval_s";
  const std::string keep = "backup." + kind + "_keep";
  r.read(interval, schedule.interval_s);
  r.read(keep, schedule.keep);
  r.require_range(interval, schedule.interval_s, 1, 366LL * 86'400);
  r.require_range(keep, schedule.keep, 1, 10'000);
}

void read_durability(TableReader& r, RedisDurability& durability) {
  std::string name = durability_name(durability);
  r.read("redis.durability", name);
  if (name == durability_name(RedisDurability::kAlways)) {
    durability = RedisDurability::kAlways;
  } else if (name == durability_name(RedisDurability::kEverysec)) {
    durability = RedisDurability::kEverysec;
  } else {
    r.fail("redis.durability", "must be \"everysec\" or \"always\"");
  }
}

void read_backup(TableReader& r, BackupConfig& b) {
  r.read("backup.dir", b.dir);
  r.read("backup.redis_start_command", b.redis_start_command);
  read_schedule(r, "redis", b.redis);
  read_schedule(r, "configs", b.configs);
  read_schedule(r, "prefs", b.prefs);
  read_schedule(r, "duckdb", b.duckdb);
  read_schedule(r, "postgres", b.postgres);
}

void read_metrics(TableReader& r, MetricsConfig& m) {
  r.read("metrics.listen", m.listen);
  if (m.listen.find_first_of(", []") != std::string::npos) r.fail("metrics.listen", "must be one host name or address");
  for (auto [key, port] : {std::pair{"metrics.engine_port", &m.engine_port},
                           std::pair{"metrics.backend_port", &m.backend_port},
                           std::pair{"metrics.backupd_port", &m.backupd_port}}) {
    r.read(key, *port);
    r.require_range(key, *port, 0, 65535);
  }
}

void read_link_tls(TableReader& r, EngineConfig& e) {
  r.read("engine.link_tls", e.link_tls);
  r.read("engine.link_cert", e.link_cert);
  r.read("engine.link_key", e.link_key);
  r.read("engine.link_thumbprint", e.link_thumbprint);
  if (!e.link_tls && !is_loopback_address(e.link_host)) {
    r.fail("engine.link_host", e.link_host + " is not a loopback address: set engine.link_tls = true (a token must "
                               "never cross a network in the clear; docs/deploy.md \"The terminal link over a network\")");
  }
  if (e.link_thumbprint.size() > 128) r.fail("engine.link_thumbprint", "at most 128 characters");
}

void read_web(TableReader& r, WebConfig& w) {
  r.read("web.listen", w.listen);
  if (w.listen.empty() || w.listen.find_first_of(", []") != std::string::npos) {
    r.fail("web.listen", "must be one host name or address");
  }
  r.read("web.port", w.port);
  r.require_range("web.port", w.port, 1, 65535);
  r.read("web.token", w.token);
}

Status read_tables(TableReader& r, Config& c) {
  r.read("redis.host", c.redis.host);
  r.read("redis.port", c.redis.port);
  r.read("redis.prefix", c.redis.prefix);
  r.read("redis.connect_timeout_ms", c.redis.connect_timeout_ms);
  r.read("redis.command_timeout_ms", c.redis.command_timeout_ms);
  read_durability(r, c.redis.durability);
  r.read("postgres.host", c.postgres.host);
  r.read("postgres.port", c.postgres.port);
  r.read("postgres.user", c.postgres.user);
  r.read("postgres.database", c.postgres.database);
  r.read("postgres.connect_timeout_s", c.postgres.connect_timeout_s);
  r.read("clickhouse.host", c.clickhouse.host);
  r.read("clickhouse.http_port", c.clickhouse.http_port);
  r.read("clickhouse.database", c.clickhouse.database);
  r.read("clickhouse.timeout_ms", c.clickhouse.timeout_ms);
  r.read("duckdb.path", c.duckdb.path);
  r.read("engine.link_host", c.engine.link_host);
  r.read("engine.link_port", c.engine.link_port);
  read_link_tls(r, c.engine);
  r.read("engine.dedup_window_s", c.engine.dedup_window_s);
  r.read("engine.default_ttl_ms", c.engine.default_ttl_ms);
  r.read("engine.max_signal_bytes", c.engine.max_signal_bytes);
  r.read("engine.spill_path", c.engine.spill_path);
  r.read("engine.attempt_interval_ms", c.engine.attempt_interval_ms);
  r.read("engine.notify_after_attempts", c.engine.notify_after_attempts);
  r.read("engine.disable_after_attempts", c.engine.disable_after_attempts);
  r.read("notify.webhook_url", c.webhook_url);
  r.read("backend.retry_interval_ms", c.backend.retry_interval_ms);
  r.read("backend.max_attempts", c.backend.max_attempts);
  r.read("backend.auto_resume_after_ms", c.backend.auto_resume_after_ms);
  r.read("backend.rtrs_retain_ms", c.backend.rtrs_retain_ms);
  r.read("backend.refill_step_entries", c.backend.refill_step_entries);
  r.read("instances.dir", c.instances_dir);
  read_backup(r, c.backup);
  read_metrics(r, c.metrics);
  read_web(r, c.web);
  r.read("prefs.file", c.prefs_file);
  r.read("crypto.key_file", c.key_file);
  r.read("log.level", c.log_level);
  r.read("log.file", c.log_file);
  r.require_range("redis.port", c.redis.port, 1, 65535);
  r.require_range("postgres.port", c.postgres.port, 1, 65535);
  r.require_range("clickhouse.http_port", c.clickhouse.http_port, 1, 65535);
  r.require_range("engine.link_port", c.engine.link_port, 1, 65535);
  r.require_range("engine.default_ttl_ms", c.engine.default_ttl_ms, 1, 86'400'000);
  r.require_range("engine.max_signal_bytes", c.engine.max_signal_bytes, 256, 1 << 20);
  r.require_range("redis.connect_timeout_ms", c.redis.connect_timeout_ms, 1, 600'000);
  r.require_range("redis.command_timeout_ms", c.redis.command_timeout_ms, 1, 600'000);
  r.require_range("engine.attempt_interval_ms", c.engine.attempt_interval_ms, 10, 3'600'000);
  r.require_range("engine.notify_after_attempts", c.engine.notify_after_attempts, 1, 1000);
  r.require_range("engine.disable_after_attempts", c.engine.disable_after_attempts, c.engine.notify_after_attempts, 1000);
  r.require_range("backend.retry_interval_ms", c.backend.retry_interval_ms, 10, 3'600'000);
  r.require_range("backend.max_attempts", c.backend.max_attempts, 1, 1000);
  r.require_range("backend.auto_resume_after_ms", c.backend.auto_resume_after_ms, 0, 86'400'000);
  r.require_range("backend.rtrs_retain_ms", c.backend.rtrs_retain_ms, 0, 30LL * 86'400'000);
  r.require_range("backend.refill_step_entries", c.backend.refill_step_entries, 1, 1'000'000);
  if (c.redis.prefix.empty()) r.fail("redis.prefix", "must not be empty");
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::none_of(std::begin(kLevels), std::end(kLevels),
                   [&](const char* l) { return c.log_level == l; })) {
    r.fail("log.level", "must be one of trace, debug, info, warn, error, critical, off");
  }
  if (r.status().is_ok()) {  // what the engine, the parser and the stores check in turn
    MTG_CHECK(!c.redis.prefix.empty());
    MTG_CHECK(c.engine.notify_after_attempts >= 1);
    MTG_CHECK(c.engine.disable_after_attempts >= c.engine.notify_after_attempts);
    MTG_CHECK(c.engine.default_ttl_ms > 0);
    MTG_CHECK(c.engine.max_signal_bytes > 0);
  }
  return r.status();
}

Status load_instances(Config& c) {
  std::error_code ec;
  if (!fs::is_directory(c.instances_dir, ec)) {
    return Status::not_found(c.path + ": key instances.dir: no such directory " + c.instances_dir);
  }
  for (const auto& entry : fs::directory_iterator(c.instances_dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    auto inst = load_instance(entry.path().string());
    if (!inst) return inst.status();
    if (c.find_instance(inst->id) != nullptr) {
      return Status::invalid(entry.path().string() + ": key id: duplicate instance " + inst->id);
    }
    c.instances.push_back(std::move(*inst));
  }
  if (ec) return Status::io(c.instances_dir + ": " + ec.message());
  std::sort(c.instances.begin(), c.instances.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  const auto out_of_order = [](const auto& a, const auto& b) { return a.id >= b.id; };
  MTG_CHECK(std::adjacent_find(c.instances.begin(), c.instances.end(), out_of_order) == c.instances.end());
  return Status::ok();
}

}  // namespace

bool is_loopback_address(std::string_view address) {
  return address == "localhost" || address == "::1" || address.starts_with("127.");
}

Result<InstanceConfig> load_instance(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  auto inst = parse_instance(text.str(), path);
  if (!inst) return inst.status();
  inst->source_path = path;
  return inst;
}

std::string resolve_config_path(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("MTGUARD_CONFIG"); env != nullptr && *env != '\0') return env;
  return "mtguard.toml";
}

Result<Config> load_config(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::not_found(path + ": no such config file");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::invalid(path + ":" + std::to_string(where.line) + ":" +
                           std::to_string(where.column) + ": " + std::string(e.description()));
  }
  Config c;
  c.path = path;
  TableReader reader(root, path);
  MTG_RETURN_IF_ERROR(read_tables(reader, c));
  const fs::path base = fs::absolute(path).parent_path();
  c.duckdb.path = resolve_path(base, c.duckdb.path);
  c.engine.spill_path = resolve_path(base, c.engine.spill_path);
  c.instances_dir = resolve_path(base, c.instances_dir);
  c.backup.dir = resolve_path(base, c.backup.dir);
  c.prefs_file = resolve_path(base, c.prefs_file);
  c.key_file = resolve_path(base, c.key_file);
  c.log_file = resolve_path(base, c.log_file);
  c.engine.link_cert = resolve_path(base, c.engine.link_cert);
  c.engine.link_key = resolve_path(base, c.engine.link_key);
  for (const std::string* p : {&c.duckdb.path, &c.engine.spill_path, &c.instances_dir, &c.backup.dir,
                               &c.prefs_file, &c.key_file, &c.log_file}) {
    MTG_CHECK(p->empty() || fs::path(*p).is_absolute());
  }
  MTG_RETURN_IF_ERROR(load_instances(c));
  return c;
}

}  // namespace mtg
