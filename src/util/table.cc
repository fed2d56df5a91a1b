#include "util/table.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "util/check.h"

namespace mtg {

Table::Table(std::vector<std::string> columns) : columns_(std::move(columns)) {
  MTG_CHECK(!columns_.empty());
  for (const auto& c : columns_) MTG_CHECK(!c.empty());
  // print_json keys each row by column name: two equal names would lose a cell.
  MTG_CHECK(std::set<std::string>(columns_.begin(), columns_.end()).size() == columns_.size());
}

void Table::add(std::vector<std::string> row) {
  MTG_CHECK(row.size() == columns_.size());
  rows_.push_back(std::move(row));
  MTG_CHECK(rows_.back().size() == columns_.size());
}

void Table::print(std::ostream& out) const {
  std::vector<size_t> width(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    MTG_CHECK(cells.size() == width.size());
    for (size_t c = 0; c < cells.size(); ++c) {
      MTG_CHECK(cells[c].size() <= width[c]);  // the padding below is unsigned
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
  MTG_CHECK(header.size() == columns_.size());
  line(header);
  for (const auto& row : rows_) line(row);
}

void Table::print_json(std::ostream& out) const { out << json().dump(2) << '\n'; }

nlohmann::json Table::json() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& row : rows_) {
    MTG_CHECK(row.size() == columns_.size());
    nlohmann::json obj = nlohmann::json::object();
    for (size_t c = 0; c < columns_.size(); ++c) obj[columns_[c]] = row[c];
    MTG_CHECK(obj.size() == columns_.size());
    arr.push_back(std::move(obj));
  }
  MTG_CHECK(arr.size() == rows_.size());
  return arr;

}

}  // namespace mtg
