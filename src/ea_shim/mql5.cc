#include "ea_shim/mql5.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <strings.h>

int StringLen(const string& s) { return static_cast<int>(s.size()); }

string StringSubstr(const string& s, int start, int length) {
  if (start < 0 || static_cast<size_t>(start) >= s.size()) return "";
  if (length < 0) return s.substr(static_cast<size_t>(start));
  return s.substr(static_cast<size_t>(start), static_cast<size_t>(length));
}

int StringFind(const string& s, const string& match, int start) {
  if (start < 0) start = 0;
  const size_t at = s.find(match, static_cast<size_t>(start));
  return at == string::npos ? -1 : static_cast<int>(at);
}

ushort StringGetCharacter(const string& s, int pos) {
  if (pos < 0 || static_cast<size_t>(pos) >= s.size()) return 0;
  return static_cast<uchar>(s[static_cast<size_t>(pos)]);
}

string ShortToString(ushort c) {
  // A byte of a UTF-8 string goes back as that byte; a wider unit (from a \u escape
  // in MQL5) is encoded as UTF-8.
  if (c < 0x100) return string(1, static_cast<char>(c));
  string out;
  if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  }
  out += static_cast<char>(0x80 | (c & 0x3F));
  return out;
}

string IntegerToString(long number, int str_len, ushort fill) {
  string digits = std::to_string(number);
  while (static_cast<int>(digits.size()) < str_len) digits.insert(digits.begin(), static_cast<char>(fill));
  return digits;
}

string DoubleToString(double value, int digits) {
  MTG_CHECK(digits >= 0 && digits <= 16);
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

long StringToInteger(const string& s) { return std::strtol(s.c_str(), nullptr, 10); }
double StringToDouble(const string& s) { return std::strtod(s.c_str(), nullptr); }

int StringCompare(const string& a, const string& b, bool case_sensitive) {
  const int c = case_sensitive ? a.compare(b) : strcasecmp(a.c_str(), b.c_str());
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

int StringToCharArray(const string& s, MqlArray<uchar>& out, int start, int count, uint codepage) {
  MTG_CHECK(codepage == CP_UTF8 && start >= 0);
  size_t n = s.size() + 1;  // the NUL MQL5 appends
  if (count >= 0 && static_cast<size_t>(count) < n) n = static_cast<size_t>(count);
  if (out.items.size() < static_cast<size_t>(start) + n) out.items.resize(static_cast<size_t>(start) + n);
  for (size_t i = 0; i < n; ++i) out.items[static_cast<size_t>(start) + i] = i < s.size() ? static_cast<uchar>(s[i]) : 0;
  return static_cast<int>(n);
}

string CharArrayToString(const MqlArray<uchar>& bytes, int start, int count, uint codepage) {
  MTG_CHECK(codepage == CP_UTF8 && start >= 0);
  const size_t size = bytes.items.size();
  size_t begin = std::min(static_cast<size_t>(start), size);
  size_t end = count < 0 ? size : std::min(size, begin + static_cast<size_t>(count));
  if (count < 0) {
    for (size_t i = begin; i < end; ++i) {
      if (bytes.items[i] == 0) {
        end = i;
        break;
      }
    }
  }
  return string(bytes.items.begin() + static_cast<std::ptrdiff_t>(begin),
                bytes.items.begin() + static_cast<std::ptrdiff_t>(end));
}

bool MathIsValidNumber(double value) { return std::isfinite(value); }
double MathAbs(double value) { return std::fabs(value); }
double MathRound(double value) { return std::round(value); }
double MathFloor(double value) { return std::floor(value); }
double MathMin(double a, double b) { return std::min(a, b); }
double MathMax(double a, double b) { return std::max(a, b); }
