// RecoverySchedule: when the recovery actions (docs/requirements.md §3.3: e.g. a terminal restart
// script) of instances the connection-loss policy disabled actually run.
//
// A fleet that loses its network at once must not restart every terminal in the same
// second, nor hammer a recovering host: each request waits a random jitter in
// [0, jitter_ms] (seeded, so tests replay), and across all instances at most
// `max_actions` run within any `window_ms`; the others wait for the window to move
// on, in the order they became due. A request is dropped when its instance comes
// back before it runs. Single-threaded; time from the injected Clock.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/rng.h"

namespace mtg {

struct RecoveryBudget {
  int64_t jitter_ms = 5'000;   // each action waits uniform [0, jitter_ms] after its request
  int max_actions = 4;         // at most this many actions ...
  int64_t window_ms = 60'000;  // ... in any window of this length, fleet-wide
};

class RecoverySchedule {
 public:
  RecoverySchedule(RecoveryBudget budget, const Clock& clock, std::unique_ptr<Rng> rng);

  // Asks for the instance's recovery action; a second request while one is pending
  // changes nothing.
  void request(const std::string& instance);
  // Forgets a pending request (the instance is back, or the operator took over).
  void cancel(const std::string& instance);
  // The instances whose action should run now: due and within the budget. Each
  // returned instance counts against the budget and is no longer pending.
  std::vector<std::string> due();

  size_t pending() const { return due_at_ms_.size(); }

 private:
  void forget_outside_window(int64_t now);

  RecoveryBudget budget_;
  const Clock& clock_;
  std::unique_ptr<Rng> rng_;
  std::map<std::string, int64_t> due_at_ms_;  // instance -> steady ms its jitter ends
  std::deque<int64_t> ran_at_ms_;  // steady ms of the actions run within the window, oldest first
};

}  // namespace mtg
