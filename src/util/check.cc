#include "util/check.h"

#include <cstdio>
#include <cstdlib>

namespace mtg {

void check_failed(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "mtguard: invariant broken: %s at %s:%d %s\n", expr, file, line, msg);
  std::fflush(stderr);
  std::abort();
}

}  // namespace mtg
