// The `postgres` kind: `pg_dump -Fc` piped straight into crypto::encrypt_fd (MTGB,
// AES-256-GCM, chunked) into postgres.dump.mtgb: no plaintext ever reaches the disk.
// Drill: decrypt into a private scratch file (0600), `pg_restore --list` reads it.
// Restore: decrypt to a scratch file (deleted after), create the database when the
// server lacks it (a rebuilt or new server; `createdb`), then `pg_restore --clean
// --if-exists --single-transaction --exit-on-error -d <database>`.
#pragma once

#include "backup/kind_handler.h"

namespace mtg::backup {

inline constexpr const char* kPostgresPayload = "postgres.dump.mtgb";

class PostgresHandler final : public KindHandler {
 public:
  explicit PostgresHandler(const BackupEnv& env) : env_(env) {}
  Status take(const std::string& dir, Manifest& manifest) override;
  Result<std::string> drill(const BackupEntry& entry, const std::string& scratch) override;
  Status restore(const BackupEntry& entry, const std::string& scratch) override;

 private:
  // pg_dump/pg_restore connection arguments and environment.
  std::vector<std::string> connection_args() const;
  std::vector<std::string> connection_env() const;
  Status dump_encrypted(const std::string& out_path);
  // Creates [postgres] database unless the server has it (asked through template1).
  Status create_database_if_missing(const std::string& scratch);
  // Decrypts the backup into `scratch`/restore.dump and returns its path.
  Result<std::string> decrypt_to_scratch(const BackupEntry& entry, const std::string& scratch);

  BackupEnv env_;
};

// The plaintext size of an MTGB stream of `stored_bytes` with `chunk_bytes` chunks
// (docs/backup-format.md: 37-byte header, 21 bytes of framing per chunk).
int64_t mtgb_plaintext_bytes(int64_t stored_bytes, uint32_t chunk_bytes);

}  // namespace mtg::backup
