#include "cli/table.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/check.h"

namespace mtg {

Table::Table(std::vector<std::string> columns) : columns_(std::move(columns)) {
  MTG_CHECK(!columns_.empty());
}

void Table::add(std::vector<std::string> row) {
  MTG_CHECK(row.size() == columns_.size());
  rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out) const {
  std::vector<size_t> width(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      out << cells[c];
      if (c + 1 < cells.size()) out << std::string(width[c] - cells[c].size() + 2, ' ');
    }
    out << '\n';
  };
  std::vector<std::string> header;
  for (const auto& c : columns_) {
    std::string h = c;
    std::transform(h.begin(), h.end(), h.begin(), ::toupper);
    header.push_back(h);
  }
  line(header);
  for (const auto& row : rows_) line(row);
}

void Table::print_json(std::ostream& out) const { out << json().dump(2) << '\n'; }

nlohmann::json Table::json() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& row : rows_) {
    nlohmann::json obj = nlohmann::json::object();
    for (size_t c = 0; c < columns_.size(); ++c) obj[columns_[c]] = row[c];
    arr.push_back(std::move(obj));
  }
  return arr;
}

}  // namespace mtg
