#include "prefs/prefs.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "util/check.h"

namespace mtg {
namespace {

using json = nlohmann::json;

constexpr std::string_view kInstancePrefix = "instance.";
constexpr std::string_view kMaxVolumeSuffix = ".max_volume";
constexpr std::string_view kBackupPrefix = "backup.";
constexpr std::string_view kIntervalSuffix = ".interval_s";
constexpr size_t kMaxInstanceIdBytes = 64;  // as in instance configs

enum class KeyKind { kWebhookUrls, kDefaultTtl, kMaxVolume, kBackupInterval };

struct PrefKey {
  KeyKind kind;
  std::string name;  // instance id or backup kind; empty for the others
};

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
  });
}

// The part between `prefix` and `suffix` when `key` has both, else nullopt.
std::optional<std::string> middle(std::string_view key, std::string_view prefix, std::string_view suffix) {
  if (key.size() <= prefix.size() + suffix.size()) return std::nullopt;
  if (key.substr(0, prefix.size()) != prefix || key.substr(key.size() - suffix.size()) != suffix) return std::nullopt;
  return std::string(key.substr(prefix.size(), key.size() - prefix.size() - suffix.size()));
}

Result<PrefKey> parse_key(const std::string& key) {
  if (key.empty() || key.size() > kMaxPrefKeyBytes || !printable(key)) {
    return Status::invalid("preference key must be 1.." + std::to_string(kMaxPrefKeyBytes) +
                           " printable characters without spaces");
  }
  if (key == kPrefWebhookUrls) return PrefKey{KeyKind::kWebhookUrls, ""};
  if (key == kPrefDefaultTtlMs) return PrefKey{KeyKind::kDefaultTtl, ""};
  if (auto id = middle(key, kInstancePrefix, kMaxVolumeSuffix)) {
    MTG_CHECK(!id->empty());
    if (id->size() > kMaxInstanceIdBytes) return Status::invalid(key + ": instance id longer than 64 characters");
    return PrefKey{KeyKind::kMaxVolume, *id};
  }
  if (auto kind = middle(key, kBackupPrefix, kIntervalSuffix)) {
    MTG_CHECK(!kind->empty());
    if (std::find(kBackupKinds.begin(), kBackupKinds.end(), *kind) == kBackupKinds.end()) {
      return Status::invalid(key + ": unknown backup kind '" + *kind + "' (redis, configs, prefs, duckdb, postgres)");
    }
    return PrefKey{KeyKind::kBackupInterval, *kind};
  }
  return Status::invalid("unknown preference key '" + key + "' (known: " + kPrefWebhookUrls + ", " +
                         kPrefDefaultTtlMs + ", instance.<id>.max_volume, backup.<kind>.interval_s)");
}

bool is_http_url(const std::string& url) {
  if (url.size() > kMaxUrlBytes || !printable(url)) return false;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.size() > scheme.size() && std::string_view(url).substr(0, scheme.size()) == scheme) {
      return url[scheme.size()] != '/';  // a host follows
    }
  }
  return false;
}

Result<std::vector<std::string>> decode_urls(const std::string& key, const json& v) {
  const std::string why = key + ": must be an array of at most " + std::to_string(kMaxWebhookUrls) +
                          " http(s) URLs";
  if (!v.is_array() || v.size() > kMaxWebhookUrls) return Status::invalid(why);
  std::vector<std::string> urls;
  for (const json& u : v) {
    if (!u.is_string() || !is_http_url(u.get<std::string>())) {
      return Status::invalid(why + " (entry " + std::to_string(urls.size()) + " is not one)");
    }
    urls.push_back(u.get<std::string>());
  }
  MTG_CHECK(urls.size() <= kMaxWebhookUrls);
  return urls;
}

Result<int64_t> decode_integer(const std::string& key, const json& v, int64_t min, int64_t max) {
  MTG_CHECK(min <= max);
  const bool in_range = (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() >= min &&
                         v.get<int64_t>() <= max) ||
                        (v.is_number_unsigned() && v.get<uint64_t>() <= static_cast<uint64_t>(max) &&
                         static_cast<int64_t>(v.get<uint64_t>()) >= min);
  if (!in_range) {
    return Status::invalid(key + ": must be an integer " + std::to_string(min) + ".." + std::to_string(max));
  }
  return v.get<int64_t>();
}

// Decodes one field into `prefs`.
Status apply(const std::string& key, const std::string& json_value, Prefs& prefs) {
  auto parsed_key = parse_key(key);
  if (!parsed_key) return parsed_key.status();
  if (json_value.size() > kMaxPrefValueBytes) {
    return Status::invalid(key + ": value larger than " + std::to_string(kMaxPrefValueBytes) + " bytes");
  }
  const json v = json::parse(json_value, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return Status::invalid(key + ": value is not valid JSON");
  switch (parsed_key->kind) {
    case KeyKind::kWebhookUrls: {
      auto urls = decode_urls(key, v);
      if (!urls) return urls.status();
      prefs.webhook_urls = std::move(*urls);
      return Status::ok();
    }
    case KeyKind::kDefaultTtl: {
      auto ttl = decode_integer(key, v, 1, kMaxDefaultTtlMs);
      if (!ttl) return ttl.status();
      prefs.default_ttl_ms = *ttl;
      MTG_CHECK(*prefs.default_ttl_ms >= 1);
      MTG_CHECK(*prefs.default_ttl_ms <= kMaxDefaultTtlMs);
      return Status::ok();
    }
    case KeyKind::kMaxVolume:
      if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0) {
        return Status::invalid(key + ": must be a number > 0 (lots)");
      }
      MTG_CHECK(!parsed_key->name.empty());
      prefs.max_volume[parsed_key->name] = v.get<double>();
      MTG_CHECK(prefs.max_volume.at(parsed_key->name) > 0);
      return Status::ok();
    case KeyKind::kBackupInterval: {
      auto interval = decode_integer(key, v, 1, kMaxBackupIntervalS);
      if (!interval) return interval.status();
      MTG_CHECK(!parsed_key->name.empty());
      prefs.backup_interval_s[parsed_key->name] = *interval;
      MTG_CHECK(prefs.backup_interval_s.at(parsed_key->name) >= 1);
      MTG_CHECK(prefs.backup_interval_s.at(parsed_key->name) <= kMaxBackupIntervalS);
      return Status::ok();
    }
  }
  MTG_CHECK_MSG(false, "unhandled preference key kind");
}

}  // namespace

Status validate_pref(const std::string& key, const std::string& json_value) {
  Prefs scratch;
  return apply(key, json_value, scratch);
}

Result<Prefs> parse_prefs(const std::map<std::string, std::string>& fields) {
  if (fields.size() > kMaxPrefFields) {
    return Status::invalid("too many preferences: " + std::to_string(fields.size()) + " > " +
                           std::to_string(kMaxPrefFields));
  }
  Prefs prefs;
  for (const auto& [key, value] : fields) MTG_RETURN_IF_ERROR(apply(key, value, prefs));
  MTG_CHECK(prefs.max_volume.size() + prefs.backup_interval_s.size() <= fields.size());
  MTG_CHECK(prefs.backup_interval_s.size() <= kBackupKinds.size());
  return prefs;
}

std::string pref_json_from_text(const std::string& text) {
  const json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const json out = v.is_discarded() ? json(text) : v;
  MTG_CHECK(!out.is_discarded());
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace mtg
