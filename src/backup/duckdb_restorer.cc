#include "backup/duckdb_restorer.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "backup/backup_repository.h"
#include "backup/duckdb_snapshot.h"

namespace mtg::backup {

Result<bool> restore_latest_duckdb_snapshot(const Config& config, const std::string& dest_path) {
  std::error_code ec;
  if (std::filesystem::exists(dest_path, ec)) return Status::exists("restore DuckDB snapshot: " + dest_path + " exists");
  const BackupRepository repo(config.backup.dir);
  auto entries = repo.list(BackupKind::kDuckdb);
  if (!entries) return entries.status();
  for (const BackupEntry& entry : *entries) {
    if (Status s = repo.check_files(BackupKind::kDuckdb, entry); !s.is_ok()) {
      spdlog::warn("skipping corrupt DuckDB backup: {}", s.message());
      continue;
    }
    auto checked = materialize_duckdb_snapshot(entry, dest_path);
    if (!checked) {
      spdlog::warn("skipping DuckDB backup duckdb/{}: {}", entry.id, checked.status().message());
      continue;
    }
    spdlog::info("restored DuckDB snapshot duckdb/{} to {} ({})", entry.id, dest_path, *checked);
    return true;
  }
  return false;
}

}  // namespace mtg::backup
