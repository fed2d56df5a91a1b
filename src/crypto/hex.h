// Lower-case hexadecimal encoding of binary data (keys, digests, ids).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace mtg::crypto {

// "00ff…": two lower-case hex digits per byte.
std::string to_hex(std::string_view bytes);

// The bytes spelled by `hex` (upper or lower case). kInvalidArgument when the length
// is odd or a character is not a hex digit; the message never repeats the input.
Result<std::vector<uint8_t>> from_hex(std::string_view hex);

}  // namespace mtg::crypto
