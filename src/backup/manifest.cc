#include "backup/manifest.h"

#include <algorithm>
#include <climits>
#include <cstdint>

namespace mtg::backup {

using nlohmann::json;

namespace {

constexpr size_t kSha256HexChars = 64;

// The integer under `key`. A float, a string or an integer beyond int64 is refused:
// nlohmann's get<int64_t>() would convert 1e300 with undefined behaviour (found by fuzzing).
int64_t int64_at(const json& doc, const char* key) {
  const json& v = doc.at(key);
  if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{INT64_MAX})) {
    throw json::type_error::create(302, std::string(key) + " must be an integer in int64 range", &v);
  }
  return v.get<int64_t>();
}

bool valid_file_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  return name != kManifestName;
}

Status check_manifest(const Manifest& m, const std::string& origin) {
  auto bad = [&origin](const std::string& why) { return Status::corruption(origin + ": " + why); };
  if (m.version != kManifestVersion) return bad("unsupported manifest version " + std::to_string(m.version));
  if (m.kind.empty() || m.id.empty()) return bad("kind and id are required");
  if (m.files.size() > kMaxManifestFiles) return bad("too many files");
  int64_t stored = 0;
  for (const ManifestFile& f : m.files) {
    if (!valid_file_name(f.name)) return bad("bad file name '" + f.name + "'");
    if (f.bytes < 0 || f.sha256.size() != kSha256HexChars) return bad("bad size or sha256 of " + f.name);
    if (__builtin_add_overflow(stored, f.bytes, &stored)) return bad("file sizes overflow");
  }
  if (stored != m.stored_bytes) return bad("stored_bytes does not match the files");
  return Status::ok();
}

}  // namespace

std::string manifest_to_json(const Manifest& m) {
  json files = json::array();
  for (const ManifestFile& f : m.files) files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  json doc = {{"format_version", m.version}, {"kind", m.kind},          {"id", m.id},
              {"created_at_ms", m.created_at_ms}, {"source", m.source}, {"files", files},
              {"raw_bytes", m.raw_bytes},    {"stored_bytes", m.stored_bytes}, {"facts", m.facts},
              {"verified", m.verified},      {"verified_at_ms", m.verified_at_ms}, {"drill", m.drill}};
  return doc.dump(2) + "\n";
}

Result<Manifest> parse_manifest(const std::string& text, const std::string& origin) {
  if (text.size() > kMaxManifestBytes) return Status::corruption(origin + ": manifest too large");
  Manifest m;
  try {
    const json doc = json::parse(text);
    m.version = static_cast<int>(std::clamp<int64_t>(int64_at(doc, "format_version"), INT_MIN, INT_MAX));
    m.kind = doc.at("kind").get<std::string>();
    m.id = doc.at("id").get<std::string>();
    m.created_at_ms = int64_at(doc, "created_at_ms");
    m.source = doc.at("source");
    for (const json& f : doc.at("files")) {
      m.files.push_back({f.at("name").get<std::string>(), int64_at(f, "bytes"),
                         f.at("sha256").get<std::string>()});
    }
    m.raw_bytes = int64_at(doc, "raw_bytes");
    m.stored_bytes = int64_at(doc, "stored_bytes");
    m.facts = doc.at("facts");
    m.verified = doc.at("verified").get<bool>();
    m.verified_at_ms = int64_at(doc, "verified_at_ms");
    m.drill = doc.at("drill").get<std::string>();
  } catch (const json::exception& e) {
    return Status::corruption(origin + ": malformed manifest: " + e.what());
  }
  MTG_RETURN_IF_ERROR(check_manifest(m, origin));
  return m;
}

}  // namespace mtg::backup
