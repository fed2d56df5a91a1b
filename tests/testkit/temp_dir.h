// A fresh directory under /tmp (or another parent, e.g. /dev/shm where fsync is free),
// removed with everything in it when the object dies.
#pragma once

#include <string>

namespace mtg::testkit {

class TempDir {
 public:
  TempDir();
  explicit TempDir(const std::string& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path()/name
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes text to path()/name and returns that path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

}  // namespace mtg::testkit
