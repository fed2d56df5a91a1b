#include "engine/engine_service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "crypto/certificate.h"
#include "engine/engine.h"
#include "engine/instance_tokens.h"
#include "engine/metered_order_store.h"
#include "engine/operator_command.h"
#include "engine/recovery_command.h"
#include "engine/redis_order_store.h"
#include "engine/service_metrics.h"
#include "engine/signal_queue.h"
#include "keys/redis_keys.h"
#include "link/link_server.h"
#include "link/tls.h"
#include "metrics/metrics_server.h"
#include "metrics/notification_counter.h"
#include "notify/configured_notifier.h"
#include "prefs/prefs_watcher.h"
#include "store/redis/redis_server_info.h"
#include "store/redis/redis_stream.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr int kIntakeBlockMs = 200;
constexpr int kIdlePollMs = 20;
constexpr int64_t kTickMs = 100;
constexpr int64_t kTrimEveryMs = 10'000;
constexpr int64_t kHeartbeatEveryMs = 1'000;
constexpr size_t kMaxQueuedEntries = 4 * kMaxEntriesPerRead;
constexpr auto kRetryPause = std::chrono::milliseconds(250);
constexpr const char* kConsumer = "engine-1";
constexpr int64_t kCertificateWarnBeforeS = 30 * 86'400;

// Entries read by the intake thread, waiting for the engine thread.
class EntryQueue {
 public:
  void push(std::vector<RtssEntry> entries) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return queue_.size() < kMaxQueuedEntries || closed_; });
    for (auto& e : entries) queue_.push_back(std::move(e));
  }
  std::vector<RtssEntry> take(size_t max) {
    std::lock_guard lock(mu_);
    std::vector<RtssEntry> out;
    while (!queue_.empty() && out.size() < max) {
      out.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    room_.notify_all();
    return out;
  }
  bool empty() {
    std::lock_guard lock(mu_);
    return queue_.empty();
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    room_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable room_;
  std::deque<RtssEntry> queue_;
  bool closed_ = false;
};

Result<std::unique_ptr<RedisClient>> connect_until(const RedisConfig& config, const std::atomic<bool>& stop) {
  for (int attempt = 0;; ++attempt) {
    auto client = RedisClient::connect(config);
    if (client || stop) return client;
    if (attempt % 20 == 0) spdlog::warn("engine: waiting for Redis: {}", client.status().to_string());
    std::this_thread::sleep_for(kRetryPause);
  }
}

// Reads new RTSS entries on its own connection so the engine thread never blocks on Redis.
void intake_loop(const Config& config, const std::atomic<bool>& stop, const std::atomic<bool>& accepting,
                 EntryQueue& queue, link::TerminalLink& link) {
  RedisConfig rc = config.redis;
  rc.command_timeout_ms = std::max(rc.command_timeout_ms, kIntakeBlockMs + 2000);
  auto redis = connect_until(rc, stop);
  if (!redis) return;
  SignalQueue signals(**redis, config.redis.prefix, kConsumer);
  while (!stop) {
    if (!accepting) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kIdlePollMs));
      continue;
    }
    auto entries = signals.read_new(kMaxEntriesPerRead, kIntakeBlockMs);
    if (!entries) {
      std::this_thread::sleep_for(kRetryPause);
      continue;
    }
    if (entries->empty()) continue;
    queue.push(std::move(*entries));
    link.wake();
  }
}

// Re-decides every entry delivered to us but never acknowledged. Returns false on a
// store error (to be tried again).
bool replay_pending(SignalQueue& signals, Engine& engine) {
  std::string after = "0";
  size_t replayed = 0;
  for (;;) {
    auto entries = signals.read_pending(kMaxEntriesPerRead, after);
    if (!entries) return false;
    if (entries->empty()) break;
    if (!engine.on_entries(*entries).is_ok()) return false;
    after = entries->back().stream_id;
    replayed += entries->size();
  }
  if (replayed > 0) spdlog::info("engine: re-decided {} pending RTSS entries", replayed);
  return true;
}

