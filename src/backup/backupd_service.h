// `mtguard backupd` (docs/operations.md "Backups"): every kind on its schedule
// (BackupScheduler), the user preferences' intervals applied while it runs, and its
// metrics (service_metrics.h) served on [metrics] backupd_port.
#pragma once

#include <atomic>

#include "config/config.h"
#include "util/status.h"

namespace mtg::backup {

// Runs until `stop` is set (after the backup in hand), then returns ok. Returns an
// error only when it cannot run at all (the metrics port is taken). Redis being down
// only means no preferences.
Status run_backupd(const Config& config, const std::atomic<bool>& stop);

}  // namespace mtg::backup
