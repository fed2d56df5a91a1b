#include "store/postgres/pg_client.h"

#include <pqxx/pqxx>

#include <utility>

#include "util/check.h"

namespace mtg {

struct PgClient::Connection {
  explicit Connection(const std::string& conninfo) : conn(conninfo) {}
  pqxx::connection conn;
};

namespace {

// SQLSTATE of a statement cancelled by statement_timeout.
constexpr const char* kSqlStateQueryCanceled = "57014";

std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

void fill_rows(const pqxx::result& result, PgRows* out) {
  MTG_CHECK(out != nullptr);
  MTG_CHECK(out->rows.empty());
  for (pqxx::row::size_type c = 0; c < result.columns(); ++c) {
    out->columns.emplace_back(result.column_name(c));
  }
  out->rows.reserve(result.size());
  for (const pqxx::row& row : result) {
    std::vector<std::optional<std::string>> values(row.size());
    for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
      if (!row[c].is_null()) values[c] = std::string(row[c].c_str(), row[c].size());
    }
    out->rows.push_back(std::move(values));
  }
  MTG_CHECK(out->columns.size() == static_cast<size_t>(result.columns()));
  MTG_CHECK(out->rows.size() == static_cast<size_t>(result.size()));
}

}  // namespace

PgClient::PgClient(const PostgresConfig& config)
    : config_(config), endpoint_(config.host + ":" + std::to_string(config.port)) {}

PgClient::~PgClient() = default;

Result<std::unique_ptr<PgClient>> PgClient::connect(const PostgresConfig& config) {
  if (config.connect_timeout_s <= 0) return Status::invalid("postgres: connect_timeout_s must be positive");
  std::unique_ptr<PgClient> client(new PgClient(config));
  MTG_RETURN_IF_ERROR(client->ensure_connected());
  return client;
}

bool PgClient::connected() const { return conn_ != nullptr && conn_->conn.is_open(); }

Status PgClient::ensure_connected() {
  if (connected()) return Status::ok();
  conn_.reset();
  std::string conninfo = config_.conninfo() + " options='-c statement_timeout=" +
                         std::to_string(kStatementTimeoutMs) + "'";
  try {
    conn_ = std::make_unique<Connection>(conninfo);
  } catch (const std::exception& e) {
    return Status::unavailable("postgres " + endpoint_ + ": connect: " + one_line(e.what()));
  }
  MTG_CHECK(conn_ != nullptr);
  return Status::ok();
}

void PgClient::drop_connection() {
  conn_.reset();
  if (in_transaction_) transaction_lost_ = true;
  MTG_CHECK(!transaction_lost_ || in_transaction_);  // only a transaction can be lost
}

Status PgClient::run(const std::string& sql, const std::vector<PgParam>& params, PgRows* out) {
  std::string where = "postgres " + endpoint_ + ": ";
  MTG_CHECK(!transaction_lost_ || in_transaction_);
  if (transaction_lost_) {
    return Status::unavailable(where + "connection lost inside a transaction; rolled back");
  }
  MTG_RETURN_IF_ERROR(ensure_connected());
  try {
    pqxx::nontransaction work(conn_->conn);
    pqxx::result result = params.empty()
                              ? work.exec(sql)
                              : work.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    if (out == nullptr) return Status::ok();
    if (result.size() > kMaxQueryRows) {
      return Status::precondition(where + "result of " + std::to_string(result.size()) +
                                  " rows exceeds " + std::to_string(kMaxQueryRows));
    }
    fill_rows(result, out);
    return Status::ok();
  } catch (const pqxx::broken_connection& e) {
    drop_connection();
    return Status::unavailable(where + one_line(e.what()));
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == kSqlStateQueryCanceled) return Status::timeout(where + one_line(e.what()));
    if (e.sqlstate().rfind("08", 0) == 0) {  // connection exception class
      drop_connection();
      return Status::unavailable(where + one_line(e.what()));
    }
    return Status::invalid(where + one_line(e.what()));
  } catch (const std::exception& e) {
    if (!connected()) drop_connection();
    return Status::io(where + one_line(e.what()));
  }
}

Status PgClient::exec(const std::string& sql) { return run(sql, {}, nullptr); }

Result<PgRows> PgClient::query(const std::string& sql, const std::vector<PgParam>& params) {
  PgRows rows;
  MTG_RETURN_IF_ERROR(run(sql, params, &rows));
  return rows;
}

Status PgClient::begin() {
  MTG_CHECK_MSG(!in_transaction_, "PgClient::begin inside a transaction");
  MTG_RETURN_IF_ERROR(exec("BEGIN"));
  in_transaction_ = true;
  return Status::ok();
}

Status PgClient::commit() {
  MTG_CHECK_MSG(in_transaction_, "PgClient::commit outside a transaction");
  Status status = exec("COMMIT");
  in_transaction_ = false;
  transaction_lost_ = false;
  return status;
}

Status PgClient::rollback() {
  if (transaction_lost_) {  // the server rolled it back when the connection broke
    in_transaction_ = false;
    transaction_lost_ = false;
    return Status::ok();
  }
  Status status = exec("ROLLBACK");
  in_transaction_ = false;
  return status;
}

Result<std::string> PgClient::server_version() {
  Result<PgRows> rows = query("SHOW server_version");
  if (!rows.is_ok()) return rows.status();
  if (rows->rows.size() != 1 || !rows->rows[0][0].has_value()) {
    return Status::internal("postgres " + endpoint_ + ": SHOW server_version returned no value");
  }
  return *rows->rows[0][0];
}

Status PgClient::ping() { return exec("SELECT 1"); }

}  // namespace mtg
