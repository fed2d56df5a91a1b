#include "sim/ledger.h"

#include <set>

#include "link/retcode.h"
#include "util/check.h"

namespace mtg::sim {
namespace {

using json = nlohmann::json;

const char* const kJournalSuffix = ".journal";

json result_fields(const link::ResultFrame& r) {
  return json{{"client_id", r.client_id}, {"uuid", r.uuid}, {"leg", r.leg}, {"retcode", r.retcode},
              {"price", r.price},         {"ticket", r.ticket}, {"deal", r.deal}, {"reason", r.reason}};
}

// Reads the result fields written by result_fields(); json exceptions are the caller's.
link::ResultFrame read_result(const json& j, double filled_volume) {
  return link::ResultFrame{j.at("client_id").get<std::string>(), j.at("uuid").get<std::string>(),
                           j.at("leg").get<int>(),   j.at("retcode").get<int>(), filled_volume,
                           j.at("price").get<double>(), j.at("ticket").get<int64_t>(), j.at("deal").get<int64_t>(),
                           j.at("reason").get<std::string>()};
}

link::Side read_side(const json& j) { return j.at("side").get<std::string>() == "sell" ? link::Side::kSell : link::Side::kBuy; }

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::open(const std::string& ledger_path) {
  std::unique_ptr<Ledger> ledger(new Ledger());
  std::vector<json> deal_lines;
  auto ledger_file = JsonlFile::open(ledger_path, deal_lines);
  if (!ledger_file.is_ok()) return ledger_file.status();
  ledger->ledger_file_ = std::move(*ledger_file);
  std::vector<json> journal_lines;
  auto journal = JsonlFile::open(ledger_path + kJournalSuffix, journal_lines);
  if (!journal.is_ok()) return journal.status();
  ledger->journal_ = std::move(*journal);
  MTG_RETURN_IF_ERROR(ledger->load_deals(deal_lines));
  MTG_RETURN_IF_ERROR(ledger->load_journal(journal_lines));
  return ledger;
}

Status Ledger::load_deals(const std::vector<json>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    try {
      const json& j = lines[i];
      DealRecord rec;
      rec.result = read_result(j, j.at("volume").get<double>());
      rec.deal = Deal{j.at("symbol").get<std::string>(), read_side(j), rec.result.filled_volume, rec.result.price,
                      rec.result.ticket, rec.result.deal};
      rec.requested_volume = j.at("requested_volume").get<double>();
      rec.ts = j.at("ts").get<int64_t>();
      MTG_RETURN_IF_ERROR(remember(rec.result));
      deals_.push_back(std::move(rec));
    } catch (const json::exception& e) {
      return Status::corruption(ledger_file_->path() + ": line " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  return Status::ok();
}

Status Ledger::load_journal(const std::vector<json>& lines) {
  std::set<std::string> intents;
  for (size_t i = 0; i < lines.size(); ++i) {
    try {
      const json& j = lines[i];
      const std::string rec = j.at("rec").get<std::string>();
      if (rec == "intent") {
        intents.insert(j.at("client_id").get<std::string>());
      } else if (rec == "outcome") {
        MTG_RETURN_IF_ERROR(remember(read_result(j, 0)));
      } else {
        return Status::corruption(journal_->path() + ": line " + std::to_string(i + 1) + ": unknown record " + rec);
      }
    } catch (const json::exception& e) {
      return Status::corruption(journal_->path() + ": line " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  for (const std::string& id : intents) {
    if (!history_.contains(id)) interrupted_.push_back(id);
  }
  return Status::ok();
}

Status Ledger::remember(const link::ResultFrame& result) {
  if (history_.size() >= kMaxHistoryRecords) return Status::precondition("simulator history is full");
  const bool inserted = history_.emplace(result.client_id, result).second;
  if (!inserted) return Status::corruption("two results recorded for client_id " + result.client_id);
  return Status::ok();
}

const link::ResultFrame* Ledger::find(const std::string& client_id) const {
  auto it = history_.find(client_id);
  return it == history_.end() ? nullptr : &it->second;
}

Status Ledger::record_intent(const Intent& intent) {
  MTG_CHECK(find(intent.client_id) == nullptr);
  return journal_->append(json{{"rec", "intent"}, {"client_id", intent.client_id}, {"uuid", intent.uuid},
                               {"leg", intent.leg}, {"symbol", intent.symbol},
                               {"side", side_name(intent.side)}, {"volume", intent.volume}, {"ts", intent.ts}});
}

Status Ledger::record_deal(const DealRecord& record) {
  const link::RetcodeClass cls = link::classify_retcode(record.result.retcode);
  MTG_CHECK(cls == link::RetcodeClass::kDone || cls == link::RetcodeClass::kPartial);
  MTG_CHECK(record.deal.volume == record.result.filled_volume);
  MTG_CHECK(record.deal.volume > 0);
  MTG_CHECK(find(record.result.client_id) == nullptr);
  json line = result_fields(record.result);
  line["symbol"] = record.deal.symbol;
  line["side"] = side_name(record.deal.side);
  line["volume"] = record.deal.volume;
  line["requested_volume"] = record.requested_volume;
  line["ts"] = record.ts;
  MTG_RETURN_IF_ERROR(ledger_file_->append(line));
  MTG_RETURN_IF_ERROR(remember(record.result));
  deals_.push_back(record);
  return Status::ok();
}

Status Ledger::record_outcome(const link::ResultFrame& result, int64_t ts) {
  MTG_CHECK(result.deal == 0);
  MTG_CHECK(result.filled_volume == 0);
  MTG_CHECK(find(result.client_id) == nullptr);
  json line = result_fields(result);
  line["rec"] = "outcome";
  line["ts"] = ts;
  MTG_RETURN_IF_ERROR(journal_->append(line));
  return remember(result);
}

}  // namespace mtg::sim
