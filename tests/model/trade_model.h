// The reference model of the trade-actions test: what a broker must hold, computed only
// from what mtguard reported — the signals, every result (partial and final) and every
// trade event — never from the broker itself. Order-independent: a fill adds or takes
// lots on a (symbol, side), a placed order adds a ticket and a cancel, trigger or
// expiry removes it, so results and events may be fed in any order.
//
// Which side a close took from: a close by position ticket takes from the side of the
// order that opened the position — as in MT5, a position's ticket is its opening order's
// ticket, which that open's result (or the trigger event of a pending order) names; a close
// by ref from the side of the referenced open; a close_all from its close side. The
// generator of the test gives every close_all a symbol and one side.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "order/trade_result.h"
#include "signal/signal.h"
#include "trade/position.h"
#include "trade/trade_event.h"

namespace mtg::model {

// Lots per (symbol, side), in whole 0.01 lots so that sums compare exactly, and the
// pending order tickets of one account.
struct Book {
  std::map<std::pair<std::string, Side>, int64_t> cents;  // zero entries omitted
  std::set<int64_t> orders;
  bool operator==(const Book&) const = default;
};

// "EURUSD buy 0.3, GBPUSD sell 0.1; orders 4, 9"
std::string describe(const Book& book);

// What a terminal reports, as a Book. A netting account's one position per symbol is
// its side's lots.
Book book_of(const std::vector<Position>& positions, const std::vector<PendingOrder>& orders);

class TradeModel {
 public:
  // Every signal submitted (the model reads action, side, symbol, position, ref).
  void on_signal(const Signal& signal);
  void on_result(const TradeResult& result);
  void on_event(const TradeEvent& event);

  // The book the results and events imply; netting accounts net each symbol's sides.
  // Problems (a fill the model cannot place) are appended to `problems`.
  Book expected(bool netting, std::vector<std::string>& problems) const;

 private:
  struct Fill {
    std::string uuid;  // the signal
    double lots = 0;
    uint64_t order = 0;  // the order ticket that filled
  };
  std::map<std::string, Signal> signals_;        // by uuid
  std::vector<Fill> fills_;                      // every result's newly executed lots
  std::map<std::string, double> filled_so_far_;  // uuid -> lots in the results fed so far
  std::vector<TradeEvent> events_;
  std::set<int64_t> placed_;  // order tickets of placed results
  std::set<int64_t> gone_;    // cancelled, triggered or expired orders
};

}  // namespace mtg::model
