#include "store/duckdb/duck_types.h"

#include "util/check.h"

namespace mtg {

int QueryRows::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const std::optional<std::string>& QueryRows::at(size_t row, const std::string& name) const {
  int index = column(name);
  MTG_CHECK_MSG(index >= 0, "no such column in query result");
  MTG_CHECK(row < rows.size());
  MTG_CHECK(static_cast<size_t>(index) < rows[row].size());  // every row holds one value per column
  return rows[row][static_cast<size_t>(index)];
}

}  // namespace mtg
