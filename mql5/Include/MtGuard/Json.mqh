// JSON for the terminal link protocol (docs/protocol.md "Framing"): a writer that
// builds one object as a string, and a strict reader of one line's bytes that accepts
// exactly what the engine's parser accepts (RFC 8259, UTF-8 checked, a leading BOM
// skipped, numbers that overflow a double refused, anything after a NUL byte that
// follows the object ignored) and keeps the top-level fields of
// an object, with the items of top-level arrays. Nesting depth is bounded only by the
// line: the reader keeps its own stack, never the call stack.
#ifndef MTGUARD_JSON_MQH
#define MTGUARD_JSON_MQH

#include <MtGuard/Compat.mqh>

enum JsonKind { JSON_NONE, JSON_NULL, JSON_BOOL, JSON_INTEGER, JSON_FLOAT, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

// ---- writing -------------------------------------------------------------------------

// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
string JsonQuote(const string &text) {
  string out = "\"";
  int n = StringLen(text);
  for (int i = 0; i < n; i++) {
    ushort c = StringGetCharacter(text, i);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20) {
      string hex = "0123456789abcdef";
      out += "\\u00" + StringSubstr(hex, c / 16, 1) + StringSubstr(hex, c % 16, 1);
    } else out += ShortToString(c);
  }
  return out + "\"";
}

// A finite number >= 0 (a volume or a price) as the shortest of its 10-decimal forms.
string JsonNumber(double value) {
  MTG_ASSERT(MathIsValidNumber(value));
  string text = DoubleToString(value, 10);
  int end = StringLen(text);
  while (end > 0 && StringGetCharacter(text, end - 1) == '0') end--;
  if (end > 0 && StringGetCharacter(text, end - 1) == '.') end--;
  if (end == 0) return "0";
  return StringSubstr(text, 0, end);
}

// Builds one JSON object; arrays of objects nest through BeginArray/BeginItem.
class JsonWriter {
 private:
  string m_text;
  MTG_ARRAY(int, m_first);  // per open container: 1 while nothing is written in it

  void Separate() {
    int top = ArraySize(m_first) - 1;
    MTG_ASSERT(top >= 0);
    if (m_first[top] == 0) m_text += ",";
    m_first[top] = 0;
  }
  void Open(const string &bracket) {
    m_text += bracket;
    int n = ArraySize(m_first);
    ArrayResize(m_first, n + 1);
    m_first[n] = 1;
  }
  void Close(const string &bracket) {
    int n = ArraySize(m_first);
    MTG_ASSERT(n > 0);
    ArrayResize(m_first, n - 1);
    m_text += bracket;
  }
  void Key(const string &key) {
    Separate();
    m_text += JsonQuote(key) + ":";
  }

 public:
  JsonWriter() : m_text("") { Open("{"); }
  void Str(const string &key, const string &value) { Key(key); m_text += JsonQuote(value); }
  void Int(const string &key, long value) { Key(key); m_text += IntegerToString(value); }
  void Num(const string &key, double value) { Key(key); m_text += JsonNumber(value); }
  void Bool(const string &key, bool value) { Key(key); m_text += (value ? "true" : "false"); }
  void Strings(const string &key, MTG_ARRAY_CREF(string, values)) {
    Key(key);
    Open("[");
    for (int i = 0; i < ArraySize(values); i++) {
      Separate();
      m_text += JsonQuote(values[i]);
    }
    Close("]");
  }
  // An array of objects: BeginArray, then per item BeginItem ... EndItem, then EndArray.
  void BeginArray(const string &key) { Key(key); Open("["); }
  void BeginItem() { Separate(); Open("{"); }
  void EndItem() { Close("}"); }
  void EndArray() { Close("]"); }
  // The object, closed; the writer is finished afterwards.
  string Finish() {
    Close("}");
    MTG_ASSERT(ArraySize(m_first) == 0);
    return m_text;
  }
};

// ---- reading -------------------------------------------------------------------------

// The top-level fields of one JSON object. A repeated key keeps its last value.
class JsonObject {
 private:
  // Fields, by index.
  MTG_ARRAY(string, m_key);
  MTG_ARRAY(int, m_kind);
  MTG_ARRAY(string, m_text);      // a string's value, a number's token, "true"/"false"
  MTG_ARRAY(int, m_bytes);        // a string's length in UTF-8 bytes
  MTG_ARRAY(int, m_first_item);   // an array's first item in the m_item_* lists
  MTG_ARRAY(int, m_item_count);
  // Items of top-level arrays.
  MTG_ARRAY(int, m_item_kind);
  MTG_ARRAY(string, m_item_text);
  MTG_ARRAY(int, m_item_bytes);
  // Parser state.
  MTG_ARRAY(uchar, m_in);
  int m_pos;
  int m_end;
  MTG_ARRAY(uchar, m_stack);      // '{' or '[' per open container
  MTG_ARRAY(uchar, m_value);      // the bytes of the string being read
  int m_field;                    // the top-level field whose value is being read, -1 none
  string m_error;

