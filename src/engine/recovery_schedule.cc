#include "engine/recovery_schedule.h"

#include <algorithm>

#include "util/check.h"

namespace mtg {

RecoverySchedule::RecoverySchedule(RecoveryBudget budget, const Clock& clock, std::unique_ptr<Rng> rng)
    : budget_(budget), clock_(clock), rng_(std::move(rng)) {
  MTG_CHECK(budget_.jitter_ms >= 0);
  MTG_CHECK(budget_.max_actions >= 1);
  MTG_CHECK(budget_.window_ms >= 0);

  MTG_CHECK(rng_ != nullptr);
}

void RecoverySchedule::request(const std::string& instance) {
  if (due_at_ms_.count(instance) != 0) return;
  due_at_ms_[instance] = clock_.steady_ms() + rng_->uniform_int(0, budget_.jitter_ms);
}

void RecoverySchedule::cancel(const std::string& instance) { due_at_ms_.erase(instance); }

void RecoverySchedule::forget_outside_window(int64_t now) {
  while (!ran_at_ms_.empty() && now - ran_at_ms_.front() >= budget_.window_ms) ran_at_ms_.pop_front();
}

std::vector<std::string> RecoverySchedule::due() {
  const int64_t now = clock_.steady_ms();
  forget_outside_window(now);
  std::vector<std::pair<int64_t, std::string>> ready;
  for (const auto& [instance, at] : due_at_ms_) {
    if (at <= now) ready.emplace_back(at, instance);
  }
  std::sort(ready.begin(), ready.end());
  std::vector<std::string> out;
  for (const auto& [at, instance] : ready) {
    if (static_cast<int>(ran_at_ms_.size()) >= budget_.max_actions) break;
    ran_at_ms_.push_back(now);
    due_at_ms_.erase(instance);
    out.push_back(instance);
  }
  MTG_CHECK(static_cast<int>(ran_at_ms_.size()) <= budget_.max_actions);
  return out;
}

}  // namespace mtg
