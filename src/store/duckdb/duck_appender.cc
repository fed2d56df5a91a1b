#include "store/duckdb/duck_appender.h"

#include <duckdb.h>

#include <utility>

#include "util/check.h"

namespace mtg {
namespace {

duckdb_appender handle(void* appender) { return static_cast<duckdb_appender>(appender); }

duckdb_state append_value(duckdb_appender appender, const DuckParam& value) {
  if (std::holds_alternative<int64_t>(value)) {
    return duckdb_append_int64(appender, std::get<int64_t>(value));
  }
  if (std::holds_alternative<double>(value)) {
    return duckdb_append_double(appender, std::get<double>(value));
  }
  if (std::holds_alternative<std::string>(value)) {
    const std::string& text = std::get<std::string>(value);
    return duckdb_append_varchar_length(appender, text.data(), text.size());
  }
  return duckdb_append_null(appender);
}

}  // namespace

DuckAppender::DuckAppender(void* appender, std::string table)
    : appender_(appender), table_(std::move(table)) {
  MTG_CHECK(appender_ != nullptr);
  MTG_CHECK(!table_.empty());
}

DuckAppender::~DuckAppender() {
  duckdb_appender raw = handle(appender_);
  duckdb_appender_destroy(&raw);
}

Status DuckAppender::error(const std::string& what) {
  failed_ = true;
  const char* reason = duckdb_appender_error(handle(appender_));
  return Status::invalid("duckdb appender " + table_ + ": " + what + ": " +
                         (reason != nullptr ? reason : "failed"));
}

Status DuckAppender::append_row(const std::vector<DuckParam>& row) {
  if (failed_) return Status::precondition("duckdb appender " + table_ + ": failed earlier");
  MTG_CHECK(!row.empty());
  for (const DuckParam& value : row) {
    if (append_value(handle(appender_), value) != DuckDBSuccess) return error("append");
  }
  if (duckdb_appender_end_row(handle(appender_)) != DuckDBSuccess) return error("end row");
  return Status::ok();
}

Status DuckAppender::flush() {
  if (failed_) return Status::precondition("duckdb appender " + table_ + ": failed earlier");
  if (duckdb_appender_flush(handle(appender_)) != DuckDBSuccess) return error("flush");
  return Status::ok();
}

}  // namespace mtg
