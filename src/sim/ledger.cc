#include "sim/ledger.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "util/check.h"

namespace mtg::sim {
namespace {

using json = nlohmann::json;

const char* const kJournalSuffix = ".journal";

struct Line {
  int64_t seq = 0;
  bool in_ledger = false;  // a line of the ledger file, else of the journal
  Record record;
};

// Decodes every line of one file, naming the file and line in errors. A file's lines
// are in seq order (each is appended after the one before it).
Status decode(const std::vector<json>& lines, bool ledger_lines, const std::string& path,
              std::vector<Line>& out) {
  int64_t previous_seq = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    Line line;
    line.in_ledger = ledger_lines;
    auto record = record_from_json(lines[i], ledger_lines, line.seq);
    const std::string where = path + ": line " + std::to_string(i + 1);
    if (!record) return record.status().with_context(where);
    if (line.seq <= previous_seq) return Status::corruption(where + ": seq " + std::to_string(line.seq) + " out of order");
    previous_seq = line.seq;
    line.record = std::move(*record);
    out.push_back(std::move(line));
  }
  return Status::ok();
}

// The result of an action so far, after one more of its deals.
void add_deal(link::ResultFrame& so_far, const link::ResultFrame& deal) {
  MTG_CHECK(so_far.client_id == deal.client_id);
  const double filled = so_far.filled_volume + deal.filled_volume;
  MTG_CHECK(filled > 0);
  so_far.price = (so_far.price * so_far.filled_volume + deal.price * deal.filled_volume) / filled;
  so_far.filled_volume = filled;
  so_far.retcode = deal.retcode;
  so_far.reason = deal.reason;
  so_far.ticket = deal.ticket;
  so_far.deal = deal.deal;
  so_far.position = deal.position;
}

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::open(const std::string& ledger_path, Book& book, FileSystem& fs) {
  MTG_CHECK(book.version() == Book::Version{});
  std::unique_ptr<Ledger> ledger(new Ledger(book));
  std::vector<json> deal_lines;
  auto ledger_file = JsonlFile::open(ledger_path, deal_lines, fs);
  if (!ledger_file.is_ok()) return ledger_file.status();
  ledger->ledger_file_ = std::move(*ledger_file);
  std::vector<json> journal_lines;
  auto journal = JsonlFile::open(ledger_path + kJournalSuffix, journal_lines, fs);
  if (!journal.is_ok()) return journal.status();
  ledger->journal_ = std::move(*journal);
  MTG_RETURN_IF_ERROR(ledger->replay(deal_lines, journal_lines));
  return ledger;
}

Status Ledger::replay(std::vector<json>& deal_lines, std::vector<json>& journal_lines) {
  std::vector<Line> lines;
  MTG_RETURN_IF_ERROR(decode(deal_lines, true, ledger_file_->path(), lines));
  MTG_RETURN_IF_ERROR(decode(journal_lines, false, journal_->path(), lines));
  deal_lines.clear();
  journal_lines.clear();
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.seq < b.seq; });
  std::set<std::string> intents;
  size_t kept_ledger = 0;
  size_t kept_journal = 0;
  for (const Line& line : lines) {
    const std::string where = "record seq " + std::to_string(line.seq);
    if (line.seq == last_seq_) return Status::corruption(where + ": written twice");
    if (line.seq != last_seq_ + 1) break;  // a gap: the rest is of an unfinished group commit
    MTG_RETURN_IF_ERROR(admit(line.record).with_context(where));
    MTG_RETURN_IF_ERROR(book_.apply(line.record).with_context(where));
    remember(line.record, line.seq);
    last_seq_ = line.seq;
    ++(line.in_ledger ? kept_ledger : kept_journal);
    if (const auto* intent = std::get_if<IntentRecord>(&line.record)) intents.insert(intent->client_id);
  }
  if (kept_ledger + kept_journal < lines.size()) MTG_RETURN_IF_ERROR(cut_after(last_seq_, kept_ledger, kept_journal));
  for (const std::string& id : intents) {
    if (!history_.contains(id)) interrupted_.push_back(id);
  }
  return Status::ok();
}

