#include "backend/duckdb_swap.h"

#include <filesystem>
#include <system_error>

#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/duckdb_migrations.h"
#include "util/file_system.h"

namespace mtg {
namespace {

namespace fs = std::filesystem;

// Renames `from` (+ .wal when present) to `to`, durably.
Status move_with_wal(const std::string& from, const std::string& to) {
  MTG_RETURN_IF_ERROR(rename_durably(from, to));
  std::error_code ec;
  if (!fs::exists(from + ".wal", ec)) return Status::ok();
  return rename_durably(from + ".wal", to + ".wal");
}

// Renames durably, or copies then removes when `from` is on another file system.
Status move_file(const std::string& from, const std::string& to) {
  const Status renamed = rename_durably(from, to);
  if (renamed.code() != Code::kFailedPrecondition) return renamed;  // not across file systems
  std::error_code ec;
  fs::copy_file(from, to, ec);
  if (!ec) fs::remove(from, ec);
  if (ec) return Status::io("move " + from + " to " + to + ": " + ec.message());
  return Status::ok();
}

}  // namespace

Status check_duckdb_candidate(const std::string& src_path) {
  std::error_code ec;
  if (!fs::is_regular_file(src_path, ec)) return Status::not_found(src_path + " is not a file");
  auto db = DuckDatabase::open(src_path);
  if (!db) return db.status();
  MTG_RETURN_IF_ERROR(migrate_duckdb(**db));
  return (*db)->query("SELECT count(*) FROM trade_history").status();
}

Result<std::string> swap_duckdb_file(const std::string& live_path, const std::string& src_path, int64_t now_ms) {
  std::error_code ec;
  const std::string aside = live_path + ".before-restore-" + std::to_string(now_ms);
  const bool had_live = fs::exists(live_path, ec);
  if (had_live) MTG_RETURN_IF_ERROR(move_with_wal(live_path, aside));
  Status moved = move_file(src_path, live_path);
  if (moved.is_ok() && fs::exists(src_path + ".wal", ec)) moved = move_file(src_path + ".wal", live_path + ".wal");
  if (!moved.is_ok()) {
    if (had_live) (void)undo_duckdb_swap(live_path, aside, now_ms);
    return moved;
  }
  return had_live ? aside : std::string();
}

Status undo_duckdb_swap(const std::string& live_path, const std::string& moved_aside, int64_t now_ms) {
  std::error_code ec;
  if (fs::exists(live_path, ec)) {
    MTG_RETURN_IF_ERROR(move_with_wal(live_path, live_path + ".failed-restore-" + std::to_string(now_ms)));
  }
  if (moved_aside.empty()) return Status::ok();
  return move_with_wal(moved_aside, live_path);
}

}  // namespace mtg
