// The final results the engine wrote in its last seconds, kept in memory so that a Redis
// that loses its last seconds of acknowledged writes (a crash on a stalled disk, a host
// crash) can be given them back: each with the final state of its order, from which its
// dedup record is written again too (OrderStore::finalize). Bounded by age and by count;
// the oldest go first. Single-threaded, like the Engine that owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "order/order.h"
#include "order/trade_result.h"

namespace mtg {

// One final result written to RTRS and the final order state written with it.
struct FinalRecord {
  Order order;         // final state; order.stream_id is the RTSS entry it answered
  TradeResult result;  // final; result.result_id == final_result_id(order.signal.uuid)
};

class RecentFinals {
 public:
  // Keeps a final for window_ms (steady time) and at most max_finals at once.
  RecentFinals(int64_t window_ms, size_t max_finals);

  // Remembers a final just written at steady time now_ms; forgets those older than the
  // window, and the oldest above the count. Order and result must be final and agree.
  void remember(FinalRecord final_record, int64_t now_ms);

  // The final of uuid, if still remembered; null otherwise. Valid until the next call.
  const FinalRecord* find(const std::string& uuid) const;

  // Every remembered final not older than the window at now_ms, oldest first.
  std::vector<FinalRecord> within_window(int64_t now_ms);

  size_t size() const { return by_uuid_.size(); }

 private:
  struct Remembered {
    FinalRecord final_record;
    int64_t written_steady_ms = 0;
  };
  void forget_expired(int64_t now_ms);

  int64_t window_ms_;
  size_t max_finals_;
  std::deque<std::string> oldest_first_;  // uuids in the order they were remembered
  std::unordered_map<std::string, Remembered> by_uuid_;
};

}  // namespace mtg
