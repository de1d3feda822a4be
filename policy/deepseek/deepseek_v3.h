// policy/deepseek/deepseek_v3.h: the deepseek_v3 family (DeepSeek-V3 / R1
// architecture at any size): MLA attention, dense then MoE feed-forward
// layers, and Multi-Token Prediction modules.
//
// Module tree and weight names exactly as transformers' DeepseekV3ForCausalLM:
// model.embed_tokens, model.layers.N.{input_layernorm, self_attn.*,
// post_attention_layernorm, mlp.*}, model.norm, lm_head (unless tied). MTP
// module k (0-based) sits at model.layers.{num_hidden_layers + k}, as in
// DeepSeek's released checkpoints, with enorm, hnorm, eh_proj,
// shared_head.{norm,head} beside a full decoder block; it shares the main
// embedding. transformers does not run MTP modules (it ignores those keys).
// MTP (DeepSeek-V3 section 2.2): h'_k = eh_proj([enorm(Emb(t_{i+k+1}));
// hnorm(h_{k-1,i})]); h_k = Block(h'_k); logits_k = head(norm(h_k)) predict
// token i+k+2; h_0 is the main model's final hidden state (after model.norm).
#pragma once

#include <vector>

#include "policy/causal_lm.h"
#include "policy/deepseek/deepseek_v3_config.h"
#include "policy/deepseek/mla_attention.h"
#include "policy/deepseek/moe.h"
#include "policy/expert_balancing.h"
#include "policy/multi_token_prediction.h"

namespace rlzero::deepseek {

class DecoderLayerImpl : public torch::nn::Module {
 public:
  DecoderLayerImpl(const DeepseekV3Config& c, int64_t layer_index);
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& mask, KvCache* cache, int layer, bool absorbed);
  RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  MlaAttention self_attn{nullptr};
  SwiGluMlp dense_mlp{nullptr};  // registered as "mlp" when the layer is dense
  Moe moe{nullptr};              // registered as "mlp" when the layer is MoE
};
TORCH_MODULE(DecoderLayer);

class SharedHeadImpl : public torch::nn::Module {
 public:
  SharedHeadImpl(const DeepseekV3Config& c);
  RmsNorm norm{nullptr};
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(SharedHead);

class MtpLayerImpl : public DecoderLayerImpl {
 public:
  MtpLayerImpl(const DeepseekV3Config& c, int64_t layer_index);
  RmsNorm enorm{nullptr}, hnorm{nullptr};
  torch::nn::Linear eh_proj{nullptr};
  SharedHead shared_head{nullptr};
};
TORCH_MODULE(MtpLayer);

class DeepseekV3InnerImpl : public torch::nn::Module {
 public:
  explicit DeepseekV3InnerImpl(const DeepseekV3Config& c);
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};  // decoder layers, then MTP modules
  RmsNorm norm{nullptr};
};
TORCH_MODULE(DeepseekV3Inner);

// CausalLM, plus ExpertBalancing (the learner's bias updates; no MoE layers:
// empty loads) and MultiTokenPredictor (`rlzero sft`'s MTP loss).
class DeepseekV3ForCausalLM : public CausalLM, public ExpertBalancing, public MultiTokenPredictor {
 public:
  explicit DeepseekV3ForCausalLM(const DeepseekV3Config& c);

  torch::Tensor Forward(const torch::Tensor& input_ids, const torch::Tensor& positions,
                        const torch::Tensor& attn_mask, KvCache* cache) override;
  torch::Tensor Logits(const torch::Tensor& hidden) override;
  int64_t vocab_size() const override { return config_.vocab_size; }
  int64_t num_layers() const override { return config_.num_hidden_layers; }
  // The MLA cache holds one "head" of latent + rope key per token and no values.
  int64_t num_kv_heads() const override { return 1; }
  int64_t head_dim() const override { return config_.kv_lora_rank + config_.qk_rope_head_dim; }
  int64_t value_head_dim() const override { return 0; }

  // Attention path: naive (expand latents per head) or absorbed (default off).
  void set_absorbed(bool absorbed) { absorbed_ = absorbed; }
  // MTP logits of module k: hidden [B,T,C] from the previous depth (the main
  // model's Forward output for k=0), next_ids [B,T] the tokens t_{i+k+1}.
  // Returns (logits [B,T,V], this depth's hidden [B,T,C]).
  std::pair<torch::Tensor, torch::Tensor> MtpForward(int64_t k, const torch::Tensor& hidden,
                                                     const torch::Tensor& next_ids,
                                                     const torch::Tensor& positions) override;
  int64_t num_mtp_modules() const override { return config_.num_nextn_predict_layers; }
  // ExpertBalancing over MoeLayers() (MTP modules' MoE layers included).
  std::vector<torch::Tensor> ExpertLoads() override;
  void ResetExpertLoads() override;
  void UpdateExpertBias(double rate) override;
  void UpdateExpertBiasFrom(const std::vector<torch::Tensor>& loads, double rate) override;
  void SetExpertLoadMask(const torch::Tensor& counted) override;
  // The MoE blocks in layer order (main layers then MTP), for load metrics and
  // bias balancing.
  std::vector<MoeImpl*> MoeLayers();
  // transformers-style init (policy/model_io.h's InitParameters):
  // normal(0, initializer_range) linears and embeddings, zero biases
  // (e_score_correction_bias included), unit norms; thread-safe.
  void InitWeights(uint64_t seed);
  const DeepseekV3Config& config() const { return config_; }

  DeepseekV3Inner model{nullptr};
  torch::nn::Linear lm_head{nullptr};

 private:
  DeepseekV3Config config_;
  MlaRotary rotary_;
  bool absorbed_ = false;
};

}  // namespace rlzero::deepseek
