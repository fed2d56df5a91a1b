// An owning file descriptor: files, directories, sockets, pipes and eventfds.
#pragma once

namespace mtg {

// Owns one file descriptor and closes it when destroyed; move-only. An Fd holding
// -1 owns nothing. Not thread-safe: one owner at a time.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  // The descriptor, -1 when none is owned.
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership and returns the descriptor (-1 when none); the caller closes it.
  int release();
  // Closes the descriptor now, ignoring a close error (FileSystem::close reports one).
  void reset();

 private:
  int fd_ = -1;
};

}  // namespace mtg
