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
  return observe_intake(decision, inner_.intake(decision));
}

std::vector<Result<IntakeOutcome>> MeteredOrderStore::intake_all(const std::vector<IntakeDecision>& decisions) {
  auto outcomes = inner_.intake_all(decisions);
  MTG_CHECK(outcomes.size() == decisions.size());
  for (size_t i = 0; i < decisions.size(); ++i) outcomes[i] = observe_intake(decisions[i], std::move(outcomes[i]));
  return outcomes;
}

Result<IntakeOutcome> MeteredOrderStore::observe_intake(const IntakeDecision& decision,
                                                        Result<IntakeOutcome> outcome) {
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
  observe_written(order, intermediate, true);
  return s;
}

Result<bool> MeteredOrderStore::finalize(const Order& order, const TradeResult& result) {
  auto written = inner_.finalize(order, result);
  if (!written) return written;
  observe_written(order, &result, *written);
  return written;
}

std::vector<Result<bool>> MeteredOrderStore::write_all(const std::vector<OrderWrite>& writes) {
  auto answers = inner_.write_all(writes);
  MTG_CHECK(answers.size() == writes.size());
  for (size_t i = 0; i < writes.size(); ++i) {
    const OrderWrite& w = writes[i];
    if (answers[i]) observe_written(w.order, w.result ? &*w.result : nullptr, *answers[i]);
  }
  return answers;
}

void MeteredOrderStore::observe_written(const Order& order, const TradeResult* result, bool written) {
  if (is_final(order.state)) {
    in_flight_.erase(order.signal.uuid);  // final either way
  } else {
    track(order);
  }
  if (written && result != nullptr) metrics_.on_result(*result);
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
