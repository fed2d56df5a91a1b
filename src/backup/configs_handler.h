// The `configs` kind (docs/requirements.md §3.8): every *.json in instances_dir that parses with
// parse_instance is copied (mode 0600: instance files hold link tokens); invalid ones
// are skipped and named in facts.skipped. Drill: every copy parses. Restore: each file
// written back atomically, a differing live file moved aside first.
#pragma once

#include "backup/kind_handler.h"

namespace mtg::backup {

inline constexpr const char* kConfigsFolder = "instances";
inline constexpr size_t kMaxInstanceFileBytes = 1024 * 1024;
inline constexpr size_t kMaxInstanceFiles = 10'000;

class ConfigsHandler final : public KindHandler {
 public:
  explicit ConfigsHandler(const BackupEnv& env) : env_(env) {}
  Status take(const std::string& dir, Manifest& manifest) override;
  Result<std::string> drill(const BackupEntry& entry, const std::string& scratch) override;
  Status restore(const BackupEntry& entry, const std::string& scratch) override;

 private:
  BackupEnv env_;
};

// The *.json file names of `dir`, sorted. kNotFound when the directory is missing.
Result<std::vector<std::string>> instance_file_names(const std::string& dir);

// Writes `text` to `path` atomically (0600); a live file with other contents is moved
// aside to <path>.<tag>-<ms> first. Returns where it went ("" when none).
Result<std::string> replace_file(const std::string& path, const std::string& text, const std::string& tag,
                                 int64_t now_ms);

}  // namespace mtg::backup
