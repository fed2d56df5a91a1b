// The `prefs` kind: the Redis hash `<prefix>prefs` (field = key, value = JSON text)
// and its JSON mirror file (config.prefs_file), exported as one document prefs.json:
//   {"redis": {"<key>": "<json text>", …}, "file": {…} | null}
// Drill: the document parses and holds the counts of the manifest. Restore: the hash
// replaced in one MULTI (DEL + HSET), the file written atomically.
#pragma once

#include "backup/kind_handler.h"

namespace mtg::backup {

inline constexpr const char* kPrefsPayload = "prefs.json";
inline constexpr size_t kMaxPrefsBytes = 16 * 1024 * 1024;

class PrefsHandler final : public KindHandler {
 public:
  explicit PrefsHandler(const BackupEnv& env) : env_(env) {}
  Status take(const std::string& dir, Manifest& manifest) override;
  Result<std::string> drill(const BackupEntry& entry, const std::string& scratch) override;
  Status restore(const BackupEntry& entry, const std::string& scratch) override;

 private:
  Result<nlohmann::json> read_document(const BackupEntry& entry);

  BackupEnv env_;
};

}  // namespace mtg::backup
