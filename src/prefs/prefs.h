// User preferences (docs/requirements.md §2): per-user settings the product
// reads while it runs. Stored as the Redis hash `<prefix>prefs` (field = key, value =
// the JSON text of the value), mirrored to the JSON file [prefs] file (prefs_store.h).
//
// Known keys (anything else is refused):
//   notify.webhook_urls          array of http(s) URLs, at most kMaxWebhookUrls
//   signal.default_ttl_ms        integer 1..kMaxDefaultTtlMs (a signal without ttl_ms)
//   instance.<id>.max_volume     number > 0: a per-signal cap (lots) below the
//                                instance config's max_volume (the smaller one applies)
//   backup.<kind>.interval_s     integer 1..kMaxBackupIntervalS, kind in kBackupKinds
// Never throws.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace mtg {

// The decoded preferences; a key that is not set leaves its member empty.
struct Prefs {
  std::vector<std::string> webhook_urls;
  std::optional<int64_t> default_ttl_ms;
  std::map<std::string, double> max_volume;           // instance id -> lots
  std::map<std::string, int64_t> backup_interval_s;  // backup kind -> seconds

  bool operator==(const Prefs&) const = default;
};

inline constexpr size_t kMaxWebhookUrls = 8;
inline constexpr size_t kMaxUrlBytes = 2'048;
inline constexpr int64_t kMaxDefaultTtlMs = 86'400'000;        // one day
inline constexpr int64_t kMaxBackupIntervalS = 366 * 86'400;   // a year
inline constexpr size_t kMaxPrefKeyBytes = 128;
inline constexpr size_t kMaxPrefValueBytes = 32 * 1'024;
inline constexpr size_t kMaxPrefFields = 1'024;  // keys in one hash or file
inline constexpr std::array<const char*, 5> kBackupKinds = {"redis", "configs", "prefs", "duckdb", "postgres"};

inline constexpr const char* kPrefWebhookUrls = "notify.webhook_urls";
inline constexpr const char* kPrefDefaultTtlMs = "signal.default_ttl_ms";

// ok when `key` is a known key and `json_value` (JSON text) a valid value for it;
// otherwise kInvalidArgument with the reason, e.g.
// "signal.default_ttl_ms: must be an integer 1..86400000".
Status validate_pref(const std::string& key, const std::string& json_value);

// Decodes every field (key -> JSON text); the first bad field fails the whole call
// (kInvalidArgument naming it). More than kMaxPrefFields fields is an error too.
Result<Prefs> parse_prefs(const std::map<std::string, std::string>& fields);

// The JSON text a user's VALUE stands for: VALUE itself when it parses as JSON
// (re-serialised compactly), else VALUE as a JSON string ("https://x" -> "\"https://x\"").
std::string pref_json_from_text(const std::string& text);

}  // namespace mtg
