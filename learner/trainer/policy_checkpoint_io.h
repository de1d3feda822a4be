// learner/trainer/policy_checkpoint_io.h: the trainer's model save / load
// callbacks for policy models: save in the HF layout through policy
// SaveModel (float32 on disk so resume is exact), load a checkpoint's weights
// into the live module in place (the rollout engine and the learner hold the
// same module, so it must not be replaced).
// Thread safety: call with no concurrent forward on the model.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "policy/causal_lm.h"
#include "policy/model_config.h"

namespace rlzero {

// copy_files_from: the base model dir (tokenizer files are copied from it).
Status SavePolicyCheckpoint(const std::string& dir, const ModelConfig& config, CausalLM& model,
                            const std::string& copy_files_from);
// Loads DIR's weights (policy LoadModel) and copies them by name into `model`.
Status LoadPolicyWeightsInPlace(const std::string& dir, CausalLM& model);

}  // namespace rlzero
