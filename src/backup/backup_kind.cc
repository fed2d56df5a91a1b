#include "backup/backup_kind.h"

#include <string>

#include "util/check.h"

namespace mtg::backup {

const char* kind_name(BackupKind kind) {
  switch (kind) {
    case BackupKind::kRedis: return "redis";
    case BackupKind::kConfigs: return "configs";
    case BackupKind::kPrefs: return "prefs";
    case BackupKind::kDuckdb: return "duckdb";
    case BackupKind::kPostgres: return "postgres";
  }
  MTG_CHECK_MSG(false, "unknown backup kind");
}

Result<BackupKind> parse_kind(std::string_view name) {
  for (BackupKind kind : kAllKinds) {
    if (name == kind_name(kind)) return kind;
  }
  return Status::invalid("unknown backup kind '" + std::string(name) +
                         "' (expected redis, configs, prefs, duckdb or postgres)");
}

const BackupSchedule& schedule_for(const BackupConfig& config, BackupKind kind) {
  switch (kind) {
    case BackupKind::kRedis: return config.redis;
    case BackupKind::kConfigs: return config.configs;
    case BackupKind::kPrefs: return config.prefs;
    case BackupKind::kDuckdb: return config.duckdb;
    case BackupKind::kPostgres: return config.postgres;
  }
  MTG_CHECK_MSG(false, "unknown backup kind");
}

}  // namespace mtg::backup
