// tests/learner/tiny_causal_lm.h: a deterministic one-layer transformer that
// implements CausalLM, for learner tests until the policy library's model
// families land. Test-only. Shapes as in policy/causal_lm.h; no KV cache.
#pragma once

#include <cmath>
#include <memory>

#include "policy/causal_lm.h"

namespace rlzero::testing {

class TinyCausalLM : public CausalLM {
 public:
  // Parameters are drawn from a private generator seeded with `seed`.
  TinyCausalLM(int64_t vocab, int64_t hidden, int64_t max_positions, uint64_t seed)
      : vocab_(vocab), hidden_(hidden) {
    at::Generator gen = at::detail::createCPUGenerator(seed);
    auto randn = [&](std::initializer_list<int64_t> shape) {
      return torch::empty(shape, torch::kFloat32).normal_(0.0, 1.0, gen);
    };
    const double s = 0.3;
    tok_ = register_parameter("tok", randn({vocab, hidden}) * s);
    pos_ = register_parameter("pos", randn({max_positions, hidden}) * s);
    wqkv_ = register_parameter("wqkv", randn({hidden, 3 * hidden}) * s);
    wo_ = register_parameter("wo", randn({hidden, hidden}) * s);
    w1_ = register_parameter("w1", randn({hidden, 2 * hidden}) * s);
    w2_ = register_parameter("w2", randn({2 * hidden, hidden}) * s);
    head_ = register_parameter("head", randn({hidden, vocab}) * s);
  }

  torch::Tensor Forward(const torch::Tensor& input_ids, const torch::Tensor& positions,
                        const torch::Tensor& /*attn_mask*/, KvCache* /*cache*/) override {
    const int64_t T = input_ids.size(1);
    torch::Tensor x = tok_.index_select(0, input_ids.reshape(-1)).view({-1, T, hidden_}) +
                      pos_.index_select(0, positions.reshape(-1)).view({-1, T, hidden_});
    auto qkv = torch::matmul(Norm(x), wqkv_).chunk(3, -1);
    torch::Tensor att = torch::matmul(qkv[0], qkv[1].transpose(1, 2)) / std::sqrt(double(hidden_));
    torch::Tensor causal = torch::ones({T, T}, torch::kBool).tril();
    att = att.masked_fill(causal.logical_not(), -1e9).softmax(-1);
    x = x + torch::matmul(torch::matmul(att, qkv[2]), wo_);
    x = x + torch::matmul(torch::tanh(torch::matmul(Norm(x), w1_)), w2_);
    return Norm(x);
  }
  torch::Tensor Logits(const torch::Tensor& hidden) override {
    return torch::matmul(hidden, head_);
  }
  int64_t vocab_size() const override { return vocab_; }
  int64_t num_layers() const override { return 1; }
  int64_t num_kv_heads() const override { return 1; }
  int64_t head_dim() const override { return hidden_; }

 private:
  static torch::Tensor Norm(const torch::Tensor& x) {
    return (x - x.mean(-1, true)) / torch::sqrt(x.var(-1, false, true) + 1e-5);
  }
  int64_t vocab_, hidden_;
  torch::Tensor tok_, pos_, wqkv_, wo_, w1_, w2_, head_;
};

}  // namespace rlzero::testing
