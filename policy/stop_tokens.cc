// policy/stop_tokens.cc
#include "policy/stop_tokens.h"

#include <algorithm>

namespace rlzero {

std::vector<int32_t> StopTokenIds(const ModelConfig& config, const Tokenizer* tokenizer) {
  std::vector<int32_t> ids;
  auto add = [&ids](int32_t id) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  for (int64_t id : config.eos_token_ids) add(static_cast<int32_t>(id));
  if (tokenizer != nullptr && tokenizer->eos_id()) add(*tokenizer->eos_id());
  return ids;
}

}  // namespace rlzero
