// ClickHouseClient: ClickHouse's HTTP interface over one reused libcurl handle
// (keep-alive: consecutive requests share one TCP connection while the server keeps it).
//
// Works with ClickHouse 18.16 and current versions. Every non-200 answer is an error
// whose message keeps ClickHouse's own text, e.g.
//   "clickhouse 127.0.0.1:17123: HTTP 404: Code: 16, e.displayText() = DB::Exception: ..."
// Error mapping: server unreachable or connection cut -> kUnavailable; no answer
// within ClickHouseConfig::timeout_ms -> kTimeout; a non-200 answer -> kIoError.
// After kUnavailable/kTimeout on an insert the rows may or may not have been stored:
// tables fed by retries must tolerate duplicates (ReplacingMergeTree + FINAL).
// Settings travel as URL parameters (the HTTP interface has no session for SET).
// Not thread-safe: one client per thread. Never throws.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace mtg {

class ClickHouseClient {
 public:
  // Query settings sent as URL parameters, e.g. {{"max_execution_time", "10"}}.
  using Settings = std::vector<std::pair<std::string, std::string>>;

  // Largest request body (SQL or rows) and largest response body accepted.
  static constexpr size_t kMaxRequestBytes = 256u << 20;
  static constexpr size_t kMaxResponseBytes = 256u << 20;
  // Insert bodies this large or larger are sent gzip-compressed; smaller ones as they
  // are (compressing a few rows costs more than it saves on a local link).
  static constexpr size_t kCompressMinBytes = 64u << 10;
  // Longest piece of a server error body kept in a Status message.
  static constexpr size_t kMaxErrorTextBytes = 2048;

  // Prepares a client for config.host:config.http_port without contacting the server
  // (ClickHouse may be down; callers retry). kInternal if libcurl cannot start.
  static Result<std::unique_ptr<ClickHouseClient>> create(const ClickHouseConfig& config);

  ~ClickHouseClient();
  ClickHouseClient(const ClickHouseClient&) = delete;
  ClickHouseClient& operator=(const ClickHouseClient&) = delete;

  // POSTs `sql` and returns the response body verbatim (e.g. TabSeparated rows, or
  // JSON when the SQL says FORMAT JSON; UInt64 values come back quoted in JSON).
  // Use fully qualified table names (db.table).
  Result<std::string> query(const std::string& sql, const Settings& settings = {});

  // Inserts newline-separated JSON objects into `<config.database>.<table>` with
  // FORMAT JSONEachRow, in one request. `table` is a bare identifier ([A-Za-z0-9_]+).
  // Rows of kCompressMinBytes or more travel gzip-compressed (Content-Encoding: gzip).
  Status insert_json_each_row(const std::string& table, const std::string& rows_ndjson,
                              const Settings& settings = {});

  // True when `name` is a plain database/table identifier ([A-Za-z0-9_]{1,128}), safe
  // to splice into SQL.
  static bool is_identifier(const std::string& name);

  // SELECT version(), e.g. "18.16.1".
  Result<std::string> server_version();
  // ok when GET /ping answers "Ok.".
  Status ping();

  // The database this client inserts into (ClickHouseConfig::database).
  const std::string& database() const { return config_.database; }
  // "host:port" of the HTTP interface.
  const std::string& endpoint() const { return endpoint_; }
  // TCP connections opened so far (1 after many requests when keep-alive works).
  int64_t connections_opened() const { return connections_opened_; }

 private:
  ClickHouseClient(const ClickHouseConfig& config, void* curl);
  // One HTTP request; `body` == nullptr sends a GET. Returns the 200 response body.
  // `gzipped`: the body is a gzip stream (sent with Content-Encoding: gzip).
  Result<std::string> request(const std::string& path_and_query, const std::string* body, bool gzipped = false);
  std::string url(const std::string& path, const Settings& params) const;

  ClickHouseConfig config_;
  std::string endpoint_;
  void* curl_;  // CURL*, owned
  int64_t connections_opened_ = 0;
};

}  // namespace mtg
