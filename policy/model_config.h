// policy/model_config.h: a Hugging Face config.json as a typed ModelConfig,
// and back.
//
// Contract: ParseModelConfig reads the fields transformers names (see the
// struct), applies the family's defaults (policy/model_family.h), validates
// sizes (positive, heads divide, kv heads divide heads) and rejects what the
// model code does not implement (unknown model_type, rope_scaling types other
// than those of policy/rope_scaling.h, sliding-window attention, hidden_act
// other than silu) with a
// Status naming the file and field. Unknown extra fields are kept verbatim in
// `extra` and written back, so a config survives load -> save.
// ModelConfigToJson writes the fields transformers expects for the family
// (architectures, model_type, sizes, rope, dtype, ...).
// Non-goals: generation_config.json, tokenizer settings.
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/rope_scaling.h"

namespace rlzero {

struct ModelConfig {
  std::string model_type;  // "llama" | "qwen2" | "qwen3" (a registered family)
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;        // C
  int64_t intermediate_size = 0;  // MLP width
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;  // H
  int64_t num_key_value_heads = 0;  // Hkv (GQA); defaults to H
  int64_t head_dim = 0;             // D; defaults per family (hidden/H, qwen3: 128)
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  std::optional<RopeScaling> rope_scaling;  // llama3 | yarn (policy/rope_scaling.h)
  int64_t max_position_embeddings = 2048;
  bool tie_word_embeddings = false;
  // q/k/v (and o for llama/qwen3) projection bias as the config says; qwen2
  // always has q/k/v bias whatever this says (see the family).
  bool attention_bias = false;
  bool mlp_bias = false;  // llama only
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;  // config may hold an int or a list
  std::optional<int64_t> pad_token_id;
  std::string torch_dtype = "float32";  // "float32" | "bfloat16" | "float16"
  double initializer_range = 0.02;
  // Every field of the source file this struct does not model, written back.
  nlohmann::json extra = nlohmann::json::object();
};

// `where` names the source in errors (usually the file path).
StatusOr<ModelConfig> ParseModelConfig(const nlohmann::json& j, const std::string& where);
// Parses JSON text (the fuzz test's entry point).
StatusOr<ModelConfig> ParseModelConfigText(const std::string& text, const std::string& where);
// Reads DIR/config.json, or the file itself if `path` is a file.
StatusOr<ModelConfig> LoadModelConfig(const std::string& path);
// The config.json transformers reads for this family.
nlohmann::json ModelConfigToJson(const ModelConfig& config);
Status WriteModelConfig(const ModelConfig& config, const std::string& path);

}  // namespace rlzero
