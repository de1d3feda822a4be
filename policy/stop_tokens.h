// policy/stop_tokens.h: the token ids that end a completion: the model
// config's eos_token_id(s) (config.json, an int or a list) and the
// tokenizer's EOS token, if it names one. Every sampler in rlzero (train's
// engine, rollout workers, generate, eval) stops on this same set, so a
// completion ends at the same token wherever it is sampled.
// Contract: config ids first in their order, then the tokenizer's if new; no
// duplicates. `tokenizer` may be null (a model dir without tokenizer.json).
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "policy/model_config.h"
#include "policy/tokenizer/tokenizer.h"

namespace rlzero {

std::vector<int32_t> StopTokenIds(const ModelConfig& config, const Tokenizer* tokenizer);

}  // namespace rlzero
