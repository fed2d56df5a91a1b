// Property checks shared by the fuzz targets. A broken property aborts, which libFuzzer
// reports as a crash and keeps the input as a reproducer.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "util/status.h"

namespace mtg::fuzz {

// Prints "fuzz property broken: WHAT: DETAIL" and aborts.
[[noreturn]] inline void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz property broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

// Aborts unless `status` is an error whose code is one of `codes` and whose message
// (the reason users and peers see) is not empty.
inline void expect_error(const Status& status, std::initializer_list<Code> codes, const char* what) {
  if (status.is_ok()) fail(what, "ok where an error was expected");
  if (std::find(codes.begin(), codes.end(), status.code()) == codes.end()) {
    fail(what, "unexpected code: " + status.to_string());
  }
  if (status.message().empty()) fail(what, "an error without a reason");
}

}  // namespace mtg::fuzz
