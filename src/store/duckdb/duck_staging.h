// Batches moved into a table by one statement: the rows are appended (DuckDB's
// appender) to a temp table of the connection shaped like the table, then one
// `INSERT INTO table(columns) SELECT columns FROM batch <tail>` moves them (about 25 ms
// for 500 rows, where multi-row VALUES statements took about 800 ms). Temp tables live
// in memory, outside the file and its snapshots; their rows are part of the caller's
// transaction.
#pragma once

#include <string>
#include <vector>

#include "store/duckdb/duckdb_database.h"

namespace mtg {

struct StagedTable {
  std::string batch;    // the temp table
  std::string table;    // the table it feeds
  std::string columns;  // the columns it stages, in append order: "a, b, c"
};

// Creates the temp table of `staging` unless this connection has it. Call it outside
// a transaction, so that a rolled-back batch cannot take it away.
Status create_staging(DuckDatabase& db, const StagedTable& staging);

// Stages `rows` (one value per column each) in place of the temp table's rows, then
// moves them into the table with `tail` after the SELECT (e.g. "ON CONFLICT DO NOTHING
// RETURNING id"). Returns the statement's rows (what RETURNING returns); no rows: no
// statement. Precondition: create_staging(db, staging) ran on this connection.
Result<QueryRows> insert_staged(DuckDatabase& db, const StagedTable& staging,
                                const std::vector<std::vector<DuckParam>>& rows, const std::string& tail);

}  // namespace mtg
