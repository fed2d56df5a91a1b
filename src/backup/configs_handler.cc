#include "backup/configs_handler.h"

#include <algorithm>
#include <filesystem>

#include "backup/file_util.h"
#include "util/check.h"

namespace mtg::backup {

namespace fs = std::filesystem;

Result<std::vector<std::string>> instance_file_names(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::not_found("no instances directory " + dir);
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file(ec) || !name.ends_with(".json") || name.front() == '.') continue;
    if (names.size() >= kMaxInstanceFiles) return Status::precondition(dir + ": too many instance files");
    names.push_back(name);
  }
  if (ec) return Status::io("list " + dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> replace_file(const std::string& path, const std::string& text, const std::string& tag,
                                 int64_t now_ms) {
  auto live = read_small_file(path, kMaxInstanceFileBytes);
  if (live && *live == text) return std::string();
  std::string aside;
  if (live || live.status().code() != Code::kNotFound) {
    auto moved = move_aside(path, tag, now_ms);
    if (!moved) return moved.status();
    aside = *moved;
  }
  MTG_RETURN_IF_ERROR(replace_durably(path, text, 0600));
  return aside;
}

Status ConfigsHandler::take(const std::string& dir, Manifest& manifest) {
  const std::string& source = env_.config->instances_dir;
  auto names = instance_file_names(source);
  if (!names) return names.status();
  std::error_code ec;
  fs::create_directories(dir + "/" + kConfigsFolder, ec);
  if (ec) return Status::io("create " + dir + "/" + kConfigsFolder + ": " + ec.message());
  nlohmann::json copied = nlohmann::json::array();
  nlohmann::json skipped = nlohmann::json::array();
  for (const std::string& name : *names) {
    auto text = read_small_file(source + "/" + name, kMaxInstanceFileBytes);
    auto parsed = text ? parse_instance(*text, source + "/" + name) : Result<InstanceConfig>(text.status());
    if (!parsed) {
      skipped.push_back({{"name", name}, {"error", parsed.status().message()}});
      continue;
    }
    const std::string stored = std::string(kConfigsFolder) + "/" + name;
    MTG_RETURN_IF_ERROR(replace_durably(dir + "/" + stored, *text, 0600));
    MTG_RETURN_IF_ERROR(add_manifest_file(manifest, dir, stored));
    copied.push_back(name);
  }
  manifest.source = {{"path", source}};
  manifest.facts = {{"files", copied}, {"skipped", skipped}};
  manifest.raw_bytes = manifest.stored_bytes;
  return Status::ok();
}

Result<std::string> ConfigsHandler::drill(const BackupEntry& entry, const std::string& /*scratch*/) {
  MTG_CHECK(entry.manifest.has_value());
  for (const ManifestFile& f : entry.manifest->files) {
    auto text = read_small_file(entry.path + "/" + f.name, kMaxInstanceFileBytes);
    if (!text) return text.status();
    auto parsed = parse_instance(*text, entry.path + "/" + f.name);
    if (!parsed) return Status::corruption(parsed.status().message());
  }
  return "configs: " + std::to_string(entry.manifest->files.size()) + " instance files parse";
}

Status ConfigsHandler::restore(const BackupEntry& entry, const std::string& /*scratch*/) {
  MTG_CHECK(entry.manifest.has_value());
  const std::string& target = env_.config->instances_dir;
  std::error_code ec;
  fs::create_directories(target, ec);
  for (const ManifestFile& f : entry.manifest->files) {
    auto text = read_small_file(entry.path + "/" + f.name, kMaxInstanceFileBytes);
    if (!text) return text.status();
    const std::string live = target + "/" + fs::path(f.name).filename().string();
    auto replaced = replace_file(live, *text, "pre-restore", env_.clock->now_ms());
    if (!replaced) return replaced.status();
  }
  return Status::ok();
}

}  // namespace mtg::backup
