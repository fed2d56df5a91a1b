#include "engine/recent_finals.h"

#include <utility>

#include "order/order_state.h"
#include "util/check.h"

namespace mtg {

RecentFinals::RecentFinals(int64_t window_ms, size_t max_finals) : window_ms_(window_ms), max_finals_(max_finals) {
  MTG_CHECK(window_ms_ > 0);
  MTG_CHECK(max_finals_ > 0);
}

void RecentFinals::remember(FinalRecord final_record, int64_t now_ms) {
  MTG_CHECK(is_final(final_record.order.state));
  MTG_CHECK(is_final(final_record.result.status));
  MTG_CHECK(final_record.result.uuid == final_record.order.signal.uuid);
  const std::string uuid = final_record.order.signal.uuid;
  MTG_CHECK(!uuid.empty());
  // A uuid is finished once; remembered again only if an older final was forgotten.
  auto [it, inserted] = by_uuid_.try_emplace(uuid, Remembered{std::move(final_record), now_ms});
  if (inserted) oldest_first_.push_back(uuid);
  forget_expired(now_ms);
  while (by_uuid_.size() > max_finals_) {
    by_uuid_.erase(oldest_first_.front());
    oldest_first_.pop_front();
  }
  MTG_CHECK(by_uuid_.size() == oldest_first_.size());
  MTG_CHECK(by_uuid_.size() <= max_finals_);
}

const FinalRecord* RecentFinals::find(const std::string& uuid) const {
  auto it = by_uuid_.find(uuid);
  return it == by_uuid_.end() ? nullptr : &it->second.final_record;
}

std::vector<FinalRecord> RecentFinals::within_window(int64_t now_ms) {
  forget_expired(now_ms);
  std::vector<FinalRecord> out;
  out.reserve(oldest_first_.size());
  for (const std::string& uuid : oldest_first_) out.push_back(by_uuid_.at(uuid).final_record);
  MTG_CHECK(out.size() == by_uuid_.size());
  return out;
}

void RecentFinals::forget_expired(int64_t now_ms) {
  while (!oldest_first_.empty()) {
    auto it = by_uuid_.find(oldest_first_.front());
    MTG_CHECK(it != by_uuid_.end());
    if (now_ms - it->second.written_steady_ms <= window_ms_) break;
    by_uuid_.erase(it);
    oldest_first_.pop_front();
  }
}

}  // namespace mtg
