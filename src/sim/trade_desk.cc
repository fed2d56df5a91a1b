#include "sim/trade_desk.h"

#include <fmt/format.h>

#include "link/retcode.h"
#include "util/check.h"

namespace mtg::sim {
namespace {

link::ResultFrame answer(const link::OrderFrame& order, int retcode, std::string reason) {
  link::ResultFrame r;
  r.client_id = order.client_id;
  r.uuid = order.uuid;
  r.leg = order.leg;
  r.retcode = retcode;
  r.reason = std::move(reason);
  return r;
}

std::string ticket_name(const char* what, int64_t ticket) {
  return std::string(what) + " " + std::to_string(ticket);
}

// What became of a pending order that left the book, as a refusal names it.
Refusal fate(const EndedOrder& e) {
  switch (e.end) {
    case OrderEnd::kFilled:
      return Refusal{link::kRetcodeInvalid, "filled: " + ticket_name("position", e.position), e.position};
    case OrderEnd::kExpired: return Refusal{link::kRetcodeInvalid, "expired"};
    case OrderEnd::kCancelled: return Refusal{link::kRetcodeInvalid, "cancelled"};
  }
  MTG_CHECK_MSG(false, "bad OrderEnd");
}

std::string lots_text(int64_t lot_cents) { return fmt::format("{:.2f}", lots(lot_cents)); }

int64_t held_cents(const std::vector<Position>& positions) {
  int64_t cents = 0;
  for (const Position& p : positions) {
    const int64_t c = to_lot_cents(p.volume);
    MTG_CHECK(c > 0);
    cents += c;
  }
  return cents;
}

// The pending order with the frame's changes (absent = unchanged); a stop_limit's
// limit price is kept only while it is a stop_limit.
PendingOrder modified(const PendingOrder& o, const link::OrderFrame& f) {
  PendingOrder m = o;
  m.price = f.price.value_or(o.price);
  if (o.type == OrderType::kStopLimit) m.stop_limit_price = f.stop_limit_price.value_or(o.stop_limit_price);
  m.sl = f.sl.value_or(o.sl);
  m.tp = f.tp.value_or(o.tp);
  m.expiration_ms = f.expiration.value_or(o.expiration_ms);
  return m;
}

}  // namespace

Status TradeDesk::refuse(const link::OrderFrame& order, const Refusal& refusal, int64_t now_ms) {
  MTG_CHECK(refusal.retcode != 0);
  link::ResultFrame r = answer(order, refusal.retcode, refusal.reason);
  r.position = refusal.position;
  return ledger_.commit(OutcomeRecord{r, now_ms});
}

Status TradeDesk::execute(const link::OrderFrame& order, int64_t now_ms) {
  MTG_CHECK(ledger_.find(order.client_id) == nullptr);
  switch (order.action) {
    case Action::kOpen: MTG_RETURN_IF_ERROR(open(order, now_ms)); break;
    case Action::kClose: MTG_RETURN_IF_ERROR(close(order, now_ms)); break;
    case Action::kCloseAll: MTG_RETURN_IF_ERROR(close_all(order, now_ms)); break;
    case Action::kModify: MTG_RETURN_IF_ERROR(modify(order, now_ms)); break;
    case Action::kModifyOrder: MTG_RETURN_IF_ERROR(modify_order(order, now_ms)); break;
    case Action::kCancel: MTG_RETURN_IF_ERROR(cancel(order, now_ms)); break;
  }
  MTG_CHECK_MSG(ledger_.find(order.client_id) != nullptr, "every executed order has a recorded result");
  return Status::ok();
}

// ---- open -------------------------------------------------------------------------

Status TradeDesk::open(const link::OrderFrame& order, int64_t now_ms) {
  const int64_t cents = to_lot_cents(order.volume);
  if (cents <= 0) return refuse(order, Refusal{link::kRetcodeInvalidVolume, "invalid volume"}, now_ms);
  if (auto refusal = broker_.check_symbol(order.symbol)) return refuse(order, *refusal, now_ms);
  if (is_pending(order.order_type)) return open_pending(order, cents, now_ms);
  return open_market(order, cents, now_ms);
}

Status TradeDesk::open_market(const link::OrderFrame& order, int64_t lot_cents, int64_t now_ms) {
  const double sl = order.sl.value_or(0);
  const double tp = order.tp.value_or(0);
  if (auto refusal = check_stops(order.side, sl, tp, broker_.market().quote(order.symbol))) {
    return refuse(order, *refusal, now_ms);
  }
  const Execution e = broker_.fill(order.symbol, order.side, lot_cents);
  if (e.filled_cents == 0) {
    link::ResultFrame r = answer(order, e.retcode, e.reason);
    r.price = e.price;  // a requote carries the new price
    return ledger_.commit(OutcomeRecord{r, now_ms});
  }
  MTG_CHECK(e.filled_cents <= lot_cents);
  const Deal deal{.symbol = order.symbol,
                  .side = order.side,
                  .volume = lots(e.filled_cents),
                  .price = e.price,
                  .ticket = book_.fresh_ticket(),
                  .deal = book_.fresh_deal(),
                  .sl = sl,
                  .tp = tp,
                  .ref = order.uuid};
  return commit_deal(order, deal, e.retcode, e.reason, now_ms);
}

Status TradeDesk::commit_deal(const link::OrderFrame& order, const Deal& deal, int retcode, const std::string& reason,
                              int64_t now_ms) {
  auto effect = book_.positions().plan(deal);
  MTG_CHECK(effect.is_ok());
  MTG_CHECK(deal.position == 0 || effect->entry == DealEntry::kOut);
  link::ResultFrame r = answer(order, retcode, reason);
  r.filled_volume = deal.volume;
  r.price = deal.price;
  r.ticket = deal.ticket;
  r.deal = deal.deal;
  r.position = effect->position;
  return ledger_.commit(DealRecord{deal, *effect, action_name(order.action), r, std::nullopt, order.volume,
                                   broker_comment(order.client_id), now_ms});
}

Status TradeDesk::open_pending(const link::OrderFrame& order, int64_t lot_cents, int64_t now_ms) {
  const PendingOrder pending{.ticket = book_.fresh_ticket(),
                             .symbol = order.symbol,
                             .side = order.side,
                             .type = order.order_type,
                             .volume = lots(lot_cents),
                             .price = order.price.value_or(0),
                             .stop_limit_price = order.stop_limit_price.value_or(0),
                             .sl = order.sl.value_or(0),
                             .tp = order.tp.value_or(0),
                             .expiration_ms = order.expiration.value_or(0),
                             .ref = order.uuid};
  if (auto refusal = check_pending(pending, broker_.market().quote(order.symbol), now_ms)) {
    return refuse(order, *refusal, now_ms);
  }
  link::ResultFrame r = answer(order, link::kRetcodePlaced, "");
  r.ticket = pending.ticket;
  return ledger_.commit(OrderRecord{OrderChange::kPlaced, pending, r, now_ms});
}

// ---- close ------------------------------------------------------------------------

std::vector<Position> TradeDesk::named_positions(const link::OrderFrame& order, Refusal& none) const {
  const PositionBook& book = book_.positions();
  if (order.position > 0) {
    const Position* p = book.find(order.position);
    if (p != nullptr && (order.symbol.empty() || order.symbol == p->symbol)) return {*p};
    none = p == nullptr ? Refusal{link::kRetcodePositionClosed,
                                  ticket_name("position", order.position) + " is not open"}
                        : Refusal{link::kRetcodeInvalid,
                                  ticket_name("position", order.position) + " is not " + order.symbol};
    return {};
  }
  if (order.ref.empty()) {
    none = Refusal{link::kRetcodeInvalid,
                   std::string(action_name(order.action)) + " needs a position ticket or a ref"};
    return {};
  }
  std::vector<Position> found = book.with_ref(order.ref);
  if (found.empty()) none = Refusal{link::kRetcodePositionClosed, "no open position opened by " + order.ref};
  return found;
}

Status TradeDesk::close(const link::OrderFrame& order, int64_t now_ms) {
  Refusal none;
  const std::vector<Position> targets = named_positions(order, none);
  if (targets.empty()) return refuse(order, none, now_ms);
  return close_positions(order, targets, now_ms);
}

Status TradeDesk::close_all(const link::OrderFrame& order, int64_t now_ms) {
  if (!order.symbol.empty()) {
    if (auto refusal = broker_.check_symbol(order.symbol)) return refuse(order, *refusal, now_ms);
  }
  const std::vector<Position> targets = book_.positions().matching(order.symbol, order.close_side);
  if (targets.empty()) {
    return refuse(order, Refusal{link::kRetcodePositionClosed, "nothing to close"}, now_ms);
  }
  return close_positions(order, targets, now_ms);
}

Status TradeDesk::close_positions(const link::OrderFrame& order, const std::vector<Position>& targets,
                                  int64_t now_ms) {
  MTG_CHECK(!targets.empty());
  const int64_t held = held_cents(targets);
  if (order.expected_volume > 0) {
    const int64_t expected = to_lot_cents(order.expected_volume);
    if (expected <= 0) {
      return refuse(order, Refusal{link::kRetcodeInvalidVolume, "invalid expected_volume"}, now_ms);
    }
    if (held < expected) {
      const std::string what = targets.size() == 1 ? ticket_name("position", targets[0].ticket) : "positions";
      const std::string why = what + " holds " + lots_text(held) + " lots, expected " + lots_text(expected);
      return refuse(order, Refusal{link::kRetcodeInvalid, why}, now_ms);
    }
  }
  const int64_t asked = order.volume == 0 ? held : to_lot_cents(order.volume);
  if (asked <= 0) return refuse(order, Refusal{link::kRetcodeInvalidVolume, "invalid volume"}, now_ms);
  // Never more than the positions hold: a close never reverses a netting position.
  const int64_t wanted = std::min(asked, held);
  int64_t left = wanted;  // still to close
  int64_t closed = 0;
  std::optional<Execution> failure;
  for (const Position& p : targets) {
    if (left == 0) break;
    const int64_t take = std::min(left, to_lot_cents(p.volume));
    left -= take;
    const Execution e = broker_.fill(p.symbol, opposite(p.side), take);
    if (e.filled_cents == 0) {
      if (!failure) failure = e;
      continue;
    }
    closed += e.filled_cents;
    MTG_CHECK_MSG(e.filled_cents <= take, "a close never closes more than the position holds");
    const Deal deal{.symbol = p.symbol,
                    .side = opposite(p.side),
                    .volume = lots(e.filled_cents),
                    .price = e.price,
                    .ticket = book_.fresh_ticket(),
                    .deal = book_.fresh_deal(),
                    .position = p.ticket};
    const bool complete = left == 0 && closed == wanted;
    MTG_RETURN_IF_ERROR(
        commit_deal(order, deal, complete ? link::kRetcodeDone : link::kRetcodeDonePartial, e.reason, now_ms));
  }
  MTG_CHECK(closed <= wanted);
  if (closed > 0) return Status::ok();
  MTG_CHECK(failure.has_value());
  link::ResultFrame r = answer(order, failure->retcode, failure->reason);
  r.price = failure->price;
  return ledger_.commit(OutcomeRecord{r, now_ms});
}

// ---- modify -----------------------------------------------------------------------

Status TradeDesk::modify(const link::OrderFrame& order, int64_t now_ms) {
  if (!order.sl && !order.tp) {
    return refuse(order, Refusal{link::kRetcodeInvalid, "modify needs sl or tp"}, now_ms);
  }
  Refusal none;
  const std::vector<Position> targets = named_positions(order, none);
  if (targets.empty()) return refuse(order, none, now_ms);
  std::vector<PositionStops> changes;
  for (const Position& p : targets) {
    const PositionStops stops{p.ticket, order.sl.value_or(p.sl), order.tp.value_or(p.tp)};
    // Only the stops given are judged: the others stay as the broker accepted them.
    if (auto refusal = check_stops(p.side, order.sl ? stops.sl : 0, order.tp ? stops.tp : 0,
                                   broker_.market().quote(p.symbol))) {
      return refuse(order, *refusal, now_ms);
    }
    if (stops.sl != p.sl || stops.tp != p.tp) changes.push_back(stops);
  }
  if (changes.empty()) {
    link::ResultFrame r = answer(order, link::kRetcodeNoChanges, "no changes");
    r.position = targets.front().ticket;
    return ledger_.commit(OutcomeRecord{r, now_ms});
  }
  link::ResultFrame r = answer(order, link::kRetcodeDone, "");
  r.position = changes.front().ticket;
  return ledger_.commit(StopsRecord{changes, r, now_ms});
}

// ---- pending orders ---------------------------------------------------------------

const PendingOrder* TradeDesk::named_order(const link::OrderFrame& order, Refusal& none) const {
  const OrderBook& book = book_.orders();
  std::optional<EndedOrder> ended;
  if (order.order > 0) {
    if (const PendingOrder* o = book.find(order.order)) return o;
    if (const EndedOrder* e = book.ended(order.order)) ended = *e;
    none = Refusal{link::kRetcodeInvalid, ticket_name("order", order.order) + " not found"};
  } else if (!order.ref.empty()) {
    const std::vector<PendingOrder> resting = book.with_ref(order.ref);
    if (resting.size() == 1) return book.find(resting.front().ticket);
    const std::vector<EndedOrder> gone = book.ended_with_ref(order.ref);
    if (resting.empty() && !gone.empty()) ended = gone.back();
    none = Refusal{link::kRetcodeInvalid, resting.empty() ? "no pending order placed by " + order.ref
                                                          : order.ref + " names several pending orders"};
  } else {
    none = Refusal{link::kRetcodeInvalid,
                   std::string(action_name(order.action)) + " needs an order ticket or a ref"};
  }
  if (ended) none = fate(*ended);
  return nullptr;
}

Status TradeDesk::modify_order(const link::OrderFrame& order, int64_t now_ms) {
  Refusal none;
  const PendingOrder* target = named_order(order, none);
  if (target == nullptr) return refuse(order, none, now_ms);
  const PendingOrder changed = modified(*target, order);
  link::ResultFrame r = answer(order, link::kRetcodeNoChanges, "no changes");
  r.ticket = target->ticket;
  if (changed == *target) return ledger_.commit(OutcomeRecord{r, now_ms});
  if (auto refusal = check_pending(changed, broker_.market().quote(changed.symbol), now_ms)) {
    return refuse(order, *refusal, now_ms);
  }
  r.retcode = link::kRetcodeDone;
  r.reason = "";
  return ledger_.commit(OrderRecord{OrderChange::kModified, changed, r, now_ms});
}

Status TradeDesk::cancel(const link::OrderFrame& order, int64_t now_ms) {
  Refusal none;
  const PendingOrder* target = named_order(order, none);
  if (target == nullptr) return refuse(order, none, now_ms);
  link::ResultFrame r = answer(order, link::kRetcodeDone, "");
  r.ticket = target->ticket;
  return ledger_.commit(OrderEndRecord{OrderEnd::kCancelled, target->ticket, r, std::nullopt, now_ms});
}

}  // namespace mtg::sim
