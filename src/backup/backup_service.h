// BackupService: taking, verifying (restore drills) and restoring backups of every
// kind. The generic part lives here — the directory, manifests, hashes, retention,
// choosing a valid backup, the per-kind lock; KindHandlers do the kind-specific part.
//
// Rules (docs/operations.md "Backups"):
//   - run: take into a new directory, write the manifest last, drill it at once
//     (verified=true/false recorded in the manifest), then keep the newest `keep`;
//     a failed take leaves no listed backup; a failed drill skips retention.
//   - a backup is valid when every file matches its manifest's SHA-256 AND its drill
//     passes; restore uses the newest valid one (or --from ID) and names every
//     backup it skipped and why; a corrupt backup is never restored.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backup/backup_kind.h"
#include "backup/backup_repository.h"
#include "backup/kind_handler.h"
#include "util/status.h"

namespace mtg::backup {

inline constexpr int64_t kDefaultLockTimeoutMs = 600'000;

struct RunOutcome {
  BackupEntry entry;        // the new backup, manifest included
  RetentionOutcome retention;
};

struct VerifyOutcome {
  BackupKind kind = BackupKind::kRedis;
  std::string id;
  bool ok = false;
  std::string detail;  // what the drill checked, or why the backup is bad
};

struct RestoreOutcome {
  std::string id;                    // the backup restored
  std::vector<std::string> skipped;  // "kind/id: why" for each newer backup not used
};

class BackupService {
 public:
  // `factory` empty: the real handlers (make_kind_handler).
  explicit BackupService(BackupEnv env, HandlerFactory factory = {}, int64_t lock_timeout_ms = kDefaultLockTimeoutMs);
  // Not copyable or movable: the default factory refers to this object's env.
  BackupService(const BackupService&) = delete;
  BackupService& operator=(const BackupService&) = delete;

  const BackupRepository& repository() const { return repo_; }

  // One backup of `kind`, drilled, then retention. kCorruption (naming the backup)
  // when the drill fails; the backup stays, recorded unverified.
  Result<RunOutcome> run(BackupKind kind);

  // Re-hashes and drills every complete backup of `kind` (all kinds when nullopt),
  // recording each result in its manifest. One outcome per backup, newest first.
  Result<std::vector<VerifyOutcome>> verify(std::optional<BackupKind> kind);

  // Restores the newest valid backup of `kind`, or `from_id` (which must be valid:
  // kCorruption naming it otherwise). kNotFound when no valid backup exists.
  Result<RestoreOutcome> restore(BackupKind kind, const std::optional<std::string>& from_id);

  // Complete backups of `kind`, newest first.
  Result<std::vector<BackupEntry>> list(BackupKind kind) const { return repo_.list(kind); }

 private:
  Result<std::string> validate(BackupKind kind, KindHandler& handler, BackupEntry& entry);
  Status record_drill(BackupEntry& entry, bool ok, const std::string& detail);
  Result<BackupEntry> take(BackupKind kind, KindHandler& handler);

  BackupEnv env_;
  HandlerFactory factory_;
  int64_t lock_timeout_ms_;
  BackupRepository repo_;
};

}  // namespace mtg::backup
