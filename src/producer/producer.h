// The producer's side of the durability contract (docs/requirements.md "Durability",
// docs/producers.md): Redis may lose the last seconds of what it acknowledged (its
// crash on a stalled disk, its host's crash), so a producer keeps every signal until
// a final result or `duplicate` arrives and sends it again — the same payload, so the
// same uuid and created_at — whenever a different Redis answers (a changed run_id: a
// restart, a failover). A result seen shortly before Redis went away may have been
// lost with it: those signals are sent again too. Redis being down is ridden through
// with a bounded back-off until the deadline. The engine answers a signal it already
// has `duplicate` and never executes it twice, so sending again is always safe.
// Single-threaded; time and sleeping are injected.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "order/trade_result.h"
#include "producer/producer_link.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg {

// Most payloads one round trip may carry.
inline constexpr size_t kMaxSendBatch = 10'000;

struct ProducerOptions {
  int64_t timeout_ms = 60'000;           // the whole run: sending, riding outages, waiting
  int read_block_ms = 500;               // one wait for new results
  int64_t check_server_every_ms = 1'000;  // how often the run_id is compared while all is well
  int64_t retry_min_ms = 100;            // back-off while Redis is unreachable ...
  int64_t retry_max_ms = 5'000;          // ... doubling up to this
  // Signals settled this long before Redis was last seen as the same server are sent
  // again after it changed: with appendfsync everysec Redis 7.0 loses up to ~2 s.
  int64_t suspect_results_ms = 10'000;
  size_t send_batch = 500;               // payloads per round trip, at most kMaxSendBatch
};

// What a run did.
struct ProducerOutcome {
  std::vector<TradeResult> settled;    // the first final or duplicate result of each signal, as they came
  std::vector<std::string> unsettled;  // uuids without one when the run ended (only when waiting)
  int64_t resent = 0;                  // payloads sent again after Redis changed
  int64_t restarts = 0;                // changes of run_id seen
};

class Producer {
 public:
  using SleepFn = std::function<void(int64_t ms)>;
  using ProgressFn = std::function<void(const std::string& line)>;

  // `link` and `clock` must outlive the producer; `progress` gets one line per outage
  // step and per resend (may be empty).
  Producer(ProducerLink& link, const Clock& clock, SleepFn sleep, ProducerOptions options, ProgressFn progress = {});

  // Sends every payload (JSON signals; one without a uuid is sent once and not waited
  // for) and, when `wait`, waits for their results, sending again as the contract says.
  // Without `wait` it returns once Redis acknowledged each. kTimeout when the deadline
  // passed before every payload was sent; otherwise ok, with what is still unsettled.
  Result<ProducerOutcome> run(const std::vector<std::string>& payloads, bool wait);

 private:
  struct Kept {
    std::string payload;
    bool awaiting = true;             // no final or duplicate result since it was last sent
    std::optional<int64_t> settled_ms;  // steady ms of its last settling result
    bool reported = false;            // its first settling result is in outcome_.settled
  };

  bool expired() const;
  size_t awaiting() const;
  // Waits (with back-off) until Redis answers; its run_id, or kTimeout at the deadline.
  Result<std::string> reach_server(const Status& why);
  // Compares the answering server with the one our signals went to; on a change,
  // queues again every signal it may have lost (awaiting, or settled lately).
  void follow_server(const std::string& id);
  // Sends the queue in batches, riding through outages; kTimeout at the deadline.
  Status flush();
  void take(const StreamResult& entry);

  ProducerLink& link_;
  const Clock& clock_;
  SleepFn sleep_;
  ProducerOptions options_;
  ProgressFn progress_;
  int64_t deadline_ms_ = 0;
  std::string server_;          // run_id of the Redis our signals went to
  int64_t server_seen_ms_ = 0;  // when it was last seen answering
  std::string cursor_;          // the last RTRS entry read
  std::map<std::string, Kept> kept_;  // by uuid
  std::vector<std::string> order_;    // the kept uuids, as given
  std::deque<std::string> outbox_;    // payloads to send (again)
  ProducerOutcome outcome_;
};

}  // namespace mtg
