// The refill of a DuckDB database restored from a snapshot or new (refill-pending): in
// steps between which the loop ingests, the ClickHouse gap after its newest rows, then the
// RTRS entries it lacks, then trade_state settled; its progress is recorded in the file.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "backend/backend.h"
#include "backend/duckdb_recovery.h"
#include "order/order_state.h"
#include "util/check.h"

namespace mtg {

Backend::RefillStep Backend::refill_step() {
  RefillStep step;
  auto since = pending_refill_since(*pipe_->db);
  MTG_CHECK_MSG(!since || since->has_value(), "a refill runs only while it is marked pending");
  auto progress = refill_progress(*pipe_->db);
  if (!progress) {
    step.errors = "refill progress: " + progress.status().to_string();
    return step;
  }
  bool clickhouse_filled = progress->clickhouse_filled;
  if (!clickhouse_filled) {
    auto page = since ? fill_history_page_from_clickhouse(*pipe_->db, clickhouse_, config_, **since,
                                                          progress->clickhouse_filled_through,
                                                          config_.backend.refill_step_entries, clock_)
                      : Result<GapPage>(since.status());
    Status recorded = page.status();
    if (page) {
      recorded = page->reached_end ? record_clickhouse_filled(*pipe_->db)
                                   : record_clickhouse_filled_through(*pipe_->db, page->through);
    }
    if (recorded.is_ok()) {
      step.filled = page->inserted;
      clickhouse_filled = page->reached_end;
    } else {
      step.errors += "gap fill from ClickHouse failed: " + recorded.to_string() + "; ";
    }
  }
  // The file may lack what the group had delivered when the refill began; what comes
  // later the loop records as usual, so the replay stops there.
  std::string until = progress->rtrs_replay_until;
  if (until.empty()) {
    auto group = consumer_.group_info();
    const Status recorded = group ? record_rtrs_replay_until(*pipe_->db, group->last_delivered_id) : group.status();
    if (recorded.is_ok()) {
      until = group->last_delivered_id;
    } else {
      step.errors += "RTRS group: " + recorded.to_string() + "; ";
    }
  }
  bool reached_end = false;
  if (!until.empty()) {
    auto from_rtrs = replay_rtrs(progress->rtrs_replayed_through, until);
    if (from_rtrs) {
      step.replayed = from_rtrs->recorded;
      step.read = from_rtrs->read;
      reached_end = from_rtrs->reached_end;
    } else {
      step.errors += "RTRS replay failed: " + from_rtrs.status().to_string() + "; ";
    }
  }
  if (clickhouse_filled && reached_end && step.errors.empty()) {
    // Orders that finished after the snapshot was taken are final in trade_history.
    Status settled = pipe_->db->exec(
        "UPDATE trade_state SET state = h.status FROM trade_history h WHERE h.uuid = trade_state.uuid AND h.status IN " +
        final_states_sql_list() + " AND trade_state.state NOT IN " + settled_states_sql_list());
    if (settled.is_ok()) {
      step.complete = true;
    } else {
      step.errors += "settle trade_state: " + settled.to_string();
    }
  }
  if (!step.errors.empty()) spdlog::error("backend: refilling the restored DuckDB: {}", step.errors);
  return step;
}

Backend::RefillStep Backend::try_refill() {
  MTG_CHECK(refill_pending_);
  publish();  // from start() and restore-duckdb too, which run steps before the loop publishes
  RefillStep step = refill_step();
  observer_.on_refill_step(std::max<int64_t>(step.filled, 0), std::max<int64_t>(step.replayed, 0));
  if (step.complete) {
    const Status cleared = clear_refill_pending(*pipe_->db);
    if (!cleared.is_ok()) step.errors = "clear the refill mark: " + cleared.to_string();
  }
  if (!step.errors.empty()) {
    next_refill_ms_ = clock_.steady_ms() + kRefillRetryMs;
    spdlog::warn("backend: the DuckDB refill will be tried again in {} ms", kRefillRetryMs);
  } else if (!step.complete) {
    next_refill_ms_ = clock_.steady_ms();  // the next step once the loop ingested
    spdlog::info("backend: DuckDB refill under way: {} rows from ClickHouse, {} results from RTRS this step ({} "
                 "entries read)",
                 std::max<int64_t>(step.filled, 0), step.replayed, step.read);
  } else {
    refill_pending_ = false;
    spdlog::warn("backend: DuckDB refilled: {} rows from ClickHouse, {} results from RTRS in the last step ({} "
                 "entries read)",
                 std::max<int64_t>(step.filled, 0), step.replayed, step.read);
  }
  return step;
}

// Replayed twice (a step cut off before it recorded its position), a batch is
// harmless: trade_history's primary key drops what was recorded already.
Result<Backend::Replay> Backend::replay_rtrs(std::string after, const std::string& until) {
  Replay replay;
  const int64_t started_ms = clock_.steady_ms();
  while (replay.read < config_.backend.refill_step_entries) {
    const int batch = static_cast<int>(
        std::min<int64_t>(kMaxHistoryBatch, config_.backend.refill_step_entries - replay.read));
    auto entries = consumer_.range_after(batch, after, until);
    if (!entries) return entries.status();
    if (entries->empty()) {
      replay.reached_end = true;
      break;
    }
    std::vector<TradeResult> results;
    for (const RtrsEntry& e : *entries) {
      if (e.result) results.push_back(*e.result);
    }
    auto written = pipe_->writer.write(results, "");  // not in order with ingest: recorded below
    if (!written) return written.status();
    replay.recorded += *written;
    replay.read += static_cast<int64_t>(entries->size());
    after = entries->back().stream_id;
    MTG_RETURN_IF_ERROR(record_rtrs_replayed_through(*pipe_->db, after));
    if (static_cast<int>(entries->size()) < batch) {
      replay.reached_end = true;
      break;
    }
    if (clock_.steady_ms() - started_ms >= kRefillStepMaxMs) break;
  }
  MTG_CHECK(replay.read <= config_.backend.refill_step_entries);
  return replay;
}

}  // namespace mtg
