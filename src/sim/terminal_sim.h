// The simulated MT5 terminal: answers the engine's frames from a Broker, its Book and a
// durable Ledger, exactly once per client_id (docs/protocol.md, "Terminal duties"), and
// reports what the broker does on its own (trade events, kept until acknowledged) and
// its holdings after every change.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "link/frame.h"
#include "sim/book.h"
#include "sim/broker.h"
#include "sim/ledger.h"
#include "sim/market_watch.h"
#include "sim/trade_desk.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg::sim {

// Waits ms milliseconds (the simulated execution latency); tests pass a no-op.
using SleepFn = std::function<void(int ms)>;

// What the terminal sends for one engine frame.
struct Reply {
  std::vector<link::Frame> frames;  // in order
  // Send the frames this long from now (slow_result_prob); heartbeats go on meanwhile.
  int64_t delay_ms = 0;
  // Drop the connection instead of sending anything (link_drop_after_fill_prob): the
  // order was executed and recorded, and the engine learns its result by query.
  bool drop_link = false;
};

class TerminalSim {
 public:
  // Opens the ledger at ledger_path and rebuilds the book from it. The broker's
  // random draws are seeded from config.seed and the number of records written, so
  // a restarted simulator does not replay its first draws. Precondition: config passed
  // check_sim_config().
  // The ledger's files go through `fs` (tests inject faults), which must outlive the sim.
  static Result<std::unique_ptr<TerminalSim>> open(const std::string& ledger_path, const SimConfig& config,
                                                   const Clock& clock, SleepFn sleep,
                                                   FileSystem& fs = FileSystem::real());

  // Every public call that changes the ledger returns only once what it recorded is
  // durable (Ledger::sync), so whatever it returns may be sent at once.

  // The answers to frames read together, with one group commit for all of them: each
  // is handled as handle() does, then the ledger is synced once, then the replies are
  // returned, in order. Stops after the first reply that drops the link (the frames
  // after it came over that connection: the engine asks again), so there may be fewer
  // replies than requests. An error means the ledger could not be written: nothing
  // may be sent, the simulator must stop.
  Result<std::vector<Reply>> handle_all(std::span<const link::Frame> requests);

  // The answer to one engine frame: OrderFrame -> its ResultFrame (see execute), then
  // Positions when the positions changed and Orders when the pending orders changed;
  // QueryFrame -> KnownFrames of at most
  // kMaxKnownPerFrame orders each (one, maybe empty, at least); PositionsRequest ->
  // Positions and Orders; EventAck -> nothing (the events named are forgotten, durably).
  // Other frames -> nothing. An error means the ledger could not be written: the
  // simulator must stop, it can promise nothing.
  Result<Reply> handle(const link::Frame& request);

  // Executes an order at most once per client_id: a known client_id answers its
  // recorded result; an order received after expires_at answers 10022 unexecuted;
  // otherwise intent -> latency -> action (TradeDesk) -> record -> sync -> result,
  // which is 10012 instead, with probability timeout_after_fill_prob, when it filled.
  Result<link::ResultFrame> execute(const link::OrderFrame& order);

  // The broker's own step at now_ms (MarketWatch::tick): an EventFrame per event
  // recorded, then Positions and Orders for what changed. sim_main calls it about
  // every kTickMs.
  Result<std::vector<link::Frame>> tick(int64_t now_ms);

  // What a (re)connected engine is sent first: every trade event not yet acknowledged,
  // oldest first.
  std::vector<link::Frame> on_connect() const;

  std::vector<link::KnownFrame> answer(const link::QueryFrame& query) const;
  // The holdings: positions and pending orders by ticket, each truncated to its frame's
  // limit (kMaxPositionsPerFrame, kMaxOrdersPerFrame) with truncated = true.
  link::Positions positions() const;
  link::Orders orders() const;
  const Ledger& ledger() const { return *ledger_; }
  // The broker, to move its market (tests and scripted scenarios: Market::set_mid).
  Broker& broker() { return broker_; }

 private:
  TerminalSim(std::unique_ptr<Book> book, std::unique_ptr<Ledger> ledger, const SimConfig& config,
              const Clock& clock, SleepFn sleep);
  // handle() and execute() without the sync: what they record is not durable yet.
  Result<Reply> handle_unsynced(const link::Frame& request);
  Result<link::ResultFrame> execute_unsynced(const link::OrderFrame& order);
  // Positions and Orders frames for what changed in the book since `since`.
  void add_changes(std::vector<link::Frame>& frames, const Book::Version& since) const;

  std::unique_ptr<Book> book_;  // the ledger holds it by reference
  std::unique_ptr<Ledger> ledger_;
  Broker broker_;
  TradeDesk desk_;
  MarketWatch watch_;
  const Clock& clock_;
  SleepFn sleep_;
};

inline constexpr int kTickMs = 100;  // how often sim_main lets the broker move

}  // namespace mtg::sim
