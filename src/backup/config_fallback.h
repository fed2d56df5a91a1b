// docs/requirements.md R3.8-3 (restore the last valid config on a failed load): an instance JSON file that
// does not parse is moved aside (<file>.bad-<unix ms>) and replaced by its copy in the
// newest `configs` backup that holds a valid one. `CliContext::load` runs this when
// load_config fails, then loads once more, then notifies (kind "config_restored").
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "util/clock.h"
#include "util/status.h"

namespace mtg::backup {

// [instances].dir and [backup].dir of a TOML file, resolved like load_config does,
// read without validating anything else (the rest of the file may be what is broken).
struct ConfigDirs {
  std::string instances_dir;
  std::string backup_dir;
};
Result<ConfigDirs> read_config_dirs(const std::string& toml_path);

struct ConfigReplacement {
  std::string file;       // the instance file that was replaced
  std::string moved_to;   // where the invalid file went
  std::string backup_id;  // the configs backup it came from
  std::string error;      // why the file did not parse
};

// Replaces every instance file of dirs.instances_dir that fails parse_instance with
// the copy in the newest hash-valid configs backup that has a parsable one. Files
// without such a copy are left in place. Returns what was replaced.
Result<std::vector<ConfigReplacement>> restore_invalid_instance_configs(const ConfigDirs& dirs, const Clock& clock);

// The same, reading the directories from the TOML file at `toml_path`.
Result<std::vector<ConfigReplacement>> restore_invalid_instance_configs(const std::string& toml_path,
                                                                        const Clock& clock);

// Logs each replacement and sends a "config_restored" warning through the configured
// notifier (log + webhook), waiting a bounded time for delivery.
void notify_config_restored(const Config& config, const std::vector<ConfigReplacement>& replaced, const Clock& clock);

}  // namespace mtg::backup
