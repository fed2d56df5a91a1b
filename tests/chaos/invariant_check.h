// After a campaign: waits for quiescence, then checks the invariants 1–3 of docs/requirements.md
// against independent evidence — what the load sent, RTRS, the simulators' ledgers
// read by action (model::LedgerLots), DuckDB trade_history (the backend stopped first:
// one process per file), ClickHouse trade_results FINAL — and the simulators' final
// books (the simulators stopped) against the reference model of the results and trade
// events (testkit::check_books).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "chaos/signal_load.h"
#include "integration/system.h"

namespace mtg::chaos {

struct Verdict {
  int64_t lost = 0;         // no final in RTRS, or an RTRS result missing in DuckDB/ClickHouse
  int64_t duplicated = 0;   // > 1 final in RTRS, or a result twice in DuckDB/ClickHouse
  int64_t over_filled = 0;  // ledger lots above the signal's volume or its reported fill
  int64_t over_closed = 0;  // a close beyond its volume or reversing a position, more closed than opened
  int64_t wrong = 0;        // wrong final status, a repeat not answered `duplicate`,
                            // a fill reported but not executed, stores disagreeing with RTRS
  int64_t results = 0;      // results read from RTRS
  int books = 0;            // simulators' final books compared with the reference model
  int books_differ = 0;     // of those, books the results and events do not explain
  int events = 0;           // trade events the model read
  std::vector<std::string> examples;  // the first violations, with their evidence

  bool ok() const {
    return lost == 0 && duplicated == 0 && over_filled == 0 && over_closed == 0 && wrong == 0 &&
           books_differ == 0;
  }
};

class InvariantCheck {
 public:
  // `since_ms`: the campaign's start (Unix ms); ClickHouse rows older are not ours.
  InvariantCheck(testkit::System& sys, std::map<std::string, SentSignal> sent, int64_t since_ms);

  // Waits until every sent uuid has a final result in RTRS, the backend acknowledged
  // all of RTRS, finished any DuckDB refill (heartbeat refill_pending false) and its
  // ClickHouse outbox is empty (resuming a suspended sync).
  // False on timeout, with what is missing on stderr.
  bool wait_quiescent(int timeout_ms);
  // Stops the backend and the simulators and compares the evidence. Call after
  // wait_quiescent.
  Verdict check();

  static constexpr size_t kMaxExamples = 20;

 private:
  bool all_final();
  bool backend_drained();

  testkit::System& sys_;
  std::map<std::string, SentSignal> sent_;
  int64_t since_ms_;
};

}  // namespace mtg::chaos
