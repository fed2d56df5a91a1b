#include "store/duckdb/duck_staging.h"

#include "util/check.h"

namespace mtg {

Status create_staging(DuckDatabase& db, const StagedTable& staging) {
  MTG_CHECK(!staging.batch.empty());
  MTG_CHECK(!staging.columns.empty());
  return db.exec("CREATE TEMP TABLE IF NOT EXISTS " + staging.batch + " AS SELECT " + staging.columns +
                 " FROM " + staging.table + " LIMIT 0");
}

Result<QueryRows> insert_staged(DuckDatabase& db, const StagedTable& staging,
                                const std::vector<std::vector<DuckParam>>& rows, const std::string& tail) {
  if (rows.empty()) return QueryRows{};
  MTG_RETURN_IF_ERROR(db.exec("DELETE FROM " + staging.batch));
  {
    auto appender = db.appender(staging.batch);
    if (!appender) return appender.status();
    for (const auto& row : rows) MTG_RETURN_IF_ERROR((*appender)->append_row(row));
    MTG_RETURN_IF_ERROR((*appender)->flush());
  }  // the appender is done before the statement reads its rows
  return db.query("INSERT INTO " + staging.table + "(" + staging.columns + ") SELECT " + staging.columns +
                  " FROM " + staging.batch + " " + tail);
}

}  // namespace mtg
