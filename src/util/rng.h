// Randomness behind an interface so a simulation replays exactly from a seed (or a
// test scripts every draw).
#pragma once

#include <cstdint>
#include <random>

namespace mtg {

class Rng {
 public:
  virtual ~Rng() = default;
  // Uniform in [0, 1).
  virtual double uniform01() = 0;
  // Uniform in [lo, hi]; precondition lo <= hi.
  virtual int64_t uniform_int(int64_t lo, int64_t hi) = 0;
};

// mt19937_64 with portable draws: the same seed gives the same sequence on every
// platform and standard library.
class SeededRng final : public Rng {
 public:
  explicit SeededRng(uint64_t seed) : engine_(seed) {}
  double uniform01() override;
  int64_t uniform_int(int64_t lo, int64_t hi) override;

 private:
  std::mt19937_64 engine_;
};

}  // namespace mtg
