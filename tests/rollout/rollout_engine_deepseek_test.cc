// The rollout engine on a deepseek_v3 model: its slot cache holds the MLA
// latent + rope key only (no values), and greedy decoding with it equals the
// argmax of a full recompute, token by token.
#include <gtest/gtest.h>

#include "policy/deepseek/deepseek_v3.h"
#include "rollout/rollout_engine.h"

namespace rlzero {
namespace {

TEST(RolloutEngineDeepseekTest, GreedyWithLatentCacheEqualsFullRecompute) {
  deepseek::DeepseekV3Config c;
  c.vocab_size = 40;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.moe_intermediate_size = 16;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 4;
  c.n_routed_experts = 4;
  c.n_group = 2;
  c.topk_group = 1;
  c.num_experts_per_tok = 2;
  c.first_k_dense_replace = 1;
  c.kv_lora_rank = 8;
  c.q_lora_rank = 0;
  c.qk_rope_head_dim = 4;
  c.qk_nope_head_dim = 8;
  c.v_head_dim = 8;
  c.max_position_embeddings = 64;
  c.initializer_range = 0.3;
  auto model = std::make_shared<deepseek::DeepseekV3ForCausalLM>(c);
  model->InitWeights(11);
  model->set_absorbed(true);
  RolloutEngine engine(model, RolloutEngineOptions{}, nullptr);
  SamplingParams p;
  p.temperature = 0.0;
  p.max_new_tokens = 10;
  std::vector<std::vector<int32_t>> prompts = {{1, 2, 3}, {5, 6}};
  auto out = engine.Generate(prompts, p);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  torch::NoGradGuard ng;
  for (const auto& comp : *out) {
    std::vector<int64_t> seq(prompts[comp.prompt_index].begin(), prompts[comp.prompt_index].end());
    for (int32_t tok : comp.token_ids) {
      auto ids = torch::tensor(seq, torch::kInt64).unsqueeze(0);
      auto pos = torch::arange(static_cast<int64_t>(seq.size()), torch::kInt64).unsqueeze(0);
      auto logits = model->Logits(model->Forward(ids, pos, torch::Tensor(), nullptr));
      EXPECT_EQ(logits[0][-1].argmax().item<int64_t>(), tok);
      seq.push_back(tok);
    }
  }
}

}  // namespace
}  // namespace rlzero
