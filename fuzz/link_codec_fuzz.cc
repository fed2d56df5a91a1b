// libFuzzer target: the terminal link's line buffer and codec (src/link/) on an
// arbitrary byte stream, as a peer could send it over TCP.
// The input's front bytes are the stream; its last bytes choose the line limit and
// how the stream is cut into reads (FuzzedDataProvider takes integers from the end).
// Properties, each a crash when broken:
// - LineBuffer yields exactly the "\n"-separated lines of the stream, in order, and
//   fails exactly when a line (its "\n" included) is over the limit;
// - decode returns a frame or kInvalidArgument with a non-empty reason;
// - a decoded frame re-encodes to one "\n"-terminated line that decodes equal and
//   re-encodes to the same bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "link/codec.h"
#include "link/frame.h"
#include "link/line_buffer.h"

namespace {

using mtg::fuzz::fail;
namespace link = mtg::link;

// Bytes per simulated socket read, at most (the engine reads up to 64 KiB).
constexpr size_t kMaxReadBytes = 512;
// Smallest line limit tried besides the protocol's own kMaxLineBytes.
constexpr size_t kMinLineLimitBytes = 1;
constexpr size_t kMaxSmallLineLimitBytes = 256;

void check_frame(std::string_view line) {
  auto frame = link::decode(line);
  if (!frame) {
    mtg::fuzz::expect_error(frame.status(), {mtg::Code::kInvalidArgument}, "decode");
    return;
  }
  const std::string encoded = link::encode(*frame);
  if (encoded.empty() || encoded.back() != '\n') fail("encode", "no trailing newline");
  const std::string_view body(encoded.data(), encoded.size() - 1);
  if (body.find('\n') != std::string_view::npos) fail("encode", "newline inside the line: " + encoded);
  auto again = link::decode(body);
  if (!again) fail("round trip", "encoded frame rejected: " + again.status().to_string() + " in " + encoded);
  if (!(*again == *frame)) fail("round trip", "decoded differently: " + encoded);
  if (link::encode(*again) != encoded) fail("round trip", "not canonical: " + encoded);
}

// The reference model of LineBuffer: everything appended so far and how much of it
// was handed out as lines.
struct StreamModel {
  std::string stream;
  size_t consumed = 0;
};

// Takes every complete line out of `buffer`, checking each against the model. Returns
// false once the buffer reported an over-long line (the connection would be closed).
bool drain(link::LineBuffer& buffer, StreamModel& model, size_t limit) {
  for (;;) {
    const size_t pending = model.stream.size() - model.consumed;
    if (buffer.buffered_bytes() != pending) fail("line buffer", "buffered_bytes disagrees with the stream");
    const size_t nl = model.stream.find('\n', model.consumed);
    const bool too_long = nl == std::string::npos ? pending >= limit : nl - model.consumed + 1 > limit;
    auto line = buffer.next_line();
    if (!line) {
      if (!too_long) fail("line buffer", "error on a line within the limit: " + line.status().to_string());
      mtg::fuzz::expect_error(line.status(), {mtg::Code::kInvalidArgument}, "line buffer");
      return false;
    }
    if (too_long) fail("line buffer", "no error on a line over the limit");
    if (!line->has_value()) {
      if (nl != std::string::npos) fail("line buffer", "a complete line was not returned");
      return true;
    }
    if (**line != std::string_view(model.stream).substr(model.consumed, nl - model.consumed)) {
      fail("line buffer", "returned a line that is not the next one of the stream");
    }
    model.consumed = nl + 1;
    check_frame(**line);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const size_t limit = input.ConsumeBool()
                           ? link::kMaxLineBytes
                           : input.ConsumeIntegralInRange(kMinLineLimitBytes, kMaxSmallLineLimitBytes);
  link::LineBuffer buffer(limit);
  StreamModel model;
  while (input.remaining_bytes() > 0) {
    const size_t read_bytes = input.ConsumeIntegralInRange<size_t>(1, kMaxReadBytes);
    const std::string chunk = input.ConsumeBytesAsString(read_bytes);
    buffer.append(chunk);
    model.stream += chunk;
    if (!drain(buffer, model, limit)) break;
  }
  return 0;
}
