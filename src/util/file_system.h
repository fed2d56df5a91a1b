// Durable file I/O in one place: the file operations that can fail, behind an
// interface (as LevelDB's Env), and the durable operations composed once on top of
// them. Production code uses FileSystem::real(); a test passes an implementation that
// fails the Nth write or sync, or forgets what was never synced, and so checks that a
// reader always finds the old or the new file.
//
// Every error names the operation, the path and errno's text ("fsync /a/b.tmp-1f: No
// space left on device"); see file_error for its code.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/fd.h"
#include "util/status.h"

namespace mtg {

// How much of a file FileSystem::sync makes durable.
enum class SyncMode {
  kAll,   // data and metadata (fsync)
  kData,  // data and what reading it back needs, such as the size (fdatasync)
};

// The primitive file operations, each one system call (a write is retried on EINTR).
// Paths are never empty and descriptors passed in are open (checked). The real file
// system is thread-safe.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The operating system's file system; lives as long as the process.
  static FileSystem& real();

  // Creates `path` for writing with exactly `mode` (the umask does not narrow it);
  // kAlreadyExists when something is there, a symlink included (never followed);
  // kIoError otherwise, a missing directory included.
  virtual Result<Fd> create_file(const std::string& path, mode_t mode) = 0;
  // Opens an existing file or directory for reading; kNotFound when it is missing.
  virtual Result<Fd> open_read(const std::string& path) = 0;
  // Writes a prefix of `bytes` (not empty) to `fd`, the file at `path`, and returns
  // its length (at least 1).
  virtual Result<size_t> write(int fd, const std::string& path, std::string_view bytes) = 0;
  // Makes what was written to `fd`, the file at `path`, durable. A crash may drop
  // writes that no successful sync followed.
  virtual Status sync(int fd, const std::string& path, SyncMode mode) = 0;
  // Closes `fd` (invalid afterwards, whatever the outcome) and reports a write error
  // the close surfaced.
  virtual Status close(Fd& fd, const std::string& path) = 0;
  // Renames `from` to `to`, replacing `to` atomically. kNotFound when `from` is
  // missing; kFailedPrecondition when the two are on different file systems. A crash
  // may undo the rename until the directory of `to` is synced.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // Gives the file `from` the second name `to`; kAlreadyExists when `to` exists.
  // Durable once the directory of `to` is synced.
  virtual Status link(const std::string& from, const std::string& to) = 0;
  // Removes the name `path` (not a directory); kNotFound when it is missing.
  virtual Status remove(const std::string& path) = 0;
  // Makes the names in directory `dir` durable: the files created, renamed, linked
  // or removed in it.
  virtual Status sync_dir(const std::string& dir) = 0;
};

// The Status for a failed `operation` on `path` with errno `err`: "<operation>
// <path>: <strerror>"; kNotFound for ENOENT, kAlreadyExists for EEXIST,
// kFailedPrecondition for EXDEV, kIoError otherwise (ENOSPC, EROFS, EIO, ...).
Status file_error(std::string_view operation, const std::string& path, int err);

// The directory that holds `path`: "." for a bare name, "/" for a name in the root.
std::string parent_dir(const std::string& path);

// Writes all of `bytes` to `fd`, the file at `path`.
Status write_all(int fd, const std::string& path, std::string_view bytes,
                 FileSystem& fs = FileSystem::real());

// Makes the existing file `path` durable (open, fsync, close).
Status sync_file(const std::string& path, FileSystem& fs = FileSystem::real());

// Renames `from` to `to` (replacing it) and syncs the directory of `to`, so that the
// rename survives a crash.
Status rename_durably(const std::string& from, const std::string& to, FileSystem& fs = FileSystem::real());

// Runs once the new contents are durable, just before they replace the old; an error
// stops the replace and is returned (the old file stays).
using BeforeRename = std::function<Status()>;

// Replaces the file `path` (creating it when missing) by one holding `data` with
// exactly `mode` (whatever the umask): a temporary file beside it
// ("<path>.tmp-<random>") is written, synced and renamed over it, then the directory
// is synced. A reader, or a restart after a crash, sees the old file or the new one,
// never a part. On failure the temporary file is removed; once the rename succeeded
// `path` holds the new data even when the directory sync then fails.
Status replace_durably(const std::string& path, std::string_view data, mode_t mode,
                       FileSystem& fs = FileSystem::real(), const BeforeRename& before_rename = {});

// Creates the file `path` holding `data` with exactly `mode`, never replacing one:
// kAlreadyExists when `path` exists. As replace_durably, a crash leaves no file or
// the whole one, and no temporary file is left behind.
Status create_durably(const std::string& path, std::string_view data, mode_t mode,
                      FileSystem& fs = FileSystem::real());

// Renames `path` (a file or a directory), when it exists, to "<path>.<tag>-<now_ms>"
// durably and returns the new name; "" when there was nothing to move. Never deletes.
Result<std::string> move_aside(const std::string& path, const std::string& tag, int64_t now_ms,
                               FileSystem& fs = FileSystem::real());

}  // namespace mtg
