// verifiers/judge_model.h: what the model-judge verifier needs from a served
// model: one prompt in, one completion's text out, before a deadline. The
// verifier (judge_verifier.h) builds the grading prompt and parses the
// verdict; a JudgeModel only transports. The gRPC implementation over a
// rollout worker (rlzero.v1.RolloutService) lives in rewards/rollout_judge.h,
// so this library stays free of gRPC and LibTorch.
//
// Contract: Generate returns the completion's text, or an error Status that
// says why there is none (UNAVAILABLE: judge down; DEADLINE_EXCEEDED;
// UNAUTHENTICATED: wrong token; ...). It never blocks past the deadline and
// never throws. The text is the model's: hostile, any size up to the
// implementation's bound.
// Thread safety: Generate is const and may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"
#include "verifiers/verifier.h"

namespace rlzero::verifiers {

struct JudgeRequest {
  std::string prompt;        // the whole grading prompt, chat markers included
  double temperature = 0.0;  // 0 = greedy
  double top_p = 1.0;
  int max_new_tokens = 512;
  std::vector<std::string> stop;
  uint64_t seed = 0;
};

class JudgeModel {
 public:
  virtual ~JudgeModel() = default;
  virtual StatusOr<std::string> Generate(const JudgeRequest& request,
                                         const Deadline& deadline) const = 0;
};

}  // namespace rlzero::verifiers
