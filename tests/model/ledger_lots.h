// What simulators' ledgers say each signal executed, read by the deal's `action` so that
// a close's lots are never counted as a fill: a signal's own deals ("open", "close",
// "close_all", under its uuid), the lots its pending order filled when the broker
// triggered it ("order_triggered", under the opening signal's uuid), and closing deals
// that reversed a netting position (entry "inout"). The broker's own closes (SL, TP)
// carry no uuid and are not a signal's.
//
// The check of one signal against its final result is the invariant 2 of
// docs/requirements.md for trade actions: nothing executed twice nor beyond its volume,
// no close closing more than it asked for or reversing a position, and what executed is
// what the final result reports.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "order/trade_result.h"
#include "signal/signal.h"

namespace mtg::model {

enum class LotsProblem {
  kOverFilled,   // an open executed (or its pending order filled) beyond its volume
  kOverClosed,   // a close executed beyond its volume, or reversed a position
  kNotReported,  // the ledger's lots differ from the final result's filled_volume
};

struct LotsFinding {
  LotsProblem problem = LotsProblem::kNotReported;
  std::string what;  // the uuid and the evidence
};

class LedgerLots {
 public:
  // Adds every deal of the ledger at `path` (a missing file adds none). Lines that are
  // not deals (no uuid, torn) are skipped.
  void read(const std::string& path);

  // Lots of `uuid`'s own deals.
  double executed(const std::string& uuid) const;
  // Every uuid with a deal of its own or a triggered pending order.
  std::set<std::string> uuids() const;

  // The findings for signal `s` whose one final result is `final`.
  void check(const Signal& s, const TradeResult& final, std::vector<LotsFinding>& out) const;

 private:
  std::map<std::string, double> executed_;   // uuid -> lots of its own deals
  std::map<std::string, double> triggered_;  // uuid -> lots its pending order filled
  std::map<std::string, int> reversals_;     // uuid -> its closing deals that reversed a position
};

}  // namespace mtg::model
