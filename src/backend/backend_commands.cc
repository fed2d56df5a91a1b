// The backend's operator and backup commands (backend_command.h): resume, snapshot,
// restore-duckdb, reconcile-redis. A refused or failed command is answered with
// ok=false and never stops the backend; only losing the database itself does.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "backend/backend.h"
#include "backend/dedup_reconciler.h"
#include "backend/duckdb_recovery.h"
#include "backend/duckdb_swap.h"
#include "order/order_state.h"
#include "store/duckdb/duckdb_migrations.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr int kMaxCommandsPerTick = 16;

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Status Backend::run_commands() {
  for (int i = 0; i < kMaxCommandsPerTick; ++i) {
    auto line = redis_.command({"LPOP", keys_.commands()});
    if (!line || line->is_nil()) return Status::ok();
    auto command = parse_backend_command(line->str);
    if (!command) {
      spdlog::warn("backend: bad operator command '{}': {}", line->str.substr(0, 128), command.status().message());
      if (auto id = command_request_id(line->str)) reply(*id, error_reply(command.status().message()));
      continue;
    }
    if (runs_only_while_awaited(command->verb) && !take(*command)) continue;
    MTG_RETURN_IF_ERROR(run_command(*command));
  }
  return Status::ok();
}

Status Backend::run_command(const BackendCommand& command) {
  switch (command.verb) {
    case BackendVerb::kResume:
      return pipe_->sync.resume();
    case BackendVerb::kSnapshot: {
      spdlog::info("backend: snapshot {} to {}", command.request_id, command.path);
      Status started = snapshots_.start(*pipe_->db, command.request_id, command.path);
      if (!started.is_ok()) reply(command.request_id, error_reply(started.to_string()));
      return Status::ok();
    }
    case BackendVerb::kRestoreDuckdb:
      return restore_duckdb(command);
    case BackendVerb::kReconcileRedis:
      reply(command.request_id, reconcile_redis());
      return Status::ok();
  }
  MTG_CHECK_MSG(false, "unhandled backend command");
}

// A requester that gave up while Redis was down could not withdraw its command; it
// stopped renewing the lease, so the command is dropped here instead of running late.
bool Backend::take(const BackendCommand& command) {
  auto taken = redis_.command({"SET", keys_.lease(command.request_id), "taken", "XX", "KEEPTTL"});
  if (taken && !taken->is_nil()) return true;
  const std::string why = taken ? "its requester stopped waiting" : taken.status().to_string();
  spdlog::warn("backend: dropped request {} ({}): {}", command.request_id, command.path, why);
  reply(command.request_id, error_reply("dropped: " + why));
  return false;
}

// Best effort: the requester times out when Redis is down.
void Backend::reply(const std::string& request_id, const std::string& json_text) {
  auto set = redis_.command({"SET", keys_.reply(request_id), json_text, "PX", std::to_string(BackendKeys::kReplyTtlMs)});
  if (!set) spdlog::error("backend: reply to {}: {}", request_id, set.status().to_string());
}

void Backend::reply_finished_snapshot() { reply_snapshot(snapshots_.poll()); }

void Backend::reply_snapshot(const std::optional<SnapshotWorker::Done>& done) {
  if (!done) return;
  if (!done->bytes) {
    spdlog::error("backend: snapshot {} failed: {}", done->request_id, done->bytes.status().to_string());
    reply(done->request_id, error_reply(done->bytes.status().to_string()));
    return;
  }
  spdlog::info("backend: snapshot {} done ({} bytes)", done->request_id, *done->bytes);
  reply(done->request_id, dump({{"ok", true}, {"bytes", *done->bytes}}));
}

// The candidate is checked while the live database stays in use; then every
// connection closes, the files swap, the restored one opens, and what it lacks is
// filled in. A failure after the swap puts the old file back.
Status Backend::restore_duckdb(const BackendCommand& command) {
  spdlog::warn("backend: restore-duckdb {} from {}", command.request_id, command.path);
  if (Status ok = check_duckdb_candidate(command.path); !ok.is_ok()) {
    reply(command.request_id, error_reply("not restored: " + command.path + ": " + ok.to_string()));
    return Status::ok();
  }
  const std::string& path = config_.duckdb.path;
  reply_snapshot(snapshots_.wait());  // a running snapshot finishes first
  pipe_.reset();  // every connection to the live file closes here
  const int64_t now_ms = clock_.now_ms();
  auto aside = swap_duckdb_file(path, command.path, now_ms);
  auto db = aside ? DuckDatabase::open(path) : Result<std::unique_ptr<DuckDatabase>>(aside.status());
  Status opened = db ? migrate_duckdb(**db) : db.status();
  if (!opened.is_ok()) {
    if (db) db->reset();
    if (aside) MTG_RETURN_IF_ERROR(undo_duckdb_swap(path, *aside, now_ms));
    reply(command.request_id, error_reply("not restored: " + opened.to_string()));
    auto old = DuckDatabase::open(path);
    if (!old) return old.status().with_context("reopen DuckDB after a failed restore");
    pipe_ = make_pipeline(std::move(*old));
    return pipe_->sync.load();
  }
  pipe_ = make_pipeline(std::move(*db));
  MTG_RETURN_IF_ERROR(pipe_->sync.load());
  MTG_RETURN_IF_ERROR(mark_refill_pending(*pipe_->db));
  refill_pending_ = true;
  // The operator waits for the whole refill (the loop is held up by this command anyway);
  // a failed step is left to the loop's retries and reported.
  int64_t filled = -1;
  int64_t replayed = 0;
  std::string refill_error;
  while (refill_pending_ && refill_error.empty()) {
    const RefillStep step = try_refill();
    if (step.filled >= 0) filled = std::max<int64_t>(filled, 0) + step.filled;
    replayed += std::max<int64_t>(step.replayed, 0);
    refill_error = step.errors;
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  json answer = {{"ok", true},
                 {"bytes", ec ? -1 : static_cast<int64_t>(bytes)},
                 {"moved_aside", *aside},
                 {"filled_from_clickhouse", filled},
                 {"replayed_rtrs", replayed}};
  if (!refill_error.empty()) answer["warning"] = refill_error;
  spdlog::warn("backend: restored DuckDB from {} (old file at {}); {}", command.path, *aside, dump(answer));
  reply(command.request_id, dump(answer));
  return Status::ok();
}

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

std::string Backend::reconcile_redis() {
  auto dedup = reassert_dedup_keys(redis_, *pipe_->db, config_.redis.prefix, config_.engine.dedup_window_s,
                                   clock_.now_ms());
  if (!dedup) return error_reply("dedup keys: " + dedup.status().to_string());
  auto orders = pipe_->mirror.rebuild_rts();
  if (!orders) return error_reply("open orders: " + orders.status().to_string());
  spdlog::warn("backend: reconcile-redis: {} dedup keys and {} open orders re-asserted", *dedup, *orders);
  return dump({{"ok", true}, {"dedup", *dedup}, {"orders", *orders}});
}

}  // namespace mtg
