// policy/deepseek/deepseek_v3_family.cc: the deepseek_v3 family descriptor
// (policy/model_family.h), so LoadModel / SaveModel / BuildModel, `rlzero
// init`, `score`, `generate`, `sft` and `train` take DeepSeek-V3-style dirs.
// The common ModelConfig carries the MLA / MoE / MTP fields verbatim in its
// `extra`, and the builder reads them back through DeepseekV3Config (which
// validates them; an invalid config throws here and reaches the caller as a
// Status naming the field).
#include <stdexcept>

#include "policy/deepseek/deepseek_v3.h"
#include "policy/model_config.h"
#include "policy/model_family.h"

namespace rlzero {
namespace {

StatusOr<deepseek::DeepseekV3Config> ToDeepseekConfig(const ModelConfig& c) {
  return deepseek::DeepseekV3Config::FromJson(ModelConfigToJson(c), "config.json");
}

// `out` already holds the common fields and `extra` (ModelConfigToJson);
// this adds the deepseek defaults transformers expects that it lacks.
void WriteDeepseekFields(const ModelConfig&, nlohmann::json* out) {
  auto dc = deepseek::DeepseekV3Config::FromJson(*out, "config.json");
  if (!dc.ok()) return;
  nlohmann::json full = dc->ToJson();
  for (auto it = full.begin(); it != full.end(); ++it)
    if (!out->contains(it.key())) (*out)[it.key()] = it.value();
}

std::shared_ptr<CausalLM> BuildDeepseekV3(const ModelConfig& c) {
  auto dc = ToDeepseekConfig(c);
  if (!dc.ok()) throw std::runtime_error(dc.status().message());
  return std::make_shared<deepseek::DeepseekV3ForCausalLM>(*dc);
}

}  // namespace

extern const ModelFamily kDeepseekV3Family = {
    /*model_type=*/"deepseek_v3",
    /*architecture=*/"DeepseekV3ForCausalLM",
    /*default_head_dim=*/0,
    /*default_rope_theta=*/10000.0,
    /*default_max_position_embeddings=*/4096,
    WriteDeepseekFields,
    BuildDeepseekV3,
};

}  // namespace rlzero
