#include "engine/order_store.h"

#include "order/order_state.h"
#include "util/check.h"

namespace mtg {

std::vector<Result<IntakeOutcome>> OrderStore::intake_all(const std::vector<IntakeDecision>& decisions) {
  std::vector<Result<IntakeOutcome>> out;
  out.reserve(decisions.size());
  for (const auto& d : decisions) out.push_back(intake(d));
  MTG_CHECK(out.size() == decisions.size());
  return out;
}

std::vector<Result<bool>> OrderStore::write_all(const std::vector<OrderWrite>& writes) {
  std::vector<Result<bool>> out;
  out.reserve(writes.size());
  for (const auto& w : writes) {
    if (is_final(w.order.state)) {
      MTG_CHECK(w.result.has_value());
      out.push_back(finalize(w.order, *w.result));
      continue;
    }
    Status s = update(w.order, w.result ? &*w.result : nullptr);
    out.push_back(s.is_ok() ? Result<bool>(true) : Result<bool>(s));
  }
  MTG_CHECK(out.size() == writes.size());
  return out;
}

}  // namespace mtg