void publish_heartbeat(RedisClient& redis, const Config& config, const Engine& engine, const Clock& clock) {
  const EngineStats& s = engine.stats();
  nlohmann::json j = {{"ts", clock.now_ms()},          {"open_orders", engine.open_orders()},
                      {"accepted", s.accepted},        {"duplicates", s.duplicates},
                      {"rejected", s.rejected},        {"expired", s.expired},
                      {"finalized", s.finalized},      {"store_errors", s.store_errors}};
  (void)redis.command({"SET", RedisKeys{config.redis.prefix}.engine_heartbeat(), j.dump(), "PX",
                       std::to_string(RedisKeys::kHeartbeatTtlMs)});
}

// The metrics the engine's counters and Redis show once a second (service_metrics.h).
void observe(EngineMetrics& metrics, const Engine& engine, const MeteredOrderStore& store, const SpillJournal& spill,
             RedisClient& redis, const Config& config) {
  metrics.observe(engine, store.in_flight(), spill.size(),
                  stream_group_info(redis, RedisKeys{config.redis.prefix}.rtss(), RedisKeys::kEngineGroup));
}

// Operator commands (operator_command.h) queued by `mtguard instance` in Redis.
void run_operator_commands(RedisClient& redis, const Config& config, Engine& engine) {
  const std::string key = RedisKeys{config.redis.prefix}.engine_commands();
  for (int i = 0; i < 16; ++i) {
    auto cmd = redis.command({"LPOP", key});
    if (!cmd || cmd->type != RedisReply::Type::kString) return;
    auto command = parse_operator_command(cmd->str);
    if (!command) {
      spdlog::warn("engine: {}", command.status().message());
      continue;
    }
    Status s = engine.set_enabled(command->instance, command->enable);
    spdlog::info("engine: operator {}: {}", cmd->str, s.to_string());
  }
}

// The TLS settings of the link ([engine] link_tls): the certificate must be valid now
// (a warning a month before it expires) and the key readable by its owner only.
Result<std::shared_ptr<const link::TlsContext>> link_tls(const EngineConfig& engine, const Clock& clock) {
  MTG_CHECK(engine.link_tls);
  if (engine.link_cert.empty() || engine.link_key.empty()) {
    return Status::invalid("engine.link_tls needs engine.link_cert and engine.link_key (make them: mtguard link-cert)");
  }
  auto cert = crypto::read_certificate(engine.link_cert);
  if (!cert) return cert.status().with_context("engine.link_cert");
  const int64_t now_s = clock.now_ms() / 1000;
  if (now_s >= cert->not_after_s || now_s < cert->not_before_s) {
    return Status::precondition("engine.link_cert " + engine.link_cert + " is not valid now (valid from Unix " +
                                std::to_string(cert->not_before_s) + " to " + std::to_string(cert->not_after_s) +
                                "): make a new pair with mtguard link-cert and give terminals its thumbprint");
  }
  if (cert->not_after_s - now_s < kCertificateWarnBeforeS) {
    spdlog::warn("engine: the link certificate expires in {} days: make a new pair (mtguard link-cert)",
                 (cert->not_after_s - now_s) / 86'400);
  }
  struct stat st {};
  if (::stat(engine.link_key.c_str(), &st) != 0) return Status::not_found("engine.link_key " + engine.link_key + " is missing");
  if ((st.st_mode & 077) != 0) {
    return Status::precondition("engine.link_key " + engine.link_key + " is readable by others: chmod 600 it");
  }
  auto ctx = link::TlsContext::server(engine.link_cert, engine.link_key);
  if (!ctx) return ctx.status();
  spdlog::info("engine: terminal link over TLS, certificate SHA-256 thumbprint {}", cert->thumbprint_sha256);
  return std::shared_ptr<const link::TlsContext>(std::move(*ctx));
}

}  // namespace

