// BackupRepository: the backup directory, `<root>/<kind>/<id>/` with the payload
// files and manifest.json written last. The backup module is its only owner.
//   - a directory with a manifest is a complete backup; one without is incomplete
//     (ignored by list/restore, removed by retention);
//   - ids are UTC "YYYYMMDDTHHMMSSmmmZ" (+ "-NN" when taken in the same millisecond),
//     so ids sort by time;
//   - a per-kind lock file serialises runs, verifies and restores of one kind across
//     processes (backupd, `backup run`, `restore`).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backup/backup_kind.h"
#include "backup/manifest.h"
#include "util/status.h"

namespace mtg::backup {

// How many same-millisecond ids one kind may get ("-02" .. "-99").
inline constexpr int kMaxIdSuffix = 99;
// Most backup directories of one kind the repository looks at.
inline constexpr size_t kMaxBackupsPerKind = 100'000;

// "20261124T071000123Z" for a Unix time in ms.
std::string format_backup_id(int64_t unix_ms);

// One backup directory that has a manifest.
struct BackupEntry {
  std::string id;
  std::string path;  // <root>/<kind>/<id>
  std::optional<Manifest> manifest;  // nullopt when manifest.json does not parse
  std::string manifest_error;        // why it does not parse
};

// A new, still incomplete backup directory.
struct BackupDraft {
  std::string id;
  std::string path;
};

struct RetentionOutcome {
  std::vector<std::string> removed_ids;  // complete backups beyond `keep`
  std::vector<std::string> removed_incomplete;
};

// An exclusive lock on one kind (flock), released when the object dies.
class KindLock {
 public:
  explicit KindLock(int fd) : fd_(fd) {}
  ~KindLock();
  KindLock(const KindLock&) = delete;
  KindLock& operator=(const KindLock&) = delete;

 private:
  int fd_;
};

class BackupRepository {
 public:
  explicit BackupRepository(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  // <root>/<kind>
  std::string kind_dir(BackupKind kind) const;

  // Takes the kind's lock, waiting at most timeout_ms (kTimeout).
  Result<std::unique_ptr<KindLock>> lock(BackupKind kind, int64_t timeout_ms) const;

  // Creates the directory of a new backup taken at now_ms (parents too). kIoError
  // names the directory when the disk is full or read-only.
  Result<BackupDraft> create(BackupKind kind, int64_t now_ms) const;

  // Writes manifest.json into `backup_dir` atomically (a new backup's last step, or a
  // rewrite after a drill).
  Status write_manifest(const std::string& backup_dir, const Manifest& manifest) const;

  // Every backup of `kind` that has a manifest (parsable or not), newest first.
  Result<std::vector<BackupEntry>> list(BackupKind kind) const;

  // The backup `id` of `kind`; kNotFound when absent or incomplete.
  Result<BackupEntry> find(BackupKind kind, const std::string& id) const;

  // Re-hashes every file of `entry` against its manifest. kCorruption naming the
  // backup ("duckdb/2026…Z") and the file that differs, is missing or the manifest.
  Status check_files(BackupKind kind, const BackupEntry& entry) const;

  // Keeps the newest `keep` backups of `kind` (never `keep_id`), deletes the older
  // ones and every incomplete directory except `keep_id`.
  Result<RetentionOutcome> apply_retention(BackupKind kind, int keep, const std::string& keep_id) const;

 private:
  std::string root_;
};

}  // namespace mtg::backup
