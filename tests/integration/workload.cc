#include "integration/workload.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "order/trade_result.h"
#include "util/clock.h"

namespace mtg::testkit {

std::string Tally::summary() const {
  return std::to_string(signals) + " signals, " + std::to_string(lost) + " lost, " + std::to_string(duplicated) +
         " duplicated, " + std::to_string(over_filled) + " over-filled, " + std::to_string(mismatched) +
         " mismatched";
}

Workload::Workload(System& sys, uint64_t seed, int64_t ttl_ms) : sys_(sys), rng_(seed), ttl_ms_(ttl_ms) {}

std::vector<std::string> Workload::batch(int n) {
  const int instances = static_cast<int>(sys_.config().instances.size());
  const int64_t now = SystemClock::instance().now_ms();
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i, ++next_) {
    const std::string uuid = System::new_uuid();
    const double volume = static_cast<double>(1 + rng_() % 50) / 100.0;
    asked_[uuid] = volume;
    out.push_back(sys_.signal(uuid, next_ % instances, volume, now, ttl_ms_));
  }
  return out;
}

bool Workload::submit(const std::vector<std::string>& batch) {
  constexpr int kAttempts = 100;
  constexpr auto kPause = std::chrono::milliseconds(200);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    try {
      sys_.submit(batch);
      return true;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(kPause);
    }
  }
  return false;
}

std::set<std::string> Workload::uuids() const {
  std::set<std::string> out;
  for (const auto& [uuid, volume] : asked_) out.insert(uuid);
  return out;
}

Tally Workload::check() const {
  constexpr double kEpsilon = 1e-9;
  std::map<std::string, int> finals;
  std::map<std::string, double> filled;
  for (const auto& r : sys_.results()) {
    if (!is_final(r.status) || asked_.count(r.uuid) == 0) continue;
    ++finals[r.uuid];
    filled[r.uuid] = r.filled_volume;
  }
  const auto ledger = sys_.ledger_volume();
  Tally t;
  t.signals = static_cast<int>(asked_.size());
  for (const auto& [uuid, volume] : asked_) {
    const int n = finals.count(uuid) ? finals.at(uuid) : 0;
    t.lost += n == 0;
    t.duplicated += n > 1;
    const double executed = ledger.count(uuid) ? ledger.at(uuid) : 0.0;
    t.over_filled += executed > volume + kEpsilon;
    t.mismatched += n > 0 && std::fabs(executed - filled[uuid]) > kEpsilon;
  }
  return t;
}

}  // namespace mtg::testkit
