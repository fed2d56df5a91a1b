#include "chaos/signal_load.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "util/check.h"
#include "util/clock.h"

namespace mtg::chaos {
namespace {

constexpr int64_t kExpiredAgeMs = 120'000;  // created this long ago ...
constexpr int64_t kExpiredTtlMs = 30'000;   // ... with this ttl: expired on arrival
constexpr int kFlushRetryMs = 200;

// Percent thresholds of the mix, drawn per payload (cumulative).
constexpr uint64_t kValidPct = 78, kRepeatPct = 86, kExpiredPct = 91, kInvalidPct = 96;  // rest malformed

}  // namespace

SignalLoad::SignalLoad(testkit::System& sys, uint64_t seed, double signals_per_s)
    : sys_(sys), rng_(seed ^ 0x5167'6e61'6c4c'6f61ULL), signals_per_s_(signals_per_s) {
  MTG_CHECK(signals_per_s > 0);
  auto redis = RedisClient::connect(sys.config().redis);
  MTG_CHECK_MSG(redis.is_ok(), "SignalLoad: no Redis at start");
  redis_ = std::move(*redis);
}

SignalLoad::~SignalLoad() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void SignalLoad::start() {
  MTG_CHECK(!thread_.joinable());
  thread_ = std::thread([this] { run(); });
}

bool SignalLoad::stop(int timeout_ms) {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  for (int waited = 0; waited <= timeout_ms; waited += kFlushRetryMs) {
    if (flush()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(kFlushRetryMs));
  }
  return false;
}

std::map<std::string, SentSignal> SignalLoad::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

LoadCounts SignalLoad::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

void SignalLoad::run() {
  const auto tick = std::chrono::milliseconds(1000 / kTicksPerSecond);
  double owed = 0;  // fractional signals carried to the next tick
  auto next = std::chrono::steady_clock::now();
  while (!stop_) {
    owed += signals_per_s_ / kTicksPerSecond;
    for (; owed >= 1 && queue_.size() < kMaxQueuedPayloads; owed -= 1) queue_.push_back(next_payload());
    if (!queue_.empty() && !flush()) {
      std::lock_guard lock(mu_);
      ++counts_.resends;
    }
    next += tick;
    std::this_thread::sleep_until(next);
  }
}

bool SignalLoad::flush() {
  if (queue_.empty()) return true;
  const std::string stream = sys_.config().redis.prefix + "rtss";
  std::vector<std::vector<std::string>> batch;
  batch.reserve(queue_.size());
  for (const auto& p : queue_) batch.push_back({"XADD", stream, "*", "signal", p});
  // Bounded: at most kMaxQueuedPayloads, well under RedisClient::kMaxPipelineCommands.
  MTG_CHECK(batch.size() <= RedisClient::kMaxPipelineCommands);
  auto replies = redis_->pipeline(batch);
  if (!replies) return false;
  // Keep only the payloads whose XADD failed (e.g. -LOADING while Redis reloads its AOF).
  std::vector<std::string> refused;
  for (size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i].type == RedisReply::Type::kError) refused.push_back(queue_[i]);
  }
  queue_ = std::move(refused);
  return queue_.empty();
}

std::string SignalLoad::next_payload() {
  const uint64_t draw = rng_() % 100;
  const int64_t now = SystemClock::instance().now_ms();
  std::lock_guard lock(mu_);
  if (draw >= kValidPct && draw < kRepeatPct && !valid_.empty()) {
    const std::string& p = valid_[rng_() % valid_.size()];
    ++sent_[nlohmann::json::parse(p)["uuid"].get<std::string>()].repeats;
    ++counts_.repeats;
    return p;
  }
  if (draw >= kInvalidPct) {
    ++counts_.malformed;
    return (draw % 2 == 0) ? std::string("{\"instance\":\"demo-1\",\"volume\":") : R"({"symbol":"EURUSD"})";
  }
  const std::string uuid = testkit::System::new_uuid();
  const int instance = static_cast<int>(rng_() % 3);
  const double volume = static_cast<double>(1 + rng_() % 50) / 100.0;
  SentSignal s{SignalKind::kValid, volume, 0};
  std::string payload;
  if (draw >= kRepeatPct && draw < kExpiredPct) {
    s.kind = SignalKind::kExpired;
    payload = sys_.signal(uuid, instance, volume, now - kExpiredAgeMs, kExpiredTtlMs);
  } else if (draw >= kExpiredPct) {
    s.kind = SignalKind::kInvalid;
    payload = invalid_payload(uuid, now);
  } else {
    payload = sys_.signal(uuid, instance, volume, now, kValidTtlMs);
    if (valid_.size() < kMaxQueuedPayloads) valid_.push_back(payload);
  }
  sent_.emplace(uuid, s);
  ++counts_.signals;
  return payload;
}

std::string SignalLoad::invalid_payload(const std::string& uuid, int64_t now_ms) {
  auto j = nlohmann::json::parse(sys_.signal(uuid, 0, 0.1, now_ms, kValidTtlMs));
  switch (rng_() % 4) {
    case 0: j["volume"] = -0.5; break;
    case 1: j["instance"] = "ghost-9"; break;
    case 2: j["symbol"] = "NOPE"; break;
    default: j["volume"] = 1e6; break;  // above every instance's max_volume
  }
  return j.dump();
}

}  // namespace mtg::chaos
