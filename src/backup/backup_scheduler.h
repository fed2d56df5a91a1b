// BackupScheduler: `mtguard backupd`. Runs every kind on its schedule
// (config.backup.<kind>.interval_s): each run is BackupService::run — take, drill at
// once, retention — logged in one line; a failure is logged and notified
// ("backup_failed"). A kind is first due one interval after its newest existing
// backup (at once when it has none), so restarts do not pile up backups. User
// preferences (`backup.<kind>.interval_s`) override the configured intervals while
// backupd runs (set_intervals).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "backup/backup_service.h"
#include "notify/notifier.h"
#include "util/clock.h"

namespace mtg::backup {

inline constexpr int64_t kSchedulerPollMs = 1'000;

class BackupScheduler {
 public:
  // All references must outlive the scheduler; `notifier` may be null.
  BackupScheduler(BackupService& service, const BackupConfig& config, const Clock& clock, notify::Notifier* notifier);

  // Runs every kind that is due now; returns how many ran (ok or not).
  int tick();

  // Ticks every poll_ms until `stop` is set (checked at least every poll_ms);
  // `before_tick` (may be empty) runs first each time, e.g. to apply preferences.
  void run(const std::atomic<bool>& stop, int64_t poll_ms = kSchedulerPollMs,
           const std::function<void(BackupScheduler&)>& before_tick = {});
  // Interval overrides in seconds by kind name ("duckdb" -> 30), replacing earlier
  // ones; a kind not named goes back to its configured interval. Each kind is then
  // next due one (new) interval after its last backup.
  void set_intervals(const std::map<std::string, int64_t>& interval_s);

  // When `kind` is next due (Unix ms).
  int64_t next_due_ms(BackupKind kind) const { return next_due_ms_[static_cast<size_t>(kind)]; }
  // The interval of `kind` in effect: the preferences' override, else the configured one.
  int64_t interval_ms(BackupKind kind) const;

 private:
  void run_one(BackupKind kind);

  BackupService& service_;
  const BackupConfig& config_;
  const Clock& clock_;
  notify::Notifier* notifier_;
  const std::atomic<bool>* stop_ = nullptr;  // set by run()
  std::array<int64_t, kAllKinds.size()> next_due_ms_{};
  std::array<int64_t, kAllKinds.size()> last_ms_{};              // the newest backup (or -1: none)
  std::array<int64_t, kAllKinds.size()> override_interval_s_{};  // 0: the configured interval
};

// "12.3 MiB", "512 B".
std::string format_bytes(int64_t bytes);

// What a long operation has done of how much, and the time left at its pace so far:
// "12.0 MiB / 40.0 MiB (30%, about 7 s left)"; without a total (-1) "12.0 MiB", and
// without any progress yet no estimate. `elapsed_ms` is the time since the stage began.
std::string format_progress(int64_t done_bytes, int64_t total_bytes, int64_t elapsed_ms);

}  // namespace mtg::backup
