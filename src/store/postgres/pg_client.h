// PgClient: one connection to PostgreSQL 15 through libpqxx 6.4.
//
// Every call returns a Status/Result with the server's own message, e.g.
//   "postgres 127.0.0.1:17432: ERROR:  relation \"nope\" does not exist"
// Error mapping: the server is unreachable or the connection broke -> kUnavailable (the
// next call reconnects); a statement error (syntax, constraint, ...) -> kInvalidArgument;
// statement_timeout (kStatementTimeoutMs) exceeded -> kTimeout.
// Statements run in autocommit mode unless bracketed by begin()/commit(); a multi-
// statement exec() string runs as one implicit transaction.
// BYTEA travels as text in hex form ("\\x0102..."), in parameters and results.
// Not thread-safe: one client per thread. No pqxx exception leaves this class.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace mtg {

// A materialised result: column names and every value as text, NULL as nullopt.
struct PgRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// A query parameter: text (PostgreSQL casts it to the column type) or NULL.
using PgParam = std::optional<std::string>;

class PgClient {
 public:
  // Every statement is cancelled by the server after this long.
  static constexpr int kStatementTimeoutMs = 30'000;
  // Most rows query() materialises; larger results fail with kFailedPrecondition.
  static constexpr size_t kMaxQueryRows = 1'000'000;

  // Connects within config.connect_timeout_s. kUnavailable when unreachable.
  static Result<std::unique_ptr<PgClient>> connect(const PostgresConfig& config);

  ~PgClient();
  PgClient(const PgClient&) = delete;
  PgClient& operator=(const PgClient&) = delete;

  // Runs one or more ';'-separated statements without parameters.
  Status exec(const std::string& sql);
  // Runs one statement with $1, $2, ... bound to `params` and returns its rows.
  Result<PgRows> query(const std::string& sql, const std::vector<PgParam>& params = {});

  // Explicit transaction on this connection. When the connection breaks inside it,
  // the server rolls it back: every later call fails with kUnavailable until
  // rollback() (ok) or commit() (kUnavailable) ends it, so a lost transaction is never
  // mistaken for a committed one.
  Status begin();
  Status commit();
  Status rollback();

  // SHOW server_version, e.g. "15.20 (Debian 15.20-0+deb12u1)".
  Result<std::string> server_version();
  // ok when the server answers SELECT 1.
  Status ping();

  bool connected() const;
  // "host:port" of the server.
  const std::string& endpoint() const { return endpoint_; }

 private:
  explicit PgClient(const PostgresConfig& config);
  Status ensure_connected();
  // Runs `sql` with `params`; fills `out` when non-null.
  Status run(const std::string& sql, const std::vector<PgParam>& params, PgRows* out);

  // Drops the connection after it broke; marks an open transaction as lost.
  void drop_connection();

  PostgresConfig config_;
  std::string endpoint_;
  bool in_transaction_ = false;
  bool transaction_lost_ = false;
  struct Connection;  // the pqxx connection, absent while disconnected
  std::unique_ptr<Connection> conn_;
};

}  // namespace mtg
