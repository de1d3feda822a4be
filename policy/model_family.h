// policy/model_family.h: a model family (Llama, Qwen2, Qwen3, ...) as a small
// descriptor chosen by config.json's model_type from an explicit registry.
// Adding a family is one file (policy/<family>.cc defining its descriptor and
// builder over policy/transformer_blocks.h) plus one line in
// policy/model_registry.cc; nothing else switches on model_type strings.
//
// This header is torch-free (CausalLM is only forward-declared) so the config
// parser that consults it stays torch-free.
// Thread safety: descriptors are immutable statics.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rlzero {

class CausalLM;
struct ModelConfig;

struct ModelFamily {
  const char* model_type;    // config.json "model_type"
  const char* architecture;  // config.json "architectures"[0]
  // Defaults transformers' config class applies when a field is absent.
  int64_t default_head_dim;  // 0: hidden_size / num_attention_heads
  double default_rope_theta;
  int64_t default_max_position_embeddings;
  // Fields written to config.json beyond the common ones (family-specific
  // keys transformers expects, e.g. use_sliding_window for Qwen).
  void (*write_extra_fields)(const ModelConfig& config, nlohmann::json* out);
  // Builds an uninitialised float32 CPU model with transformers' module tree.
  std::shared_ptr<CausalLM> (*build)(const ModelConfig& config);
};

// nullptr if no family has this model_type.
const ModelFamily* FindModelFamily(const std::string& model_type);
// Every registered model_type, for messages.
std::vector<std::string> ModelFamilyNames();

}  // namespace rlzero
