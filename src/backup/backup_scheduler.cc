#include "backup/backup_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "util/check.h"
#include "util/progress.h"

namespace mtg::backup {

std::string format_bytes(int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  MTG_CHECK(unit < std::size(kUnits));
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return buf;
}

std::string format_progress(int64_t done_bytes, int64_t total_bytes, int64_t elapsed_ms) {
  MTG_CHECK(done_bytes >= 0);
  MTG_CHECK(elapsed_ms >= 0);
  if (total_bytes <= 0) return format_bytes(done_bytes);
  const int64_t done = std::min(done_bytes, total_bytes);
  return format_bytes(done) + " / " + format_bytes(total_bytes) + " " +
         percent_and_time_left(done, total_bytes, done, elapsed_ms);
}

BackupScheduler::BackupScheduler(BackupService& service, const BackupConfig& config, const Clock& clock,
                                 notify::Notifier* notifier)
    : service_(service), config_(config), clock_(clock), notifier_(notifier) {
  for (BackupKind kind : kAllKinds) {
    MTG_CHECK(interval_ms(kind) > 0);
    int64_t& last = last_ms_[static_cast<size_t>(kind)];
    last = -1;
    auto entries = service_.list(kind);
    if (entries) {
      for (const BackupEntry& e : *entries) {
        if (e.manifest) {
          last = e.manifest->created_at_ms;
          break;  // newest first
        }
      }
    }
    next_due_ms_[static_cast<size_t>(kind)] = last < 0 ? clock_.now_ms() : last + interval_ms(kind);
  }
}

int64_t BackupScheduler::interval_ms(BackupKind kind) const {
  const int64_t override_s = override_interval_s_[static_cast<size_t>(kind)];
  MTG_CHECK(override_s >= 0);
  return (override_s > 0 ? override_s : schedule_for(config_, kind).interval_s) * 1000;
}

void BackupScheduler::set_intervals(const std::map<std::string, int64_t>& interval_s) {
  for (BackupKind kind : kAllKinds) {
    const size_t i = static_cast<size_t>(kind);
    auto it = interval_s.find(kind_name(kind));
    const int64_t wanted = it == interval_s.end() ? 0 : it->second;
    if (wanted == override_interval_s_[i]) continue;
    MTG_CHECK(wanted >= 0);
    override_interval_s_[i] = wanted;
    MTG_CHECK(interval_ms(kind) > 0);
    if (last_ms_[i] >= 0) next_due_ms_[i] = last_ms_[i] + interval_ms(kind);
    spdlog::info("backupd: {} every {} s ({})", kind_name(kind), interval_ms(kind) / 1000,
                 wanted > 0 ? "preferences" : "configuration");
  }
}

void BackupScheduler::run_one(BackupKind kind) {
  auto outcome = service_.run(kind);
  if (!outcome) {
    spdlog::error("backup {} failed: {}", kind_name(kind), outcome.status().to_string());
    if (notifier_ != nullptr) {
      notifier_->notify({0, notify::Severity::kCritical, "", "backup_failed",
                         std::string("backup ") + kind_name(kind) + " failed: " + outcome.status().message()});
    }
    return;
  }
  MTG_CHECK(outcome->entry.manifest.has_value());
  const Manifest& m = *outcome->entry.manifest;
  MTG_CHECK(m.verified);
  MTG_CHECK(m.id == outcome->entry.id);
  spdlog::info("backup {}/{} ok: {} stored ({} raw), verified: {}; retention removed {} old, {} incomplete", m.kind,
               m.id, format_bytes(m.stored_bytes), format_bytes(m.raw_bytes), m.drill,
               outcome->retention.removed_ids.size(), outcome->retention.removed_incomplete.size());
}

int BackupScheduler::tick() {
  int ran = 0;
  for (BackupKind kind : kAllKinds) {
    if (stop_ != nullptr && stop_->load()) break;  // SIGTERM: stop after the backup in hand
    int64_t& due = next_due_ms_[static_cast<size_t>(kind)];
    const int64_t started_ms = clock_.now_ms();
    if (started_ms < due) continue;
    run_one(kind);
    ++ran;
    last_ms_[static_cast<size_t>(kind)] = started_ms;
    due = started_ms + interval_ms(kind);  // never a burst to catch up
    MTG_CHECK(due > started_ms);
  }
  MTG_CHECK(ran <= static_cast<int>(kAllKinds.size()));
  return ran;
}

void BackupScheduler::run(const std::atomic<bool>& stop, int64_t poll_ms,
                          const std::function<void(BackupScheduler&)>& before_tick) {
  MTG_CHECK(poll_ms > 0);
  stop_ = &stop;
  spdlog::info("backupd: backups in {}", service_.repository().root());
  while (!stop.load()) {
    if (before_tick) before_tick(*this);
    tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  spdlog::info("backupd: stopped");
}

}  // namespace mtg::backup
