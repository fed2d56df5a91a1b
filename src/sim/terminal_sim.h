// The simulated MT5 terminal: answers the engine's frames from a Broker and a durable
// Ledger, exactly once per client_id (docs/protocol.md, "Terminal duties").
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "link/frame.h"
#include "sim/broker.h"
#include "sim/ledger.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg::sim {

// Waits ms milliseconds (the simulated execution latency); tests pass a no-op.
using SleepFn = std::function<void(int ms)>;

class TerminalSim {
 public:
  // Opens the ledger at ledger_path and rebuilds the book from it. The broker's
  // random draws are seeded from config.seed and the number of recorded results, so
  // a restarted simulator does not replay its first draws.
  static Result<std::unique_ptr<TerminalSim>> open(const std::string& ledger_path, const SimConfig& config,
                                                   const Clock& clock, SleepFn sleep);

  // The frames answering one engine frame: OrderFrame -> one ResultFrame; QueryFrame
  // -> KnownFrames of at most kMaxKnownPerFrame orders each (one, maybe empty, at
  // least); PositionsRequest -> Positions. Other frames -> none. An error means the
  // ledger could not be written: the simulator must stop, it can promise nothing.
  Result<std::vector<link::Frame>> handle(const link::Frame& request);

  // Executes an order at most once per client_id: a known client_id answers its
  // recorded result; an order received after expires_at answers 10022 unexecuted;
  // otherwise intent (fsync) -> latency -> broker -> ledger (fsync) -> result, which
  // is 10012 instead, with probability timeout_after_fill_prob, when it executed.
  Result<link::ResultFrame> execute(const link::OrderFrame& order);

  std::vector<link::KnownFrame> answer(const link::QueryFrame& query) const;
  link::Positions positions() const;
  const Ledger& ledger() const { return *ledger_; }

 private:
  TerminalSim(std::unique_ptr<Ledger> ledger, const SimConfig& config, const Clock& clock, SleepFn sleep);
  Result<link::ResultFrame> record(const link::OrderFrame& order, const Execution& execution);

  std::unique_ptr<Ledger> ledger_;
  Broker broker_;
  const Clock& clock_;
  SleepFn sleep_;
};

}  // namespace mtg::sim
