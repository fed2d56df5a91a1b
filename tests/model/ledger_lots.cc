#include "model/ledger_lots.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "trade/trade_event.h"

namespace mtg::model {
namespace {

constexpr double kLotsEpsilon = 1e-6;

std::string lots_text(double lots) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", lots);
  return text;
}

bool is_signal_deal(const std::string& action) {
  return action == action_name(Action::kOpen) || action == action_name(Action::kClose) ||
         action == action_name(Action::kCloseAll);
}

}  // namespace

void LedgerLots::read(const std::string& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("uuid") || !j["uuid"].is_string()) continue;
    const std::string uuid = j["uuid"].get<std::string>();
    const std::string action = j.value("action", "");
    const double lots = j.value("volume", 0.0);
    if (action == event_kind_name(EventKind::kOrderTriggered)) {
      triggered_[uuid] += lots;
    } else if (is_signal_deal(action)) {
      executed_[uuid] += lots;
      if (action != action_name(Action::kOpen) && j.value("entry", "") == "inout") ++reversals_[uuid];
    }
  }
}

double LedgerLots::executed(const std::string& uuid) const {
  const auto it = executed_.find(uuid);
  return it == executed_.end() ? 0.0 : it->second;
}

std::set<std::string> LedgerLots::uuids() const {
  std::set<std::string> out;
  for (const auto& [uuid, lots] : executed_) out.insert(uuid);
  for (const auto& [uuid, lots] : triggered_) out.insert(uuid);
  return out;
}

void LedgerLots::check(const Signal& s, const TradeResult& final, std::vector<LotsFinding>& out) const {
  const std::string who = s.uuid + " (" + action_name(s.action) + ")";
  const double done = executed(s.uuid);
  if (std::fabs(done - final.filled_volume) > kLotsEpsilon) {
    out.push_back({LotsProblem::kNotReported,
                   who + ": the ledger executed " + lots_text(done) + " lots, the final result (" +
                       result_status_name(final.status) + ") says " + lots_text(final.filled_volume)});
  }
  const bool bounded = s.action == Action::kOpen || (s.action == Action::kClose && s.volume > 0);
  if (bounded && done > s.volume + kLotsEpsilon) {
    out.push_back({s.action == Action::kOpen ? LotsProblem::kOverFilled : LotsProblem::kOverClosed,
                   who + ": executed " + lots_text(done) + " lots of " + lots_text(s.volume)});
  }
  if (s.action != Action::kOpen && s.action != Action::kClose && s.action != Action::kCloseAll &&
      done > kLotsEpsilon) {
    out.push_back(
        {LotsProblem::kOverFilled, who + ": executed " + lots_text(done) + " lots, it trades none"});
  }
  const auto triggered = triggered_.find(s.uuid);
  if (triggered != triggered_.end() && triggered->second > s.volume + kLotsEpsilon) {
    out.push_back({LotsProblem::kOverFilled, who + ": its pending order filled " +
                                                 lots_text(triggered->second) + " lots of " +
                                                 lots_text(s.volume)});
  }
  const auto reversed = reversals_.find(s.uuid);
  if (reversed != reversals_.end()) {
    out.push_back({LotsProblem::kOverClosed,
                   who + ": " + std::to_string(reversed->second) + " closing deal(s) reversed a position"});
  }
}

}  // namespace mtg::model
