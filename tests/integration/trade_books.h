// The real stack's evidence of trade actions, beside what each signal executed: every
// simulator's final book (its positions and pending orders, rebuilt from its ledger the
// way a restarted `mtguard sim` rebuilds it) must equal the book the reference model
// (model/trade_model.h) computes from the signals, every result in RTRS and every trade
// event — those in the events stream and those the terminal still keeps for the engine.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "integration/system.h"
#include "signal/signal.h"

namespace mtg::testkit {

struct BookVerdict {
  int instances = 0;
  int differing = 0;    // instances whose broker holds what the model does not (or it found problems)
  int over_closed = 0;  // model findings of more closed than opened (hedging)
  int events = 0;       // distinct trade events the model read
  std::vector<std::string> problems;
};

// Compares every simulator's book with the model. `signals`: every signal submitted
// that may have traded, by uuid (others only make the model complain of a fill it
// cannot place). Preconditions: every simulator stopped (sys.sim(i).stop), so that its
// ledger is its final word; every signal has its final result.
BookVerdict check_books(System& sys, const std::map<std::string, Signal>& signals);

}  // namespace mtg::testkit
