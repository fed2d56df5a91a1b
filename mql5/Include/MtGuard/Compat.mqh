// The few spellings that differ between MQL5 and the C++ the tests compile these files
// as (src/ea_shim/mql5.h defines the C++ side before including any .mqh). Everything
// else in mql5/Include/MtGuard/ is written in the subset both languages share
// (scripts/mql5-lint rejects what MQL5 lacks).
#ifndef MTGUARD_COMPAT_MQH
#define MTGUARD_COMPAT_MQH

#ifdef __MQL5__
// A dynamic array member or local: MTG_ARRAY(int, ids);
#define MTG_ARRAY(T, name) T name[]
// A dynamic array parameter, written by the callee.
#define MTG_ARRAY_REF(T, name) T &name[]
// A dynamic array parameter, only read.
#define MTG_ARRAY_CREF(T, name) const T &name[]
// Stops the program loudly when an invariant is broken (MQL5: a divide by zero is
// a critical runtime error that removes the EA from the chart).
#define MTG_ASSERT(cond) \
  do { \
    if (!(cond)) { \
      Print("MtGuard: invariant broken at ", __FILE__, ":", __LINE__); \
      int mtg_zero_ = 0; \
      int mtg_stop_ = 1 / mtg_zero_; \
      Print(mtg_stop_); \
    } \
  } while (false)

// Unix milliseconds: the PC's UTC clock, advanced by the tick counter between seconds.
long MtgNowMs() {
  static long base_ms = 0;
  if (base_ms == 0) base_ms = (long)TimeGMT() * 1000 - (long)GetTickCount64();
  return base_ms + (long)GetTickCount64();
}
#endif

#endif
