// The refill of a DuckDB database restored from a snapshot or new (refill-pending): in
// steps between which the loop ingests, for each feed (results, trade events) the
// ClickHouse gap after its newest rows, then the stream entries it lacks; then
// trade_state settled. Its progress is recorded in the file.
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
  const int64_t started_ms = clock_.steady_ms();
  bool done = true;
  for (Feed feed : kFeeds) done = refill_feed(feed, since, progress->of(feed), started_ms, step) && done;
  if (done && step.errors.empty()) {
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

bool Backend::refill_feed(Feed feed, const Result<std::optional<int64_t>>& since, const FeedRefill& progress,
                          int64_t started_ms, RefillStep& step) {
  const SyncedTable& table = synced_table(feed);
  bool clickhouse_filled = progress.clickhouse_filled;
  if (!clickhouse_filled) {
    auto page = since ? fill_page_from_clickhouse(*pipe_->db, clickhouse_, config_, table, **since,
                                                  progress.clickhouse_filled_through,
                                                  config_.backend.refill_step_entries, clock_)
                      : Result<GapPage>(since.status());
    Status recorded = page.status();
    if (page) {
      recorded = page->reached_end ? record_clickhouse_filled(*pipe_->db, feed)
                                   : record_clickhouse_filled_through(*pipe_->db, feed, page->through);
    }
    if (recorded.is_ok()) {
      step.filled = std::max<int64_t>(step.filled, 0) + page->inserted;
      clickhouse_filled = page->reached_end;
    } else {
      step.errors += std::string("gap fill of ") + table.duckdb + " from ClickHouse failed: " + recorded.to_string() +
                     "; ";
    }
  }
  // The file may lack what the group had delivered when the refill began; what comes
  // later the loop records as usual, so the replay stops there.
  std::string until = progress.replay_until;
  if (until.empty()) {
    auto group = consumer(feed).group_info();
    const Status recorded =
        group ? record_replay_until(*pipe_->db, feed, group->last_delivered_id) : group.status();
    if (recorded.is_ok()) {
      until = group->last_delivered_id;
    } else {
      step.errors += std::string(feed_name(feed)) + " stream group: " + recorded.to_string() + "; ";
    }
  }
  bool reached_end = false;
  if (!until.empty()) {
    auto replay = replay_stream(feed, progress.replayed_through, until, started_ms);
    if (replay) {
      (feed == Feed::kResults ? step.replayed_results : step.replayed_events) += replay->recorded;
      step.read += replay->read;
      reached_end = replay->reached_end;
    } else {
      step.errors += std::string(feed_name(feed)) + " replay failed: " + replay.status().to_string() + "; ";
    }
  }
  return clickhouse_filled && reached_end;
}

void Backend::begin_refill() {
  refill_pending_ = true;
  refill_count_ = RefillCount{};
}

Backend::RefillStep Backend::try_refill() {
  MTG_CHECK(refill_pending_);
  if (refill_count_.to_replay < 0) {  // what the replays have ahead of them, once Redis can tell
    int64_t held = 0;
    for (Feed feed : kFeeds) {
      auto count = consumer(feed).delivered_held();
      held = count && held >= 0 ? held + *count : -1;
    }
    refill_count_.to_replay = held;
  }
  publish();  // from start() and restore-duckdb too, which run steps before the loop publishes
  RefillStep step = refill_step();
  refill_count_.replayed += step.read;
  refill_count_.filled += std::max<int64_t>(step.filled, 0);
  observer_.on_refill_step(std::max<int64_t>(step.filled, 0), step.replayed_results, step.replayed_events);
  if (step.complete) {
    const Status cleared = clear_refill_pending(*pipe_->db);
    if (!cleared.is_ok()) step.errors = "clear the refill mark: " + cleared.to_string();
  }
  const int64_t filled = std::max<int64_t>(step.filled, 0);
  const bool done = step.complete && step.errors.empty();
  if (done) {
    refill_pending_ = false;
    spdlog::warn("backend: DuckDB refilled: {} rows from ClickHouse, {} results and {} events from Redis in the "
                 "last step ({} entries read)",
                 filled, step.replayed_results, step.replayed_events, step.read);
    return step;
  }
  spdlog::info("backend: DuckDB refill under way: {} rows from ClickHouse, {} results and {} events from Redis "
               "this step ({} entries read)",
               filled, step.replayed_results, step.replayed_events, step.read);
  if (step.errors.empty()) {
    next_refill_ms_ = clock_.steady_ms();  // the next step once the loop ingested
  } else {
    next_refill_ms_ = clock_.steady_ms() + kRefillRetryMs;
    spdlog::warn("backend: the DuckDB refill will be tried again in {} ms", kRefillRetryMs);
  }
  return step;
}

// Replayed twice (a step cut off before it recorded its position), a batch is
// harmless: the table's primary key drops what was recorded already.
Result<Backend::Replay> Backend::replay_stream(Feed feed, std::string after, const std::string& until,
                                               int64_t started_ms) {
  Replay replay;
  while (replay.read < config_.backend.refill_step_entries) {
    const int batch = static_cast<int>(
        std::min<int64_t>(kMaxHistoryBatch, config_.backend.refill_step_entries - replay.read));
    auto entries = consumer(feed).range_after(batch, after, until);
    if (!entries) return entries.status();
    if (entries->empty()) {
      replay.reached_end = true;
      break;
    }
    auto recorded = record(feed, *entries, "");  // not in order with ingest: recorded below
    if (!recorded) return recorded.status();
    replay.recorded += recorded->written;
    replay.read += static_cast<int64_t>(entries->size());
    after = entries->back().stream_id;
    MTG_RETURN_IF_ERROR(record_replayed_through(*pipe_->db, feed, after));
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
