#include "store/duckdb/duckdb_database.h"

#include <duckdb.h>

#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "util/check.h"

namespace mtg {

struct DuckDatabase::Shared {
  duckdb_database db = nullptr;
  std::string path;
  ~Shared() { duckdb_close(&db); }
};

struct DuckDatabase::Connection {
  duckdb_connection conn = nullptr;
  ~Connection() { duckdb_disconnect(&conn); }
};

namespace {

namespace fs = std::filesystem;

const char* const kInMemory = ":memory:";  // DuckDB's name for a private in-memory database

// Owns a duckdb_result for the scope of one call.
struct ResultGuard {
  duckdb_result result{};
  ~ResultGuard() { duckdb_destroy_result(&result); }
};

struct PreparedGuard {
  duckdb_prepared_statement stmt = nullptr;
  ~PreparedGuard() { duckdb_destroy_prepare(&stmt); }
};

struct ConfigGuard {
  duckdb_config config = nullptr;  // null: DuckDB's defaults
  ~ConfigGuard() {
    if (config != nullptr) duckdb_destroy_config(&config);
  }
};

std::string quote_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<QueryRows> materialise(duckdb_result* result) {
  QueryRows out;
  idx_t columns = duckdb_column_count(result);
  idx_t rows = duckdb_row_count(result);
  if (rows > DuckDatabase::kMaxQueryRows) {
    return Status::precondition("duckdb: result of " + std::to_string(rows) + " rows exceeds " +
                                std::to_string(DuckDatabase::kMaxQueryRows));
  }
  for (idx_t c = 0; c < columns; ++c) out.columns.emplace_back(duckdb_column_name(result, c));
  out.rows.reserve(rows);
  for (idx_t r = 0; r < rows; ++r) {
    std::vector<std::optional<std::string>> row(columns);
    for (idx_t c = 0; c < columns; ++c) {
      if (duckdb_value_is_null(result, c, r)) continue;
      duckdb_string value = duckdb_value_string(result, c, r);
      if (value.data != nullptr) {
        row[c] = std::string(value.data, value.size);
        duckdb_free(value.data);
      }
    }
    out.rows.push_back(std::move(row));
  }
  MTG_CHECK(out.columns.size() == columns);
  MTG_CHECK(out.rows.size() == rows);
  return out;
}

duckdb_state bind(duckdb_prepared_statement stmt, idx_t index, const DuckParam& param) {
  if (std::holds_alternative<int64_t>(param)) {
    return duckdb_bind_int64(stmt, index, std::get<int64_t>(param));
  }
  if (std::holds_alternative<double>(param)) {
    return duckdb_bind_double(stmt, index, std::get<double>(param));
  }
  if (std::holds_alternative<std::string>(param)) {
    const std::string& text = std::get<std::string>(param);
    return duckdb_bind_varchar_length(stmt, index, text.data(), text.size());
  }
  return duckdb_bind_null(stmt, index);
}

}  // namespace

DuckDatabase::DuckDatabase(std::shared_ptr<Shared> shared, std::unique_ptr<Connection> connection)
    : shared_(std::move(shared)), connection_(std::move(connection)), path_(shared_->path) {
  MTG_CHECK(shared_->db != nullptr);
  MTG_CHECK(connection_->conn != nullptr);
  MTG_CHECK(!path_.empty());
}

DuckDatabase::~DuckDatabase() = default;

Result<std::unique_ptr<DuckDatabase>> DuckDatabase::open(const std::string& path) {
  return open_file(path, false);
}

Result<std::unique_ptr<DuckDatabase>> DuckDatabase::open_read_only(const std::string& path) {
  if (path == kInMemory) return Status::invalid("duckdb: an in-memory database cannot be opened read-only");
  return open_file(path, true);
}

Result<std::unique_ptr<DuckDatabase>> DuckDatabase::open_file(const std::string& path, bool read_only) {
  std::string version = duckdb_library_version();
  if (version != kLibraryVersion) {
    return Status::precondition("duckdb: library is " + version + ", need " + kLibraryVersion);
  }
  if (path.empty()) return Status::invalid("duckdb: empty database path");
  bool in_memory = path == kInMemory;
  MTG_CHECK(!in_memory || !read_only);  // open_read_only refuses it first
  std::error_code ec;
  bool existed = !in_memory && fs::exists(path, ec);
  fs::path parent = fs::path(path).parent_path();
  if (!in_memory && !read_only && !parent.empty() && !fs::create_directories(parent, ec) && ec) {
    return Status::io("duckdb " + path + ": create directory: " + ec.message());
  }
  auto shared = std::make_shared<Shared>();
  shared->path = path;
  ConfigGuard config;
  if (read_only && (duckdb_create_config(&config.config) != DuckDBSuccess ||
                    duckdb_set_config(config.config, "access_mode", "READ_ONLY") != DuckDBSuccess)) {
    return Status::internal("duckdb " + path + ": cannot configure read-only access");
  }
  char* open_error = nullptr;
  if (duckdb_open_ext(in_memory ? nullptr : path.c_str(), &shared->db, config.config, &open_error) !=
      DuckDBSuccess) {
    std::string message = "duckdb " + path + ": " + (open_error ? open_error : "open failed");
    bool locked = open_error != nullptr && std::strstr(open_error, "Could not set lock") != nullptr;
    bool missing = open_error != nullptr && std::strstr(open_error, "database does not exist") != nullptr;
    duckdb_free(open_error);
    shared->db = nullptr;
    if (locked) return Status::unavailable(std::move(message));
    if (read_only && missing) return Status::not_found(std::move(message));
    if (existed) return Status::corruption(std::move(message));
    return Status::io(std::move(message));
  }
  MTG_CHECK(shared->db != nullptr);
  auto connection = std::make_unique<Connection>();
  if (duckdb_connect(shared->db, &connection->conn) != DuckDBSuccess) {
    return Status::io("duckdb " + path + ": connect failed");
  }
  return std::unique_ptr<DuckDatabase>(new DuckDatabase(std::move(shared), std::move(connection)));
}

Result<std::unique_ptr<DuckDatabase>> DuckDatabase::another_connection() {
  auto connection = std::make_unique<Connection>();
  if (duckdb_connect(shared_->db, &connection->conn) != DuckDBSuccess) {
    return Status::io("duckdb " + path_ + ": connect failed");
  }
  return std::unique_ptr<DuckDatabase>(new DuckDatabase(shared_, std::move(connection)));
}

Status DuckDatabase::exec(const std::string& sql) {
  ResultGuard guard;
  if (duckdb_query(connection_->conn, sql.c_str(), &guard.result) != DuckDBSuccess) {
    return Status::invalid("duckdb " + path_ + ": " + duckdb_result_error(&guard.result));
  }
  return Status::ok();
}

Result<QueryRows> DuckDatabase::query(const std::string& sql) {
  ResultGuard guard;
  if (duckdb_query(connection_->conn, sql.c_str(), &guard.result) != DuckDBSuccess) {
    return Status::invalid("duckdb " + path_ + ": " + duckdb_result_error(&guard.result));
  }
  return materialise(&guard.result);
}

Result<QueryRows> DuckDatabase::run_prepared(const std::string& sql,
                                             const std::vector<DuckParam>& params,
                                             int64_t* rows_changed) {
  PreparedGuard prepared;
  if (duckdb_prepare(connection_->conn, sql.c_str(), &prepared.stmt) != DuckDBSuccess) {
    return Status::invalid("duckdb " + path_ + ": " + duckdb_prepare_error(prepared.stmt));
  }
  if (duckdb_nparams(prepared.stmt) != params.size()) {
    return Status::invalid("duckdb " + path_ + ": statement takes " +
                           std::to_string(duckdb_nparams(prepared.stmt)) + " parameters, got " +
                           std::to_string(params.size()));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (bind(prepared.stmt, i + 1, params[i]) != DuckDBSuccess) {
      return Status::invalid("duckdb " + path_ + ": bind parameter " + std::to_string(i + 1) +
                             ": " + duckdb_prepare_error(prepared.stmt));
    }
  }
  ResultGuard guard;
  if (duckdb_execute_prepared(prepared.stmt, &guard.result) != DuckDBSuccess) {
    return Status::invalid("duckdb " + path_ + ": " + duckdb_result_error(&guard.result));
  }
  if (rows_changed != nullptr) {
    *rows_changed = static_cast<int64_t>(duckdb_rows_changed(&guard.result));
    return QueryRows{};
  }
  return materialise(&guard.result);
}

Status DuckDatabase::exec_params(const std::string& sql, const std::vector<DuckParam>& params) {
  return exec_params_changed(sql, params).status();
}

Result<int64_t> DuckDatabase::exec_params_changed(const std::string& sql,
                                                  const std::vector<DuckParam>& params) {
  int64_t changed = 0;
  Result<QueryRows> rows = run_prepared(sql, params, &changed);
  if (!rows.is_ok()) return rows.status();
  return changed;
}

Result<QueryRows> DuckDatabase::query_params(const std::string& sql,
                                             const std::vector<DuckParam>& params) {
  return run_prepared(sql, params, nullptr);
}

Status DuckDatabase::begin() { return exec("BEGIN TRANSACTION"); }
Status DuckDatabase::commit() { return exec("COMMIT"); }
Status DuckDatabase::rollback() { return exec("ROLLBACK"); }

Result<std::unique_ptr<DuckAppender>> DuckDatabase::appender(const std::string& table) {
  duckdb_appender raw = nullptr;
  if (duckdb_appender_create(connection_->conn, nullptr, table.c_str(), &raw) != DuckDBSuccess) {
    std::string message = "duckdb " + path_ + ": appender for " + table + ": " +
                          (raw != nullptr ? duckdb_appender_error(raw) : "create failed");
    duckdb_appender_destroy(&raw);
    return Status::invalid(std::move(message));
  }
  MTG_CHECK(raw != nullptr);
  return std::make_unique<DuckAppender>(raw, table);
}

Status DuckDatabase::copy_checkpointed_file_to(const std::string& dest_path) {
  std::error_code ec;
  if (path_ == kInMemory) return Status::precondition("duckdb copy: an in-memory database has no file");
  const auto wal_bytes = fs::file_size(path_ + ".wal", ec);
  if (!ec && wal_bytes > 0) {
    return Status::precondition("duckdb copy: " + path_ + ".wal holds " + std::to_string(wal_bytes) +
                                " bytes not checkpointed");
  }
  ec.clear();
  if (!fs::copy_file(path_, dest_path, fs::copy_options::none, ec)) {
    const std::string what = "duckdb copy " + path_ + " to " + dest_path + ": ";
    if (ec == std::errc::file_exists) return Status::exists(what + ec.message());  // never another's file
    std::error_code ignored;
    fs::remove(dest_path, ignored);
    return Status::io(what + (ec ? ec.message() : "nothing copied"));
  }
  // Writers are held (the precondition): the file cannot have changed meanwhile.
  MTG_CHECK(fs::file_size(dest_path, ec) == fs::file_size(path_, ec));
  return Status::ok();
}

Status DuckDatabase::snapshot_to(const std::string& dest_path) {
  std::error_code ec;
  if (fs::exists(dest_path, ec)) {
    return Status::exists("duckdb snapshot: " + dest_path + " already exists");
  }
  fs::path parent = fs::path(dest_path).parent_path();
  if (!parent.empty() && !fs::create_directories(parent, ec) && ec) {
    return Status::io("duckdb snapshot: create directory " + parent.string() + ": " + ec.message());
  }
  Result<QueryRows> live = query("SELECT current_database()");
  if (!live.is_ok()) return live.status();
  MTG_CHECK(live->rows.size() == 1);
  MTG_CHECK(live->rows[0][0].has_value());
  static const std::string kAlias = "mtg_snapshot";
  // READ_WRITE: a read-only database would attach the new file read-only too.
  MTG_RETURN_IF_ERROR(exec("ATTACH " + quote_literal(dest_path) + " AS " + kAlias + " (READ_WRITE)"));
  Status copied = exec("COPY FROM DATABASE " + quote_identifier(*live->rows[0][0]) + " TO " + kAlias);
  Status detached = exec("DETACH " + kAlias);
  if (!copied.is_ok() || !detached.is_ok()) {
    fs::remove(dest_path, ec);
    fs::remove(dest_path + ".wal", ec);
    return (copied.is_ok() ? detached : copied).with_context("snapshot to " + dest_path);
  }
  return Status::ok();
}

Result<std::string> DuckDatabase::server_version() { return std::string(duckdb_library_version()); }

Status DuckDatabase::ping() { return query("SELECT 1").status(); }

void remove_duckdb_files(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
  fs::remove(path + ".wal", ec);
}

}  // namespace mtg
