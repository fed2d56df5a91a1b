// A comma-separated list of counts, as benchmarks take them on their command line
// ("3,30,300" -> {3, 30, 300}).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mtg::testkit {

// The counts of `list`, in order; throws std::invalid_argument on a part that is no number.
std::vector<size_t> count_list(const std::string& list);

}  // namespace mtg::testkit
