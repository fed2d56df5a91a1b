#include "backend/clickhouse_sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <utility>

#include "util/check.h"

namespace mtg {
namespace {

constexpr size_t kMaxErrorBytes = 1024;

int64_t as_int(const std::optional<std::string>& cell) {
  return cell.has_value() && !cell->empty() ? std::stoll(*cell) : 0;
}

// The stored row JSON ends with '}': the send time goes in as the table's version.
std::string with_synced_at(const std::string& row_json, int64_t synced_at_ms) {
  MTG_CHECK(row_json.size() >= 2);
  MTG_CHECK(row_json.back() == '}');
  return row_json.substr(0, row_json.size() - 1) + ",\"synced_at\":" + std::to_string(synced_at_ms) + "}";
}

}  // namespace

ClickHouseSync::ClickHouseSync(DuckDatabase& db, SyncSink& sink, const Clock& clock, SyncOptions options,
                               NotifyFn notify)
    : db_(db), sink_(sink), clock_(clock), policy_(options), notify_(std::move(notify)) {}

Status ClickHouseSync::load() {
  auto state = db_.query("SELECT key, value FROM sync_state WHERE key IN ('suspended', 'suspended_by')");
  if (!state) return state.status();
  suspended_ = unreachable_ = false;
  for (const auto& row : state->rows) {
    if (row[0] == "suspended") suspended_ = row[1].value_or("0") == "1";
    if (row[0] == "suspended_by") unreachable_ = row[1].value_or("") == "unreachable";
  }
  auto open = db_.query(
      "SELECT id, first_seq, last_seq, attempts, last_attempt_at, last_error FROM failed_syncs "
      "WHERE resolved_at IS NULL ORDER BY id LIMIT 1");
  if (!open) return open.status();
  failed_ = FailedBatch{};
  if (!open->rows.empty()) {
    const auto& r = open->rows[0];
    failed_ = {true, as_int(r[0]), as_int(r[1]), as_int(r[2]), static_cast<int>(as_int(r[3])), as_int(r[4])};
    last_error_ = r[5].value_or("");
  }
  loaded_ = true;
  return Status::ok();
}

Result<int> ClickHouseSync::due() {
  const int64_t now = clock_.now_ms();
  // A failed batch goes again whole: it was never larger than the backlog's limit.
  if (failed_.open) return policy_.should_retry(failed_.last_attempt_ms, now) ? policy_.options().backlog_batch_rows : 0;
  auto pending = db_.query("SELECT count(*), min(created_at) FROM sync_outbox");
  if (!pending) return pending.status();
  const int64_t rows = as_int(pending->rows[0][0]);
  if (!policy_.should_send(rows, as_int(pending->rows[0][1]), last_send_ms_, now)) return 0;
  return policy_.batch_limit(rows);
}

Result<int64_t> ClickHouseSync::tick() {
  MTG_CHECK_MSG(loaded_, "ClickHouseSync::load() first");
  const int64_t start = clock_.steady_ms();
  int64_t synced = 0;
  for (;;) {
    auto sent = send_if_due();
    if (!sent) return sent.status();
    synced += *sent;
    // A batch that was not full (or not sent) leaves nothing waiting behind it.
    if (*sent == 0 || *sent < last_limit_ || clock_.steady_ms() - start >= kDrainBudgetMs) return synced;
  }
}

Result<int64_t> ClickHouseSync::send_if_due() {
  if (suspended_) {
    MTG_RETURN_IF_ERROR(probe());
    return int64_t{0};  // a resumed sync sends on the next tick
  }
  auto limit = due();
  if (!limit) return limit.status();
  last_limit_ = *limit;
  if (*limit == 0) return int64_t{0};
  auto batch = failed_.open ? read_batch(failed_.first_seq, failed_.last_seq, *limit) : read_batch(0, INT64_MAX, *limit);
  if (!batch) return batch.status();
  if (batch->rows == 0) {
    // A failed batch whose rows are gone (nothing left to send): close it.
    if (failed_.open) MTG_RETURN_IF_ERROR(on_success(*batch));
    return int64_t{0};
  }
  return send(*batch);
}

Result<ClickHouseSync::Batch> ClickHouseSync::read_batch(int64_t first_seq, int64_t last_seq, int limit) {
  MTG_CHECK(limit >= 1 && limit <= kMaxBatchRows);
  auto rows = db_.query_params(
      "SELECT seq, target, row_json FROM sync_outbox WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT ?",
      {first_seq, last_seq, static_cast<int64_t>(limit)});
  if (!rows) return rows.status();
  Batch batch;
  batch.first_seq = first_seq;
  batch.last_seq = last_seq;
  const int64_t now = clock_.now_ms();
  for (const auto& row : rows->rows) {
    const int64_t seq = as_int(row[0]);
    if (batch.rows == 0) batch.first_seq = seq;
    batch.last_seq = seq;
    const std::string target = row[1].value_or("");
    auto insert = std::find_if(batch.inserts.begin(), batch.inserts.end(),
                               [&](const auto& part) { return part.first == target; });
    if (insert == batch.inserts.end()) insert = batch.inserts.insert(insert, {target, ""});
    insert->second += with_synced_at(row[2].value_or("{}"), now);
    insert->second += '\n';
    ++batch.rows;
  }
  MTG_CHECK(batch.rows <= limit);
  return batch;
}

Result<int64_t> ClickHouseSync::send(const Batch& batch) {
  MTG_CHECK(batch.rows > 0);
  MTG_CHECK(batch.first_seq <= batch.last_seq);
  MTG_CHECK(!batch.inserts.empty());
  last_send_ms_ = clock_.now_ms();
  Status sent;
  for (const auto& [table, ndjson] : batch.inserts) {
    sent = sink_.insert_rows(table, ndjson);
    if (!sent.is_ok()) break;
  }
  if (!sent.is_ok()) {
    MTG_RETURN_IF_ERROR(on_failure(batch, sent));
    return int64_t{0};
  }
  MTG_RETURN_IF_ERROR(on_success(batch));
  rows_synced_ += batch.rows;
  return batch.rows;
}

Status ClickHouseSync::on_success(const Batch& batch) {
  MTG_RETURN_IF_ERROR(db_.begin());
  Status s = db_.exec_params("DELETE FROM sync_outbox WHERE seq BETWEEN ? AND ?", {batch.first_seq, batch.last_seq});
  if (s.is_ok() && failed_.open) {
    s = db_.exec_params("UPDATE failed_syncs SET resolved_at = ? WHERE id = ?", {clock_.now_ms(), failed_.id});
  }
  if (!s.is_ok()) {
    (void)db_.rollback();
    return s;
  }
  MTG_RETURN_IF_ERROR(db_.commit());
  if (failed_.open) spdlog::info("sync: failed batch {} delivered after {} attempts", failed_.id, failed_.attempts);
  failed_ = FailedBatch{};
  last_error_.clear();
  return Status::ok();
}

Status ClickHouseSync::on_failure(const Batch& batch, const Status& error) {
  const int64_t now = clock_.now_ms();
  last_error_ = error.to_string().substr(0, kMaxErrorBytes);
  if (!failed_.open) {
    auto id = db_.query_params(
        "INSERT INTO failed_syncs(first_seq, last_seq, rows, attempts, last_error, first_failed_at, "
        "last_attempt_at) VALUES (?, ?, ?, 1, ?, ?, ?) RETURNING id",
        {batch.first_seq, batch.last_seq, batch.rows, last_error_, now, now});
    if (!id) return id.status();
    failed_ = {true, as_int(id->rows.at(0)[0]), batch.first_seq, batch.last_seq, 1, now};
  } else {
    failed_.attempts += 1;
    failed_.last_attempt_ms = now;
    MTG_RETURN_IF_ERROR(db_.exec_params(
        "UPDATE failed_syncs SET attempts = ?, last_error = ?, last_attempt_at = ? WHERE id = ?",
        {static_cast<int64_t>(failed_.attempts), last_error_, now, failed_.id}));
  }
  spdlog::warn("sync: batch of {} rows failed (attempt {}): {}", batch.rows, failed_.attempts, last_error_);
  if (policy_.exhausted(failed_.attempts)) return suspend(error);
  return Status::ok();
}

Status ClickHouseSync::suspend(const Status& error) {
  const bool unreachable = error.code() == Code::kUnavailable || error.code() == Code::kTimeout;
  const int64_t after_ms = policy_.options().auto_resume_after_ms;
  notify::Notification n;
  n.ts_ms = clock_.now_ms();
  n.severity = notify::Severity::kCritical;
  n.kind = "sync_suspended";
  n.message = "ClickHouse sync suspended after " + std::to_string(failed_.attempts) +
              " failed attempts; rows stay in the outbox until " +
              (unreachable && after_ms > 0 ? "ClickHouse has answered for " + std::to_string(after_ms / 1000) +
                                                 " s, or `mtguard sync resume`: "
                                           : "`mtguard sync resume`: ") +
              last_error_;
  MTG_RETURN_IF_ERROR(db_.begin());
  Status s = db_.exec_params(
      "INSERT OR REPLACE INTO sync_state(key, value) VALUES ('suspended', '1'), ('suspended_by', ?)",
      {std::string(unreachable ? "unreachable" : "refused")});
  if (s.is_ok()) {
    s = db_.exec_params(
        "INSERT INTO notifications(ts, severity, instance, kind, message) VALUES (?, ?, '', ?, ?)",
        {n.ts_ms, std::string(notify::severity_name(n.severity)), n.kind, n.message});
  }
  if (!s.is_ok()) {
    (void)db_.rollback();
    return s;
  }
  MTG_RETURN_IF_ERROR(db_.commit());
  suspended_ = true;
  unreachable_ = unreachable;
  last_probe_ms_ = n.ts_ms;  // the first probe waits one interval
  answering_since_ms_ = -1;
  if (notify_) notify_(n);
  return Status::ok();
}

Status ClickHouseSync::probe() {
  MTG_CHECK(suspended_);
  if (!resumes_itself()) return Status::ok();
  const int64_t after_ms = policy_.options().auto_resume_after_ms;
  const int64_t now = clock_.now_ms();
  if (now - last_probe_ms_ < std::min(kProbeIntervalMs, after_ms)) return Status::ok();
  last_probe_ms_ = now;
  if (!sink_.ping().is_ok()) {
    answering_since_ms_ = -1;
    return Status::ok();
  }
  if (answering_since_ms_ < 0) answering_since_ms_ = now;
  if (now - answering_since_ms_ < after_ms) return Status::ok();
  MTG_RETURN_IF_ERROR(resume());
  notify::Notification n;
  n.ts_ms = now;
  n.severity = notify::Severity::kInfo;
  n.kind = "sync_resumed";
  n.message = "ClickHouse sync resumed by itself: ClickHouse has answered for " + std::to_string(after_ms / 1000) +
              " s; the outbox drains now";
  if (notify_) notify_(n);
  return Status::ok();
}

Status ClickHouseSync::resume() {
  MTG_RETURN_IF_ERROR(db_.begin());
  Status s = db_.exec("INSERT OR REPLACE INTO sync_state(key, value) VALUES ('suspended', '0')");
  if (s.is_ok()) s = db_.exec("UPDATE failed_syncs SET attempts = 0 WHERE resolved_at IS NULL");
  if (!s.is_ok()) {
    (void)db_.rollback();
    return s;
  }
  MTG_RETURN_IF_ERROR(db_.commit());
  suspended_ = false;
  failed_.attempts = 0;
  failed_.last_attempt_ms = clock_.now_ms() - policy_.options().retry_interval_ms;  // retry at once
  spdlog::info("sync: resumed");
  return Status::ok();
}

Result<SyncStatus> ClickHouseSync::status() {
  auto outbox = db_.query("SELECT count(*), min(created_at) FROM sync_outbox");
  if (!outbox) return outbox.status();
  auto failed = db_.query("SELECT count(*) FROM failed_syncs WHERE resolved_at IS NULL");
  if (!failed) return failed.status();
  SyncStatus s;
  s.ts_ms = clock_.now_ms();
  s.lag_rows = as_int(outbox->rows[0][0]);
  s.oldest_unsent_age_ms = s.lag_rows > 0 ? s.ts_ms - as_int(outbox->rows[0][1]) : 0;
  s.suspended = suspended_;
  s.resumes_itself = resumes_itself();
  s.attempts = failed_.attempts;
  s.failed_batches = as_int(failed->rows[0][0]);
  s.last_error = last_error_;
  s.rows_synced = rows_synced_;
  return s;
}

}  // namespace mtg
