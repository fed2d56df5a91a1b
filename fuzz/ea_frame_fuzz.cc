// libFuzzer target, differential: the EA's frame decoder (mql5/Include/MtGuard/
// Frames.mqh, compiled as C++ through src/ea_shim/) and the engine's codec
// (src/link/codec.h) on the same line. Property, a crash when broken: both refuse it,
// or both decode it to the same frame, or it is a frame only a terminal sends (which
// the EA refuses by design).
#include <cstddef>
#include <cstdint>
#include <string>

#include "ea_shim/ea_core.h"
#include "ea_shim/engine_frame.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  const Agreement a = compare_decoders(line);
  if (!a.problem.empty()) mtg::fuzz::fail("ea_frame_fuzz", a.problem);
  return 0;
}
