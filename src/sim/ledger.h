// The simulated broker's durable memory: the ledger file (one JSON line per deal, the
// public "Simulator ledger" format) and its journal (PATH + ".journal": intents,
// outcomes that made no deal, pending orders placed, modified, activated, cancelled and
// expired, stops set, events acknowledged). Every line carries `seq`, its place in the
// order of both files; replaying the lines in that order rebuilds the broker's Book,
// the history of results by client_id and the trade events not yet acknowledged.
//
// Group commit: commit() writes a record and applies it; sync() makes every record
// committed so far durable, with one fdatasync per file however many they are. Nothing
// a record decides may be reported (to the engine, to a trader) before a sync() after
// its commit returned ok. A crash before that sync may keep any subset of the unsynced
// lines of each file (a power loss), so open() keeps the records up to the first gap in
// `seq` and cuts the lines after it: they are of a group commit that never finished, so
// nothing they decided was reported, and they count as never written.
//
// The rule for a crash mid-execution: a record is the change. An intent with no record
// settling its client_id was interrupted before anything was executed or reported, so
// it counts as never executed: query answers "unknown" and a resend executes it. A
// client_id with a settled result is never executed again; its recorded result is the
// answer. An action of several deals (a close by ref, close_all) records one line per
// deal, each carrying the result so far (retcode 10010 until the last deal of a complete
// action), so a crash between them leaves a partial result, never a repeat.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "link/frame.h"
#include "sim/book.h"
#include "sim/jsonl_file.h"
#include "sim/record.h"
#include "util/status.h"

namespace mtg::sim {

inline constexpr size_t kMaxHistoryRecords = 1'000'000;  // orders one simulator remembers
inline constexpr size_t kMaxUnackedEvents = 100'000;     // trade events kept for the engine

class Ledger {
 public:
  // Opens (creating) ledger_path and ledger_path + ".journal" and replays both into
  // `book` (which must be empty and outlive the ledger). Torn last lines are dropped,
  // and the lines after a gap in seq are cut (see above); other damage, or a record
  // that does not fit the book, is kCorruption. Files go through `fs`, which must
  // outlive the ledger.
  static Result<std::unique_ptr<Ledger>> open(const std::string& ledger_path, Book& book,
                                              FileSystem& fs = FileSystem::real());

  // Writes the record (a deal to the ledger, anything else to the journal) and applies
  // it to the book; durable after the next sync(). Precondition: the record fits the
  // book (the caller built it from the book). Errors: kIoError (the write failed; the
  // ledger refuses every later commit and sync, its book may be ahead of its files),
  // kFailedPrecondition (the history or the unacknowledged events are full).
  Status commit(const Record& record);
  // Makes every record committed so far durable (one fdatasync per file written to).
  // kIoError when that fails: then the ledger refuses every later commit and sync, and
  // nothing committed since the last good sync may be reported.
  Status sync();
  // Records committed and not yet synced.
  size_t unsynced_records() const { return ledger_file_->unsynced_lines() + journal_->unsynced_lines(); }

  // The recorded result for client_id, or nullptr when it never executed.
  const link::ResultFrame* find(const std::string& client_id) const;
  // Orders with a recorded result.
  size_t history_size() const { return history_.size(); }
  // Records written so far, over both files (the last seq).
  int64_t records() const { return last_seq_; }
  // Trade events not yet acknowledged, oldest first.
  std::vector<TradeEvent> unacked_events() const;
  bool is_unacked(const std::string& event_id) const { return event_seq_.contains(event_id); }
  // Client ids journaled as intents with no result when the files were opened.
  const std::vector<std::string>& interrupted() const { return interrupted_; }
  // Torn lines dropped on open, over both files.
  int torn_lines() const { return ledger_file_->torn_lines() + journal_->torn_lines(); }
  // Lines cut on open after a gap in seq, over both files.
  size_t cut_lines() const { return cut_lines_; }

 private:
  explicit Ledger(Book& book) : book_(book) {}
  Status replay(std::vector<nlohmann::json>& deal_lines, std::vector<nlohmann::json>& journal_lines);
  // Cuts each file after its last line whose seq is at most `last_seq`.
  Status cut_after(int64_t last_seq, size_t ledger_lines, size_t journal_lines);
  // Whether the record may follow those before it: kCorruption for a second result of
  // a client_id (other than the next deal of the same action), an intent of a settled
  // client_id or an event id already pending; kFailedPrecondition when a bound is hit.
  Status admit(const Record& record) const;
  void remember(const Record& record, int64_t seq);

  Book& book_;
  std::unique_ptr<JsonlFile> ledger_file_;
  std::unique_ptr<JsonlFile> journal_;
  Status failed_;  // the first failed write; every later commit returns it
  int64_t last_seq_ = 0;
  std::map<std::string, link::ResultFrame> history_;  // by client_id
  std::string last_deal_client_;              // client_id of the latest record if it was a client's deal
  std::map<int64_t, TradeEvent> unacked_;     // by seq of the record that reported it
  std::map<std::string, int64_t> event_seq_;  // unacked event id -> its seq
  std::vector<std::string> interrupted_;
  size_t cut_lines_ = 0;
};

}  // namespace mtg::sim
