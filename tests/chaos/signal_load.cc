#include "chaos/signal_load.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "engine/redis_order_store.h"
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
  for (int i = 0; i < static_cast<int>(sys.config().instances.size()); ++i) {
    mixes_.push_back(
        std::make_unique<model::TradeMix>(rng_, testkit::System::new_uuid, sys.instance_id(i), kValidTtlMs));
  }
  held_.resize(mixes_.size());
}

void SignalLoad::refresh_held() {
  std::vector<std::string> ids;
  for (size_t i = 0; i < mixes_.size(); ++i) ids.push_back(sys_.instance_id(static_cast<int>(i)));
  RedisOrderStore store(*redis_, sys_.config().redis.prefix, {});
  auto holdings = store.load_holdings(ids);
  if (!holdings) return;
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto h = holdings->find(ids[i]);
    if (h != holdings->end()) held_[i] = h->second.positions;
  }
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
  LoadCounts counts = counts_;
  for (const auto& mix : mixes_) {
    for (const auto& [kind, n] : mix->counts()) counts.actions[kind] += n;
  }
  for (const auto& [uuid, s] : sent_) {
    counts.valid += s.kind == SignalKind::kValid;
    counts.acting += s.kind == SignalKind::kValid && s.signal.action != Action::kOpen;
  }
  return counts;
}

void SignalLoad::run() {
  const auto tick = std::chrono::milliseconds(1000 / kTicksPerSecond);
  double owed = 0;  // fractional signals carried to the next tick
  auto next = std::chrono::steady_clock::now();
  for (int64_t ticks = 0; !stop_; ++ticks) {
    if (ticks % kTicksPerSecond == 0) refresh_held();
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
  const int instance = static_cast<int>(rng_() % mixes_.size());
  SentSignal s;
  std::string payload;
  if (draw >= kRepeatPct) {
    const std::string uuid = testkit::System::new_uuid();
    const double volume = static_cast<double>(1 + rng_() % 50) / 100.0;
    const bool expired = draw < kExpiredPct;
    s.kind = expired ? SignalKind::kExpired : SignalKind::kInvalid;
    s.signal = sys_.market_open(uuid, expired ? instance : 0, volume, expired ? now - kExpiredAgeMs : now,
                                expired ? kExpiredTtlMs : kValidTtlMs);
    payload = expired ? to_json(s.signal) : invalid_payload(s.signal);
  } else {
    const model::MixDraw mixed =
        mixes_[static_cast<size_t>(instance)]->next(now, held_[static_cast<size_t>(instance)]);
    payload = to_json(mixed.signal);
    if (mixed.repeat) {
      ++sent_[mixed.signal.uuid].repeats;
      ++counts_.repeats;
      return payload;
    }
    s.signal = mixed.signal;
    if (valid_.size() < kMaxQueuedPayloads) valid_.push_back(payload);
  }
  sent_.emplace(s.signal.uuid, s);
  ++counts_.signals;
  return payload;
}

std::string SignalLoad::invalid_payload(const Signal& valid) {
  auto j = nlohmann::json::parse(to_json(valid));
  switch (rng_() % 4) {
    case 0:
      j["volume"] = -0.5;
      break;
    case 1:
      j["instance"] = "ghost-9";
      break;
    case 2:
      j["symbol"] = "NOPE";
      break;
    default:
      j["volume"] = 1e6;
      break;  // above every instance's max_volume
  }
  return j.dump();
}

}  // namespace mtg::chaos
