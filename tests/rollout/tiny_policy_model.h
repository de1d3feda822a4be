// tests/rollout/tiny_policy_model.h: a tiny random model of one of policy/'s
// real families (vocab 64, hidden 32, 2 layers, 4 query / 2 KV heads of 8)
// for the rollout tests. initializer_range 0.2 (not 0.02) so next-token
// distributions are far from uniform and argmax is well separated.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "policy/model_config.h"
#include "policy/model_io.h"

namespace rlzero::testing {

inline std::shared_ptr<CausalLM> TinyPolicyModel(const std::string& family,
                                                 torch::Device device = torch::kCPU,
                                                 bool tie_word_embeddings = false,
                                                 uint64_t seed = 3) {
  const std::string text = R"({"model_type": ")" + family +
                           R"(", "vocab_size": 64, "hidden_size": 32,
      "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
      "num_key_value_heads": 2, "head_dim": 8, "max_position_embeddings": 512,
      "initializer_range": 0.2, "tie_word_embeddings": )" +
                           (tie_word_embeddings ? "true" : "false") + "}";
  auto config = ParseModelConfigText(text, "test config");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  auto model = BuildModel(*config, device, torch::kFloat32, seed);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return *model;
}

}  // namespace rlzero::testing
