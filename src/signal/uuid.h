// Signal uuids: the producer's idempotency key. Accepted as 36-char 8-4-4-4-12 or
// 32-char hex in any case; always stored and compared in canonical lower-case
// 8-4-4-4-12 form.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

constexpr size_t kUuidBytes = 16;
constexpr size_t kUuidCanonicalChars = 36;
using UuidBytes = std::array<uint8_t, kUuidBytes>;

// The 16 bytes of `text` (36-char hyphenated or 32-char plain hex, any case), or
// kInvalidArgument "must be a UUID (8-4-4-4-12 or 32 hex digits)".
Result<UuidBytes> uuid_bytes(std::string_view text);

// Canonical lower-case 8-4-4-4-12 text of `bytes`.
std::string uuid_text(const UuidBytes& bytes);

// Canonical form of `text`; same errors as uuid_bytes.
Result<std::string> normalize_uuid(std::string_view text);

}  // namespace mtg
