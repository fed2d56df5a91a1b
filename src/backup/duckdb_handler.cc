#include "backup/duckdb_handler.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "backend_channel/backend_channel.h"
#include "backup/duckdb_snapshot.h"
#include "backup/lz4_frame.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/refill_mark.h"
#include "store/redis/redis_client.h"
#include "util/check.h"
#include "util/clock.h"

namespace mtg::backup {

namespace fs = std::filesystem;

namespace {

// The raw snapshot goes beside the DuckDB file, on its file system, never into the
// backup directory: a backup directory that fills up or turns read-only then fails only
// our own compressed write. A DuckDB copy that failed there had to be rolled back, and
// DuckDB 1.4.4 could not roll it back ("Attempted to dereference shared_ptr that is
// NULL"): it invalidated the backend's database (bug 24 of the chaos campaign).
std::string raw_snapshot_path(const Config& config) {
  return fs::absolute(config.duckdb.path + ".backup-raw").string();
}

// The backend's channel, or null when it is not running. A Redis that cannot be
// reached means no backend can be asked: the file is opened directly. The backend lets
// go of the file while Redis stays away (backend_service.h), so that works then too:
// DuckDB's own lock refuses the file while a backend still holds it, which is waited
// out for a while (open_when_let_go).
std::unique_ptr<RedisClient> running_backend(const Config& config) {
  auto redis = RedisClient::connect(config.redis);
  if (!redis) return nullptr;
  BackendChannel channel(**redis, config.redis.prefix);
  auto running = channel.backend_running();
  if (!running || !*running) return nullptr;
  return std::move(redis).value();
}

void waiting_progress(const ProgressFn& progress, const std::string& what, int64_t elapsed_ms) {
  if (progress) progress("waiting for the " + what, elapsed_ms / 1000, -1);
}

// What a requester waits for, in its progress: "backend to snapshot".
std::string backend_to(BackendVerb verb) { return std::string("backend to ") + verb_name(verb); }

// How long a direct backup waits for the DuckDB file's lock. A backend that lost Redis
// lets go of the file within a few seconds (after a snapshot it had begun), and no
// heartbeat can say so meanwhile.
constexpr int64_t kFileLockWaitMs = 15'000;
constexpr int kFileLockPollMs = 250;

// Opens the DuckDB file read-only, waiting up to kFileLockWaitMs while another process
// holds it. A file deleted meanwhile (a backend that lost it) is not created again:
// the backend must find it missing and restore it.
Result<std::unique_ptr<DuckDatabase>> open_when_let_go(const std::string& path, const ProgressFn& progress) {
  const Clock& clock = SystemClock::instance();
  const int64_t start = clock.steady_ms();
  for (;;) {
    auto db = DuckDatabase::open_read_only(path);  // never creates the file the backend owns
    const int64_t waited = clock.steady_ms() - start;
    if (db || db.status().code() != Code::kUnavailable || waited >= kFileLockWaitMs) return db;
    waiting_progress(progress, "DuckDB file's lock", waited);
    std::this_thread::sleep_for(std::chrono::milliseconds(kFileLockPollMs));
  }
}

}  // namespace

// The file's lock is waited for up to kFileLockWaitMs while another process holds it,
// and the backend is asked again on every turn: a backend whose loop was held up past
// its heartbeat's TTL still holds the file, and answers once its loop turns again. A
// file deleted meanwhile (a backend that lost it) is not created again: the backend
// must find it missing and restore it.
Result<std::string> DuckdbHandler::snapshot(const std::string& raw_path) {
  const Config& config = *env_.config;
  const Clock& clock = SystemClock::instance();  // the lock's wait is real time, whatever env_.clock is
  const int64_t start = clock.steady_ms();
  for (;;) {
    if (auto redis = running_backend(config)) {
      BackendChannel channel(*redis, config.redis.prefix, *env_.clock);
      Status asked = channel.request(
          BackendVerb::kSnapshot, raw_path, env_.backend_timeout_ms, BackendChannel::Wait::kReplyOrDeath,
          [this](int64_t ms) { waiting_progress(env_.progress, backend_to(BackendVerb::kSnapshot), ms); });
      if (asked.is_ok()) {
        if (!fs::exists(raw_path)) {
          return Status::internal("the backend reported a snapshot but " + raw_path + " is missing");
        }
        return std::string("backend");
      }
      // A backend that died meanwhile (or a Redis that did) leaves the file to us, as
      // below; anything else is an error.
      if (asked.code() != Code::kUnavailable) return asked;
    }
    auto db = DuckDatabase::open_read_only(config.duckdb.path);  // never creates the file the backend owns
    if (db) {
      remove_duckdb_files(raw_path);  // a snapshot a backend that let go of the file had begun
      // Our read-only open excludes every writer: the file is a snapshot unless its WAL
      // holds changes (a backend killed before its checkpoint), which only a copy through
      // DuckDB (replaying the WAL) takes in.
      Status copied = (*db)->copy_checkpointed_file_to(raw_path);
      if (copied.code() == Code::kFailedPrecondition) {
        spdlog::info("backup duckdb: {}; copying through DuckDB instead", copied.message());
        copied = (*db)->snapshot_to(raw_path);
      }
      MTG_RETURN_IF_ERROR(copied);
      return std::string("direct");
    }
    if (db.status().code() == Code::kNotFound) return Status::not_found("no DuckDB file at " + config.duckdb.path);
    const int64_t waited = clock.steady_ms() - start;
    if (db.status().code() != Code::kUnavailable || waited >= kFileLockWaitMs) {
      return db.status().with_context("open the DuckDB file (no backend heartbeat)");
    }
    waiting_progress(env_.progress, "DuckDB file's lock", waited);
    std::this_thread::sleep_for(std::chrono::milliseconds(kFileLockPollMs));
  }
}

// Counts the raw snapshot's rows and compresses it into the backup's directory.
Result<TableCounts> DuckdbHandler::compress_raw(const std::string& raw_path, const std::string& dir,
                                                Manifest& manifest) {
  auto counts = count_duckdb_rows(raw_path);
  if (!counts) return counts.status().with_context("count the snapshot's rows");
  std::error_code ec;
  manifest.raw_bytes = static_cast<int64_t>(fs::file_size(raw_path, ec));
  auto compressed = lz4_compress_file(raw_path, dir + "/" + kDuckdbPayload, env_.progress);
  if (!compressed) return compressed.status();
  return counts;
}

Status DuckdbHandler::take(const std::string& dir, Manifest& manifest) {
  const std::string raw_path = raw_snapshot_path(*env_.config);
  remove_duckdb_files(raw_path);  // left by a backup that died (one runs at a time: the kind's lock)
  const int64_t start_ms = env_.clock->steady_ms();
  auto how = snapshot(raw_path);
  const int64_t snapshot_ms = env_.clock->steady_ms() - start_ms;
  auto counts = how ? compress_raw(raw_path, dir, manifest) : Result<TableCounts>(how.status());
  remove_duckdb_files(raw_path);
  if (!counts) return counts.status();
  MTG_RETURN_IF_ERROR(add_manifest_file(manifest, dir, kDuckdbPayload));
  manifest.source = {{"path", env_.config->duckdb.path}, {"taken_by", *how}};
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [table, rows] : *counts) tables[table] = rows;
  manifest.facts = {{"tables", tables}, {"compression", "lz4-frame"}, {"snapshot_ms", snapshot_ms}};
  return Status::ok();
}

