// policy/rope_scaling.h: config.json's `rope_scaling` as a typed RopeScaling,
// and the rotary inverse frequencies and cos/sin attention factor it implies,
// as transformers' modeling_rope_utils computes them for the supported types:
//   llama3 (Llama 3.1+): high frequencies kept, low ones divided by `factor`,
//     a smooth blend between low_freq_factor and high_freq_factor wavelengths.
//   yarn (YaRN, arXiv 2309.00071; DeepSeek-V3, Qwen long context): per
//     dimension i < D/2 a blend of the original frequency base^(-2i/D)
//     (extrapolation) and that frequency / factor (interpolation), with a
//     linear ramp over [low, high] where low/high are the dimensions whose
//     wavelength makes beta_fast / beta_slow rotations over the original
//     context; cos and sin are multiplied by the attention factor
//     (0.1 * ln(factor) + 1, or mscale(factor, mscale) / mscale(factor,
//     mscale_all_dim) when both are set, or `attention_factor` if given).
// A rope type is one entry in the registry in rope_scaling.cc (parse, write,
// frequencies); an unknown type is an error naming it and the known ones.
// Torch-free: frequencies are doubles; callers make float32 tensors.
// Non-goals: linear, dynamic NTK and longrope scaling.
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

struct RopeScaling {
  std::string rope_type = "llama3";  // "llama3" | "yarn"
  double factor = 8.0;
  // llama3 only.
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  // llama3: required. yarn: the pre-training context the correction range
  // refers to; 0 = absent (then max_position_embeddings, as transformers).
  int64_t original_max_position_embeddings = 8192;
  // yarn only. For the optional ones 0 means absent (transformers tests them
  // for truthiness, so an explicit 0 behaves as absent there too).
  double beta_fast = 32.0;
  double beta_slow = 1.0;
  double mscale = 0.0;
  double mscale_all_dim = 0.0;
  double attention_factor = 0.0;  // 0: derived from factor / mscale
  bool truncate = true;           // floor/ceil the correction range
};

// Reads config["rope_scaling"] (absent, null or rope_type "default": none).
// Errors name `where` + ": rope_scaling" and the field; an unknown rope type is
// Unimplemented naming the type and the supported ones.
StatusOr<std::optional<RopeScaling>> ParseRopeScaling(const nlohmann::json& config,
                                                      const std::string& where);
// transformers 5 writes config["rope_parameters"] ({rope_type, rope_theta,
// and the type's fields}) instead of rope_theta and rope_scaling. Applies it
// over what the legacy fields gave: its rope_theta to *theta (a top-level
// rope_theta that disagrees is INVALID_ARGUMENT), its scaling to *scaling
// when rope_type is not "default" (a different scaling from rope_scaling is
// INVALID_ARGUMENT); partial_rotary_factor other than 1 is UNIMPLEMENTED.
// Absent or null: nothing changes.
Status ApplyRopeParameters(const nlohmann::json& config, const std::string& where, double* theta,
                           std::optional<RopeScaling>* scaling);
// The rope_scaling object transformers reads (null for none).
nlohmann::json RopeScalingToJson(const std::optional<RopeScaling>& scaling);
// Every registered rope type, for messages.
std::vector<std::string> RopeScalingTypeNames();

struct RopeFrequencies {
  std::vector<double> inv_freq;   // [D/2]
  double attention_factor = 1.0;  // multiplies cos and sin
};
// Rotary frequencies for a rotary dim `dim` (even), base `theta`;
// max_position_embeddings is config.json's (yarn's default original length).
RopeFrequencies ComputeRopeFrequencies(int64_t dim, double theta, int64_t max_position_embeddings,
                                       const std::optional<RopeScaling>& scaling);

// YaRN's magnitude scale: 0.1 * mscale * ln(scale) + 1 for scale > 1, else 1
// (transformers' get_mscale / DeepSeek's yarn_get_mscale).
double YarnGetMscale(double scale, double mscale);

}  // namespace rlzero
