// Deterministic hashes: the magic number an order carries (so that history finds it
// when the broker rewrote or cut its comment) and the checksum of a journal line.
#ifndef MTGUARD_HASH_MQH
#define MTGUARD_HASH_MQH

#include <MtGuard/Compat.mqh>

// FNV-1a, 64 bits, of the UTF-8 bytes of a client_id: MqlTradeRequest.magic.
ulong MtgMagic(const string &client_id) {
  MTG_ARRAY(uchar, bytes);
  int n = StringToCharArray(client_id, bytes, 0, WHOLE_ARRAY, CP_UTF8) - 1;  // without the NUL
  ulong hash = 0xcbf29ce484222325;
  for (int i = 0; i < n; i++) {
    hash ^= bytes[i];
    hash *= 0x100000001b3;
  }
  return hash;
}

// CRC-32 (IEEE) of bytes[begin, end).
uint MtgCrc32(MTG_ARRAY_CREF(uchar, bytes), int begin, int end) {
  uint crc = 0xFFFFFFFF;
  for (int i = begin; i < end; i++) {
    crc ^= bytes[i];
    for (int bit = 0; bit < 8; bit++) {
      if ((crc & 1) != 0) crc = (crc >> 1) ^ 0xEDB88320;
      else crc = crc >> 1;
    }
  }
  return crc ^ 0xFFFFFFFF;
}

// `value` as 8 lowercase hex digits.
string MtgHex32(uint value) {
  string digits = "0123456789abcdef";
  string out = "";
  for (int shift = 28; shift >= 0; shift -= 4) out += StringSubstr(digits, (int)((value >> shift) & 0xF), 1);
  return out;
}

#endif
