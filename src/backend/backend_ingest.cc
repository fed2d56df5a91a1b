// The backend's ingest: RTRS results into DuckDB trade_history and trade events into
// trade_events, acknowledged only after the commit.
#include <spdlog/spdlog.h>

#include "backend/backend.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr int kReadBlockMs = 50;                // longest wait for new RTRS entries per loop
constexpr size_t kMaxLoggedPayloadBytes = 256;  // of an entry that does not decode

// What the stores cannot hold: a record without its key, or before 1970 (ClickHouse's
// ts is a UInt64: it would refuse the whole batch, and the sync would stop at it).
Status storable(const std::string& key, int64_t ts_ms) {
  if (key.empty()) return Status::corruption("an empty key");
  if (ts_ms < 0) return Status::corruption("a negative ts " + std::to_string(ts_ms));
  return Status::ok();
}
Status storable(const TradeResult& result) { return storable(result.result_id, result.ts_ms); }
Status storable(const TradeEvent& event) { return storable(event.id, event.ts_ms); }

// The entries of `feed` that decode to a Record (TradeResult or TradeEvent) the stores
// can hold; each other one is logged, with its payload clipped, and skipped.
template <class Record>
std::vector<Record> decode(Feed feed, const std::vector<StreamEntry>& entries) {
  std::vector<Record> records;
  for (const StreamEntry& e : entries) {
    Result<Record> record =
        e.payload ? Record::from_json(*e.payload) : Result<Record>(Status::corruption("no field"));
    if (record) {
      if (Status s = storable(*record); !s.is_ok()) record = s;
    }
    if (record) {
      records.push_back(std::move(*record));
      continue;
    }
    spdlog::error("backend: {} entry {} skipped, it has no usable record: {}; payload: {}", feed_name(feed),
                  e.stream_id, record.status().to_string(),
                  e.payload ? e.payload->substr(0, kMaxLoggedPayloadBytes) : std::string("(none)"));
  }
  MTG_CHECK(records.size() <= entries.size());
  return records;
}

}  // namespace

Status Backend::drain_pending(Feed feed) {
  std::string after = "0";
  for (;;) {
    auto entries = consumer(feed).read_pending(static_cast<int>(kMaxHistoryBatch), after);
    if (!entries) return entries.status();
    if (entries->empty()) return Status::ok();
    MTG_RETURN_IF_ERROR(ingest(feed, *entries));
    after = entries->back().stream_id;
  }
}

Status Backend::ingest_new() {
  auto events_behind = ingest_new(Feed::kEvents, 0);
  if (!events_behind) return events_behind.status();
  auto results_behind = ingest_new(Feed::kResults, *events_behind ? 0 : kReadBlockMs);
  if (!results_behind) return results_behind.status();
  ingest_behind_ = *events_behind || *results_behind;
  return Status::ok();
}

Result<bool> Backend::ingest_new(Feed feed, int block_ms) {
  auto entries = consumer(feed).read_new(static_cast<int>(kMaxHistoryBatch), block_ms);
  if (!entries) {
    // The group was recreated (Redis lost the stream): the next turn reads again.
    if (entries.status().message().find("NOGROUP") != std::string::npos) return false;
    return entries.status();
  }
  MTG_RETURN_IF_ERROR(ingest(feed, *entries));
  return entries->size() == kMaxHistoryBatch;
}

Status Backend::ingest(Feed feed, const std::vector<StreamEntry>& entries) {
  MTG_CHECK(entries.size() <= kMaxHistoryBatch);
  if (entries.empty()) return Status::ok();
  std::vector<std::string> ids;
  for (const StreamEntry& e : entries) ids.push_back(e.stream_id);
  auto recorded = record(feed, entries, entries.back().stream_id);
  if (!recorded) return recorded.status().with_context(std::string("duckdb ") + synced_table(feed).duckdb);
  observer_.on_ingested(feed, recorded->written, recorded->usable - recorded->written,
                        static_cast<int64_t>(entries.size()) - recorded->usable);
  // Acknowledge only after the commit: a crash before this line replays the batch,
  // and the table's primary key drops what was recorded already.
  return consumer(feed).ack(ids);
}

Result<Backend::Recorded> Backend::record(Feed feed, const std::vector<StreamEntry>& entries,
                                          const std::string& through) {
  auto write = [&](const auto& records) -> Result<Recorded> {
    auto written = pipe_->writer.write(records, through);
    if (!written) return written.status();
    MTG_CHECK(*written >= 0 && *written <= static_cast<int64_t>(records.size()));
    return Recorded{static_cast<int64_t>(records.size()), *written};
  };
  if (feed == Feed::kResults) return write(decode<TradeResult>(feed, entries));
  return write(decode<TradeEvent>(feed, entries));
}

}  // namespace mtg
