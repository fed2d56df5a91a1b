// What the simulated broker does on its own between orders: prices walk, pending orders
// expire or trigger, stop losses and take profits close positions. Each move is
// committed to the Ledger together with the trade event that reports it, so the event
// survives a crash until the engine acknowledges it. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/book.h"
#include "sim/broker.h"
#include "sim/ledger.h"
#include "trade/trade_event.h"

namespace mtg::sim {

// The terminal's own event ids (the engine prefixes the instance): "deal:<deal ticket>"
// for a deal the broker made, "order:<ticket>:expired" for an expiry.
std::string deal_event_id(int64_t deal);
std::string expiry_event_id(int64_t order);

class MarketWatch {
 public:
  // All three outlive the watch.
  MarketWatch(Broker& broker, const Book& book, Ledger& ledger)
      : broker_(broker), book_(book), ledger_(ledger) {}

  // One step at now_ms: every price moves one step; then, by ticket, pending orders
  // whose expiration is at or before now_ms expire (event order_expired), those the
  // market reached trigger (a stop_limit becomes a limit at its stop_limit_price, no
  // event; a limit or stop fills into a position: event order_triggered), and positions
  // whose SL or TP the market reached close at market with the comment "[sl 1.09500]" /
  // "[tp …]" (event sl / tp, on the closing deal's side). Returns the events recorded, in order. Errors: the ledger
  // could not be written.
  Result<std::vector<TradeEvent>> tick(int64_t now_ms);

 private:
  Status expire(const PendingOrder& order, int64_t now_ms, std::vector<TradeEvent>& events);
  Status fill(const PendingOrder& order, int64_t now_ms, std::vector<TradeEvent>& events);
  Status close_at_stop(const Position& position, EventKind stop, int64_t now_ms,
                       std::vector<TradeEvent>& events);
  // Commits a deal the broker made, with the event `kind` that reports it.
  Status commit_deal(const Deal& deal, EventKind kind, const std::string& ref, const std::string& comment,
                     int64_t now_ms, std::vector<TradeEvent>& events);

  Broker& broker_;
  const Book& book_;
  Ledger& ledger_;
};

}  // namespace mtg::sim
