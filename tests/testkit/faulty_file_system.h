// A FileSystem for tests: the real one underneath, with faults on demand. It fails the
// Nth write, sync, rename or directory sync with a chosen errno, and simulates a power
// loss that drops what was never made durable.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/file_system.h"

namespace mtg::testkit {

// The operations a FaultyFileSystem can fail.
enum class FsOp { kWrite, kSync, kRename, kSyncDir };

// Works on real files (in a test's temporary directory) and keeps what a crash would
// undo: per file its contents as of its last sync, per directory the names changed
// since its last sync. Single-threaded.
class FaultyFileSystem final : public FileSystem {
 public:
  // The `nth` call of `op` from now (1: the next one) fails with errno `err` and
  // changes nothing; the error reads as the real one would ("fsync <path>: <strerror>").
  void fail(FsOp op, int nth, int err);
  // The calls of `op` so far, failed ones included.
  int calls(FsOp op) const;
  // A power loss, then a restart: every file written through this object loses what
  // no sync followed (back to its contents at its last sync; a file never synced
  // is empty), then every create, rename, link and removal that no sync of its
  // directory followed is undone, newest first. Precondition: no descriptor is open.
  void crash();

  Result<Fd> create_file(const std::string& path, mode_t mode) override;
  Result<Fd> open_read(const std::string& path) override;
  Result<size_t> write(int fd, const std::string& path, std::string_view bytes) override;
  Status sync(int fd, const std::string& path, SyncMode mode) override;
  Status close(Fd& fd, const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status link(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status sync_dir(const std::string& dir) override;

 private:
  static constexpr size_t kOps = 4;

  // A regular file's durable state, restored by crash().
  struct SavedFile {
    std::string contents;
    unsigned mode = 0600;
  };
  // A change of names not yet made durable by a sync of `dir`.
  struct NameChange {
    enum Kind { kCreated, kRenamed, kLinked, kRemoved } kind;
    std::string dir;
    std::string path;                 // created, linked or removed; renamed: the new name
    std::string from;                 // renamed: the old name
    std::optional<SavedFile> before;  // renamed: the file `path` replaced; removed: the file
  };

  // The errno when this call of `op` is to fail, else 0; counts the call.
  int next_fault(FsOp op);
  // The durable state of the regular file `path` (its last synced contents), if any.
  std::optional<SavedFile> durable_file(const std::string& path) const;
  void undo(const NameChange& change);

  std::array<int, kOps> calls_{};
  std::array<int, kOps> fail_at_{};  // the call number that fails; 0: none
  std::array<int, kOps> fail_errno_{};
  std::map<std::string, std::string> synced_contents_;  // files written since their last sync
  std::vector<NameChange> pending_;
};

}  // namespace mtg::testkit
