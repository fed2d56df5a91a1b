// Where the stores disagree about one signal: the facts `mtguard trace` read from each
// store, and the rules that compare them. Pure: no store is touched here.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mtg {

// One result as a store holds it.
struct ResultFact {
  std::string status;  // result status name ("filled", "duplicate", …)
  double filled_volume = 0;
};

// Results by result_id; nullopt when the store could not be read (it is then not judged).
using ResultFacts = std::optional<std::map<std::string, ResultFact>>;

struct SignalFacts {
  ResultFacts rtrs;        // entries still in the stream (trimmed after rtrs_retain_ms)
  ResultFacts duckdb;      // trade_history
  ResultFacts clickhouse;  // trade_results FINAL
  // RTS: the order's state name and filled volume; nullopt when Redis has no order
  // (never received, or settled and expired).
  std::optional<std::string> rts_state;
  double rts_filled_volume = 0;
  // Lots the terminals' ledgers executed for it; nullopt when no ledger was read.
  std::optional<double> ledger_volume;
  // Trade event ids that name the signal; nullopt when not read.
  std::optional<std::set<std::string>> events_stream, events_duckdb, events_clickhouse;
};

// Tolerance when comparing volumes, in lots.
inline constexpr double kAgreementVolumeEpsilon = 1e-6;

// One sentence per disagreement, naming the stores on each side, e.g. "result
// u:final: missing from duckdb (present in rtrs, clickhouse)"; empty when they agree.
// Rules: every result id in any store is in DuckDB and ClickHouse (RTRS may have
// trimmed it); a result's status and filled volume agree wherever it is; at most one
// final result; an order in a final state in RTS matches its final result; the
// ledgers executed the final result's filled volume; every trade event in the stream
// is in DuckDB, and every one in DuckDB is in ClickHouse.
std::vector<std::string> find_disagreements(const SignalFacts& facts);

// True for the status names of a signal's final result (order/trade_result.h is_final).
bool is_final_status(const std::string& status);

}  // namespace mtg
