// The chaos campaign's steady signal load: a thread XADDing batches to RTSS at a fixed
// rate, a seeded mix of valid signals, repeats of earlier ones (must be answered
// `duplicate`), expired ones, invalid ones with a uuid (must be `rejected`) and
// malformed payloads without one. A batch Redis refused is sent again later (a resent
// signal is one more repeat, never a second execution). It records what it sent: the
// evidence the invariant check compares against.
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

namespace mtg::chaos {

enum class SignalKind {
  kValid,    // any final status is right; executed at most once, at most its volume
  kExpired,  // created long before its ttl: must end `expired` (`dropped` if disabled)
  kInvalid   // negative volume, unknown instance/symbol, above max volume: `rejected`
};

struct SentSignal {
  SignalKind kind = SignalKind::kValid;
  double volume = 0;  // lots asked
  int repeats = 0;    // deliberate repeats queued after the first send
};

struct LoadCounts {
  int64_t signals = 0;     // distinct uuids sent
  int64_t repeats = 0;     // deliberate repeats of a uuid
  int64_t malformed = 0;   // payloads without a usable uuid
  int64_t resends = 0;     // batches sent again after Redis refused them
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
  std::string invalid_payload(const std::string& uuid, int64_t now_ms);
  // Sends queue_ in one pipeline; false (queue kept) when Redis refused.
  bool flush();

  testkit::System& sys_;
  std::mt19937_64 rng_;
  double signals_per_s_;
  std::unique_ptr<RedisClient> redis_;
  std::vector<std::string> queue_;   // payloads not yet acknowledged by Redis
  std::vector<std::string> valid_;   // payloads of valid signals, for repeats
  mutable std::mutex mu_;            // sent_ and counts_
  std::map<std::string, SentSignal> sent_;
  LoadCounts counts_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mtg::chaos
