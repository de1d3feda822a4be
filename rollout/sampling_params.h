// rollout/sampling_params.h: what a caller asks of one generation request:
// how many samples per prompt, how they are drawn, when they stop, and the
// seed. Torch-free, so services and configs can carry it without LibTorch.
//
// Contract:
//   - temperature == 0 means greedy (argmax; ties go to the lowest token id).
//   - top_k <= 0 and top_p == 1 and min_p == 0 each mean "off".
//   - Truncations apply in the order top-k, top-p, min-p, after temperature.
//   - The returned log-prob of a sampled token is log softmax(logits / T) at
//     that token: after temperature scaling, BEFORE any truncation (for
//     temperature 0, T = 1 is used). The learner uses it as the behaviour
//     policy's log-prob. See docs/rollout.md.
//   - Sample (prompt i, sample j) draws its randomness only from
//     (seed, i, j, step), so its output does not depend on batch composition.
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero {

struct SamplingParams {
  int n = 1;                      // completions per prompt
  double temperature = 1.0;       // 0 = greedy
  double top_p = 1.0;             // (0, 1]
  int top_k = 0;                  // <= 0: off
  double min_p = 0.0;             // [0, 1)
  int max_new_tokens = 256;       // >= 1
  std::vector<std::string> stop;  // stop strings, matched on decoded text
  uint64_t seed = 0;
  // Added to each prompt's index for seeding only, so a batch split across
  // workers (each given its slice's offset) samples exactly as one request.
  int64_t prompt_index_offset = 0;

  // INVALID_ARGUMENT naming the first bad field.
  Status Validate() const;
  // Reads the fields above (same names) from a config section.
  static SamplingParams FromConfig(ConfigReader& reader);
};

}  // namespace rlzero
