#include "integration/system.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "crypto/certificate.h"
#include "crypto/master_key.h"
#include "store/postgres/pg_client.h"
#include "testkit/ports.h"

namespace mtg::testkit {
namespace {

std::string random_hex(size_t n) {
  static std::mt19937_64 rng(std::random_device{}());
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += digits[rng() % 16];
  return s;
}

// Each text decoded by T::from_json; throws naming `stream` on one that does not decode.
template <typename T>
std::vector<T> decode_all(const std::vector<std::string>& texts, const std::string& stream) {
  std::vector<T> out;
  for (const std::string& text : texts) {
    auto decoded = T::from_json(text);
    if (!decoded) throw std::runtime_error("bad entry in " + stream + ": " + text);
    out.push_back(std::move(*decoded));
  }
  return out;
}

}  // namespace

std::string fresh_instance_prefix(const std::string& tag) {
  return tag + System::new_uuid().substr(0, 8) + "-";
}

System::System(SystemOptions options) : options_(options), prefix_("t" + random_hex(8) + ":") {
  auto stack = load_config(std::getenv("MTG_CONFIG"));
  if (!stack) throw std::runtime_error(stack.status().to_string());
  if (options_.private_postgres) create_database(*stack);
  write_config(*stack);
  auto loaded = load_config(config_path_);
  if (!loaded) throw std::runtime_error(loaded.status().to_string());
  config_ = *loaded;
  auto redis = RedisClient::connect(config_.redis);
  if (!redis) throw std::runtime_error(redis.status().to_string());
  redis_ = std::move(*redis);
}

System::~System() {
  for (auto& s : sims_) s->stop(5000);
  if (engine_) engine_->stop(10'000);
  if (backend_) backend_->stop(10'000);
  if (backupd_) backupd_->stop(10'000);
  if (web_) web_->stop(10'000);
  delete_keys();
  if (!options_.private_postgres) return;
  auto admin = PgClient::connect(admin_postgres_);
  if (admin) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + config_.postgres.database + " WITH (FORCE)");
}

// Creates "t<hex>" on the stack's server and points `stack` at it; the stack's own
// database stays the one to connect to when dropping it.
void System::create_database(Config& stack) {
  admin_postgres_ = stack.postgres;
  auto admin = PgClient::connect(admin_postgres_);
  if (!admin) throw std::runtime_error(admin.status().to_string());
  stack.postgres.database = prefix_.substr(0, prefix_.size() - 1);
  Status created = (*admin)->exec("CREATE DATABASE " + stack.postgres.database);
  if (!created.is_ok()) throw std::runtime_error(created.to_string());
}

std::string System::config_text(const Config& stack, int link_port) const {
  std::ostringstream t;
  t << "[redis]\nhost = \"" << stack.redis.host << "\"\nport = " << stack.redis.port << "\nprefix = \""
    << prefix_ << "\"\n"
    << "[postgres]\nhost = \"" << stack.postgres.host << "\"\nport = " << stack.postgres.port << "\nuser = \""
    << stack.postgres.user << "\"\ndatabase = \"" << stack.postgres.database << "\"\n"
    << "[clickhouse]\nhost = \"" << stack.clickhouse.host << "\"\nhttp_port = " << stack.clickhouse.http_port
    << "\ndatabase = \"" << stack.clickhouse.database << "\"\n"
    << "[duckdb]\npath = \"data/mtguard.duckdb\"\n"
    << "[engine]\nlink_host = \"127.0.0.1\"\nlink_port = " << link_port
    << "\nspill_path = \"engine/spill.journal\"\n" << options_.engine_toml;
  if (options_.link_tls) {
    t << "link_tls = true\nlink_cert = \"link.crt\"\nlink_key = \"link.key\"\nlink_thumbprint = \""
      << link_thumbprint_ << "\"\n";
  }
  t
    << "[metrics]\nlisten = \"" << metrics_.listen << "\"\nengine_port = " << metrics_.engine_port
    << "\nbackend_port = " << metrics_.backend_port << "\nbackupd_port = " << metrics_.backupd_port << "\n"
    << "[web]\nlisten = \"127.0.0.1\"\nport = " << web_port_ << "\n"
    << "[instances]\ndir = \"instances\"\n[backup]\ndir = \"backups\"\n" << options_.backup_toml
    << "[crypto]\nkey_file = \"keys/master.key\"\n[log]\nlevel = \"info\"\n" << options_.extra_toml;
  return t.str();
}

void System::write_config(const Config& stack) {
  const int link_port = free_port();
  metrics_.engine_port = free_port();
  metrics_.backend_port = free_port();
  metrics_.backupd_port = free_port();
  web_port_ = free_port();
  if (options_.link_tls) {
    const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    auto cert = crypto::create_self_signed_certificate(dir_.file("link.crt"), dir_.file("link.key"),
                                                       {"test engine", now_s - 60, now_s + 86'400});
    if (!cert) throw std::runtime_error(cert.status().to_string());
    link_thumbprint_ = cert->thumbprint_sha256;
  }
  config_path_ = dir_.write("mtguard.toml", config_text(stack, link_port));
  for (int i = 0; options_.link_proxies && i < options_.instances; ++i) {
    proxies_.push_back(std::make_unique<LinkProxy>(link_port));
    dir_.write("mtguard-sim-" + instance_id(i) + ".toml", config_text(stack, proxies_.back()->port()));
  }
  for (int i = 0; i < options_.instances; ++i) {
    nlohmann::json sim = {{"seed", options_.sim.seed + static_cast<uint64_t>(i)},
                          {"account", i == 1 ? "hedging" : "netting"},
                          {"partial_fill_prob", options_.sim.partial_fill_prob},
                          {"requote_prob", options_.sim.requote_prob},
                          {"reject_prob", options_.sim.reject_prob},
                          {"timeout_after_fill_prob", options_.sim.timeout_after_fill_prob},
                          {"link_drop_after_fill_prob", options_.sim.link_drop_after_fill_prob},
                          {"latency_ms_min", options_.sim.latency_ms_min},
                          {"latency_ms_max", options_.sim.latency_ms_max}};
    nlohmann::json inst = {{"id", instance_id(i)},
                           {"token", random_hex(32)},
                           {"symbols", {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD"}},
                           {"min_volume", 0.01},
                           {"max_volume", options_.max_volume},
                           {"volume_step", 0.01},
                           {"sim", sim}};
    dir_.write("instances/" + instance_id(i) + ".json", inst.dump(2));
  }
}

std::string System::metrics_url(const std::string& process) const {
  const int port = process == "engine"    ? config_.metrics.engine_port
                   : process == "backend" ? config_.metrics.backend_port
                   : process == "backupd" ? config_.metrics.backupd_port
                                          : 0;
  if (port == 0) throw std::invalid_argument("no metrics port for '" + process + "'");
  return "http://" + config_.metrics.listen + ":" + std::to_string(port) + "/metrics";
}

void System::start_engine() {
  engine_ = std::make_unique<Process>(
      std::vector<std::string>{MTG_BINARY, "engine", "--config", config_path_}, dir_.file("engine.log"));
}

Status System::create_master_key() const {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(config_.key_file).parent_path(), ec);
  if (ec) return Status::io("create the directory of " + config_.key_file + ": " + ec.message());
  return crypto::create_master_key(config_.key_file);
}

void System::start_backupd() {
  backupd_ = std::make_unique<Process>(
      std::vector<std::string>{MTG_BINARY, "backupd", "--config", config_path_}, dir_.file("backupd.log"));
}

void System::start_web() {
  web_ = std::make_unique<Process>(std::vector<std::string>{MTG_BINARY, "web", "--config", config_path_},
                                   dir_.file("web.log"));
}

std::string System::web_url() const { return "http://127.0.0.1:" + std::to_string(config_.web.port) + "/"; }

void System::start_backend() {
  backend_ = std::make_unique<Process>(
      std::vector<std::string>{MTG_BINARY, "backend", "--config", config_path_}, dir_.file("backend.log"));
}

std::string System::sim_config_path(int i) const {
  return options_.link_proxies ? dir_.file("mtguard-sim-" + instance_id(i) + ".toml") : config_path_;
}

void System::start_sims() {
  for (int i = 0; i < options_.instances; ++i) {
    std::vector<std::string> program{MTG_BINARY, "sim"};
    if (!options_.terminal_program.empty()) program = {options_.terminal_program};
    for (const std::string& arg : {std::string("--config"), sim_config_path(i), std::string("--instance"),
                                   instance_id(i), std::string("--ledger"), ledger_path(i)}) {
      program.push_back(arg);
    }
    sims_.push_back(std::make_unique<Process>(
        std::move(program),
        dir_.file("sim-" + instance_id(i) + ".log")));
  }
}

void System::submit(const std::vector<std::string>& payloads) {
  std::vector<std::vector<std::string>> batch;
  for (const auto& p : payloads) batch.push_back({"XADD", prefix_ + "rtss", "*", "signal", p});
  for (size_t start = 0; start < batch.size(); start += 500) {
    std::vector<std::vector<std::string>> part(
        batch.begin() + static_cast<long>(start),
        batch.begin() + static_cast<long>(std::min(batch.size(), start + 500)));
    auto r = redis_->pipeline(part);
    if (!r) throw std::runtime_error(r.status().to_string());
  }
}

std::vector<std::string> System::stream_values(const std::string& key, const std::string& field) {
  std::vector<std::string> out;
  std::string from = "-";
  for (;;) {
    auto r = redis_->command({"XRANGE", key, from, "+", "COUNT", "5000"});
    if (!r) throw std::runtime_error(r.status().to_string());
    if (r->elements.empty()) break;
    for (const auto& e : r->elements) {
      const auto& fields = e.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str == field) out.push_back(fields[i + 1].str);
      }
    }
    from = "(" + r->elements.back().elements[0].str;
  }
  return out;
}

std::vector<TradeResult> System::results() {
  return decode_all<TradeResult>(stream_values(prefix_ + "rtrs", "result"), "RTRS");
}

std::vector<TradeEvent> System::events() {
  return decode_all<TradeEvent>(stream_values(prefix_ + "events", "event"), "the events stream");
}

bool System::wait_final(const std::set<std::string>& uuids, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    std::set<std::string> missing = uuids;
    for (const auto& r : results()) {
      if (is_final(r.status)) missing.erase(r.uuid);
    }
    if (missing.empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

std::map<std::string, double> System::ledger_volume() const {
  std::map<std::string, double> volume;
  for (int i = 0; i < options_.instances; ++i) {
    std::ifstream in(ledger_path(i));
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("uuid") || !j.contains("volume")) continue;
      volume[j["uuid"].get<std::string>()] += j["volume"].get<double>();
    }
  }
  return volume;
}

Signal System::market_open(const std::string& uuid, int instance, double volume, int64_t created_at_ms,
                           int64_t ttl_ms) const {
  static const char* symbols[] = {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD"};
  Signal s;
  s.uuid = uuid;
  s.instance = instance_id(instance);
  s.symbol = symbols[static_cast<size_t>(uuid[0]) % 4];
  s.side = (uuid[1] % 2) != 0 ? Side::kBuy : Side::kSell;
  s.volume = volume;
  s.created_at_ms = created_at_ms;
  s.ttl_ms = ttl_ms;
  return s;
}

std::string System::signal(const std::string& uuid, int instance, double volume, int64_t created_at_ms,
                           int64_t ttl_ms) const {
  return to_json(market_open(uuid, instance, volume, created_at_ms, ttl_ms));
}

std::string System::new_uuid() {
  std::string h = random_hex(32);
  h[12] = '4';
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20, 12);
}

std::string System::log_tail(const std::string& path) const {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
}

void System::delete_keys() {
  std::string cursor = "0";
  do {
    auto r = redis_->command({"SCAN", cursor, "MATCH", prefix_ + "*", "COUNT", "1000"});
    if (!r) return;
    cursor = r->elements[0].str;
    std::vector<std::string> del{"DEL"};
    for (const auto& k : r->elements[1].elements) del.push_back(k.str);
    if (del.size() > 1) (void)redis_->command(del);
  } while (cursor != "0");
}

}  // namespace mtg::testkit
