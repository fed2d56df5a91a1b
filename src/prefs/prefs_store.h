// PrefsStore: reads and changes the user preferences (prefs.h).
//
// The Redis hash `<prefix>prefs` is the source of truth; the JSON file (prefs_file.h,
// [prefs] file) is its mirror, rewritten atomically from the whole hash after every
// change. When the hash is missing (Redis lost its data) and the file exists, the file
// re-seeds the hash (HSETNX: a field set meanwhile wins) before anything is read or
// changed; entries of the file that fail validation are skipped with a warning.
// Changes are validated first (nothing is written on a bad key or value) and hold an
// exclusive lock on "<file>.lock" so two writers cannot leave a stale mirror.
// Not thread-safe (one RedisClient per thread). Never throws.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "prefs/prefs.h"
#include "prefs/prefs_hash.h"
#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg {

class PrefsStore {
 public:
  // Longest wait for another writer's lock on the mirror file.
  static constexpr int kLockWaitMs = 5'000;

  // The hash `<prefix>prefs` on `redis` (which must outlive the store), mirrored to `file`.
  PrefsStore(RedisClient& redis, std::string prefix, std::string file);
  // Any PrefsHash (tests use a fake).
  PrefsStore(std::unique_ptr<PrefsHash> hash, std::string file);

  // The decoded preferences (re-seeding from the file first when the hash is missing).
  // kInvalidArgument when a stored field is bad (someone wrote the hash by hand).
  Result<Prefs> load();

  // Every field, key -> JSON text (re-seeding as load() does).
  Result<std::map<std::string, std::string>> fields();

  // Validates and sets one preference (value canonicalised as compact JSON), then
  // rewrites the file. kInvalidArgument with the reason when the key or value is bad.
  Status set(const std::string& key, const std::string& json_value);

  // Removes one preference (any key, so hand-written junk can be removed too), then
  // rewrites the file. kNotFound when it was not set.
  Status unset(const std::string& key);

  // Replaces every preference with `fields` (all validated first), then rewrites the
  // file. For restoring a backup.
  Status replace(const std::map<std::string, std::string>& fields);

  // The mirror file's path.
  const std::string& file() const { return file_; }

 private:
  // Rewrites the file from the hash.
  Status mirror();

  std::unique_ptr<PrefsHash> hash_;
  std::string file_;
};

}  // namespace mtg
