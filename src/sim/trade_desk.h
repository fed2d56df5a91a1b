// Carries out the action of one order frame as an MT5 broker would: open (market or
// pending), close, close_all, modify (stops of positions), modify_order and cancel.
// Every change is committed to the Ledger (written, fsynced, then applied to the Book)
// before anything is answered; the answer is the result the ledger then holds for the
// order's client_id. Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "link/frame.h"
#include "sim/book.h"
#include "sim/broker.h"
#include "sim/ledger.h"
#include "sim/trade_rules.h"

namespace mtg::sim {

class TradeDesk {
 public:
  // All three outlive the desk.
  TradeDesk(Broker& broker, const Book& book, Ledger& ledger)
      : broker_(broker), book_(book), ledger_(ledger) {}

  // Executes the order at now_ms and records its outcome. Precondition: its client_id
  // has no recorded result. Afterwards ledger.find(order.client_id) is its answer.
  // Refusals (each recorded, nothing executed): 10014 a volume that is not whole 0.01
  // lots; 10013 an unknown symbol, a request that names nothing to act on, a close
  // whose positions hold less than its expected_volume ("position 7 holds 0.10 lots,
  // expected 0.20"), an order that is no longer pending (the reason says what it
  // became: "filled: position 34" with result.position set, "expired", "cancelled");
  // 10015/10016/10022 prices, stops or expiration MT5 refuses (sim/trade_rules.h);
  // 10036 a position that is not open, nothing to close; 10025 a modify that changes
  // nothing. A close takes at most what the positions hold, oldest first. Errors: the
  // ledger could not be written.
  Status execute(const link::OrderFrame& order, int64_t now_ms);

  // Records that the order was not executed, for `refusal`.
  Status refuse(const link::OrderFrame& order, const Refusal& refusal, int64_t now_ms);

 private:
  Status open(const link::OrderFrame& order, int64_t now_ms);
  Status open_market(const link::OrderFrame& order, int64_t lot_cents, int64_t now_ms);
  Status open_pending(const link::OrderFrame& order, int64_t lot_cents, int64_t now_ms);
  Status close(const link::OrderFrame& order, int64_t now_ms);
  Status close_all(const link::OrderFrame& order, int64_t now_ms);
  Status close_positions(const link::OrderFrame& order, const std::vector<Position>& targets, int64_t now_ms);
  // Commits a deal made for the order, answering retcode and reason with this deal's fill.
  Status commit_deal(const link::OrderFrame& order, const Deal& deal, int retcode, const std::string& reason,
                     int64_t now_ms);
  Status modify(const link::OrderFrame& order, int64_t now_ms);
  Status modify_order(const link::OrderFrame& order, int64_t now_ms);
  Status cancel(const link::OrderFrame& order, int64_t now_ms);

  // The positions a close or modify names (by ticket, else by ref), or why there are none.
  std::vector<Position> named_positions(const link::OrderFrame& order, Refusal& none) const;
  // The one resting order a modify_order or cancel names (by ticket, else by ref), or
  // nullptr and why not.
  const PendingOrder* named_order(const link::OrderFrame& order, Refusal& none) const;

  Broker& broker_;
  const Book& book_;
  Ledger& ledger_;
};

}  // namespace mtg::sim
