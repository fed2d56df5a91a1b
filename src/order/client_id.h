// The terminal-facing order id that MT5 carries in the order comment (at most 26
// characters there): base64url of the 16 uuid bytes (22 chars, no padding), ".", and
// the decimal leg, e.g. "bxxqK3Y8QyWuHQ0aBcDeFg.3". A terminal that reports orders by
// comment lets the engine map them back to (uuid, leg) after any restart.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "util/status.h"

namespace mtg {

constexpr size_t kMaxClientIdChars = 26;

// Precondition (MTG_CHECK): `uuid` is a valid uuid and 0 <= leg <= kMaxLeg (999).
std::string client_id(const std::string& uuid, int leg);

// (canonical uuid, leg) of a client id. kInvalidArgument for anything that
// client_id would not produce (wrong length or alphabet, non-canonical base64 tail,
// missing ".", leg not 0..999 or with leading zeros).
Result<std::pair<std::string, int>> parse_client_id(std::string_view id);

}  // namespace mtg
