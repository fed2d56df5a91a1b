// JSON-lines codec of the terminal link protocol (docs/protocol.md).
#pragma once

#include <string>
#include <string_view>

#include "link/frame.h"
#include "util/status.h"

namespace mtg::link {

// The frame as one JSON object followed by "\n". Invalid UTF-8 in strings is replaced
// (U+FFFD), never thrown. The caller checks the size against kMaxLineBytes.
std::string encode(const Frame& frame);

// Parses one line (without its "\n"; a trailing "\r" is tolerated). Strict: a
// missing field, a wrong JSON type, an out-of-range value, a string or list over its
// limit, an unknown "type" or a line over kMaxLineBytes is kInvalidArgument with a
// reason naming the field. Unknown fields are ignored.
Result<Frame> decode(std::string_view line);

}  // namespace mtg::link
