// rollout/sampling/seeded_uniform.h: the seeding rule. The randomness that
// picks token `step` of sample `sample_index` of prompt `prompt_index` under
// request seed `seed` is one uniform double computed from those four numbers
// alone (a counter-based generator: splitmix64 finalisers chained over the
// inputs). Nothing depends on batch composition, slot, worker or thread, so
// the same request gives the same completions bit for bit on CPU.
//
// Non-goals: cryptographic quality. Thread safety: pure function.
#pragma once

#include <cstdint>

namespace rlzero {

// splitmix64's finaliser: a bijective 64-bit mix.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Uniform in [0, 1) with 53 random bits.
inline double SeededUniform(uint64_t seed, uint64_t prompt_index, uint64_t sample_index,
                            uint64_t step) {
  uint64_t h = Mix64(seed);
  h = Mix64(h ^ prompt_index);
  h = Mix64(h ^ (sample_index + 0x51ED270B27AB3A4Full));
  h = Mix64(h ^ (step + 0x2545F4914F6CDD1Dull));
  return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace rlzero