Result<std::string> DuckdbHandler::drill(const BackupEntry& entry, const std::string& scratch) {
  MTG_CHECK(entry.manifest.has_value());
  auto checked = materialize_duckdb_snapshot(entry, scratch + "/drill.duckdb", env_.progress);
  if (!checked) return checked.status();
  return "duckdb: decompressed, opened, " + *checked;
}

Status DuckdbHandler::swap_file(const std::string& restored_path) {
  const std::string& live = env_.config->duckdb.path;
  const int64_t now_ms = env_.clock->now_ms();
  auto aside = move_aside(live, "pre-restore", now_ms);
  if (!aside) return aside.status();
  auto wal_aside = move_aside(live + ".wal", "pre-restore", now_ms);
  if (!wal_aside) return wal_aside.status();
  return rename_durably(restored_path, live);
}

// No backend holds the file (stopped, killed, or waiting for Redis): the swap is ours.
// The live file stays open read-only meanwhile, so that a backend starting now waits
// for DuckDB's lock instead of opening a file about to move; a file still locked after
// kFileLockWaitMs is another process's, and nothing is swapped. A backend refills the
// restored file from ClickHouse and RTRS when it opens it, as after its own restore.
Status DuckdbHandler::restore_directly(const std::string& restored_path) {
  const std::string& live = env_.config->duckdb.path;
  std::unique_ptr<DuckDatabase> held;
  if (fs::exists(live)) {
    auto db = open_when_let_go(live, env_.progress);
    if (db) {
      held = std::move(db).value();
    } else if (db.status().code() == Code::kUnavailable) {
      return db.status().with_context("another process holds the DuckDB file " + live);
    } else {
      spdlog::warn("restore duckdb: the live file does not open ({}); it is moved aside", db.status().to_string());
    }
  }
  MTG_RETURN_IF_ERROR(mark_file_refill_pending(restored_path));
  return swap_file(restored_path);
}

Status DuckdbHandler::restore(const BackupEntry& entry, const std::string& /*scratch*/) {
  MTG_CHECK(entry.manifest.has_value());
  const Config& config = *env_.config;
  std::error_code ec;
  fs::create_directories(fs::path(config.duckdb.path).parent_path(), ec);
  const std::string restored = config.duckdb.path + ".restore-" + entry.id;
  fs::remove(restored, ec);
  auto checked = materialize_duckdb_snapshot(entry, restored, env_.progress);
  if (!checked) return checked.status();
  Status s = Status::unavailable("no backend runs");
  if (auto redis = running_backend(config)) {
    BackendChannel channel(*redis, config.redis.prefix, *env_.clock);
    // The swap is quick; the refill after it is what the operator waits for, and the
    // backend's heartbeat counts it.
    std::optional<std::pair<RefillCount, int64_t>> first_count;  // and when it was seen
    s = channel.request(BackendVerb::kRestoreDuckdb, fs::absolute(restored).string(), env_.backend_timeout_ms,
                        BackendChannel::Wait::kReply, [&](int64_t ms) {
                          if (!env_.progress) return;
                          std::string what = backend_to(BackendVerb::kRestoreDuckdb);
                          if (auto beat = channel.heartbeat(); beat && beat->refill) {
                            if (!first_count) first_count.emplace(*beat->refill, ms);
                            what += " (refill: " + beat->refill->describe(first_count->first, ms - first_count->second) + ")";
                          }
                          waiting_progress(env_.progress, what, ms);
                        });
  }
  // A backend that is gone (or never ran) leaves the swap to us; one that still runs
  // (Redis lost its request, say) keeps its file and the error stands.
  if (s.code() == Code::kUnavailable && running_backend(config) == nullptr) {
    spdlog::info("restore duckdb: no live backend ({}): swapping the file directly", s.message());
    s = restore_directly(restored);
  }
  fs::remove(restored, ec);  // gone after a successful swap; left over after a failure
  return s;
}

}  // namespace mtg::backup
