// policy/deepseek/moe.cc
#include "policy/deepseek/moe.h"

namespace rlzero::deepseek {

SwiGluMlpImpl::SwiGluMlpImpl(int64_t hidden, int64_t intermediate) {
  using torch::nn::LinearOptions;
  gate_proj = register_module("gate_proj",
                              torch::nn::Linear(LinearOptions(hidden, intermediate).bias(false)));
  up_proj = register_module("up_proj",
                            torch::nn::Linear(LinearOptions(hidden, intermediate).bias(false)));
  down_proj = register_module("down_proj",
                              torch::nn::Linear(LinearOptions(intermediate, hidden).bias(false)));
}

torch::Tensor SwiGluMlpImpl::forward(const torch::Tensor& x) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

TopkRouterImpl::TopkRouterImpl(const DeepseekV3Config& c)
    : experts_(c.n_routed_experts),
      top_k_(c.num_experts_per_tok),
      n_group_(c.n_group),
      topk_group_(c.topk_group),
      norm_topk_prob_(c.norm_topk_prob),
      sigmoid_(c.scoring_func == "sigmoid"),
      scaling_(c.routed_scaling_factor) {
  weight = register_parameter("weight", torch::empty({experts_, c.hidden_size}));
  torch::nn::init::normal_(weight, 0.0, c.initializer_range);
  // A parameter without gradient (not a buffer) so checkpoints carry it the
  // way transformers names it; only UpdateBias changes it.
  e_score_correction_bias =
      register_parameter("e_score_correction_bias", torch::zeros({experts_}, torch::kFloat32),
                         /*requires_grad=*/false);
}

std::pair<torch::Tensor, torch::Tensor> TopkRouterImpl::forward(const torch::Tensor& x) {
  // Router in float32 (float64 kept for exact tests), as transformers does.
  auto rt = x.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
  auto logits = torch::linear(x.to(rt), weight.to(rt));  // [N,E]
  auto scores = sigmoid_ ? logits.sigmoid() : logits.softmax(-1);
  auto choice =
      scores + e_score_correction_bias.to(scores.device(), scores.scalar_type()).unsqueeze(0);
  torch::Tensor idx;
  {
    torch::NoGradGuard no_grad;  // selection is not differentiable
    auto ch = choice.detach();
    if (n_group_ > 1) {
      const int64_t N = ch.size(0), per = experts_ / n_group_;
      auto group_scores =
          std::get<0>(ch.view({N, n_group_, per}).topk(std::min<int64_t>(2, per), -1)).sum(-1);
      auto group_idx = std::get<1>(group_scores.topk(topk_group_, -1));  // [N, topk_group]
      auto group_mask = torch::zeros_like(group_scores).scatter_(1, group_idx, 1.0);
      auto score_mask = group_mask.unsqueeze(-1).expand({N, n_group_, per}).reshape({N, experts_});
      ch = ch.masked_fill(score_mask.logical_not(), 0.0);
    }
    idx = std::get<1>(ch.topk(top_k_, -1, /*largest=*/true, /*sorted=*/false));
  }
  auto w = scores.gather(1, idx);
  if (norm_topk_prob_) w = w / (w.sum(-1, /*keepdim=*/true) + 1e-20);
  return {idx, w * scaling_};
}

MoeImpl::MoeImpl(const DeepseekV3Config& c) : num_experts_(c.n_routed_experts) {
  gate = register_module("gate", TopkRouter(c));
  experts = register_module("experts", torch::nn::ModuleList());
  for (int64_t e = 0; e < c.n_routed_experts; ++e)
    experts->push_back(SwiGluMlp(c.hidden_size, c.moe_intermediate_size));
  if (c.n_shared_experts > 0)
    shared_experts = register_module(
        "shared_experts", SwiGluMlp(c.hidden_size, c.moe_intermediate_size * c.n_shared_experts));
  load_ = torch::zeros({num_experts_}, torch::kInt64);
}

torch::Tensor MoeImpl::forward(const torch::Tensor& x) {
  const auto shape = x.sizes().vec();
  const int64_t C = shape.back();
  auto flat = x.reshape({-1, C});  // [N,C]
  const int64_t N = flat.size(0);
  auto [idx, w] = gate(flat);  // [N,K]
  const int64_t K = idx.size(1);
  auto expert_of = idx.reshape({-1});                                    // [N*K]
  auto token_of = torch::arange(N, idx.options()).repeat_interleave(K);  // [N*K]
  auto weight_of = w.reshape({-1});                                      // [N*K]
  auto order = expert_of.argsort();
  auto counts = torch::bincount(expert_of, /*weights=*/{}, num_experts_).to(torch::kCPU);
  if (load_mask_.defined()) {
    TORCH_CHECK(load_mask_.numel() == N, "MoE load mask has ", load_mask_.numel(),
                " entries for a forward pass of ", N, " tokens");
    // Only the marked tokens' choices count; every token is still routed.
    auto counted = load_mask_.to(expert_of.device()).unsqueeze(1).expand({N, K}).reshape({-1});
    load_ += torch::bincount(expert_of.masked_select(counted), /*weights=*/{}, num_experts_)
                 .to(torch::kCPU);
  } else {
    load_ += counts;
  }
  auto tokens_sorted = token_of.index_select(0, order);
  auto weights_sorted = weight_of.index_select(0, order);
  auto out = torch::zeros_like(flat);
  const int64_t* cnt = counts.data_ptr<int64_t>();
  int64_t start = 0;
  for (int64_t e = 0; e < num_experts_; ++e) {
    const int64_t n = cnt[e];
    if (n == 0) continue;
    auto rows = tokens_sorted.narrow(0, start, n);
    auto y = experts[e]->as<SwiGluMlpImpl>()->forward(flat.index_select(0, rows));
    y = y * weights_sorted.narrow(0, start, n).unsqueeze(1).to(y.scalar_type());
    out = out.index_add(0, rows, y);
    start += n;
  }
  if (shared_experts) out = out + shared_experts(flat);
  return out.view(shape);
}

void MoeImpl::ResetLoad() { load_.zero_(); }

void MoeImpl::set_load_mask(const torch::Tensor& counted) {
  load_mask_ = counted.defined() ? counted.reshape({-1}).to(torch::kBool) : counted;
}

void MoeImpl::UpdateBias(double rate) { UpdateBiasFrom(load_, rate); }

void MoeImpl::UpdateBiasFrom(const torch::Tensor& load_in, double rate) {
  TORCH_CHECK(load_in.numel() == num_experts_, "MoE bias update: load has ", load_in.numel(),
              " entries for ", num_experts_, " experts");
  torch::NoGradGuard no_grad;
  auto load = load_in.to(torch::kCPU, torch::kFloat64).reshape({-1});
  auto mean = load.mean();
  auto delta = (mean - load).sign() * rate;  // float64: exact for any count
  auto& bias = gate->e_score_correction_bias;
  bias.add_(delta.to(bias.device(), bias.scalar_type()));
  ResetLoad();
}

}  // namespace rlzero::deepseek
