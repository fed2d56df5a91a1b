// Strict reads of the fields of one frame, as the engine's codec reads them
// (docs/protocol.md "Framing"): the first failure is kept as `field "KEY": WHAT` and
// every later read returns a default, so a decoder reads all its fields and checks
// Ok() once.
#ifndef MTGUARD_FIELDS_MQH
#define MTGUARD_FIELDS_MQH

#include <MtGuard/Json.mqh>
#include <MtGuard/Names.mqh>

#define MTG_INT64_MAX_TEXT "9223372036854775807"

class FieldReader {
 private:
  string m_error;

  int Field(const JsonObject &obj, const string &key) {
    if (!Ok()) return -1;
    int f = obj.Find(key);
    if (f < 0) Fail(key, "missing");
    return f;
  }
  // Whether the integer token `text` (no sign but "-0"'s) is at most 2^63 - 1.
  bool FitsInt64(const string &text) {
    int n = StringLen(text);
    string limit = MTG_INT64_MAX_TEXT;
    if (n != StringLen(limit)) return n < StringLen(limit);
    return StringCompare(text, limit, true) <= 0;
  }

 public:
  FieldReader() : m_error("") {}  // MQL5 leaves a string NULL otherwise
  bool Ok() const { return m_error == ""; }
  string Error() const { return m_error; }
  void Fail(const string &key, const string &what) {
    if (m_error == "") m_error = "field \"" + key + "\": " + what;
  }
  bool Has(const JsonObject &obj, const string &key) const { return Ok() && obj.Find(key) >= 0; }

  string Str(const JsonObject &obj, const string &key, int max_bytes, int min_bytes = 0) {
    int f = Field(obj, key);
    if (f < 0) return "";
    if (obj.Kind(f) != JSON_STRING) { Fail(key, "expected a string"); return ""; }
    int n = obj.Bytes(f);
    if (n > max_bytes) { Fail(key, "longer than " + IntegerToString(max_bytes) + " bytes"); return ""; }
    if (n < min_bytes) {
      Fail(key, n == 0 ? "empty" : "shorter than " + IntegerToString(min_bytes) + " bytes");
      return "";
    }
    return obj.Text(f);
  }
  long Integer(const JsonObject &obj, const string &key, long min_value, long max_value) {
    int f = Field(obj, key);
    if (f < 0) return 0;
    if (obj.Kind(f) != JSON_INTEGER) { Fail(key, "expected an integer"); return 0; }
    string text = obj.Text(f);
    bool negative = StringGetCharacter(text, 0) == '-';
    string digits = negative ? StringSubstr(text, 1) : text;
    if (!FitsInt64(digits)) {
      // The engine's parser reads a negative integer beyond int64 as a float.
      Fail(key, negative ? "expected an integer" : "out of range");
      return 0;
    }
    long value = StringToInteger(digits);
    if (negative) value = -value;
    if (value < min_value || value > max_value) { Fail(key, "out of range"); return 0; }
    return value;
  }
  double Number(const JsonObject &obj, const string &key) {
    int f = Field(obj, key);
    if (f < 0) return 0;
    if (obj.Kind(f) != JSON_INTEGER && obj.Kind(f) != JSON_FLOAT) { Fail(key, "expected a number"); return 0; }
    double value = StringToDouble(obj.Text(f));
    if (value < 0) { Fail(key, "out of range"); return 0; }
    return value;
  }
  bool Boolean(const JsonObject &obj, const string &key) {
    int f = Field(obj, key);
    if (f < 0) return false;
    if (obj.Kind(f) != JSON_BOOL) { Fail(key, "expected a boolean"); return false; }
    return obj.Text(f) == "true";
  }
  // A name of list `list` (Names.mqh); 0 on failure.
  int Name(const JsonObject &obj, const string &key, int list) {
    string text = Str(obj, key, MTG_MAX_NAME_CHARS);
    if (!Ok()) return 0;
    int value = MtgParseName(list, text);
    if (value < 0) { Fail(key, "unknown name \"" + text + "\""); return 0; }
    return value;
  }
  // An array of at most max_items strings of min_bytes..max_bytes bytes, into `out`.
  void Strings(const JsonObject &obj, const string &key, int max_items, int max_bytes, int min_bytes,
               MTG_ARRAY_REF(string, out)) {
    ArrayResize(out, 0);
    int f = Field(obj, key);
    if (f < 0) return;
    if (obj.Kind(f) != JSON_ARRAY) { Fail(key, "expected an array"); return; }
    int n = obj.ItemCount(f);
    if (n > max_items) { Fail(key, "more than " + IntegerToString(max_items) + " items"); return; }
    for (int i = 0; i < n; i++) {
      int bytes = obj.ItemBytes(f, i);
      if (obj.ItemKind(f, i) != JSON_STRING || bytes < min_bytes || bytes > max_bytes) {
        Fail(key, "item " + IntegerToString(i) + ": expected a string of at most " + IntegerToString(max_bytes) +
                      " bytes");
        ArrayResize(out, 0);
        return;
      }
      ArrayResize(out, i + 1, 64);
      out[i] = obj.ItemText(f, i);
    }
  }
};

#endif
