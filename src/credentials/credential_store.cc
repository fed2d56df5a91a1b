#include "credentials/credential_store.h"

#include <utility>

#include "crypto/hex.h"
#include "store/postgres/pg_migrations.h"
#include "util/check.h"

namespace mtg {
namespace {

// PostgreSQL BYTEA in text (hex) form: "\x0102…".
constexpr std::string_view kByteaHexPrefix = "\\x";

std::string to_bytea(std::string_view bytes) { return std::string(kByteaHexPrefix) + crypto::to_hex(bytes); }

Result<std::string> from_bytea(const std::optional<std::string>& text, std::string_view instance) {
  const std::string where = "broker credentials of instance '" + std::string(instance) + "'";
  if (!text.has_value() || text->rfind(kByteaHexPrefix, 0) != 0) {
    return Status::corruption(where + ": password_ciphertext is not hex BYTEA");
  }
  auto bytes = crypto::from_hex(std::string_view(*text).substr(kByteaHexPrefix.size()));
  if (!bytes) return bytes.status().with_context(where);
  return std::string(bytes->begin(), bytes->end());
}

Result<int64_t> parse_login(const std::optional<std::string>& text, std::string_view instance) {
  try {
    if (text.has_value()) return static_cast<int64_t>(std::stoll(*text));
  } catch (const std::exception&) {
    // reported below
  }
  return Status::corruption("broker credentials of instance '" + std::string(instance) +
                            "': login is not a number");
}

std::string text_of(const std::optional<std::string>& value) { return value.value_or(""); }

}  // namespace

CredentialStore::CredentialStore(PgClient& pg, std::vector<crypto::MasterKey> keys)
    : pg_(pg), keys_(std::move(keys)) {
  MTG_CHECK(!keys_.empty());
}

Result<std::unique_ptr<CredentialStore>> CredentialStore::open(PgClient& pg,
                                                               std::vector<crypto::MasterKey> keys) {
  MTG_CHECK_MSG(!keys.empty(), "CredentialStore needs at least one master key");
  MTG_RETURN_IF_ERROR(migrate_postgres(pg));
  return std::unique_ptr<CredentialStore>(new CredentialStore(pg, std::move(keys)));
}

Status CredentialStore::set(std::string_view instance, int64_t login, std::string_view server,
                            std::string_view password) {
  MTG_RETURN_IF_ERROR(validate_credential(instance, login, server, password));
  auto envelope = seal_password(keys_.front(), instance, password);
  if (!envelope) return envelope.status();
  auto written = pg_.query(
      "INSERT INTO broker_credentials(instance, login, server, password_ciphertext, key_id, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, now()) "
      "ON CONFLICT (instance) DO UPDATE SET login = EXCLUDED.login, server = EXCLUDED.server, "
      "password_ciphertext = EXCLUDED.password_ciphertext, key_id = EXCLUDED.key_id, "
      "updated_at = now()",
      {std::string(instance), std::to_string(login), std::string(server), to_bytea(*envelope),
       keys_.front().key_id});
  if (!written)
    return written.status().with_context("set broker credentials of '" + std::string(instance) + "'");
  return Status::ok();
}

Result<Credential> CredentialStore::get(std::string_view instance) {
  auto rows =
      pg_.query("SELECT login, server, password_ciphertext FROM broker_credentials WHERE instance = $1",
                {std::string(instance)});
  if (!rows) return rows.status().with_context("get broker credentials of '" + std::string(instance) + "'");
  if (rows->rows.empty()) {
    return Status::not_found("no broker credentials for instance '" + std::string(instance) + "'");
  }
  MTG_CHECK(rows->rows.size() == 1);
  MTG_CHECK(rows->rows[0].size() == 3);
  const auto& row = rows->rows[0];
  auto login = parse_login(row[0], instance);
  if (!login) return login.status();
  auto envelope = from_bytea(row[2], instance);
  if (!envelope) return envelope.status();
  auto password = open_password(keys_, instance, *envelope);
  if (!password) return password.status();
  return Credential{std::string(instance), *login, text_of(row[1]), std::move(password).value()};
}

Result<std::vector<CredentialInfo>> CredentialStore::list() {
  auto rows = pg_.query(
      "SELECT instance, login, server, key_id, "
      "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM broker_credentials ORDER BY instance LIMIT $1",
      {std::to_string(kMaxCredentials + 1)});
  if (!rows) return rows.status().with_context("list broker credentials");
  if (rows->rows.size() > kMaxCredentials) {
    return Status::precondition("more than " + std::to_string(kMaxCredentials) + " broker credentials");
  }
  std::vector<CredentialInfo> infos;
  infos.reserve(rows->rows.size());
  for (const auto& row : rows->rows) {
    MTG_CHECK(row.size() == 5);
    const std::string instance = text_of(row[0]);
    auto login = parse_login(row[1], instance);
    if (!login) return login.status();
    infos.push_back({instance, *login, text_of(row[2]), text_of(row[3]), text_of(row[4])});
  }
  return infos;
}

Result<int> CredentialStore::reseal_all(const crypto::MasterKey& new_key,
                                        const std::vector<crypto::MasterKey>& keys) {
  auto rows = pg_.query(
      "SELECT instance, password_ciphertext FROM broker_credentials ORDER BY instance LIMIT $1 FOR UPDATE",
      {std::to_string(kMaxCredentials + 1)});
  if (!rows) return rows.status();
  if (rows->rows.size() > kMaxCredentials) {
    return Status::precondition("more than " + std::to_string(kMaxCredentials) + " broker credentials");
  }
  int resealed = 0;
  for (const auto& row : rows->rows) {
    const std::string instance = text_of(row[0]);
    auto envelope = from_bytea(row[1], instance);
    if (!envelope) return envelope.status();
    auto password = open_password(keys, instance, *envelope);
    if (!password) return password.status();
    auto sealed = seal_password(new_key, instance, password->view());
    if (!sealed) return sealed.status();
    auto updated = pg_.query(
        "UPDATE broker_credentials SET password_ciphertext = $2, key_id = $3, updated_at = now() "
        "WHERE instance = $1",
        {instance, to_bytea(*sealed), new_key.key_id});
    if (!updated) return updated.status();
    ++resealed;
  }
  MTG_CHECK(static_cast<size_t>(resealed) == rows->rows.size());
  return resealed;
}

Result<int> CredentialStore::rotate(const crypto::MasterKey& new_key) {
  std::vector<crypto::MasterKey> keys = keys_;
  keys.insert(keys.begin(), new_key);  // rows already under the new key open too
  MTG_RETURN_IF_ERROR(pg_.begin());
  Result<int> resealed = reseal_all(new_key, keys);
  Status status = resealed.status();
  if (status.is_ok()) status = pg_.commit();
  if (!status.is_ok()) {
    (void)pg_.rollback();  // the original error is the one worth reporting
    return status.with_context("rotate the broker credentials key (nothing changed)");
  }
  keys_ = std::move(keys);
  return resealed;
}

}  // namespace mtg
