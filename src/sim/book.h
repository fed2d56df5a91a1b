// The broker's book: open positions, pending orders and the ticket counters. It
// changes only by records (sim/record.h), applied live after the ledger wrote them and
// on replay in the same order, so a restarted simulator holds exactly what it held.
// Not thread-safe.
#pragma once

#include <cstdint>

#include "sim/order_book.h"
#include "sim/position_book.h"
#include "sim/record.h"
#include "util/status.h"

namespace mtg::sim {

class Book {
 public:
  // hedging: a position per opening deal; else netting (one position per symbol).
  explicit Book(bool hedging) : positions_(hedging) {}

  // Applies one record: a deal changes the positions (and ends the pending order it
  // fills), an order record places, changes or ends a pending order, a stops record
  // sets stops; intents, outcomes and acks change nothing. kCorruption, with the book
  // unchanged, when the record does not fit it (a deal whose effect differs from the
  // one recorded, an order that does not rest, a position that is not open).
  Status apply(const Record& record);

  const PositionBook& positions() const { return positions_; }
  const OrderBook& orders() const { return orders_; }

  // The next order (and position) ticket and deal ticket: above every one applied.
  int64_t fresh_ticket() const { return next_ticket_; }
  int64_t fresh_deal() const { return next_deal_; }

  // How many changes of the positions, and of the pending orders, were applied; a
  // caller compares two readings to learn what changed in between.
  struct Version {
    uint64_t positions = 0;
    uint64_t orders = 0;
    bool operator==(const Version&) const = default;
  };
  Version version() const { return version_; }

 private:
  Status apply_deal(const DealRecord& record);
  Status apply_order(const OrderRecord& record);
  Status apply_stops(const StopsRecord& record);
  void use_ticket(int64_t ticket);

  PositionBook positions_;
  OrderBook orders_;
  int64_t next_ticket_ = 1;
  int64_t next_deal_ = 1;
  Version version_;
};

}  // namespace mtg::sim
