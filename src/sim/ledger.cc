#include "sim/ledger.h"

#include <algorithm>
#include <set>

#include "util/check.h"

namespace mtg::sim {
namespace {

using json = nlohmann::json;

const char* const kJournalSuffix = ".journal";

struct Line {
  int64_t seq = 0;
  Record record;
};

// Decodes every line of one file, naming the file and line in errors.
Status decode(const std::vector<json>& lines, bool ledger_lines, const std::string& path,
              std::vector<Line>& out) {
  for (size_t i = 0; i < lines.size(); ++i) {
    Line line;
    auto record = record_from_json(lines[i], ledger_lines, line.seq);
    if (!record) return record.status().with_context(path + ": line " + std::to_string(i + 1));
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

Result<std::unique_ptr<Ledger>> Ledger::open(const std::string& ledger_path, Book& book) {
  MTG_CHECK(book.version() == Book::Version{});
  std::unique_ptr<Ledger> ledger(new Ledger(book));
  std::vector<json> deal_lines;
  auto ledger_file = JsonlFile::open(ledger_path, deal_lines);
  if (!ledger_file.is_ok()) return ledger_file.status();
  ledger->ledger_file_ = std::move(*ledger_file);
  std::vector<json> journal_lines;
  auto journal = JsonlFile::open(ledger_path + kJournalSuffix, journal_lines);
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
  for (const Line& line : lines) {
    const std::string where = "record seq " + std::to_string(line.seq);
    if (line.seq == last_seq_) return Status::corruption(where + ": written twice");
    MTG_RETURN_IF_ERROR(admit(line.record).with_context(where));
    MTG_RETURN_IF_ERROR(book_.apply(line.record).with_context(where));
    remember(line.record, line.seq);
    last_seq_ = line.seq;
    if (const auto* intent = std::get_if<IntentRecord>(&line.record)) intents.insert(intent->client_id);
  }
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
