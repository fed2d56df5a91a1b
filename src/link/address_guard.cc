#include "link/address_guard.h"

#include <algorithm>

#include "util/check.h"

namespace mtg::link {

AddressGuard::AddressGuard(AddressLimits limits) : limits_(limits) {
  MTG_CHECK(limits_.failures_before_backoff >= 0);
  MTG_CHECK(limits_.backoff_min_ms > 0 && limits_.backoff_max_ms >= limits_.backoff_min_ms);
  MTG_CHECK(limits_.log_window_ms > 0 && limits_.max_addresses > 0);
}

AddressGuard::Entry& AddressGuard::entry(const std::string& address, int64_t now_ms) {
  auto it = entries_.find(address);
  if (it == entries_.end()) {
    if (entries_.size() >= limits_.max_addresses) {  // forget the least recently seen
      auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_seen_ms < b.second.last_seen_ms;
      });
      entries_.erase(oldest);
    }
    it = entries_.emplace(address, Entry{}).first;
  }
  it->second.last_seen_ms = now_ms;
  MTG_CHECK(entries_.size() <= limits_.max_addresses);
  return it->second;
}

bool AddressGuard::backing_off(const std::string& address, int64_t now_ms) const {
  auto it = entries_.find(address);
  return it != entries_.end() && now_ms < it->second.blocked_until_ms;
}

void AddressGuard::failed(const std::string& address, int64_t now_ms) {
  Entry& e = entry(address, now_ms);
  e.failures = std::min(e.failures + 1, 64);
  const int over = e.failures - limits_.failures_before_backoff;
  if (over <= 0) return;
  const int64_t wait = std::min<int64_t>(int64_t{limits_.backoff_min_ms} << std::min(over - 1, 20),
                                         limits_.backoff_max_ms);
  e.blocked_until_ms = now_ms + wait;
  MTG_CHECK(wait >= limits_.backoff_min_ms && wait <= limits_.backoff_max_ms);
}

void AddressGuard::succeeded(const std::string& address) {
  auto it = entries_.find(address);
  if (it == entries_.end()) return;
  it->second.failures = 0;
  it->second.blocked_until_ms = 0;
}

int64_t AddressGuard::to_report(const std::string& address, const std::string& kind, int64_t now_ms) {
  Reports& r = entry(address, now_ms).reports[kind];
  ++r.unreported;
  if (r.reported && now_ms - r.last_report_ms < limits_.log_window_ms) return 0;
  const int64_t n = r.unreported;
  r.unreported = 0;
  r.last_report_ms = now_ms;
  r.reported = true;
  MTG_CHECK(n >= 1);
  return n;
}

}  // namespace mtg::link
