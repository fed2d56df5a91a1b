// backupd's Prometheus families (docs/operations.md "Metrics"), one series per kind:
//   mtguard_backup_age_seconds{kind}           since the newest complete backup was taken
//                                              (+Inf while there is none)
//   mtguard_backup_interval_seconds{kind}      the schedule in effect (configuration or
//                                              preferences)
//   mtguard_backup_last_verify_ok{kind}        1 when the last drill of the newest drilled
//                                              backup passed (absent before any drill)
//   mtguard_backup_failed_drills{kind}         kept backups whose last drill failed
//   mtguard_backup_last_size_bytes{kind}       stored bytes of the newest backup
// A Collectable rather than registry gauges: the age is computed when Prometheus scrapes,
// so it keeps growing while backupd is busy with a long backup of another kind.
// update() comes from backupd's thread, Collect() from the exposer's; both lock.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <array>
#include <mutex>
#include <optional>
#include <vector>

#include "backup/backup_kind.h"
#include "backup/backup_repository.h"
#include "util/clock.h"

namespace mtg::backup {

class BackupMetrics final : public prometheus::Collectable {
 public:
  // `clock` must outlive this object (read in Collect()).
  explicit BackupMetrics(const Clock& clock) : clock_(clock) {}

  // What backupd knows of `kind` now: its complete backups (newest first, as
  // BackupService::list) and the interval in effect.
  void update(BackupKind kind, const std::vector<BackupEntry>& newest_first, int64_t interval_ms);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct KindState {
    int64_t newest_created_ms = -1;  // -1: no complete backup
    int64_t newest_stored_bytes = 0;
    std::optional<bool> last_verify_ok;  // of the newest backup a drill ran on
    int64_t failed_drills = 0;
    int64_t interval_ms = 0;  // 0: never updated
  };

  const Clock& clock_;
  mutable std::mutex mu_;
  std::array<KindState, kAllKinds.size()> kinds_{};
};

}  // namespace mtg::backup
