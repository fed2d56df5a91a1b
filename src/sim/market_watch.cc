#include "sim/market_watch.h"

#include "util/check.h"

namespace mtg::sim {

std::string deal_event_id(int64_t deal) {
  MTG_CHECK(deal > 0);
  return "deal:" + std::to_string(deal);
}

std::string expiry_event_id(int64_t order) {
  MTG_CHECK(order > 0);
  return "order:" + std::to_string(order) + ":expired";
}

Result<std::vector<TradeEvent>> MarketWatch::tick(int64_t now_ms) {
  broker_.walk_all();
  std::vector<TradeEvent> events;
  for (const PendingOrder& order : book_.orders().all()) {
    if (order.expiration_ms != 0 && order.expiration_ms <= now_ms) {
      MTG_RETURN_IF_ERROR(expire(order, now_ms, events));
      continue;
    }
    switch (trigger(order, broker_.market().quote(order.symbol))) {
      case Trigger::kNone: break;
      case Trigger::kActivate:
        MTG_RETURN_IF_ERROR(
            ledger_.commit(OrderRecord{OrderChange::kActivated, activated(order), std::nullopt, now_ms}));
        break;
      case Trigger::kFill: MTG_RETURN_IF_ERROR(fill(order, now_ms, events)); break;
    }
  }
  for (const Position& position : book_.positions().all()) {
    if (auto stop = stop_hit(position, broker_.market().quote(position.symbol))) {
      MTG_RETURN_IF_ERROR(close_at_stop(position, *stop, now_ms, events));
    }
  }
  return events;
}

Status MarketWatch::expire(const PendingOrder& order, int64_t now_ms, std::vector<TradeEvent>& events) {
  const TradeEvent event{.id = expiry_event_id(order.ticket),
                         .kind = EventKind::kOrderExpired,
                         .symbol = order.symbol,
                         .side = order.side,
                         .price = order.price,
                         .order = order.ticket,
                         .ref = order.ref,
                         .reason = "expired",
                         .ts_ms = now_ms};
  MTG_RETURN_IF_ERROR(
      ledger_.commit(OrderEndRecord{OrderEnd::kExpired, order.ticket, std::nullopt, event, now_ms}));
  events.push_back(event);
  return Status::ok();
}

Status MarketWatch::fill(const PendingOrder& order, int64_t now_ms, std::vector<TradeEvent>& events) {
  const Deal deal{.symbol = order.symbol,
                  .side = order.side,
                  .volume = order.volume,
                  .price = fill_price(order, broker_.market().quote(order.symbol)),
                  .ticket = order.ticket,
                  .deal = book_.fresh_deal(),
                  .fills_pending = true,
                  .sl = order.sl,
                  .tp = order.tp,
                  .ref = order.ref};
  return commit_deal(deal, EventKind::kOrderTriggered, order.ref, "", now_ms, events);
}

Status MarketWatch::close_at_stop(const Position& position, EventKind stop, int64_t now_ms,
                                  std::vector<TradeEvent>& events) {
  MTG_CHECK(stop == EventKind::kStopLoss || stop == EventKind::kTakeProfit);
  const double level = stop == EventKind::kStopLoss ? position.sl : position.tp;
  const std::string comment = broker_comment("[" + std::string(event_kind_name(stop)) + " " +
                                             broker_.market().format(position.symbol, level) + "]");
  const Deal deal{.symbol = position.symbol,
                  .side = opposite(position.side),
                  .volume = position.volume,
                  .price = close_price(position.side, broker_.market().quote(position.symbol)),
                  .ticket = book_.fresh_ticket(),
                  .deal = book_.fresh_deal(),
                  .position = position.ticket};
  return commit_deal(deal, stop, position.ref, comment, now_ms, events);
}

Status MarketWatch::commit_deal(const Deal& deal, EventKind kind, const std::string& ref, const std::string& comment,
                                int64_t now_ms, std::vector<TradeEvent>& events) {
  auto effect = book_.positions().plan(deal);
  MTG_CHECK(effect.is_ok());
  MTG_CHECK((deal.position != 0) == (effect->entry == DealEntry::kOut && effect->position == deal.position));
  const TradeEvent event{.id = deal_event_id(deal.deal),
                         .kind = kind,
                         .symbol = deal.symbol,
                         .side = deal.side,
                         .volume = deal.volume,
                         .price = deal.price,
                         .order = deal.ticket,
                         .deal = deal.deal,
                         .position = effect->position,
                         .ref = ref,
                         .reason = comment,
                         .ts_ms = now_ms};
  MTG_RETURN_IF_ERROR(ledger_.commit(
      DealRecord{deal, *effect, event_kind_name(kind), std::nullopt, event, deal.volume, comment, now_ms}));
  events.push_back(event);
  return Status::ok();
}

}  // namespace mtg::sim
