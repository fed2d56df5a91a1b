// The backend's ingest: RTRS entries into DuckDB trade_history, acknowledged only after
// the commit.
#include <spdlog/spdlog.h>

#include "backend/backend.h"
#include "util/check.h"

namespace mtg {

// Entries delivered before a crash and never acknowledged come first.
Status Backend::drain_pending() {
  std::string after = "0";
  for (;;) {
    auto entries = consumer_.read_pending(static_cast<int>(kMaxHistoryBatch), after);
    if (!entries) return entries.status();
    if (entries->empty()) return Status::ok();
    MTG_RETURN_IF_ERROR(ingest(*entries));
    after = entries->back().stream_id;
  }
}

Status Backend::ingest(const std::vector<RtrsEntry>& entries) {
  MTG_CHECK(entries.size() <= kMaxHistoryBatch);
  std::vector<TradeResult> results;
  std::vector<std::string> ids;
  for (const RtrsEntry& e : entries) {
    ids.push_back(e.stream_id);
    if (e.result) {
      results.push_back(*e.result);
    } else {
      spdlog::error("backend: RTRS entry {} has no usable result, skipped: {}", e.stream_id, e.error);
    }
  }
  auto written = pipe_->writer.write(results, entries.empty() ? std::string() : entries.back().stream_id);
  if (!written) return written.status().with_context("duckdb trade_history");
  MTG_CHECK(*written >= 0 && *written <= static_cast<int64_t>(results.size()));
  observer_.on_ingested(*written, static_cast<int64_t>(results.size()) - *written,
                        static_cast<int64_t>(entries.size() - results.size()));
  // Acknowledge only after the commit: a crash before this line replays the batch,
  // and trade_history's primary key drops what was logged already.
  return consumer_.ack(ids);
}

}  // namespace mtg
