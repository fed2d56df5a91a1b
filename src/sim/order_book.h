// The pending orders resting at the broker, and what became of those that left it
// (filled into a position, cancelled, expired), so a late modify or cancel can be told
// what happened. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "trade/position.h"
#include "util/status.h"

namespace mtg::sim {

inline constexpr size_t kMaxEndedOrders = 1'000'000;  // ended orders remembered (oldest forgotten)

// How a pending order left the book.
enum class OrderEnd { kFilled, kCancelled, kExpired };

// "filled", "cancelled", "expired".
const char* order_end_name(OrderEnd end);

struct EndedOrder {
  int64_t ticket = 0;
  OrderEnd end = OrderEnd::kFilled;
  int64_t position = 0;  // kFilled: the position it opened or changed
  std::string ref;
};

class OrderBook {
 public:
  // The resting order with this ticket, or nullptr.
  const PendingOrder* find(int64_t ticket) const;
  // Resting orders by ticket: all, or those whose ref is `ref`.
  std::vector<PendingOrder> all() const;
  std::vector<PendingOrder> with_ref(const std::string& ref) const;
  // What became of an order that left the book (nullptr: resting, unknown or forgotten),
  // and of those whose ref is `ref`, oldest first.
  const EndedOrder* ended(int64_t ticket) const;
  std::vector<EndedOrder> ended_with_ref(const std::string& ref) const;

  // Errors are kCorruption: placing a ticket in use (resting or ended), replacing or
  // ending an order that does not rest, a market order.
  Status place(const PendingOrder& order);
  // The order with the same ticket takes this order's values.
  Status replace(const PendingOrder& order);
  Status end(int64_t ticket, OrderEnd end, int64_t position);

 private:
  std::map<int64_t, PendingOrder> resting_;  // by ticket
  std::map<int64_t, EndedOrder> ended_;      // by ticket
  std::deque<int64_t> ended_order_;          // tickets of ended_, oldest first
};

}  // namespace mtg::sim
