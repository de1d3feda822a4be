// tests/rollout/static_decoder_test.cc: the static (CUDA-graph-ready) decode
// step. On CPU it runs eagerly and must give what the plain step gives:
// greedy tokens equal argmax of a full recompute without cache (the
// independent reference), sampled tokens equal the plain engine's and
// log-probs agree within float blocking. The CUDA capture test runs only
// where LibTorch has CUDA and a device is present.
#include "rollout/static_decoder.h"

#include <gtest/gtest.h>

#include "rollout/rollout_engine.h"
#include "tests/rollout/tiny_policy_model.h"

namespace rlzero {
namespace {

using testing::TinyPolicyModel;

// Prompts of different lengths, so rows sit at different positions.
const std::vector<std::vector<int32_t>> kStaticPrompts = {
    {1, 2, 3}, {5, 9, 11, 2, 2, 30, 17}, {4}, {8, 1, 0, 63, 22, 13, 7, 7, 2, 5, 6, 18}, {9, 9}};

std::vector<int32_t> GreedyReference(CausalLM& model, const std::vector<int32_t>& prompt,
                                     int steps) {
  torch::NoGradGuard g;
  std::vector<int64_t> seq(prompt.begin(), prompt.end());
  std::vector<int32_t> out;
  for (int t = 0; t < steps; ++t) {
    const int64_t L = static_cast<int64_t>(seq.size());
    auto ids = torch::tensor(seq, torch::kInt64).view({1, L}).to(model.parameters()[0].device());
    auto pos = torch::arange(L, ids.options()).view({1, L});
    auto logits = model.Logits(model.Forward(ids, pos, torch::Tensor(), nullptr))[0][-1];
    out.push_back(static_cast<int32_t>(logits.argmax().item<int64_t>()));
    seq.push_back(out.back());
  }
  return out;
}

// A float32 CPU cache fitting the model's layers and heads.
KvCacheShape CacheShapeOf(CausalLM& model, int64_t slots, int64_t max_len) {
  KvCacheShape shape;
  shape.num_layers = model.num_layers();
  shape.num_slots = slots;
  shape.max_len = max_len;
  shape.num_kv_heads = model.num_kv_heads();
  shape.head_dim = model.head_dim();
  return shape;
}

// n greedy samples of every prompt in kStaticPrompts.
StatusOr<std::vector<Completion>> GenerateGreedy(RolloutEngine& engine, int n, int max_new_tokens) {
  SamplingParams p;
  p.temperature = 0;
  p.n = n;
  p.max_new_tokens = max_new_tokens;
  return engine.Generate(kStaticPrompts, p);
}

TEST(StaticDecoderTest, BucketsPadBatchAndKeys) {
  EXPECT_EQ(StaticDecoder::PaddedBatch(1, 64), 1);
  EXPECT_EQ(StaticDecoder::PaddedBatch(2, 64), 2);
  EXPECT_EQ(StaticDecoder::PaddedBatch(3, 64), 4);
  EXPECT_EQ(StaticDecoder::PaddedBatch(5, 64), 8);
  EXPECT_EQ(StaticDecoder::PaddedBatch(9, 64), 16);
  EXPECT_EQ(StaticDecoder::PaddedBatch(64, 64), 64);
  EXPECT_EQ(StaticDecoder::PaddedBatch(6, 7), 7);  // never past the cache's slots
  EXPECT_EQ(StaticDecoder::PaddedKeys(1, 256, 1000), 256);
  EXPECT_EQ(StaticDecoder::PaddedKeys(256, 256, 1000), 256);
  EXPECT_EQ(StaticDecoder::PaddedKeys(257, 256, 1000), 512);
  EXPECT_EQ(StaticDecoder::PaddedKeys(900, 256, 1000), 1000);
}

TEST(StaticDecoderTest, ModeIsValidated) {
  EXPECT_TRUE(ValidateEngineSwitch("cuda_graphs", "auto").ok());
  EXPECT_TRUE(ValidateEngineSwitch("cuda_graphs", "on").ok());
  EXPECT_TRUE(ValidateEngineSwitch("cuda_graphs", "off").ok());
  RolloutEngineOptions o;
  o.cuda_graphs = "yes";
  Status s = o.Validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cuda_graphs 'yes'"), std::string::npos) << s.message();
}

TEST(StaticDecoderTest, StaticStepOfTheCacheChecksItsRowsAndEmptiesPadding) {
  KvCacheShape shape;
  shape.num_layers = 1;
  shape.num_slots = 4;
  shape.max_len = 8;
  shape.num_kv_heads = 1;
  shape.head_dim = 2;
  auto made = SlotKvCache::Create(shape);
  ASSERT_TRUE(made.ok());
  SlotKvCache& c = **made;
  EXPECT_EQ(c.BeginStaticDecode(5, 4).code(), StatusCode::kInvalidArgument);  // > slots
  EXPECT_EQ(c.BeginStaticDecode(2, 9).code(), StatusCode::kInvalidArgument);  // > max_len
  // Slot 0 holds 3 positions.
  ASSERT_TRUE(c.BeginStep(0, 1, 3).ok());
  c.Append(0, torch::ones({1, 1, 3, 2}), torch::ones({1, 1, 3, 2}));
  c.EndStep();
  EXPECT_EQ(c.BeginStaticDecode(2, 3).code(), StatusCode::kOutOfRange);  // 3 + 1 > 3 keys
  // Row 0 live, row 1 padding: both write at their own position, S = 6.
  ASSERT_TRUE(c.BeginStaticDecode(2, 6).ok());
  EXPECT_TRUE(torch::equal(c.positions(), torch::tensor({3, 0}, torch::kInt64).view({2, 1})));
  auto mask = torch::tensor({true, true, true, true, false, false,  // row 0: 4 keys
                             true, false, false, false, false, false})
                  .view({2, 1, 1, 6});
  EXPECT_TRUE(torch::equal(c.mask(), mask));
  auto [K, V] = c.Append(0, torch::full({2, 1, 1, 2}, 7.0), torch::full({2, 1, 1, 2}, 8.0));
  EXPECT_EQ(K.sizes(), (std::vector<int64_t>{2, 1, 6, 2}));
  EXPECT_EQ(K[0][0][3][0].item<float>(), 7.0f);
  EXPECT_EQ(V[1][0][0][1].item<float>(), 8.0f);
  const int64_t valid[] = {1, 0};
  c.EndStep(valid);
  EXPECT_EQ(c.length(0), 4);
  EXPECT_EQ(c.length(1), 0);
  // The padding row is empty again: a plain step sees no key of it.
  ASSERT_TRUE(c.BeginStep(0, 2, 1).ok());
  EXPECT_TRUE(
      torch::equal(c.mask()[1].flatten(), torch::tensor({true, false, false, false, false})));
  c.EndStep();
}

TEST(StaticDecoderTest, RefusesAPaddingRowThatIsLive) {
  auto model = TinyPolicyModel("llama");
  auto made = SlotKvCache::Create(CacheShapeOf(*model, /*slots=*/4, /*max_len=*/16));
  ASSERT_TRUE(made.ok());
  SlotKvCache& c = **made;
  torch::NoGradGuard g;
  // Slots 0..3 all prefilled with one token.
  ASSERT_TRUE(c.BeginStep(0, 4, 1).ok());
  model->Forward(torch::ones({4, 1}, torch::kInt64), c.positions(), c.mask(), &c);
  c.EndStep();
  StaticDecoder d(*model, c, /*capture=*/false, /*fall_back=*/false);
  const int64_t ids[] = {1, 2, 3};
  auto r = d.Step(ids, 3);  // pads to 4 rows, but slot 3 is live
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("padding row 3"), std::string::npos);
  EXPECT_EQ(c.length(3), 1);  // untouched
}

TEST(StaticDecoderTest, NoticesParametersWhoseStorageMoved) {
  auto model = TinyPolicyModel("qwen3");
  auto made = SlotKvCache::Create(CacheShapeOf(*model, /*slots=*/2, /*max_len=*/8));
  ASSERT_TRUE(made.ok());
  StaticDecoder d(*model, **made, false, false);
  EXPECT_FALSE(d.WeightsMoved());  // first call records
  {
    torch::NoGradGuard g;
    model->parameters()[0].mul_(1.0);  // in place: same storage
  }
  EXPECT_FALSE(d.WeightsMoved());
  torch::Tensor p = model->parameters()[1];
  p.set_data(p.detach().clone());
  EXPECT_TRUE(d.WeightsMoved());
  EXPECT_FALSE(d.WeightsMoved());
}

class StaticDecodeEngineTest : public ::testing::TestWithParam<std::string> {};

// Refills, held prefixes, and live row counts that pad (3 -> 4; with 7
// slots and samples that end early, 5 and 6 -> 7).
TEST_P(StaticDecodeEngineTest, GreedyEqualsFullRecompute) {
  auto model = TinyPolicyModel(GetParam());
  RolloutEngineOptions o;
  o.max_batch = 6;  // 15 sequences: rounds of 6, 6, 3 (padded to 4)
  o.cuda_graphs = "on";
  RolloutEngine engine(model, o);
  const int max_new_tokens = 10;
  auto out = GenerateGreedy(engine, /*n=*/3, max_new_tokens);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const RolloutStats& st = engine.last_stats();
  EXPECT_EQ(st.static_eager_steps, st.decode_steps);  // every step static, none captured on CPU
  EXPECT_EQ(st.graph_captures, 0);
  EXPECT_GT(st.padded_rows, 0);
  for (const Completion& c : *out) {
    EXPECT_EQ(c.token_ids, GreedyReference(*model, kStaticPrompts[c.prompt_index], max_new_tokens))
        << "prompt " << c.prompt_index << " sample " << c.sample_index;
  }
}

TEST_P(StaticDecodeEngineTest, SampledOutputEqualsThePlainStep) {
  auto model = TinyPolicyModel(GetParam());
  SamplingParams p;
  p.temperature = 0.9;
  p.top_p = 0.95;
  p.n = 4;
  p.max_new_tokens = 24;
  p.seed = 17;
  RolloutEngineOptions o;
  o.max_batch = 7;
  o.cuda_graphs = "off";
  RolloutEngine plain(model, o);
  o.cuda_graphs = "on";
  RolloutEngine fixed(model, o);
  auto a = plain.Generate(kStaticPrompts, p);
  auto b = fixed.Generate(kStaticPrompts, p);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(plain.last_stats().static_eager_steps, 0);
  EXPECT_GT(fixed.last_stats().padded_rows, 0);
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].token_ids, (*b)[i].token_ids) << "completion " << i;
    ASSERT_EQ((*a)[i].logprobs.size(), (*b)[i].logprobs.size());
    for (size_t t = 0; t < (*a)[i].logprobs.size(); ++t)
      EXPECT_NEAR((*a)[i].logprobs[t], (*b)[i].logprobs[t], 1e-5);
  }
  // A second request on the same engine reuses the cache and gives the same.
  auto again = fixed.Generate(kStaticPrompts, p);
  ASSERT_TRUE(again.ok());
  for (size_t i = 0; i < b->size(); ++i) EXPECT_EQ((*again)[i].token_ids, (*b)[i].token_ids);
}

