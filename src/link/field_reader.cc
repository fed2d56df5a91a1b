#include "link/field_reader.h"

#include <cmath>
#include <limits>

namespace mtg::link {
namespace {

using json = nlohmann::json;

std::string bytes_range(size_t min_bytes, size_t max_bytes) {
  if (min_bytes == 0) return "at most " + std::to_string(max_bytes) + " bytes";
  return std::to_string(min_bytes) + " to " + std::to_string(max_bytes) + " bytes";
}

}  // namespace

FieldReader::FieldReader(const json& object) : obj_(object) { MTG_CHECK(object.is_object()); }

bool FieldReader::has(const char* key) const { return ok() && obj_.contains(key); }

std::string FieldReader::str(const char* key, size_t max_bytes, size_t min_bytes) {
  MTG_CHECK(min_bytes <= max_bytes);
  const json* v = field(key);
  if (v == nullptr) return {};
  if (!v->is_string()) return fail(key, "expected a string"), std::string();
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes)
    return fail(key, "longer than " + std::to_string(max_bytes) + " bytes"), std::string();
  if (s.size() < min_bytes) {
    return fail(key, s.empty() ? "empty" : "shorter than " + std::to_string(min_bytes) + " bytes"),
           std::string();
  }
  return s;
}

int64_t FieldReader::integer(const char* key, int64_t min, int64_t max) {
  MTG_CHECK(min <= max);
  const json* v = field(key);
  if (v == nullptr) return 0;
  if (!v->is_number_integer()) return fail(key, "expected an integer"), 0;
  if (v->is_number_unsigned() &&
      v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return fail(key, "out of range"), 0;
  }
  const int64_t n = v->get<int64_t>();
  if (n < min || n > max) return fail(key, "out of range"), 0;
  return n;
}

double FieldReader::number(const char* key) {
  const json* v = field(key);
  if (v == nullptr) return 0;
  if (!v->is_number()) return fail(key, "expected a number"), 0.0;
  const double d = v->get<double>();
  if (!std::isfinite(d)) return fail(key, "not finite"), 0.0;
  if (d < 0) return fail(key, "out of range"), 0.0;
  return d;
}

bool FieldReader::boolean(const char* key) {
  const json* v = field(key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) return fail(key, "expected a boolean"), false;
  return v->get<bool>();
}

std::vector<std::string> FieldReader::strings(const char* key, size_t max_items, size_t max_bytes,
                                              size_t min_bytes) {
  MTG_CHECK(min_bytes <= max_bytes);
  std::vector<std::string> out;
  const json* list = array(key, max_items);
  for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
    const json& item = (*list)[i];
    const bool fits = item.is_string() && item.get_ref<const std::string&>().size() >= min_bytes &&
                      item.get_ref<const std::string&>().size() <= max_bytes;
    if (!fits) {
      fail(key, "item " + std::to_string(i) + ": expected a string of " + bytes_range(min_bytes, max_bytes));
      return out;
    }
    out.push_back(item.get<std::string>());
  }
  MTG_CHECK(out.size() <= max_items);
  return out;
}

void FieldReader::fail(const std::string& key, const std::string& what) {
  if (error_.empty()) error_ = "field \"" + key + "\": " + what;
  MTG_CHECK(!ok());  // the first failure is kept: later reads return defaults
}

const json* FieldReader::field(const char* key) {
  if (!ok()) return nullptr;
  auto it = obj_.find(key);
  if (it == obj_.end()) return fail(key, "missing"), nullptr;
  return &*it;
}

const json* FieldReader::array(const char* key, size_t max_items) {
  const json* v = field(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) return fail(key, "expected an array"), nullptr;
  if (v->size() > max_items) return fail(key, "more than " + std::to_string(max_items) + " items"), nullptr;
  return v;
}

}  // namespace mtg::link
