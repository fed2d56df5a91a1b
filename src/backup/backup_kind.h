// The five kinds of backup (docs/requirements.md "Backups") and their schedules.
#pragma once

#include <array>
#include <string_view>

#include "config/config.h"
#include "util/status.h"

namespace mtg::backup {

enum class BackupKind { kRedis, kConfigs, kPrefs, kDuckdb, kPostgres };

inline constexpr std::array<BackupKind, 5> kAllKinds = {BackupKind::kRedis, BackupKind::kConfigs,
                                                        BackupKind::kPrefs, BackupKind::kDuckdb,
                                                        BackupKind::kPostgres};

// "redis", "configs", "prefs", "duckdb" or "postgres" (also the kind's folder name).
const char* kind_name(BackupKind kind);

// The kind named `name`; kInvalidArgument naming the valid kinds otherwise.
Result<BackupKind> parse_kind(std::string_view name);

// The schedule (interval, keep) of `kind` in `config`.
const BackupSchedule& schedule_for(const BackupConfig& config, BackupKind kind);

}  // namespace mtg::backup
