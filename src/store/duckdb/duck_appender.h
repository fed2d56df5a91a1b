// DuckAppender: DuckDB's fast bulk loader for one table (about 1M rows/s with a
// primary key). Rows become visible after flush() or when the appender is destroyed;
// a constraint violation (e.g. a duplicate primary key) fails flush() and the
// appender is then unusable. Borrows its DuckDatabase's connection: destroy first.
#pragma once

#include <string>
#include <vector>

#include "store/duckdb/duck_types.h"
#include "util/status.h"

namespace mtg {

class DuckAppender {
 public:
  // Takes ownership of a duckdb_appender (opaque here to keep duckdb.h private).
  DuckAppender(void* appender, std::string table);
  ~DuckAppender();
  DuckAppender(const DuckAppender&) = delete;
  DuckAppender& operator=(const DuckAppender&) = delete;

  // Appends one row; `row` holds one value per column of the table, in order.
  Status append_row(const std::vector<DuckParam>& row);
  // Writes the buffered rows to the table.
  Status flush();

 private:
  Status error(const std::string& what);

  void* appender_;  // duckdb_appender, owned
  std::string table_;
  bool failed_ = false;
};

}  // namespace mtg
