#include "testkit/count_list.h"

#include <algorithm>

namespace mtg::testkit {

std::vector<size_t> count_list(const std::string& list) {
  std::vector<size_t> out;
  for (size_t at = 0; at < list.size();) {
    const size_t comma = std::min(list.find(',', at), list.size());
    out.push_back(std::stoul(list.substr(at, comma - at)));
    at = comma + 1;
  }
  return out;
}

}  // namespace mtg::testkit