Status Ledger::admit(const Record& record) const {
  if (const auto* intent = std::get_if<IntentRecord>(&record)) {
    if (history_.contains(intent->client_id)) {
      return Status::corruption("an intent of settled " + intent->client_id);
    }
  }
  if (const link::ResultFrame* result = settled_result(record)) {
    const bool next_deal =
        std::holds_alternative<DealRecord>(record) && last_deal_client_ == result->client_id;
    const bool known = history_.contains(result->client_id);
    if (known && !next_deal) return Status::corruption("two results recorded for client_id " + result->client_id);
    if (!known && history_.size() >= kMaxHistoryRecords) return Status::precondition("simulator history is full");
  }
  if (const TradeEvent* event = reported_event(record)) {
    if (event_seq_.contains(event->id)) return Status::corruption("event " + event->id + " reported twice");
    if (unacked_.size() >= kMaxUnackedEvents) {
      return Status::precondition("too many unacknowledged trade events");
    }
  }
  return Status::ok();
}

void Ledger::remember(const Record& record, int64_t seq) {
  if (const link::ResultFrame* result = settled_result(record)) {
    auto [it, inserted] = history_.emplace(result->client_id, *result);
    if (!inserted) add_deal(it->second, *result);
  }
  const auto* deal = std::get_if<DealRecord>(&record);
  last_deal_client_ = deal != nullptr && deal->result ? deal->result->client_id : "";
  if (const TradeEvent* event = reported_event(record)) {
    unacked_.emplace(seq, *event);
    event_seq_.emplace(event->id, seq);
  }
  if (const auto* ack = std::get_if<AckRecord>(&record)) {
    for (const std::string& id : ack->ids) {
      auto it = event_seq_.find(id);
      if (it == event_seq_.end()) continue;
      unacked_.erase(it->second);
      event_seq_.erase(it);
    }
  }
  MTG_CHECK(unacked_.size() == event_seq_.size());
}

Status Ledger::cut_after(int64_t last_seq, size_t ledger_lines, size_t journal_lines) {
  const size_t before = ledger_file_->line_count() + journal_->line_count();
  MTG_CHECK(ledger_lines + journal_lines < before);
  MTG_RETURN_IF_ERROR(ledger_file_->keep_first(ledger_lines));
  MTG_RETURN_IF_ERROR(journal_->keep_first(journal_lines));
  cut_lines_ = before - ledger_lines - journal_lines;
  spdlog::warn("sim ledger: cut {} lines after seq {}: written by a group commit a crash interrupted, never reported",
               cut_lines_, last_seq);
  return Status::ok();
}

Status Ledger::commit(const Record& record) {
  MTG_RETURN_IF_ERROR(failed_);
  MTG_RETURN_IF_ERROR(admit(record));
  const json line = record_to_json(record, last_seq_ + 1);
  const Status applied = book_.apply(record);
  MTG_CHECK_MSG(applied.is_ok(), "a record built from the book does not fit it");
  JsonlFile& file = is_ledger_line(record) ? *ledger_file_ : *journal_;
  failed_ = file.append(line);
  MTG_RETURN_IF_ERROR(failed_);
  remember(record, last_seq_ + 1);
  ++last_seq_;
  return Status::ok();
}

Status Ledger::sync() {
  MTG_RETURN_IF_ERROR(failed_);
  failed_ = ledger_file_->sync();
  if (failed_.is_ok()) failed_ = journal_->sync();
  MTG_CHECK(!failed_.is_ok() || unsynced_records() == 0);
  return failed_;
}

const link::ResultFrame* Ledger::find(const std::string& client_id) const {
  auto it = history_.find(client_id);
  return it == history_.end() ? nullptr : &it->second;
}

std::vector<TradeEvent> Ledger::unacked_events() const {
  std::vector<TradeEvent> out;
  out.reserve(unacked_.size());
  for (const auto& [seq, event] : unacked_) out.push_back(event);
  return out;
}

}  // namespace mtg::sim
