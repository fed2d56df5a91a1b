// Tables for operators: aligned columns on a terminal, or a JSON array of objects
// (one per row, keyed by the column names) when a program reads the answer.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace mtg {

class Table {
 public:
  explicit Table(std::vector<std::string> columns);
  // Adds one row; it must have one cell per column.
  void add(std::vector<std::string> row);
  // Prints aligned columns with a header line.
  void print(std::ostream& out) const;
  // Prints a JSON array of objects; cells stay strings.
  void print_json(std::ostream& out) const;
  // The same array, for a caller that nests tables in one document.
  nlohmann::json json() const;
  // print_json when json is set, else print.
  void print(std::ostream& out, bool json) const { json ? print_json(out) : print(out); }
  size_t rows() const { return rows_.size(); }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<std::vector<std::string>>& cells() const { return rows_; }

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace mtg
