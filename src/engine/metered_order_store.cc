#include "engine/metered_order_store.h"

#include "engine/order_rules.h"
#include "util/check.h"

namespace mtg {

void MeteredOrderStore::track(const Order& order) {
  MTG_CHECK(!order.signal.uuid.empty());
  const bool flying = mtg::in_flight(order);
  if (flying) {
    in_flight_.insert(order.signal.uuid);
  } else {
    in_flight_.erase(order.signal.uuid);
  }
  MTG_CHECK(in_flight_.count(order.signal.uuid) == (flying ? 1u : 0u));
}

Result<IntakeOutcome> MeteredOrderStore::intake(const IntakeDecision& decision) {
  auto outcome = inner_.intake(decision);
  if (!outcome) return outcome;
  switch (*outcome) {
    case IntakeOutcome::kAccepted:
      MTG_CHECK(decision.accepted.has_value());
      track(*decision.accepted);
      break;
    case IntakeOutcome::kFinalized:
      MTG_CHECK(decision.final_result.has_value());
      metrics_.on_result(*decision.final_result);
      break;
    case IntakeOutcome::kDuplicate:
      metrics_.on_result(decision.duplicate_result);
      break;
    case IntakeOutcome::kReplayed:
      break;
  }
  return outcome;
}

Status MeteredOrderStore::update(const Order& order, const TradeResult* intermediate) {
  Status s = inner_.update(order, intermediate);
  if (!s.is_ok()) return s;
  track(order);
  if (intermediate != nullptr) metrics_.on_result(*intermediate);
  return s;
}

Result<bool> MeteredOrderStore::finalize(const Order& order, const TradeResult& result) {
  auto written = inner_.finalize(order, result);
  if (!written) return written;
  MTG_CHECK(is_final(order.state));
  in_flight_.erase(order.signal.uuid);  // final either way
  if (*written) metrics_.on_result(result);
  return written;
}

Result<std::vector<Order>> MeteredOrderStore::load_open() {
  auto orders = inner_.load_open();
  if (!orders) return orders;
  in_flight_.clear();
  for (const Order& o : *orders) track(o);
  MTG_CHECK(in_flight_.size() <= orders->size());
  return orders;
}

}  // namespace mtg
