#include "order/client_id.h"

#include <string>

#include "order/order.h"
#include "signal/uuid.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kEncodedChars = 22;  // ceil(16 * 8 / 6)
constexpr size_t kMaxLegDigits = 3;

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string encode(const UuidBytes& bytes) {
  std::string out;
  uint32_t bits = 0;
  int pending = 0;  // bits in `bits` not yet emitted
  for (uint8_t b : bytes) {
    bits = (bits << 8) | b;
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      out.push_back(kAlphabet[(bits >> pending) & 0x3f]);
    }
  }
  if (pending > 0) out.push_back(kAlphabet[(bits << (6 - pending)) & 0x3f]);
  MTG_CHECK(out.size() == kEncodedChars);
  return out;
}

Result<UuidBytes> decode(std::string_view text) {
  if (text.size() != kEncodedChars) return Status::invalid("client id: expected 22 base64url characters");
  UuidBytes bytes{};
  uint32_t bits = 0;
  int pending = 0;
  size_t n = 0;
  for (char c : text) {
    const int v = decode_char(c);
    if (v < 0) return Status::invalid("client id: not base64url");
    bits = (bits << 6) | static_cast<uint32_t>(v);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes[n++] = static_cast<uint8_t>((bits >> pending) & 0xff);
    }
  }
  MTG_CHECK(n == kUuidBytes);
  MTG_CHECK(pending == 4);
  if ((bits & 0x0f) != 0) return Status::invalid("client id: non-canonical base64url tail");
  return bytes;
}

Result<int> parse_leg(std::string_view text) {
  const Status bad = Status::invalid("client id: leg must be 0..999 without leading zeros");
  if (text.empty() || text.size() > kMaxLegDigits || (text.size() > 1 && text[0] == '0')) return bad;
  int leg = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad;
    leg = leg * 10 + (c - '0');
  }
  MTG_CHECK(leg >= 0);
  MTG_CHECK(leg <= kMaxLeg);
  return leg;
}

}  // namespace

std::string client_id(const std::string& uuid, int leg) {
  MTG_CHECK_MSG(leg >= 0, "client_id: leg out of 0..999");
  MTG_CHECK_MSG(leg <= kMaxLeg, "client_id: leg out of 0..999");
  auto bytes = uuid_bytes(uuid);
  MTG_CHECK_MSG(bytes.is_ok(), "client_id: not a uuid");
  std::string id = encode(*bytes) + "." + std::to_string(leg);
  MTG_CHECK(id.size() <= kMaxClientIdChars);
  return id;
}

Result<std::pair<std::string, int>> parse_client_id(std::string_view id) {
  if (id.size() > kMaxClientIdChars) return Status::invalid("client id: longer than 26 characters");
  const size_t dot = id.find('.');
  if (dot == std::string_view::npos) return Status::invalid("client id: missing '.'");
  auto bytes = decode(id.substr(0, dot));
  if (!bytes) return bytes.status();
  auto leg = parse_leg(id.substr(dot + 1));
  if (!leg) return leg.status();
  return std::make_pair(uuid_text(*bytes), *leg);
}

}  // namespace mtg
