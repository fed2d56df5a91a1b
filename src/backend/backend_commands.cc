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
#include "backend/duckdb_swap.h"
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
    case BackendVerb::kSnapshot:
      reply(command.request_id, take_snapshot(command));
      return Status::ok();
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

// Writes are held for the moment it takes: this loop is their only writer, and it
// runs nothing else until the copy is done (backup-format.md, "Backend commands").
std::string Backend::take_snapshot(const BackendCommand& command) {
  const int64_t start_ms = clock_.steady_ms();
  Status s = pipe_->db->exec("CHECKPOINT");
  if (s.is_ok()) s = pipe_->db->copy_checkpointed_file_to(command.path);
  const int64_t pause_ms = clock_.steady_ms() - start_ms;
  if (!s.is_ok()) {
    spdlog::error("backend: snapshot {} failed: {}", command.request_id, s.to_string());
    return error_reply(s.to_string());
  }
  std::error_code ec;
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(command.path, ec));
  spdlog::info("backend: snapshot {} to {} ({} bytes): writes held {} ms", command.request_id, command.path, bytes,
               pause_ms);
  return dump({{"ok", true}, {"bytes", ec ? -1 : bytes}, {"pause_ms", pause_ms}});
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
  begin_refill();
  // The operator waits for the whole refill (the loop is held up by this command anyway);
  // a failed step is left to the loop's retries and reported.
  int64_t filled = -1;
  int64_t replayed_results = 0;
  int64_t replayed_events = 0;
  std::string refill_error;
  while (refill_pending_ && refill_error.empty()) {
    const RefillStep step = try_refill();
    if (step.filled >= 0) filled = std::max<int64_t>(filled, 0) + step.filled;
    replayed_results += step.replayed_results;
    replayed_events += step.replayed_events;
    refill_error = step.errors;
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  json answer = {{"ok", true},
                 {"bytes", ec ? -1 : static_cast<int64_t>(bytes)},
                 {"moved_aside", *aside},
                 {"filled_from_clickhouse", filled},
                 {"replayed_rtrs", replayed_results},
                 {"replayed_events", replayed_events}};
  if (!refill_error.empty()) answer["warning"] = refill_error;
  spdlog::warn("backend: restored DuckDB from {} (old file at {}); {}", command.path, *aside, dump(answer));
  reply(command.request_id, dump(answer));
  return Status::ok();
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
