#include "backup/config_fallback.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <toml++/toml.h>

#include "backup/backup_repository.h"
#include "backup/configs_handler.h"
#include "backup/file_util.h"
#include "notify/configured_notifier.h"

namespace mtg::backup {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kNotifyFlushMs = 5'000;

std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

// The reason `path` does not parse, or "" when it does.
std::string parse_error(const std::string& path) {
  auto text = read_small_file(path, kMaxInstanceFileBytes);
  if (!text) return text.status().message();
  auto parsed = parse_instance(*text, path);
  return parsed ? "" : parsed.status().message();
}

// The newest valid copy of instance file `name` in the configs backups.
Result<std::pair<std::string, std::string>> last_valid_copy(const BackupRepository& repo, const std::string& name) {
  auto entries = repo.list(BackupKind::kConfigs);
  if (!entries) return entries.status();
  const std::string stored = std::string(kConfigsFolder) + "/" + name;
  for (const BackupEntry& entry : *entries) {
    if (!entry.manifest) continue;
    if (!find_manifest_file(*entry.manifest, stored)) continue;
    if (Status s = repo.check_files(BackupKind::kConfigs, entry); !s.is_ok()) {
      spdlog::warn("config fallback: skipping corrupt backup: {}", s.message());
      continue;
    }
    auto text = read_small_file(entry.path + "/" + stored, kMaxInstanceFileBytes);
    if (text && parse_instance(*text, entry.path + "/" + stored)) return std::make_pair(entry.id, *text);
  }
  return Status::not_found("no valid copy of " + name + " in " + repo.kind_dir(BackupKind::kConfigs));
}

}  // namespace

Result<ConfigDirs> read_config_dirs(const std::string& toml_path) {
  const Config defaults;
  ConfigDirs dirs{defaults.instances_dir, defaults.backup.dir};
  try {
    const toml::table root = toml::parse_file(toml_path);
    dirs.instances_dir = root["instances"]["dir"].value_or(dirs.instances_dir);
    dirs.backup_dir = root["backup"]["dir"].value_or(dirs.backup_dir);
  } catch (const toml::parse_error& e) {
    return Status::invalid(toml_path + ": " + std::string(e.description()));
  }
  const fs::path base = fs::absolute(toml_path).parent_path();
  return ConfigDirs{resolve(base, dirs.instances_dir), resolve(base, dirs.backup_dir)};
}

Result<std::vector<ConfigReplacement>> restore_invalid_instance_configs(const ConfigDirs& dirs, const Clock& clock) {
  auto names = instance_file_names(dirs.instances_dir);
  if (!names) return names.status();
  const BackupRepository repo(dirs.backup_dir);
  std::vector<ConfigReplacement> replaced;
  for (const std::string& name : *names) {
    const std::string path = dirs.instances_dir + "/" + name;
    const std::string error = parse_error(path);
    if (error.empty()) continue;
    auto copy = last_valid_copy(repo, name);
    if (!copy) {
      spdlog::warn("config fallback: {} is invalid and {}", path, copy.status().message());
      continue;
    }
    auto aside = replace_file(path, copy->second, "bad", clock.now_ms());
    if (!aside) return aside.status();
    replaced.push_back({path, *aside, copy->first, error});
  }
  return replaced;
}

Result<std::vector<ConfigReplacement>> restore_invalid_instance_configs(const std::string& toml_path,
                                                                        const Clock& clock) {
  auto dirs = read_config_dirs(toml_path);
  if (!dirs) return dirs.status();
  return restore_invalid_instance_configs(*dirs, clock);
}

void notify_config_restored(const Config& config, const std::vector<ConfigReplacement>& replaced, const Clock& clock) {
  if (replaced.empty()) return;
  auto notifier = notify::make_configured_notifier(config, clock);
  for (const ConfigReplacement& r : replaced) {
    notify::Notification n;
    n.severity = notify::Severity::kWarning;
    n.instance = fs::path(r.file).stem().string();
    n.kind = "config_restored";
    n.message = r.file + " did not load (" + r.error + "); moved to " + r.moved_to +
                " and replaced by its copy in configs backup " + r.backup_id;
    notifier->notify(std::move(n));
  }
  notifier->flush(kNotifyFlushMs);
}

}  // namespace mtg::backup