Status run_engine(const Config& config, const std::atomic<bool>& stop) {
  const Clock& clock = SystemClock::instance();
  InstanceTokens tokens(config.instances, clock);
  auto token_check = [&tokens](const std::string& instance, const std::string& token) {
    return tokens.accepts(instance, token);
  };
  std::shared_ptr<const link::TlsContext> tls;
  if (config.engine.link_tls) {
    auto ctx = link_tls(config.engine, clock);
    if (!ctx) return ctx.status().with_context("terminal link");
    tls = std::move(*ctx);
  }
  auto server = link::LinkServer::listen(config.engine.link_host, config.engine.link_port,
                                         token_check, clock, link::LinkLimits{}, tls);
  if (!server) return server.status().with_context("terminal link");
  spdlog::info("engine: terminal link listening on {}:{}", config.engine.link_host, (*server)->port());
  auto metrics_server = metrics::MetricsServer::start(config.metrics.address(config.metrics.engine_port));
  if (!metrics_server) return metrics_server.status();
  auto& registry = (*metrics_server)->registry();
  EngineMetrics metrics(registry);
  auto redis = connect_until(config.redis, stop);
  if (!redis) return Status::ok();  // stopped while waiting
  RedisOrderStoreOptions options;
  options.dedup_window_s = config.engine.dedup_window_s;
  RedisOrderStore redis_store(**redis, config.redis.prefix, options);
  MeteredOrderStore store(redis_store, metrics);
  SignalQueue signals(**redis, config.redis.prefix, kConsumer);
  auto notifier = notify::make_configured_notifier(config, clock, mtg::metrics::notification_sinks(registry));
  RecoveryCommands recovery(config);
  EngineHooks hooks;
  hooks.notifier = notifier.get();
  hooks.recovery = [&recovery](const std::string& instance) { recovery.run(instance); };
  SpillJournal spill(config.engine.spill_path);
  hooks.spill = &spill;
  LinkPolicy policy;
  policy.attempt_interval_ms = config.engine.attempt_interval_ms;
  policy.notify_at = config.engine.notify_after_attempts;
  policy.disable_at = config.engine.disable_after_attempts;
  policy.jitter_seed = static_cast<uint64_t>(getpid()) ^ static_cast<uint64_t>(clock.now_ms());
  Engine engine(config, store, **server, clock, EngineLimits{}, policy, hooks);
  PrefsStore prefs(**redis, config.redis.prefix, config.prefs_file);
  PrefsWatcher prefs_watcher(prefs, clock);
  while (!stop) {
    Status s = signals.ensure_group();
    if (s.is_ok()) s = engine.start();
    if (s.is_ok() && replay_pending(signals, engine)) break;
    spdlog::warn("engine: recovery waits for Redis: {}", s.to_string());
    std::this_thread::sleep_for(kRetryPause);
  }
  // A Redis restarted under us may have lost its last seconds: the engine writes again
  // what it holds and takes up what RTS holds, then re-decides the pending entries.
  ServerChangeWatch redis_restarts;
  (void)redis_restarts.changed(**redis);
  bool store_restarted = false;
  std::atomic<bool> accepting{true};
  EntryQueue queue;
  std::thread intake([&] { intake_loop(config, stop, accepting, queue, **server); });
  std::vector<link::LinkEvent> events;
  int64_t last_tick = 0, last_trim = clock.steady_ms(), last_beat = 0;
  bool rescan = false;
  while (!stop) {
    events.clear();
    (*server)->poll(queue.empty() ? kIdlePollMs : 0, events);
    engine.on_link_events(events);
    auto batch = queue.take(kMaxEntriesPerRead);
    if (!batch.empty() && !engine.on_entries(batch).is_ok()) rescan = true;
    const int64_t now = clock.steady_ms();
    if (now - last_tick >= kTickMs) {
      last_tick = now;
      engine.on_tick();
      run_operator_commands(**redis, config, engine);
      if (auto changed = prefs_watcher.poll()) engine.apply_prefs(*changed);
      recovery.reap();
      if (rescan && (*redis)->ping().is_ok()) rescan = !replay_pending(signals, engine);
    }
    if (now - last_beat >= kHeartbeatEveryMs) {
      last_beat = now;
      publish_heartbeat(**redis, config, engine, clock);
      observe(metrics, engine, store, spill, **redis, config);
      if (auto changed = redis_restarts.changed(**redis); changed && *changed) store_restarted = true;
      if (store_restarted && engine.on_store_restarted().is_ok()) {
        store_restarted = false;
        rescan = true;
      }
    }
    if (now - last_trim >= kTrimEveryMs) {
      last_trim = now;
      (void)signals.trim_acknowledged();
    }
    accepting = engine.accepting() && !rescan;
  }
  queue.close();
  intake.join();
  notifier->flush(2'000);
  spdlog::info("engine: stopped with {} open orders", engine.open_orders());
  return Status::ok();
}

}  // namespace mtg
