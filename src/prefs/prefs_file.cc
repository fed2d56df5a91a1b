#include "prefs/prefs_file.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "util/check.h"
#include "util/file_system.h"

namespace mtg {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr mode_t kFileMode = 0600;

// Writes `text` over `path` durably, creating its directory when missing.
Status replace_file(const std::string& path, const std::string& text) {
  MTG_CHECK(!path.empty());
  MTG_CHECK(!text.empty());
  const std::string dir = parent_dir(path);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io("create directory " + dir + ": " + ec.message());
  return replace_durably(path, text, kFileMode);
}

}  // namespace

Result<std::map<std::string, std::string>> read_prefs_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::not_found("preferences file " + path + " does not exist");
  const auto size = fs::file_size(path, ec);
  if (ec) return Status::io("preferences file " + path + ": " + ec.message());
  if (size > kMaxPrefsFileBytes) {
    return Status::corruption("preferences file " + path + ": larger than " + std::to_string(kMaxPrefsFileBytes) +
                              " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::io("preferences file " + path + ": cannot read");
  const json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::corruption("preferences file " + path + ": not a JSON object");
  }
  std::map<std::string, std::string> fields;
  for (const auto& [key, value] : doc.items()) {
    fields[key] = value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  MTG_CHECK(fields.size() == doc.size());
  return fields;
}

Status write_prefs_file(const std::string& path, const std::map<std::string, std::string>& fields) {
  json doc = json::object();
  for (const auto& [key, text] : fields) {
    const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return Status::invalid("preference " + key + ": value is not valid JSON");
    doc[key] = value;
  }
  MTG_CHECK(doc.size() == fields.size());
  return replace_file(path, doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace mtg
