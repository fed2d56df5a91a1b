#include "signal/uuid.h"

#include "util/check.h"

namespace mtg {
namespace {

constexpr size_t kUuidPlainChars = 32;
constexpr std::array<size_t, 4> kHyphenPositions = {8, 13, 18, 23};
constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_hyphen_position(size_t i) {
  for (size_t p : kHyphenPositions) {
    if (p == i) return true;
  }
  return false;
}

}  // namespace

Result<UuidBytes> uuid_bytes(std::string_view text) {
  const Status bad = Status::invalid("must be a UUID (8-4-4-4-12 or 32 hex digits)");
  const bool hyphenated = text.size() == kUuidCanonicalChars;
  if (!hyphenated && text.size() != kUuidPlainChars) return bad;
  UuidBytes bytes{};
  size_t nibble = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (hyphenated && is_hyphen_position(i)) {
      if (text[i] != '-') return bad;
      continue;
    }
    const int v = hex_value(text[i]);
    if (v < 0) return bad;
    bytes[nibble / 2] = static_cast<uint8_t>(bytes[nibble / 2] | (v << (nibble % 2 == 0 ? 4 : 0)));
    ++nibble;
  }
  MTG_CHECK(nibble == kUuidPlainChars);
  return bytes;
}

std::string uuid_text(const UuidBytes& bytes) {
  std::string out;
  out.reserve(kUuidCanonicalChars);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (is_hyphen_position(out.size())) out.push_back('-');
    out.push_back(kHexDigits[bytes[i] >> 4]);
    out.push_back(kHexDigits[bytes[i] & 0x0f]);
  }
  MTG_CHECK(out.size() == kUuidCanonicalChars);
  return out;
}

Result<std::string> normalize_uuid(std::string_view text) {
  auto bytes = uuid_bytes(text);
  if (!bytes) return bytes.status();
  std::string canonical = uuid_text(*bytes);
  auto round_trip = uuid_bytes(canonical);
  MTG_CHECK(round_trip.is_ok());
  MTG_CHECK(*round_trip == *bytes);  // the canonical form names the same uuid
  return canonical;
}

}  // namespace mtg
