// The tail of a progress line on a terminal: how much of a known total is done and,
// from the pace so far, the time left.
#pragma once

#include <cstdint>
#include <string>

namespace mtg {

// "(25%, about 9 s left)": `done` of `total` (> 0; done is capped at it), the time left
// at the pace of `progressed` units in `elapsed_ms`; "(25%)" while no pace is known,
// and "(100%)" at the end.
std::string percent_and_time_left(int64_t done, int64_t total, int64_t progressed, int64_t elapsed_ms);

}  // namespace mtg
