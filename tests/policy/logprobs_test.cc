// tests/policy/logprobs_test.cc: TokenLogProbs against the plain reference
// log_softmax(model.Logits(full hidden)) gathered at the next tokens, for
// every chunk size; entropies; gradients of the chunked custom backward
// against autograd through the reference; padding invariance; float32
// results for bf16 weights.
#include "policy/logprobs.h"

#include <gtest/gtest.h>

#include "policy/model_io.h"

namespace rlzero {
namespace {

ModelConfig Tiny(bool tie) {
  ModelConfig c;
  c.model_type = "qwen2";
  c.vocab_size = 29;
  c.hidden_size = 16;
  c.intermediate_size = 24;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 4;
  c.tie_word_embeddings = tie;
  c.initializer_range = 0.3;  // peaked distributions, not near-uniform
  return c;
}

// Reference: full logits, float32 log_softmax, gather.
std::pair<torch::Tensor, torch::Tensor> Reference(CausalLM& m, const torch::Tensor& ids) {
  const int64_t B = ids.size(0), T = ids.size(1);
  auto pos = torch::arange(T, torch::kInt64).expand({B, T});
  auto h = m.Forward(ids, pos, torch::Tensor(), nullptr);
  auto lsm = torch::log_softmax(m.Logits(h).to(torch::kFloat32), -1).narrow(1, 0, T - 1);
  auto lp = lsm.gather(2, ids.narrow(1, 1, T - 1).unsqueeze(-1)).squeeze(-1);
  auto ent = -(lsm.exp() * lsm).sum(-1);
  return {lp, ent};
}

TEST(TokenLogProbsTest, ChunkedEqualsUnchunkedEqualsReference) {
  for (bool tie : {false, true}) {
    auto m = BuildModel(Tiny(tie), torch::kCPU, torch::kFloat64, 1);
    ASSERT_TRUE(m.ok());
    torch::manual_seed(0);
    auto ids = torch::randint(0, 29, {3, 9}, torch::kInt64);
    torch::NoGradGuard ng;
    auto [ref_lp, ref_ent] = Reference(**m, ids);
    for (int64_t chunk : {1, 2, 5, 24, 1000}) {
      auto r = TokenLogProbs(**m, ids, torch::Tensor(), torch::Tensor(), chunk, true);
      EXPECT_EQ(r.logprobs.scalar_type(), torch::kFloat32);
      ASSERT_EQ(r.logprobs.sizes(), torch::IntArrayRef({3, 8}));
      EXPECT_TRUE(torch::allclose(r.logprobs, ref_lp, 1e-5, 1e-6)) << "chunk " << chunk;
      EXPECT_TRUE(torch::allclose(r.entropy, ref_ent, 1e-5, 1e-6)) << "chunk " << chunk;
      EXPECT_TRUE(r.mask.all().item<bool>());
    }
    EXPECT_TRUE((ref_lp < 0).all().item<bool>());
  }
}

TEST(TokenLogProbsTest, ChunkedBackwardMatchesAutograd) {
  for (bool tie : {false, true}) {
    auto m = BuildModel(Tiny(tie), torch::kCPU, torch::kFloat64, 2);
    ASSERT_TRUE(m.ok());
    CausalLM& model = **m;
    torch::manual_seed(1);
    auto ids = torch::randint(0, 29, {2, 7}, torch::kInt64);
    auto w_lp = torch::randn({2, 6});
    auto w_ent = torch::randn({2, 6});
    // Reference gradients.
    model.zero_grad();
    auto [lp, ent] = Reference(model, ids);
    ((lp * w_lp).sum() + (ent * w_ent).sum()).backward();
    std::map<std::string, torch::Tensor> ref;
    for (const auto& p : model.named_parameters()) ref[p.key()] = p.value().grad().clone();
    // Chunked custom backward.
    model.zero_grad();
    auto r = TokenLogProbs(model, ids, torch::Tensor(), torch::Tensor(), 3, true);
    ((r.logprobs * w_lp).sum() + (r.entropy * w_ent).sum()).backward();
    for (const auto& p : model.named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_TRUE(torch::allclose(p.value().grad(), ref[p.key()], 1e-4, 1e-6))
          << p.key() << " tie=" << tie;
    }
  }
}

TEST(TokenLogProbsTest, PaddingDoesNotChangeScores) {
  auto m = BuildModel(Tiny(false), torch::kCPU, torch::kFloat64, 3);
  ASSERT_TRUE(m.ok());
  torch::NoGradGuard ng;
  auto row = torch::tensor({5, 9, 1, 17, 3, 8}, torch::kInt64).view({1, 6});
  auto alone = TokenLogProbs(**m, row, torch::Tensor(), torch::Tensor(), 4).logprobs;
  // Left padding by 2 and right padding by 1 (pad id 0), in one batch.
  auto left = torch::cat(
      {torch::zeros({1, 2}, torch::kInt64), row, torch::zeros({1, 1}, torch::kInt64)}, 1);
  auto right = torch::cat({row, torch::zeros({1, 3}, torch::kInt64)}, 1);
  auto ids = torch::cat({left, right}, 0);  // [2, 9]
  auto mask = torch::zeros({2, 9}, torch::kInt64);
  mask[0].narrow(0, 2, 6).fill_(1);
  mask[1].narrow(0, 0, 6).fill_(1);
  auto r = TokenLogProbs(**m, ids, mask, torch::Tensor(), 4);
  // Row 0: targets 3..7 are the row's tokens 1..5.
  EXPECT_TRUE(torch::allclose(r.logprobs[0].narrow(0, 2, 5), alone[0], 1e-6, 1e-7));
  EXPECT_TRUE(torch::allclose(r.logprobs[1].narrow(0, 0, 5), alone[0], 1e-6, 1e-7));
  EXPECT_EQ(r.mask.sum().item<int64_t>(), 10);
  EXPECT_EQ(r.logprobs.masked_select(r.mask.logical_not()).abs().sum().item<double>(), 0.0);
  // Completion start: only targets at index >= 4 are scored.
  auto c = TokenLogProbs(**m, row, torch::Tensor(), torch::tensor({4}, torch::kInt64), 4);
  EXPECT_EQ(c.mask.sum().item<int64_t>(), 2);
  EXPECT_TRUE(torch::allclose(c.logprobs[0].narrow(0, 3, 2), alone[0].narrow(0, 3, 2)));
  EXPECT_EQ(c.logprobs[0].narrow(0, 0, 3).abs().sum().item<double>(), 0.0);
}

TEST(TokenLogProbsTest, Bf16WeightsGiveFloat32) {
  auto m32 = BuildModel(Tiny(false), torch::kCPU, torch::kFloat32, 4);
  auto m16 = BuildModel(Tiny(false), torch::kCPU, torch::kBFloat16, 4);
  ASSERT_TRUE(m32.ok() && m16.ok());
  torch::NoGradGuard ng;
  auto ids = torch::randint(0, 29, {2, 8}, torch::kInt64);
  auto a = TokenLogProbs(**m32, ids, torch::Tensor(), torch::Tensor(), 5).logprobs;
  auto b = TokenLogProbs(**m16, ids, torch::Tensor(), torch::Tensor(), 5).logprobs;
  EXPECT_EQ(b.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::allclose(a, b, 0.05, 0.1));
}

}  // namespace
}  // namespace rlzero
