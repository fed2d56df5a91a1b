// KindHandler: how one kind of backup is taken, drilled and restored. BackupService
// does the generic part (directory, manifest, hashes, retention, choosing a valid
// backup); handlers do the kind-specific part. Tests inject fake handlers.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "backup/backup_kind.h"
#include "backup/backup_repository.h"
#include "backup/file_util.h"
#include "backup/manifest.h"
#include "config/config.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg::backup {

// What handlers need from the world. Pointers must outlive the handlers.
struct BackupEnv {
  const Config* config = nullptr;
  const Clock* clock = nullptr;
  ProgressFn progress;  // may be empty
  int64_t backend_timeout_ms = 300'000;  // wait for a backend reply (snapshot, restore-duckdb)
  int64_t child_timeout_ms = 3'600'000;  // pg_dump, pg_restore, redis-check-*
};

class KindHandler {
 public:
  virtual ~KindHandler() = default;
  // Writes the payload files into `dir` (a new, empty backup directory) and fills
  // manifest.files, source, raw_bytes and facts. Never writes secrets in plain text.
  virtual Status take(const std::string& dir, Manifest& manifest) = 0;
  // Restores the backup (files already hash-checked) into `scratch` and checks it.
  // Returns one line saying what was checked; kCorruption when the check fails.
  virtual Result<std::string> drill(const BackupEntry& entry, const std::string& scratch) = 0;
  // Puts the backup (hash-checked and drilled) back into service; `scratch` is a
  // private temporary directory.
  virtual Status restore(const BackupEntry& entry, const std::string& scratch) = 0;
};

using HandlerFactory = std::function<std::unique_ptr<KindHandler>(BackupKind)>;

// The real handlers.
std::unique_ptr<KindHandler> make_kind_handler(BackupKind kind, const BackupEnv& env);

// Hashes `dir`/`name` and appends it to manifest.files (stored_bytes too).
Status add_manifest_file(Manifest& manifest, const std::string& dir, const std::string& name);

// The manifest's entry for `name`, or nullptr.
const ManifestFile* find_manifest_file(const Manifest& manifest, const std::string& name);

}  // namespace mtg::backup