  bool Fail(const string &what) {
    if (m_error == "") m_error = what;
    return false;
  }
  void SkipSpace() {
    while (m_pos < m_end && (m_in[m_pos] == ' ' || m_in[m_pos] == '\t' || m_in[m_pos] == '\n' || m_in[m_pos] == '\r'))
      m_pos++;
  }
  int HexDigit(uchar c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool ReadHex4(int &code) {
    if (m_end - m_pos < 4) return Fail("not valid JSON");
    code = 0;
    for (int i = 0; i < 4; i++) {
      int d = HexDigit(m_in[m_pos + i]);
      if (d < 0) return Fail("not valid JSON");
      code = code * 16 + d;
    }
    m_pos += 4;
    return true;
  }
  void PutByte(int b) {
    int n = ArraySize(m_value);
    ArrayResize(m_value, n + 1, 64);
    m_value[n] = (uchar)b;
  }
  void PutCodePoint(int code) {
    if (code < 0x80) PutByte(code);
    else if (code < 0x800) { PutByte(0xC0 | (code >> 6)); PutByte(0x80 | (code & 0x3F)); }
    else if (code < 0x10000) {
      PutByte(0xE0 | (code >> 12)); PutByte(0x80 | ((code >> 6) & 0x3F)); PutByte(0x80 | (code & 0x3F));
    } else {
      PutByte(0xF0 | (code >> 18)); PutByte(0x80 | ((code >> 12) & 0x3F));
      PutByte(0x80 | ((code >> 6) & 0x3F)); PutByte(0x80 | (code & 0x3F));
    }
  }
  // One escape after its backslash, into m_value.
  bool ReadEscape() {
    if (m_pos >= m_end) return Fail("not valid JSON");
    uchar c = m_in[m_pos];
    m_pos++;
    if (c == '"' || c == '\\' || c == '/') { PutByte(c); return true; }
    if (c == 'b') { PutByte(8); return true; }
    if (c == 'f') { PutByte(12); return true; }
    if (c == 'n') { PutByte(10); return true; }
    if (c == 'r') { PutByte(13); return true; }
    if (c == 't') { PutByte(9); return true; }
    if (c != 'u') return Fail("not valid JSON");
    int code = 0;
    if (!ReadHex4(code)) return false;
    if (code >= 0xDC00 && code <= 0xDFFF) return Fail("not valid JSON");
    if (code >= 0xD800 && code <= 0xDBFF) {
      int low = 0;
      if (m_end - m_pos < 2 || m_in[m_pos] != '\\' || m_in[m_pos + 1] != 'u') return Fail("not valid JSON");
      m_pos += 2;
      if (!ReadHex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return Fail("not valid JSON");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    PutCodePoint(code);
    return true;
  }
  // Whether m_in[m_pos + offset] is a continuation byte in [lo, hi].
  bool Continues(int offset, int lo, int hi) {
    if (m_pos + offset >= m_end) return false;
    int c = m_in[m_pos + offset];
    return c >= lo && c <= hi;
  }
  // The length of the well-formed UTF-8 sequence at m_pos (its lead byte >= 0x80), 0 if none.
  int Utf8Length() {
    int c = m_in[m_pos];
    if (c >= 0xC2 && c <= 0xDF) return Continues(1, 0x80, 0xBF) ? 2 : 0;
    if (c == 0xE0) return Continues(1, 0xA0, 0xBF) && Continues(2, 0x80, 0xBF) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
      return Continues(1, 0x80, 0xBF) && Continues(2, 0x80, 0xBF) ? 3 : 0;
    if (c == 0xED) return Continues(1, 0x80, 0x9F) && Continues(2, 0x80, 0xBF) ? 3 : 0;
    if (c == 0xF0) return Continues(1, 0x90, 0xBF) && Continues(2, 0x80, 0xBF) && Continues(3, 0x80, 0xBF) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3)
      return Continues(1, 0x80, 0xBF) && Continues(2, 0x80, 0xBF) && Continues(3, 0x80, 0xBF) ? 4 : 0;
    if (c == 0xF4) return Continues(1, 0x80, 0x8F) && Continues(2, 0x80, 0xBF) && Continues(3, 0x80, 0xBF) ? 4 : 0;
    return 0;
  }
  // A string after its opening quote, into m_value.
  bool ReadString() {
    ArrayResize(m_value, 0, 64);
    while (true) {
      if (m_pos >= m_end) return Fail("not valid JSON");
      uchar c = m_in[m_pos];
      if (c == '"') { m_pos++; return true; }
      if (c < 0x20) return Fail("not valid JSON");
      if (c == '\\') {
        m_pos++;
        if (!ReadEscape()) return false;
      } else if (c < 0x80) {
        PutByte(c);
        m_pos++;
      } else {
        int n = Utf8Length();
        if (n == 0) return Fail("not valid JSON");
        for (int i = 0; i < n; i++) PutByte(m_in[m_pos + i]);
        m_pos += n;
      }
    }
    return false;
  }
  bool IsDigit(int at) { return at < m_end && m_in[at] >= '0' && m_in[at] <= '9'; }
  // A number token at m_pos: its kind (JSON_INTEGER or JSON_FLOAT) and text.
  bool ReadNumber(int &kind, string &text) {
    int start = m_pos;
    kind = JSON_INTEGER;
    if (m_in[m_pos] == '-') m_pos++;
    if (!IsDigit(m_pos)) return Fail("not valid JSON");
    if (m_in[m_pos] == '0') m_pos++;
    else while (IsDigit(m_pos)) m_pos++;
    if (m_pos < m_end && m_in[m_pos] == '.') {
      kind = JSON_FLOAT;
      m_pos++;
      if (!IsDigit(m_pos)) return Fail("not valid JSON");
      while (IsDigit(m_pos)) m_pos++;
    }
    if (m_pos < m_end && (m_in[m_pos] == 'e' || m_in[m_pos] == 'E')) {
      kind = JSON_FLOAT;
      m_pos++;
      if (m_pos < m_end && (m_in[m_pos] == '+' || m_in[m_pos] == '-')) m_pos++;
      if (!IsDigit(m_pos)) return Fail("not valid JSON");
      while (IsDigit(m_pos)) m_pos++;
    }
    text = CharArrayToString(m_in, start, m_pos - start, CP_UTF8);
    // The engine's parser refuses a number a double cannot hold.
    if (!MathIsValidNumber(StringToDouble(text))) return Fail("not valid JSON");
    return true;
  }
  bool ReadLiteral(const string &word) {
    int n = StringLen(word);
    if (m_end - m_pos < n) return Fail("not valid JSON");
    for (int i = 0; i < n; i++)
      if (m_in[m_pos + i] != StringGetCharacter(word, i)) return Fail("not valid JSON");
    m_pos += n;
    return true;
  }
  // Records a scalar or the start of a container at the current depth.
  void Record(int kind, const string &text, int bytes) {
    int depth = ArraySize(m_stack);
    if (depth == 1 && m_field >= 0) {
      m_kind[m_field] = kind;
      m_text[m_field] = text;
      m_bytes[m_field] = bytes;
      m_first_item[m_field] = ArraySize(m_item_kind);
      m_item_count[m_field] = 0;
    } else if (depth == 2 && m_field >= 0 && m_stack[1] == '[') {
      int n = ArraySize(m_item_kind);
      ArrayResize(m_item_kind, n + 1, 64);
      ArrayResize(m_item_text, n + 1, 64);
      ArrayResize(m_item_bytes, n + 1, 64);
      m_item_kind[n] = kind;
      m_item_text[n] = text;
      m_item_bytes[n] = bytes;
      m_item_count[m_field]++;
    }
  }
  void Push(uchar bracket) {
    int n = ArraySize(m_stack);
    ArrayResize(m_stack, n + 1, 64);
    m_stack[n] = bracket;
  }
  // A key at depth 1 names a field (a repeated key reuses its slot).
  bool ReadKey() {
    if (m_pos >= m_end || m_in[m_pos] != '"') return Fail("not valid JSON");
    m_pos++;
    if (!ReadString()) return false;
    SkipSpace();
    if (m_pos >= m_end || m_in[m_pos] != ':') return Fail("not valid JSON");
    m_pos++;
    if (ArraySize(m_stack) != 1) return true;
    string key = CharArrayToString(m_value, 0, ArraySize(m_value), CP_UTF8);
    m_field = Find(key);
    if (m_field < 0) {
      m_field = ArraySize(m_key);
      ArrayResize(m_key, m_field + 1, 16);
      ArrayResize(m_kind, m_field + 1, 16);
      ArrayResize(m_text, m_field + 1, 16);
      ArrayResize(m_bytes, m_field + 1, 16);
      ArrayResize(m_first_item, m_field + 1, 16);
      ArrayResize(m_item_count, m_field + 1, 16);
      m_key[m_field] = key;
    }
    return true;
  }
  // One value at m_pos; a container is opened (and closed later by ReadAfterValue).
  // `opened` tells which.
  bool ReadValue(bool &opened) {
    opened = false;
    SkipSpace();
    if (m_pos >= m_end) return Fail("not valid JSON");
    uchar c = m_in[m_pos];
    if (c == '{' || c == '[') {
      Record(c == '{' ? JSON_OBJECT : JSON_ARRAY, "", 0);
      Push(c);
      m_pos++;
      opened = true;
      return true;
    }
    if (c == '"') {
      m_pos++;
      if (!ReadString()) return false;
      Record(JSON_STRING, CharArrayToString(m_value, 0, ArraySize(m_value), CP_UTF8), ArraySize(m_value));
      return true;
    }
    if (c == 't') { if (!ReadLiteral("true")) return false; Record(JSON_BOOL, "true", 0); return true; }
    if (c == 'f') { if (!ReadLiteral("false")) return false; Record(JSON_BOOL, "false", 0); return true; }
    if (c == 'n') { if (!ReadLiteral("null")) return false; Record(JSON_NULL, "", 0); return true; }
    int kind = JSON_NONE;
    string text = "";
    if (!ReadNumber(kind, text)) return false;
    Record(kind, text, 0);
    return true;
  }
  // Inside a freshly opened container: its first key (object) or an empty container.
  // `more` is set when a value follows.
  bool ReadOpening(bool &more) {
    SkipSpace();
    int top = ArraySize(m_stack) - 1;
    uchar closer = m_stack[top] == '{' ? '}' : ']';
    if (m_pos < m_end && m_in[m_pos] == closer) {
      m_pos++;
      ArrayResize(m_stack, top);
      more = false;
      return true;
    }
    more = true;
    if (m_stack[top] == '{') return ReadKey();
    return true;
  }
  // After a complete value: a separator (then `more`) or closing brackets.
  bool ReadAfterValue(bool &more) {
    while (ArraySize(m_stack) > 0) {
      SkipSpace();
      if (m_pos >= m_end) return Fail("not valid JSON");
      int top = ArraySize(m_stack) - 1;
      uchar c = m_in[m_pos];
      m_pos++;
      if (c == ',') {
        more = true;
        if (m_stack[top] == '{') {
          SkipSpace();
          return ReadKey();
        }
        return true;
      }
      if ((c == '}' && m_stack[top] == '{') || (c == ']' && m_stack[top] == '[')) {
        ArrayResize(m_stack, top);
        continue;
      }
      return Fail("not valid JSON");
    }
    more = false;
    return true;
  }

 public:
  JsonObject() : m_pos(0), m_end(0), m_field(-1), m_error("") {}

  // Parses bytes[begin, end). False with Error() "not valid JSON" or "not a JSON object".
  bool Parse(MTG_ARRAY_CREF(uchar, bytes), int begin, int end) {
    ArrayResize(m_key, 0); ArrayResize(m_kind, 0); ArrayResize(m_text, 0); ArrayResize(m_bytes, 0);
    ArrayResize(m_first_item, 0); ArrayResize(m_item_count, 0);
    ArrayResize(m_item_kind, 0); ArrayResize(m_item_text, 0); ArrayResize(m_item_bytes, 0);
    ArrayResize(m_stack, 0);
    m_error = "";
    m_field = -1;
    ArrayResize(m_in, end - begin);
    for (int i = begin; i < end; i++) m_in[i - begin] = bytes[i];
    m_pos = 0;
    m_end = end - begin;
    if (m_end >= 3 && m_in[0] == 0xEF && m_in[1] == 0xBB && m_in[2] == 0xBF) m_pos = 3;
    SkipSpace();
    bool is_object = m_pos < m_end && m_in[m_pos] == '{';
    bool more = true;
    while (more) {
      bool opened = false;
      if (!ReadValue(opened)) return false;
      if (opened) {
        if (!ReadOpening(more)) return false;
        if (more) continue;
      }
      if (!ReadAfterValue(more)) return false;
    }
    SkipSpace();
    // The engine's parser reads a NUL byte between tokens as the end of the input.
    if (m_pos < m_end && m_in[m_pos] != 0) return Fail("not valid JSON");
    if (!is_object) return Fail("not a JSON object");
    return true;
  }
  string Error() const { return m_error; }

  // The field's index, -1 when absent.
  int Find(const string &key) const {
    for (int i = ArraySize(m_key) - 1; i >= 0; i--)
      if (m_key[i] == key) return i;
    return -1;
  }
  int Kind(int field) const { return m_kind[field]; }
  string Text(int field) const { return m_text[field]; }
  int Bytes(int field) const { return m_bytes[field]; }
  int ItemCount(int field) const { return m_item_count[field]; }
  int ItemKind(int field, int item) const { return m_item_kind[m_first_item[field] + item]; }
  string ItemText(int field, int item) const { return m_item_text[m_first_item[field] + item]; }
  int ItemBytes(int field, int item) const { return m_item_bytes[m_first_item[field] + item]; }
};

#endif
