// policy/deepseek/deepseek_v3.cc
#include "policy/deepseek/deepseek_v3.h"

#include "policy/model_io.h"

namespace rlzero::deepseek {

DecoderLayerImpl::DecoderLayerImpl(const DeepseekV3Config& c, int64_t layer_index) {
  self_attn = register_module("self_attn", MlaAttention(c));
  if (c.is_moe_layer(layer_index)) {
    moe = register_module("mlp", Moe(c));
  } else {
    dense_mlp = register_module("mlp", SwiGluMlp(c.hidden_size, c.intermediate_size));
  }
  input_layernorm = register_module("input_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  post_attention_layernorm =
      register_module("post_attention_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& h, const torch::Tensor& cos,
                                        const torch::Tensor& sin, const torch::Tensor& mask,
                                        KvCache* cache, int layer, bool absorbed) {
  auto x = h + self_attn(input_layernorm(h), cos, sin, mask, cache, layer, absorbed);
  auto y = post_attention_layernorm(x);
  return x + (moe ? moe(y) : dense_mlp(y));
}

SharedHeadImpl::SharedHeadImpl(const DeepseekV3Config& c) {
  norm = register_module("norm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  head = register_module(
      "head", torch::nn::Linear(torch::nn::LinearOptions(c.hidden_size, c.vocab_size).bias(false)));
}

MtpLayerImpl::MtpLayerImpl(const DeepseekV3Config& c, int64_t layer_index)
    : DecoderLayerImpl(c, layer_index) {
  enorm = register_module("enorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  hnorm = register_module("hnorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  eh_proj = register_module(
      "eh_proj",
      torch::nn::Linear(torch::nn::LinearOptions(2 * c.hidden_size, c.hidden_size).bias(false)));
  shared_head = register_module("shared_head", SharedHead(c));
}

DeepseekV3InnerImpl::DeepseekV3InnerImpl(const DeepseekV3Config& c) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(DecoderLayer(c, i));
  for (int64_t k = 0; k < c.num_nextn_predict_layers; ++k)
    layers->push_back(MtpLayer(c, c.num_hidden_layers + k));
  norm = register_module("norm", RmsNorm(c.hidden_size, c.rms_norm_eps));
}

DeepseekV3ForCausalLM::DeepseekV3ForCausalLM(const DeepseekV3Config& c)
    : config_(c), rotary_(MlaRotary::Make(c)) {
  model = register_module("model", DeepseekV3Inner(c));
  if (!c.tie_word_embeddings)
    lm_head = register_module(
        "lm_head",
        torch::nn::Linear(torch::nn::LinearOptions(c.hidden_size, c.vocab_size).bias(false)));
}

torch::Tensor DeepseekV3ForCausalLM::Forward(const torch::Tensor& input_ids,
                                             const torch::Tensor& positions,
                                             const torch::Tensor& attn_mask, KvCache* cache) {
  auto h = model->embed_tokens(input_ids);
  auto [cos, sin] = rotary_.CosSin(positions);
  for (int64_t l = 0; l < config_.num_hidden_layers; ++l) {
    h = model->layers[l]->as<DecoderLayerImpl>()->forward(h, cos, sin, attn_mask, cache,
                                                          static_cast<int>(l), absorbed_);
  }
  return model->norm(h);
}

torch::Tensor DeepseekV3ForCausalLM::Logits(const torch::Tensor& hidden) {
  if (lm_head) return lm_head(hidden);
  return torch::matmul(hidden, model->embed_tokens->weight.t());
}

std::pair<torch::Tensor, torch::Tensor> DeepseekV3ForCausalLM::MtpForward(
    int64_t k, const torch::Tensor& hidden, const torch::Tensor& next_ids,
    const torch::Tensor& positions) {
  TORCH_CHECK(k >= 0 && k < config_.num_nextn_predict_layers, "MTP module ", k, " does not exist");
  auto* mtp = model->layers[config_.num_hidden_layers + k]->as<MtpLayerImpl>();
  auto e = mtp->enorm(model->embed_tokens(next_ids));
  auto h = mtp->eh_proj(torch::cat({e, mtp->hnorm(hidden)}, -1));
  auto [cos, sin] = rotary_.CosSin(positions);
  h = mtp->forward(h, cos, sin, torch::Tensor(), nullptr, -1, /*absorbed=*/false);
  auto logits = mtp->shared_head->head(mtp->shared_head->norm(h));
  return {logits, h};
}

std::vector<MoeImpl*> DeepseekV3ForCausalLM::MoeLayers() {
  std::vector<MoeImpl*> out;
  for (size_t i = 0; i < model->layers->size(); ++i) {
    auto* layer = model->layers[i]->as<DecoderLayerImpl>();
    if (layer->moe) out.push_back(layer->moe.get());
  }
  return out;
}

std::vector<torch::Tensor> DeepseekV3ForCausalLM::ExpertLoads() {
  std::vector<torch::Tensor> out;
  for (auto* m : MoeLayers()) out.push_back(m->expert_load().clone());
  return out;
}

void DeepseekV3ForCausalLM::ResetExpertLoads() {
  for (auto* m : MoeLayers()) m->ResetLoad();
}

void DeepseekV3ForCausalLM::UpdateExpertBias(double rate) {
  for (auto* m : MoeLayers()) m->UpdateBias(rate);
}

void DeepseekV3ForCausalLM::UpdateExpertBiasFrom(const std::vector<torch::Tensor>& loads,
                                                 double rate) {
  std::vector<MoeImpl*> layers = MoeLayers();
  TORCH_CHECK(loads.size() == layers.size(), "expert bias update: ", loads.size(), " loads for ",
              layers.size(), " MoE layers");
  for (size_t i = 0; i < layers.size(); ++i) layers[i]->UpdateBiasFrom(loads[i], rate);
}

void DeepseekV3ForCausalLM::SetExpertLoadMask(const torch::Tensor& counted) {
  for (auto* m : MoeLayers()) m->set_load_mask(counted);
}

void DeepseekV3ForCausalLM::InitWeights(uint64_t seed) {
  InitParameters(*this, config_.initializer_range, seed);
}

}  // namespace rlzero::deepseek
