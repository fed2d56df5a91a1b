#include "sim/book.h"

#include <algorithm>

#include "util/check.h"

namespace mtg::sim {

void Book::use_ticket(int64_t ticket) {
  MTG_CHECK(ticket > 0);
  next_ticket_ = std::max(next_ticket_, ticket + 1);
}

Status Book::apply(const Record& record) {
  const Version before = version_;
  Status s = std::visit(
      [this](const auto& r) -> Status {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, DealRecord>) {
          return apply_deal(r);
        } else if constexpr (std::is_same_v<T, OrderRecord>) {
          return apply_order(r);
        } else if constexpr (std::is_same_v<T, OrderEndRecord>) {
          if (r.end == OrderEnd::kFilled) {
            return Status::corruption("an order is filled by a deal, not ended");
          }
          MTG_RETURN_IF_ERROR(orders_.end(r.ticket, r.end, 0));
          ++version_.orders;
          return Status::ok();
        } else if constexpr (std::is_same_v<T, StopsRecord>) {
          return apply_stops(r);
        } else {
          return Status::ok();
        }
      },
      record);
  MTG_CHECK(s.is_ok() || version_ == before);
  MTG_CHECK(version_.positions >= before.positions && version_.orders >= before.orders);
  return s;
}

Status Book::apply_deal(const DealRecord& record) {
  const Deal& deal = record.deal;
  auto effect = positions_.plan(deal);
  if (!effect) return effect.status();
  if (*effect != record.effect) {
    return Status::corruption("deal " + std::to_string(deal.deal) +
                              ": recorded effect differs from the book's");
  }
  if (deal.fills_pending && orders_.find(deal.ticket) == nullptr) {
    return Status::corruption("deal " + std::to_string(deal.deal) + " fills order " +
                              std::to_string(deal.ticket) + ", which does not rest");
  }
  if (deal.fills_pending) {
    MTG_CHECK(orders_.end(deal.ticket, OrderEnd::kFilled, effect->position).is_ok());
    ++version_.orders;
  }
  const DealEffect applied = positions_.apply(deal);
  MTG_CHECK(applied == *effect);
  use_ticket(deal.ticket);
  next_deal_ = std::max(next_deal_, deal.deal + 1);
  ++version_.positions;
  return Status::ok();
}

Status Book::apply_order(const OrderRecord& record) {
  const PendingOrder& order = record.order;
  MTG_RETURN_IF_ERROR(record.change == OrderChange::kPlaced ? orders_.place(order) : orders_.replace(order));
  use_ticket(order.ticket);
  ++version_.orders;
  return Status::ok();
}

Status Book::apply_stops(const StopsRecord& record) {
  for (const PositionStops& s : record.stops) {
    if (positions_.find(s.ticket) == nullptr) {
      return Status::corruption("stops of position " + std::to_string(s.ticket) + ", which is not open");
    }
  }
  for (const PositionStops& s : record.stops) MTG_CHECK(positions_.set_stops(s.ticket, s.sl, s.tp).is_ok());
  ++version_.positions;
  return Status::ok();
}

}  // namespace mtg::sim
