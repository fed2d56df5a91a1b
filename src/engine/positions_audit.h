// The check of a terminal's positions after a reconnect (docs/requirements.md
// "Positions"): what the terminal reported last before it went away is the reference;
// every result and trade event since names a symbol whose positions may have changed for
// a reason the engine knows. The first report after the reconnect, once nothing is in
// flight, must hold the reference's positions on every symbol nothing touched; a
// difference (a trade by hand it was not told of, a stop-out it missed) is a mismatch,
// and the reported positions become the new reference (adopted). Not thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "trade/position.h"

namespace mtg {

// One position that differs: expected_lots from the reference (0 when it was not
// there), reported_lots from the terminal (0 when it is gone).
struct PositionsMismatch {
  int64_t ticket = 0;
  std::string symbol;
  Side side = Side::kBuy;
  double expected_lots = 0;
  double reported_lots = 0;
};

class PositionsAudit {
 public:
  // A positions report. With no audit due it becomes the reference and nothing is
  // touched any more; with an audit due it is the report the audit compares.
  void on_report(const std::vector<Position>& positions);
  // A result or event about `symbol` arrived ("" = it may concern any symbol).
  void touch(const std::string& symbol);
  // The terminal connected again: an audit is due when a reference exists.
  void on_reconnected();
  // Whether an audit is due and a report arrived since the reconnect.
  bool ready() const { return due_ && reported_; }
  // The mismatches between the reference and the report on the symbols nothing touched;
  // the report becomes the reference. Precondition: ready().
  std::vector<PositionsMismatch> audit();

 private:
  bool has_reference_ = false;
  std::vector<Position> reference_;
  std::vector<Position> report_;  // the latest report while an audit is due
  bool due_ = false;
  bool reported_ = false;
  std::set<std::string> touched_;
  bool touched_all_ = false;
};

}  // namespace mtg
