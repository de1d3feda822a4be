// policy/model_io.h: build, initialise, load and save models in the Hugging
// Face layout (config.json + model.safetensors or model-0000N-of-0000M shards
// with model.safetensors.index.json + tokenizer / generation config files).
//
// Contract:
//   - LoadModel reads DIR/config.json (policy/model_config.h), builds the
//     family's module tree directly in the requested dtype (no float32
//     detour), moves it to the device, then copies each tensor once from the
//     memory-mapped file into its parameter, converting dtype chunk by chunk
//     and releasing the file pages behind it: peak RAM stays near the size of
//     the model in the target dtype. Every parameter must be present with the
//     right shape and a floating dtype; a Status names the file and tensor
//     otherwise. Tensors the model does not use (e.g. rotary inv_freq, a tied
//     lm_head) are listed in LoadedModel::unused_tensors.
//   - SaveModel writes parameters under their transformers names, in
//     named_parameters() order, sharded when over max_shard_bytes, metadata
//     {"format": "pt"}, plus config.json (torch_dtype = the saved dtype) and
//     the tokenizer / generation config files copied from `copy_files_from`.
//   - InitWeights is transformers' _init_weights: Linear and Embedding weights
//     ~ N(0, initializer_range), biases 0, RMSNorm weights 1, the padding row
//     of the embedding 0; drawn on CPU in float32 from `seed`, so the result
//     does not depend on device or dtype.
//   - Nothing here throws: LibTorch errors become Status.
// Thread safety: LoadModel/BuildModel set LibTorch's default dtype for the
// duration of the build (restored after); do not build models concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/causal_lm.h"
#include "policy/model_config.h"

namespace rlzero {

struct LoadedModel {
  ModelConfig config;
  std::shared_ptr<CausalLM> model;
  std::vector<std::string> unused_tensors;  // in the checkpoint, not in the model
};

// "float32" | "bfloat16" | "float16" (also fp32/bf16/fp16).
StatusOr<torch::ScalarType> ParseDtype(const std::string& name);
// "float32" | "bfloat16" | "float16" | "float64" (for tests).
std::string DtypeName(torch::ScalarType dtype);
// "cpu" | "cuda" | "cuda:N"; cuda is an error when LibTorch has no CUDA device.
StatusOr<torch::Device> ParseDevice(const std::string& name);

// The family's model for config on device/dtype, weights from InitWeights(seed).
StatusOr<std::shared_ptr<CausalLM>> BuildModel(const ModelConfig& config, torch::Device device,
                                               torch::ScalarType dtype, uint64_t seed = 0);
void InitWeights(CausalLM& model, const ModelConfig& config, uint64_t seed);
// InitWeights' rule for every parameter of `module` (no padding row):
// norm weights 1, biases ("*.bias", "*_bias") 0, the rest ~ N(0,
// initializer_range), drawn in order on CPU in float32 from a generator of
// its own seeded with `seed` (the global generator is neither read nor moved,
// so models may be initialised on several threads at once).
void InitParameters(torch::nn::Module& module, double initializer_range, uint64_t seed);

StatusOr<LoadedModel> LoadModel(const std::string& dir, torch::Device device,
                                torch::ScalarType dtype);

struct SaveOptions {
  // dtype of the tensors on disk; default: each parameter's own dtype.
  std::optional<torch::ScalarType> dtype;
  // Shard when the tensors exceed this many bytes (transformers' default 5 GB).
  uint64_t max_shard_bytes = 5'000'000'000ull;
  // A model dir, or a tokenizer.json file, whose tokenizer.json,
  // tokenizer_config.json, special_tokens_map.json, generation_config.json
  // (and the other tokenizer files transformers writes) are copied. Empty:
  // copy nothing. A generation_config.json is written from the config's
  // bos/eos ids if none is copied.
  std::string copy_files_from;
};
Status SaveModel(const std::string& dir, const ModelConfig& config, CausalLM& model,
                 const SaveOptions& options = {});

}  // namespace rlzero
