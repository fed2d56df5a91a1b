// CredentialStore: broker credentials in PostgreSQL table broker_credentials (docs/requirements.md §3.9).
// Passwords are sealed (credential.h) before they leave the process and opened only
// in get(); list() never reads them. Not thread-safe (one PgClient per thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "credentials/credential.h"
#include "crypto/master_key.h"
#include "store/postgres/pg_client.h"
#include "util/status.h"

namespace mtg {

class CredentialStore {
 public:
  // Most rows list() and rotate() handle; beyond it they fail with kFailedPrecondition.
  static constexpr size_t kMaxCredentials = 10'000;

  // Runs migrate_postgres on `pg` and returns a store that seals with keys[0] and opens
  // with any of `keys` (current key first, older ones kept while rotating).
  // Precondition: keys is not empty. `pg` must outlive the store.
  static Result<std::unique_ptr<CredentialStore>> open(PgClient& pg, std::vector<crypto::MasterKey> keys);

  // Inserts or replaces the credentials of `instance` (validate_credential rules),
  // sealed under the current key; updated_at becomes now().
  Status set(std::string_view instance, int64_t login, std::string_view server, std::string_view password);

  // The decrypted credentials. kNotFound when the instance has none; kCorruption
  // "… authentication failed …" naming the instance when the ciphertext was altered
  // or moved from another row.
  Result<Credential> get(std::string_view instance);

  // Every stored credential without its password, ordered by instance.
  Result<std::vector<CredentialInfo>> list();

  // Re-encrypts every row under `new_key` in one transaction (all or nothing) and makes
  // it the current key. Returns how many rows were re-encrypted. A row that does not
  // open with the known keys aborts the rotation, naming the row.
  Result<int> rotate(const crypto::MasterKey& new_key);

  // Id of the key set() seals with.
  const std::string& current_key_id() const { return keys_.front().key_id; }

 private:
  CredentialStore(PgClient& pg, std::vector<crypto::MasterKey> keys);
  // Re-seals every row; runs inside rotate()'s transaction.
  Result<int> reseal_all(const crypto::MasterKey& new_key, const std::vector<crypto::MasterKey>& keys);

  PgClient& pg_;
  std::vector<crypto::MasterKey> keys_;
};

}  // namespace mtg
