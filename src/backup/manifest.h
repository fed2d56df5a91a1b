// The manifest of one backup (`<backup.dir>/<kind>/<id>/manifest.json`), written last:
// a backup directory without one is incomplete. Format in docs/backup-format.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/status.h"

namespace mtg::backup {

inline constexpr int kManifestVersion = 1;
inline constexpr const char* kManifestName = "manifest.json";
inline constexpr size_t kMaxManifestBytes = 1024 * 1024;
inline constexpr size_t kMaxManifestFiles = 10'000;

// One payload file, named relative to the backup directory (may contain one '/').
struct ManifestFile {
  std::string name;
  int64_t bytes = 0;
  std::string sha256;  // 64 lower-case hex characters

  bool operator==(const ManifestFile&) const = default;
};

struct Manifest {
  int version = kManifestVersion;
  std::string kind;  // kind_name()
  std::string id;    // UTC YYYYMMDDTHHMMSSmmmZ, optionally "-NN"
  int64_t created_at_ms = 0;
  nlohmann::json source = nlohmann::json::object();  // host/port/path the data came from
  std::vector<ManifestFile> files;
  int64_t raw_bytes = 0;     // size of the data before compression/encryption
  int64_t stored_bytes = 0;  // sum of files[].bytes
  nlohmann::json facts = nlohmann::json::object();  // kind-specific (row counts, key count, ...)
  bool verified = false;     // the last restore drill passed
  int64_t verified_at_ms = 0;  // when the last drill ran (0: never)
  std::string drill;         // what the last drill checked, or why it failed

  bool operator==(const Manifest&) const = default;
};

// The manifest as pretty JSON text.
std::string manifest_to_json(const Manifest& manifest);

// Parses and validates manifest text; `origin` (a path) names it in errors
// (kCorruption for malformed or unsupported manifests).
Result<Manifest> parse_manifest(const std::string& text, const std::string& origin);

}  // namespace mtg::backup
