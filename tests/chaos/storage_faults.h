// Faults on the files and file systems under the running system, for the chaos
// campaign: the backup directory turned into a full or a read-only file system
// (mount(8): needs root), a torn command at the end of Redis's AOF, a flipped byte in
// the newest DuckDB snapshot.
#pragma once

#include <set>
#include <string>

#include "util/status.h"

namespace mtg::chaos {

// True when this process may mount (a bind mount of a scratch directory works).
bool mount_available();

// Mounts a tmpfs over `dir` holding a copy of its files and barely more room: the
// next backup fails with ENOSPC. Undo with unmount_over.
Status fill_directory(const std::string& dir);
// Bind-mounts `dir` read-only over itself: writes fail with EROFS. Undo with unmount_over.
Status make_read_only(const std::string& dir);
// Removes what fill_directory / make_read_only mounted over `dir` (lazily when busy).
Status unmount_over(const std::string& dir);
// Unmounts everything still mounted at or under `dir` (a campaign that died mid-fault).
void unmount_all_under(const std::string& dir);

// Appends the first bytes of a command to the newest incremental file of Redis's
// multi-part AOF in `aof_dir` (Redis must be stopped): what a crash in the middle of a
// write leaves. Redis (aof-load-truncated yes) drops the torn tail when it loads.
Status append_torn_aof_command(const std::string& aof_dir);

// Flips a byte in the middle of the largest payload file of the newest DuckDB backup
// under `backup_dir`, holding the kind's lock, unless that backup is one of
// `already_corrupted` (flipping it again would mend it: seed 1124 met a newest snapshot
// twice while no new one could be taken). Returns the backup's id.
Result<std::string> corrupt_newest_duckdb_snapshot(const std::string& backup_dir,
                                                   const std::set<std::string>& already_corrupted);

}  // namespace mtg::chaos
