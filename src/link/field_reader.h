// Strict, bounded reads of the fields of one JSON object of the terminal link protocol
// (docs/protocol.md "Framing"), for the codec. The first failure is kept as
// `field "KEY": WHAT` and every later read returns a default, so a decoder reads all its
// fields and checks ok() once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/check.h"
#include "util/status.h"

namespace mtg::link {

class FieldReader {
 public:
  // Precondition: `object` is a JSON object that outlives the reader.
  explicit FieldReader(const nlohmann::json& object);

  // Whether `key` is present (false after a failure): optional fields are read only then.
  bool has(const char* key) const;

  // A required string of min_bytes to max_bytes bytes.
  std::string str(const char* key, size_t max_bytes, size_t min_bytes = 0);
  // A required JSON integer (5, not 5.0 or "5") in [min, max].
  int64_t integer(const char* key, int64_t min, int64_t max);
  // A required JSON number, finite and >= 0: every number of the protocol is a volume
  // (lots) or a price.
  double number(const char* key);
  // A required true/false.
  bool boolean(const char* key);
  // A required name of the trade vocabulary, read by `parse` (e.g. parse_side); E{} on failure.
  template <typename E>
  E name(const char* key, Result<E> (*parse)(std::string_view));
  // A required array of at most max_items strings of min_bytes to max_bytes bytes each.
  std::vector<std::string> strings(const char* key, size_t max_items, size_t max_bytes, size_t min_bytes = 0);
  // A required array of at most max_items objects, each read by `read(FieldReader&)`;
  // a failure names the item: `field "orders": item 3: field "state": …`.
  template <typename T, typename Read>
  std::vector<T> objects(const char* key, size_t max_items, Read read);

  // Records `field "KEY": WHAT` unless a failure is already recorded.
  void fail(const std::string& key, const std::string& what);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  // The field, or nullptr after a failure (recording "missing" when it is absent).
  const nlohmann::json* field(const char* key);
  // The array under key, at most max_items long, or nullptr after a failure.
  const nlohmann::json* array(const char* key, size_t max_items);

  const nlohmann::json& obj_;
  std::string error_;
};

// Longest name of the trade vocabulary accepted ("positions_mismatch" has 18 bytes).
inline constexpr size_t kMaxNameChars = 32;

template <typename E>
E FieldReader::name(const char* key, Result<E> (*parse)(std::string_view)) {
  const std::string text = str(key, kMaxNameChars);
  if (!ok()) return E{};
  Result<E> value = parse(text);
  if (!value) return fail(key, value.status().message()), E{};
  return *value;
}

template <typename T, typename Read>
std::vector<T> FieldReader::objects(const char* key, size_t max_items, Read read) {
  std::vector<T> out;
  const nlohmann::json* list = array(key, max_items);
  for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
    const nlohmann::json& item = (*list)[i];
    const std::string where = "item " + std::to_string(i) + ": ";
    if (!item.is_object()) return fail(key, where + "expected an object"), out;
    FieldReader item_reader(item);
    T value = read(item_reader);
    if (!item_reader.ok()) return fail(key, where + item_reader.error()), out;
    out.push_back(std::move(value));
  }
  MTG_CHECK(out.size() <= max_items);
  return out;
}

}  // namespace mtg::link
