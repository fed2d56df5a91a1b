#include "integration/trade_books.h"

#include <set>

#include "model/trade_model.h"
#include "sim/book.h"
#include "sim/ledger.h"

namespace mtg::testkit {
namespace {

const InstanceConfig* find_instance(const Config& config, const std::string& id) {
  for (const auto& inst : config.instances) {
    if (inst.id == id) return &inst;
  }
  return nullptr;
}

// One instance's comparison; problems appended to `v`.
void check_instance(const InstanceConfig& inst, const std::string& ledger_path,
                    const std::map<std::string, Signal>& signals, const std::vector<TradeResult>& results,
                    const std::vector<TradeEvent>& events, BookVerdict& v) {
  sim::Book book(inst.sim.account == "hedging");
  auto ledger = sim::Ledger::open(ledger_path, book);
  if (!ledger) {
    v.problems.push_back(inst.id + ": the ledger does not open: " + ledger.status().to_string());
    ++v.differing;
    return;
  }
  model::TradeModel model;
  for (const auto& [uuid, s] : signals) {
    if (s.instance == inst.id) model.on_signal(s);
  }
  for (const TradeResult& r : results) {
    if (r.instance == inst.id) model.on_result(r);
  }
  // Delivered at least once: the stream's and the terminal's unacknowledged, each once
  // (the stream holds them as the engine names them: "<instance>:<terminal's id>").
  std::set<std::string> seen;
  for (const TradeEvent& e : events) {
    if (e.instance == inst.id && seen.insert(e.id).second) model.on_event(e);
  }
  for (const TradeEvent& e : (*ledger)->unacked_events()) {
    if (seen.insert(inst.id + ":" + e.id).second) model.on_event(e);
  }
  v.events += static_cast<int>(seen.size());
  std::vector<std::string> problems;
  const model::Book expected = model.expected(inst.sim.account == "netting", problems);
  const model::Book actual = model::book_of(book.positions().all(), book.orders().all());
  for (const std::string& p : problems) {
    v.over_closed += p.rfind("more closed than opened", 0) == 0;
    v.problems.push_back(inst.id + ": " + p);
  }
  v.differing += !problems.empty() || !(expected == actual);
  if (!(expected == actual)) {
    v.problems.push_back(inst.id + " (" + inst.sim.account + "): the broker holds [" +
                         model::describe(actual) + "], the results and events imply [" +
                         model::describe(expected) + "]");
  }
}

}  // namespace

BookVerdict check_books(System& sys, const std::map<std::string, Signal>& signals) {
  BookVerdict v;
  const std::vector<TradeResult> results = sys.results();
  const std::vector<TradeEvent> events = sys.events();
  for (int i = 0; i < static_cast<int>(sys.config().instances.size()); ++i) {
    const InstanceConfig* inst = find_instance(sys.config(), sys.instance_id(i));
    if (inst == nullptr) continue;
    ++v.instances;
    check_instance(*inst, sys.ledger_path(i), signals, results, events, v);
  }
  return v;
}

}  // namespace mtg::testkit