INSTANTIATE_TEST_SUITE_P(Families, StaticDecodeEngineTest, ::testing::Values("llama", "qwen3"));

TEST(StaticDecoderTest, AutoIsThePlainStepOnCpu) {
  auto model = TinyPolicyModel("llama");
  RolloutEngine engine(model, RolloutEngineOptions{});
  ASSERT_TRUE(GenerateGreedy(engine, /*n=*/1, /*max_new_tokens=*/4).ok());
  EXPECT_EQ(engine.last_stats().static_eager_steps, 0);
  EXPECT_EQ(engine.last_stats().padded_rows, 0);
}

TEST(CudaGraphTest, UnavailableWithoutCudaSaysSo) {
  if (CudaGraph::Supported()) GTEST_SKIP() << "this LibTorch has CUDA";
  auto g = CudaGraph::Capture([] { return torch::ones({1}); }, torch::kCPU);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(g.status().message().find("no CUDA"), std::string::npos);
}

// GPU only: captured decode steps give argmax of a full recompute, replays
// happen, and weights copied in place reach the replayed graphs.
TEST(CudaGraphTest, CapturedDecodeEqualsFullRecomputeOnCuda) {
  if (!CudaGraph::Supported() || !torch::cuda::is_available())
    GTEST_SKIP() << "needs LibTorch with CUDA and a device";
  auto model = TinyPolicyModel("qwen3", torch::Device(torch::kCUDA, 0));
  RolloutEngineOptions o;
  o.max_batch = 7;  // cuda_graphs auto: capture on CUDA
  RolloutEngine engine(model, o);
  const int max_new_tokens = 10;
  auto out = GenerateGreedy(engine, /*n=*/3, max_new_tokens);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_GT(engine.last_stats().graph_captures, 0);
  EXPECT_GT(engine.last_stats().graph_replays, engine.last_stats().graph_captures);
  for (const Completion& c : *out) {
    EXPECT_EQ(c.token_ids, GreedyReference(*model, kStaticPrompts[c.prompt_index], max_new_tokens));
  }
  // New values in place (as the rollout worker's ApplyWeights does).
  {
    torch::NoGradGuard g;
    for (auto& t : model->parameters()) t.mul_(1.5);
  }
  auto again = GenerateGreedy(engine, /*n=*/3, max_new_tokens);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(engine.last_stats().graph_captures, 0);  // graphs reused
  for (const Completion& c : *again) {
    EXPECT_EQ(c.token_ids, GreedyReference(*model, kStaticPrompts[c.prompt_index], max_new_tokens));
  }
}

}  // namespace
}  // namespace rlzero
