// The chaos campaign's steady signal load: a thread XADDing batches to RTSS at a fixed
// rate, a seeded mix of valid signals — the mix of trade actions (model::TradeMix) on
// every instance: opens of every type, closes by ticket and by ref, close_all,
// modifies, cancels — repeats of earlier ones (must be answered `duplicate`), expired
// ones, invalid ones with a uuid (must be `rejected`) and malformed payloads without one. A batch Redis
// refused is sent again later (a resent signal is one more repeat, never a second execution). It records what
// it sent: the evidence the invariant check compares against.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "integration/system.h"
#include "model/trade_mix.h"

namespace mtg::chaos {

enum class SignalKind {
  kValid,    // any final status is right; executed at most once, at most its volume
  kExpired,  // created long before its ttl: must end `expired` (`dropped` if disabled)
  kInvalid   // negative volume, unknown instance/symbol, above max volume: `rejected`
};

struct SentSignal {
  SignalKind kind = SignalKind::kValid;
  Signal signal;    // as sent (an invalid one: the valid signal it was spoiled from)
  int repeats = 0;  // deliberate repeats queued after the first send
};

struct LoadCounts {
  int64_t signals = 0;       // distinct uuids sent
  int64_t repeats = 0;       // deliberate repeats of a uuid
  int64_t malformed = 0;     // payloads without a usable uuid
  int64_t resends = 0;       // batches sent again after Redis refused them
  model::MixCounts actions;  // what the trade-actions mix drew, by kind
  int64_t valid = 0;         // distinct valid signals
  int64_t acting = 0;        // of those, closes, close_all, modifies, modify_order and cancels
};

class SignalLoad {
 public:
  // Sends about signals_per_s to sys's RTSS once start() is called.
  SignalLoad(testkit::System& sys, uint64_t seed, double signals_per_s);
  ~SignalLoad();
  SignalLoad(const SignalLoad&) = delete;
  SignalLoad& operator=(const SignalLoad&) = delete;

  void start();
  // Stops generating and sends what is still queued; false when Redis did not take it
  // within timeout_ms.
  bool stop(int timeout_ms);

  // What was sent, by uuid (stable after stop()).
  std::map<std::string, SentSignal> sent() const;
  LoadCounts counts() const;

  static constexpr int kTicksPerSecond = 10;
  static constexpr size_t kMaxQueuedPayloads = 20'000;  // generation pauses beyond this
  static constexpr int64_t kValidTtlMs = 120'000;

 private:
  void run();
  // One generated payload (records it in sent_).
  std::string next_payload();
  // `valid` spoiled: a negative volume, an unknown instance or symbol, or a volume above
  // every instance's max_volume.
  std::string invalid_payload(const Signal& valid);
  // Sends queue_ in one pipeline; false (queue kept) when Redis refused.
  bool flush();
  // Reads the positions the engine last recorded for every instance (kept as they were
  // when Redis does not answer): the targets of closes by ticket.
  void refresh_held();

  testkit::System& sys_;
  std::mt19937_64 rng_;
  double signals_per_s_;
  std::unique_ptr<RedisClient> redis_;
  std::vector<std::string> queue_;                       // payloads not yet acknowledged by Redis
  std::vector<std::string> valid_;                       // payloads of valid signals, for repeats
  std::vector<std::unique_ptr<model::TradeMix>> mixes_;  // one per instance, drawing from rng_
  std::vector<std::vector<Position>> held_;              // per instance
  mutable std::mutex mu_;                                // sent_ and counts_
  std::map<std::string, SentSignal> sent_;
  LoadCounts counts_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mtg::chaos
