// Reconnect timing (docs/protocol.md "Connection life"): 250 ms doubling to 5000 ms,
// reset after a welcome; each wait is half the backoff plus a random part of the
// other half, so terminals cut off together do not redial together.
#ifndef MTGUARD_BACKOFF_MQH
#define MTGUARD_BACKOFF_MQH

#include <MtGuard/Compat.mqh>

#define MTG_BACKOFF_MIN_MS 250
#define MTG_BACKOFF_MAX_MS 5000

class Backoff {
 private:
  int m_backoff_ms;

 public:
  Backoff() : m_backoff_ms(MTG_BACKOFF_MIN_MS) {}
  void Reset() { m_backoff_ms = MTG_BACKOFF_MIN_MS; }
  // The next wait, drawn from `random` in [0, 32767] (MathRand), then doubles the backoff.
  int NextWaitMs(int random) {
    MTG_ASSERT(random >= 0 && random <= 32767);
    int half = m_backoff_ms / 2;
    int wait = half + (int)((long)random * (m_backoff_ms - half) / 32767);
    m_backoff_ms = m_backoff_ms * 2;
    if (m_backoff_ms > MTG_BACKOFF_MAX_MS) m_backoff_ms = MTG_BACKOFF_MAX_MS;
    MTG_ASSERT(wait >= MTG_BACKOFF_MIN_MS / 2 && wait <= MTG_BACKOFF_MAX_MS);
    return wait;
  }
};

#endif
