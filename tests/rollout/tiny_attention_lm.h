// tests/rollout/tiny_attention_lm.h: a small CausalLM for the rollout tests:
// token + learned position embeddings, `layers` blocks of grouped-query
// attention (through the KvCache hook, so cache bugs change the output) and a
// tanh MLP, untied output head. Random weights from a fixed seed, scaled so
// next-token distributions are neither flat nor one-hot.
// Non-goals: being a real architecture (policy/ has those).
// Shapes: B batch, T new tokens, S keys, C = Hq * D hidden, V vocab.
#pragma once

#include <cmath>
#include <limits>

#include "policy/causal_lm.h"

namespace rlzero::testing {

struct TinyLmConfig {
  int64_t vocab = 40;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 2;
  int64_t head_dim = 8;
  int64_t max_pos = 512;
  uint64_t seed = 7;
  double weight_scale = 0.6;
};

class TinyAttentionLm : public CausalLM {
 public:
  explicit TinyAttentionLm(const TinyLmConfig& c) : c_(c) {
    torch::NoGradGuard g;
    auto gen = at::detail::createCPUGenerator(c.seed);
    const int64_t C = c.heads * c.head_dim;
    auto w = [&](std::vector<int64_t> shape, double fan_in) {
      return torch::randn(shape, gen, torch::kFloat32) * (c.weight_scale / std::sqrt(fan_in));
    };
    emb_ = register_parameter("emb", w({c.vocab, C}, 1.0 / 4));
    pos_ = register_parameter("pos", w({c.max_pos, C}, 1.0));
    for (int64_t l = 0; l < c.layers; ++l) {
      std::string p = "l" + std::to_string(l) + "_";
      wq_.push_back(register_parameter(p + "wq", w({C, C}, C)));
      wk_.push_back(register_parameter(p + "wk", w({c.kv_heads * c.head_dim, C}, C)));
      wv_.push_back(register_parameter(p + "wv", w({c.kv_heads * c.head_dim, C}, C)));
      wo_.push_back(register_parameter(p + "wo", w({C, C}, C)));
      w1_.push_back(register_parameter(p + "w1", w({2 * C, C}, C)));
      w2_.push_back(register_parameter(p + "w2", w({C, 2 * C}, 2 * C)));
    }
    out_ = register_parameter("out", w({c.vocab, C}, C / 9.0));
  }

  torch::Tensor Forward(const torch::Tensor& ids, const torch::Tensor& positions,
                        const torch::Tensor& attn_mask, KvCache* cache) override {
    const int64_t B = ids.size(0), T = ids.size(1), D = c_.head_dim;
    torch::Tensor x = emb_.index_select(0, ids.reshape(-1)).view({B, T, -1}) +
                      pos_.index_select(0, positions.reshape(-1)).view({B, T, -1});
    for (int64_t l = 0; l < c_.layers; ++l) {
      auto q = torch::matmul(x, wq_[l].t()).view({B, T, c_.heads, D}).transpose(1, 2);
      auto k = torch::matmul(x, wk_[l].t()).view({B, T, c_.kv_heads, D}).transpose(1, 2);
      auto v = torch::matmul(x, wv_[l].t()).view({B, T, c_.kv_heads, D}).transpose(1, 2);
      if (cache != nullptr) std::tie(k, v) = cache->Append(static_cast<int>(l), k, v);
      const int64_t rep = c_.heads / c_.kv_heads;
      k = k.repeat_interleave(rep, 1);
      v = v.repeat_interleave(rep, 1);
      auto scores = torch::matmul(q, k.transpose(2, 3)) / std::sqrt(static_cast<double>(D));
      torch::Tensor mask = attn_mask;
      if (!mask.defined()) {
        mask = torch::ones({T, T}, torch::kBool).tril().view({1, 1, T, T});
      }
      scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
      auto attn = torch::matmul(torch::softmax(scores, -1), v);  // [B, Hq, T, D]
      x = x + torch::matmul(attn.transpose(1, 2).reshape({B, T, -1}), wo_[l].t());
      x = x + torch::matmul(torch::tanh(torch::matmul(x, w1_[l].t())), w2_[l].t());
    }
    return x;
  }
  torch::Tensor Logits(const torch::Tensor& hidden) override {
    return torch::matmul(hidden, out_.t());
  }
  int64_t vocab_size() const override { return c_.vocab; }
  int64_t num_layers() const override { return c_.layers; }
  int64_t num_kv_heads() const override { return c_.kv_heads; }
  int64_t head_dim() const override { return c_.head_dim; }

 private:
  TinyLmConfig c_;
  torch::Tensor emb_, pos_, out_;
  std::vector<torch::Tensor> wq_, wk_, wv_, wo_, w1_, w2_;
};

}  // namespace rlzero::testing
