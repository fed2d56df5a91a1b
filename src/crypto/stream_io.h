// Byte sources and sinks over iostreams and file descriptors, so the backup stream
// cipher has one implementation for both. Internal to the crypto module.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>

#include "util/status.h"

namespace mtg::crypto {

class ByteReader {
 public:
  virtual ~ByteReader() = default;
  // Reads up to n bytes, stopping early only at end of input; returns the count.
  virtual Result<size_t> read_full(char* buf, size_t n) = 0;
};

class ByteWriter {
 public:
  virtual ~ByteWriter() = default;
  // Writes all n bytes or fails with kIoError.
  virtual Status write_all(const char* buf, size_t n) = 0;
};

class IstreamReader final : public ByteReader {
 public:
  explicit IstreamReader(std::istream& in) : in_(in) {}
  Result<size_t> read_full(char* buf, size_t n) override;

 private:
  std::istream& in_;
};

class OstreamWriter final : public ByteWriter {
 public:
  explicit OstreamWriter(std::ostream& out) : out_(out) {}
  Status write_all(const char* buf, size_t n) override;

 private:
  std::ostream& out_;
};

// Reads from a descriptor it does not own (a pipe from pg_dump, a file).
class FdReader final : public ByteReader {
 public:
  explicit FdReader(int fd) : fd_(fd) {}
  Result<size_t> read_full(char* buf, size_t n) override;

 private:
  int fd_;
};

// Writes to a descriptor it does not own.
class FdWriter final : public ByteWriter {
 public:
  explicit FdWriter(int fd) : fd_(fd) {}
  Status write_all(const char* buf, size_t n) override;

 private:
  int fd_;
};

}  // namespace mtg::crypto
