#include "sim/order_book.h"

#include "util/check.h"

namespace mtg::sim {
namespace {

std::string order_name(int64_t ticket) { return "order " + std::to_string(ticket); }

}  // namespace

const char* order_end_name(OrderEnd end) {
  switch (end) {
    case OrderEnd::kFilled: return "filled";
    case OrderEnd::kCancelled: return "cancelled";
    case OrderEnd::kExpired: return "expired";
  }
  MTG_CHECK_MSG(false, "bad OrderEnd");
}

const PendingOrder* OrderBook::find(int64_t ticket) const {
  auto it = resting_.find(ticket);
  return it == resting_.end() ? nullptr : &it->second;
}

std::vector<PendingOrder> OrderBook::all() const {
  std::vector<PendingOrder> out;
  out.reserve(resting_.size());
  for (const auto& [ticket, order] : resting_) out.push_back(order);
  return out;
}

std::vector<PendingOrder> OrderBook::with_ref(const std::string& ref) const {
  std::vector<PendingOrder> out;
  if (ref.empty()) return out;
  for (const auto& [ticket, order] : resting_) {
    if (order.ref == ref) out.push_back(order);
  }
  return out;
}

const EndedOrder* OrderBook::ended(int64_t ticket) const {
  auto it = ended_.find(ticket);
  return it == ended_.end() ? nullptr : &it->second;
}

std::vector<EndedOrder> OrderBook::ended_with_ref(const std::string& ref) const {
  std::vector<EndedOrder> out;
  if (ref.empty()) return out;
  for (const auto& [ticket, ended] : ended_) {
    if (ended.ref == ref) out.push_back(ended);
  }
  return out;
}

Status OrderBook::place(const PendingOrder& order) {
  if (!is_pending(order.type)) {
    return Status::corruption(order_name(order.ticket) + ": a market order never rests");
  }
  if (order.ticket <= 0 || resting_.contains(order.ticket) || ended_.contains(order.ticket)) {
    return Status::corruption(order_name(order.ticket) + ": ticket already used");
  }
  resting_.emplace(order.ticket, order);
  return Status::ok();
}

Status OrderBook::replace(const PendingOrder& order) {
  auto it = resting_.find(order.ticket);
  if (it == resting_.end()) return Status::corruption(order_name(order.ticket) + " changed but not resting");
  if (!is_pending(order.type)) {
    return Status::corruption(order_name(order.ticket) + ": a market order never rests");
  }
  it->second = order;
  return Status::ok();
}

Status OrderBook::end(int64_t ticket, OrderEnd end, int64_t position) {
  auto it = resting_.find(ticket);
  if (it == resting_.end()) {
    return Status::corruption(order_name(ticket) + " " + order_end_name(end) + " but not resting");
  }
  MTG_CHECK((end == OrderEnd::kFilled) == (position > 0));
  ended_.emplace(ticket, EndedOrder{ticket, end, position, it->second.ref});
  ended_order_.push_back(ticket);
  resting_.erase(it);
  if (ended_order_.size() > kMaxEndedOrders) {
    ended_.erase(ended_order_.front());
    ended_order_.pop_front();
  }
  MTG_CHECK(ended_.size() == ended_order_.size());
  return Status::ok();
}

}  // namespace mtg::sim
