// The simulated broker's durable memory: the ledger file (one JSON line per executed
// deal, docs/requirements.md "Simulator ledger") and its journal (PATH + ".journal": an intent
// line before every execution, and an outcome line for every order that executed no
// deal). Every record is fsynced before the call returns.
//
// The rule for a crash mid-execution: the deal line is the execution record. An
// intent with neither a deal nor an outcome line was interrupted before anything was
// executed or reported, so it counts as never executed: query answers "unknown" and a
// resend executes it. A client_id with a recorded deal or outcome is never executed
// again; its recorded result is the answer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "link/frame.h"
#include "sim/broker.h"
#include "sim/jsonl_file.h"
#include "util/status.h"

namespace mtg::sim {

inline constexpr size_t kMaxHistoryRecords = 1'000'000;  // orders one simulator remembers

// What is about to be executed (journaled before the broker is asked).
struct Intent {
  std::string client_id;
  std::string uuid;
  int leg = 0;
  std::string symbol;
  link::Side side = link::Side::kBuy;
  double volume = 0;  // requested lots
  int64_t ts = 0;     // Unix ms
};

// One ledger line: a deal and the result reported for it.
struct DealRecord {
  link::ResultFrame result;  // retcode 10009 or 10010, ticket, deal, price, filled_volume
  Deal deal;
  double requested_volume = 0;
  int64_t ts = 0;  // Unix ms
};

class Ledger {
 public:
  // Opens (creating) ledger_path and ledger_path + ".journal" and replays both.
  // Torn last lines are dropped; other damage is kCorruption.
  static Result<std::unique_ptr<Ledger>> open(const std::string& ledger_path);

  // The recorded result for client_id, or nullptr when it never executed.
  const link::ResultFrame* find(const std::string& client_id) const;
  // Every deal in ledger order (to rebuild the broker's book).
  const std::vector<DealRecord>& deals() const { return deals_; }
  // Orders with a recorded result.
  size_t history_size() const { return history_.size(); }
  // Client ids journaled as intents with no result when the files were opened.
  const std::vector<std::string>& interrupted() const { return interrupted_; }
  // Torn lines dropped on open, over both files.
  int torn_lines() const { return ledger_file_->torn_lines() + journal_->torn_lines(); }

  // Appends an intent to the journal (precondition: no result recorded for it).
  Status record_intent(const Intent& intent);
  // Appends a deal line to the ledger; its result becomes the client_id's answer.
  Status record_deal(const DealRecord& record);
  // Appends the result of an order that executed no deal to the journal.
  Status record_outcome(const link::ResultFrame& result, int64_t ts);

 private:
  Ledger() = default;
  Status load_deals(const std::vector<nlohmann::json>& lines);
  Status load_journal(const std::vector<nlohmann::json>& lines);
  Status remember(const link::ResultFrame& result);

  std::unique_ptr<JsonlFile> ledger_file_;
  std::unique_ptr<JsonlFile> journal_;
  std::vector<DealRecord> deals_;
  std::map<std::string, link::ResultFrame> history_;  // by client_id
  std::vector<std::string> interrupted_;
};

}  // namespace mtg::sim
