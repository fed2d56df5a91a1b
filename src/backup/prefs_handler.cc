#include "backup/prefs_handler.h"

#include <filesystem>

#include "backup/file_util.h"
#include "keys/redis_keys.h"
#include "store/redis/redis_client.h"
#include "util/check.h"

namespace mtg::backup {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string prefs_key(const Config& config) { return RedisKeys{config.redis.prefix}.prefs(); }

Result<json> read_prefs_file(const std::string& path) {
  auto text = read_small_file(path, kMaxPrefsBytes);
  if (!text && text.status().code() == Code::kNotFound) return json(nullptr);
  if (!text) return text.status();
  try {
    json doc = json::parse(*text);
    if (!doc.is_object()) return Status::invalid(path + ": not a JSON object");
    return doc;
  } catch (const json::exception& e) {
    return Status::invalid(path + ": " + e.what());
  }
}

// The MULTI/DEL/HSET/EXEC pipeline that replaces the hash with `fields`.
std::vector<std::vector<std::string>> replace_hash_commands(const std::string& key, const json& fields) {
  std::vector<std::vector<std::string>> commands = {{"MULTI"}, {"DEL", key}};
  if (!fields.empty()) {
    std::vector<std::string> hset = {"HSET", key};
    for (const auto& [field, value] : fields.items()) {
      hset.push_back(field);
      hset.push_back(value.get<std::string>());
    }
    commands.push_back(std::move(hset));
  }
  commands.push_back({"EXEC"});
  return commands;
}

}  // namespace

Status PrefsHandler::take(const std::string& dir, Manifest& manifest) {
  const Config& config = *env_.config;
  auto redis = RedisClient::connect(config.redis);
  if (!redis) return redis.status();
  auto hash = (*redis)->command({"HGETALL", prefs_key(config)});
  if (!hash) return hash.status();
  json fields = json::object();
  for (size_t i = 0; i + 1 < hash->elements.size(); i += 2) fields[hash->elements[i].str] = hash->elements[i + 1].str;
  auto file = read_prefs_file(config.prefs_file);
  if (!file) return file.status();
  const std::string text = json{{"redis", fields}, {"file", *file}}.dump(2) + "\n";
  if (text.size() > kMaxPrefsBytes) return Status::precondition("preferences larger than 16 MiB");
  MTG_RETURN_IF_ERROR(replace_durably(dir + "/" + kPrefsPayload, text, 0600));
  MTG_RETURN_IF_ERROR(add_manifest_file(manifest, dir, kPrefsPayload));
  manifest.source = {{"redis_key", prefs_key(config)}, {"host", config.redis.host},
                     {"port", config.redis.port}, {"path", config.prefs_file}};
  manifest.facts = {{"redis_fields", fields.size()}, {"file_present", !file->is_null()},
                    {"file_keys", file->is_null() ? 0 : file->size()}};
  manifest.raw_bytes = static_cast<int64_t>(text.size());
  return Status::ok();
}

Result<json> PrefsHandler::read_document(const BackupEntry& entry) {
  const std::string path = entry.path + "/" + kPrefsPayload;
  auto text = read_small_file(path, kMaxPrefsBytes);
  if (!text) return text.status();
  try {
    json doc = json::parse(*text);
    const json& fields = doc.at("redis");
    const json& file = doc.at("file");
    if (!fields.is_object() || !(file.is_object() || file.is_null())) return Status::corruption(path + ": wrong shape");
    for (const auto& [field, value] : fields.items()) {
      if (!value.is_string()) return Status::corruption(path + ": redis field " + field + " is not a string");
    }
    return doc;
  } catch (const json::exception& e) {
    return Status::corruption(path + ": " + e.what());
  }
}

Result<std::string> PrefsHandler::drill(const BackupEntry& entry, const std::string& /*scratch*/) {
  MTG_CHECK(entry.manifest.has_value());
  auto doc = read_document(entry);
  if (!doc) return doc.status();
  const json& facts = entry.manifest->facts;
  const size_t fields = doc->at("redis").size();
  const size_t keys = doc->at("file").is_null() ? 0 : doc->at("file").size();
  if (fields != facts.value("redis_fields", size_t{0}) || keys != facts.value("file_keys", size_t{0})) {
    return Status::corruption(entry.path + ": preference counts differ from the manifest");
  }
  return "prefs: parses, " + std::to_string(fields) + " Redis fields, " + std::to_string(keys) + " file keys";
}

Status PrefsHandler::restore(const BackupEntry& entry, const std::string& /*scratch*/) {
  MTG_CHECK(entry.manifest.has_value());
  const Config& config = *env_.config;
  auto doc = read_document(entry);
  if (!doc) return doc.status();
  auto redis = RedisClient::connect(config.redis);
  if (!redis) return redis.status();
  auto replies = (*redis)->pipeline(replace_hash_commands(prefs_key(config), doc->at("redis")));
  if (!replies) return replies.status();
  const RedisReply& exec = replies->back();
  if (exec.is_error() || exec.is_nil()) return Status::io("restore prefs: MULTI/EXEC failed: " + exec.debug_string());
  const json& file = doc->at("file");
  if (file.is_null()) return Status::ok();
  std::error_code ec;
  fs::create_directories(fs::path(config.prefs_file).parent_path(), ec);
  return replace_durably(config.prefs_file, file.dump(2) + "\n", 0600);
}

}  // namespace mtg::backup
