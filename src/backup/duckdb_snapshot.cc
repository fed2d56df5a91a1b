#include "backup/duckdb_snapshot.h"

#include <filesystem>

#include "backup/lz4_frame.h"
#include "store/duckdb/duckdb_database.h"

namespace mtg::backup {

namespace {

std::string quote_identifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

Result<TableCounts> expected_counts(const BackupEntry& entry) {
  if (!entry.manifest) return Status::corruption(entry.path + ": no manifest");
  TableCounts counts;
  try {
    for (const auto& [table, rows] : entry.manifest->facts.at("tables").items()) counts[table] = rows.get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Status::corruption(entry.path + ": manifest has no facts.tables: " + e.what());
  }
  return counts;
}

int64_t total_rows(const TableCounts& counts) {
  int64_t total = 0;
  for (const auto& [table, rows] : counts) total += rows;
  return total;
}

}  // namespace

Result<TableCounts> count_duckdb_rows(const std::string& path) {
  auto db = DuckDatabase::open(path);
  if (!db) return db.status();
  auto tables = (*db)->query(
      "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database() "
      "ORDER BY table_name");
  if (!tables) return tables.status();
  TableCounts counts;
  for (const auto& row : tables->rows) {
    if (!row.at(0)) continue;
    const std::string& table = *row.at(0);
    auto n = (*db)->query("SELECT count(*) FROM " + quote_identifier(table));
    if (!n) return n.status();
    if (n->rows.empty() || !n->rows[0].at(0)) return Status::internal("count(*) of " + table + " returned nothing");
    counts[table] = std::stoll(*n->rows[0].at(0));
  }
  return counts;
}

Result<std::string> materialize_duckdb_snapshot(const BackupEntry& entry, const std::string& dest_path,
                                                const ProgressFn& progress) {
  auto expected = expected_counts(entry);
  if (!expected) return expected.status();
  auto written = lz4_decompress_file(entry.path + "/" + kDuckdbPayload, dest_path, progress);
  if (!written) return written.status();
  auto actual = count_duckdb_rows(dest_path);
  if (!actual) {
    remove_duckdb_files(dest_path);
    return Status::corruption(entry.path + ": snapshot does not open: " + actual.status().message());
  }
  std::error_code ec;
  std::filesystem::remove(dest_path + ".wal", ec);  // opening may leave an empty WAL
  for (const auto& [table, rows] : *expected) {
    const auto it = actual->find(table);
    const int64_t got = it == actual->end() ? -1 : it->second;
    if (got != rows) {
      remove_duckdb_files(dest_path);
      return Status::corruption(entry.path + ": table " + table + " has " + std::to_string(got) +
                                " rows, manifest says " + std::to_string(rows));
    }
  }
  return std::to_string(expected->size()) + " tables, " + std::to_string(total_rows(*expected)) +
         " rows match the manifest";
}

}  // namespace mtg::backup
