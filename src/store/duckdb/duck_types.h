// Value types shared by DuckDatabase and DuckAppender.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mtg {

// One bound parameter or appended value: NULL, BIGINT, DOUBLE or VARCHAR.
using DuckParam = std::variant<std::nullptr_t, int64_t, double, std::string>;

// A materialised query result: every value rendered as text (DuckDB's own cast to
// VARCHAR, e.g. "1.5", "true", "2024-01-02"), NULL as std::nullopt.
struct QueryRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;

  // Index of the column named `name`, or -1.
  int column(const std::string& name) const;
  // rows[row][column(name)]; precondition: the column exists and row < rows.size().
  const std::optional<std::string>& at(size_t row, const std::string& name) const;
};

}  // namespace mtg
