// JSON-lines codec of the terminal link protocol (docs/protocol.md).
#pragma once

#include <string>
#include <string_view>

#include "link/frame.h"
#include "util/status.h"

namespace mtg::link {

// The frame as one JSON object followed by "\n". Invalid UTF-8 in strings is replaced
// (U+FFFD), never thrown. The caller checks the size against kMaxLineBytes. Fields of
// version 2 are written only when set or not at their default, so a frame version 1 had
// (a market open, a result, positions) encodes byte for byte as version 1 wrote it; an
// open always carries price, sl and tp (absent = 0 = none). EventFrame's
// event.instance is not encoded. Precondition: a KnownOrder with a result is not
// pending and has the result's client_id.
std::string encode(const Frame& frame);

// Parses one line (without its "\n"; a trailing "\r" is tolerated). Strict: a
// missing field, a wrong JSON type, an out-of-range value (a negative volume, price or
// ticket included), an unknown name, a string or list over its limit, an unknown
// "type" or a line over kMaxLineBytes is kInvalidArgument with a reason naming the
// field (and the list item). Unknown fields are ignored; the optional fields of
// version 2 take their defaults when absent. decode(encode(f)) == f for every f
// decode returns.
Result<Frame> decode(std::string_view line);

}  // namespace mtg::link
