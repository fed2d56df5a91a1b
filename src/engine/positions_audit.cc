#include "engine/positions_audit.h"

#include <cmath>
#include <map>

#include "util/check.h"

namespace mtg {
namespace {

int64_t cents(double lots) { return std::llround(lots * 100); }

// Positions by ticket.
std::map<int64_t, const Position*> by_ticket(const std::vector<Position>& positions) {
  std::map<int64_t, const Position*> out;
  for (const Position& p : positions) out.emplace(p.ticket, &p);
  return out;
}

}  // namespace

void PositionsAudit::on_report(const std::vector<Position>& positions) {
  if (due_) {
    report_ = positions;
    reported_ = true;
    return;
  }
  reference_ = positions;
  has_reference_ = true;
  touched_.clear();
  touched_all_ = false;
}

void PositionsAudit::touch(const std::string& symbol) {
  if (symbol.empty()) {
    touched_all_ = true;
    return;
  }
  touched_.insert(symbol);
}

void PositionsAudit::on_reconnected() {
  due_ = has_reference_;
  reported_ = false;
}

std::vector<PositionsMismatch> PositionsAudit::audit() {
  MTG_CHECK(ready());
  std::vector<PositionsMismatch> out;
  if (!touched_all_) {
    const auto expected = by_ticket(reference_);
    const auto reported = by_ticket(report_);
    for (const auto& [ticket, p] : expected) {
      if (touched_.count(p->symbol) != 0) continue;
      const auto r = reported.find(ticket);
      const double now = r == reported.end() ? 0.0 : r->second->volume;
      const bool same = r != reported.end() && cents(now) == cents(p->volume) && r->second->side == p->side;
      if (!same) out.push_back({ticket, p->symbol, p->side, p->volume, now});
    }
    for (const auto& [ticket, p] : reported) {
      if (touched_.count(p->symbol) == 0 && expected.count(ticket) == 0) {
        out.push_back({ticket, p->symbol, p->side, 0.0, p->volume});
      }
    }
  }
  due_ = false;
  reported_ = false;
  on_report(report_);
  MTG_CHECK(!ready());
  return out;
}

}  // namespace mtg
