// The MQL5 language as C++: the types, arrays and string functions that the EA's core
// (mql5/Include/MtGuard/*.mqh) uses, so that the same files compile here. Strings are
// UTF-8 bytes (MQL5's are UTF-16; every text the EA handles is ASCII or passes through
// CharArrayToString/StringToCharArray with CP_UTF8). Include this before any .mqh.
// The terminal's API (sockets, files, trading) is in terminal.h.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/check.h"

typedef unsigned char uchar;
typedef int64_t datetime;  // MQL5: seconds since 1970
using string = std::string;

// MQL5's dynamic array: `T name[]`, resized with ArrayResize, indexed from 0.
template <typename T>
struct MqlArray {
  std::vector<T> items;
  T& operator[](int i) {
    MTG_CHECK(i >= 0 && static_cast<size_t>(i) < items.size());
    return items[static_cast<size_t>(i)];
  }
  const T& operator[](int i) const {
    MTG_CHECK(i >= 0 && static_cast<size_t>(i) < items.size());
    return items[static_cast<size_t>(i)];
  }
};

#define MTG_ARRAY(T, name) MqlArray<T> name
#define MTG_ARRAY_REF(T, name) MqlArray<T>& name
#define MTG_ARRAY_CREF(T, name) const MqlArray<T>& name
#define MTG_ASSERT(cond) MTG_CHECK(cond)

template <typename T>
int ArraySize(const MqlArray<T>& a) {
  return static_cast<int>(a.items.size());
}
// MQL5 ignores the reserve size for correctness; so does this.
template <typename T>
int ArrayResize(MqlArray<T>& a, int size, int reserve = 0) {
  (void)reserve;
  MTG_CHECK(size >= 0);
  a.items.resize(static_cast<size_t>(size));
  return size;
}
template <typename T>
void ArrayFree(MqlArray<T>& a) {
  a.items.clear();
}

// ---- strings ------------------------------------------------------------------------
inline constexpr uint CP_UTF8 = 65001;
inline constexpr int WHOLE_ARRAY = -1;

int StringLen(const string& s);
string StringSubstr(const string& s, int start, int length = -1);
int StringFind(const string& s, const string& match, int start = 0);
// The character at `pos` (a byte here; a UTF-16 unit in MQL5), 0 outside the string.
ushort StringGetCharacter(const string& s, int pos);
string ShortToString(ushort c);
string IntegerToString(long number, int str_len = 0, ushort fill = ' ');
string DoubleToString(double value, int digits = 8);
long StringToInteger(const string& s);
double StringToDouble(const string& s);
// Copies the string's bytes (CP_UTF8) into `out` from `start`, NUL included as MQL5
// does; returns how many were copied.
int StringToCharArray(const string& s, MqlArray<uchar>& out, int start = 0, int count = -1,
                      uint codepage = CP_UTF8);
// The bytes [start, start + count) of `bytes` as a string (count -1: to the end or NUL).
string CharArrayToString(const MqlArray<uchar>& bytes, int start = 0, int count = -1, uint codepage = CP_UTF8);
bool MathIsValidNumber(double value);
double MathAbs(double value);
double MathRound(double value);
double MathFloor(double value);
double MathMin(double a, double b);
double MathMax(double a, double b);
int StringCompare(const string& a, const string& b, bool case_sensitive = true);
