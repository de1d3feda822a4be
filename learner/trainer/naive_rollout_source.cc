// learner/trainer/naive_rollout_source.cc: batched (per prompt) ancestral
// sampling with full recomputation.
#include "learner/trainer/naive_rollout_source.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>

namespace rlzero {

NaiveRolloutSource::NaiveRolloutSource(std::shared_ptr<CausalLM> model, NaiveSamplerOptions options)
    : model_(std::move(model)), options_(std::move(options)) {}

StatusOr<std::vector<SampledCompletion>> NaiveRolloutSource::Generate(
    const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) {
  std::vector<SampledCompletion> out;
  try {
    torch::NoGradGuard no_grad;
    const bool was_training = model_->is_training();
    model_->eval();
    const double temperature = options_.temperature > 0 ? options_.temperature : 1.0;
    for (size_t p = 0; p < prompts.size(); ++p) {
      if (prompts[p].empty()) return InvalidArgument("prompt " + std::to_string(p) + ": empty");
      at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed * 1000003ull + p);
      std::vector<int64_t> prompt(prompts[p].begin(), prompts[p].end());
      torch::Tensor ids = torch::tensor(prompt, torch::kInt64).unsqueeze(0).repeat({n, 1});
      std::vector<SampledCompletion> group(n);
      std::vector<bool> done(n, false);
      for (int t = 0; t < options_.max_new_tokens; ++t) {
        const int64_t L = ids.size(1);
        torch::Tensor pos =
            torch::arange(L, torch::kInt64).unsqueeze(0).expand({n, L}).contiguous();
        torch::Tensor hidden = model_->Forward(ids, pos, torch::Tensor(), nullptr);
        torch::Tensor logits =
            model_->Logits(hidden.select(1, L - 1)).to(torch::kFloat32);  // [n, V]
        torch::Tensor logp = torch::log_softmax(logits / temperature, -1);
        torch::Tensor next = options_.temperature > 0
                                 ? torch::multinomial(logp.exp(), 1, false, gen).squeeze(1)
                                 : logp.argmax(-1);
        torch::Tensor next_logp = logp.gather(1, next.unsqueeze(1)).squeeze(1);
        auto next_a = next.accessor<int64_t, 1>();
        auto lp_a = next_logp.accessor<float, 1>();
        bool all_done = true;
        for (int i = 0; i < n; ++i) {
          if (done[i]) continue;
          const int32_t tok = static_cast<int32_t>(next_a[i]);
          group[i].token_ids.push_back(tok);
          group[i].logprobs.push_back(lp_a[i]);
          if (std::find(options_.eos_token_ids.begin(), options_.eos_token_ids.end(), tok) !=
              options_.eos_token_ids.end()) {
            done[i] = true;
            group[i].finish_reason = "stop";
          }
          all_done = all_done && done[i];
        }
        if (all_done) break;
        ids = torch::cat({ids, next.unsqueeze(1)}, 1);
      }
      for (int i = 0; i < n; ++i) {
        if (!done[i]) group[i].finish_reason = "length";
        if (options_.decode) group[i].text = options_.decode(group[i].token_ids);
        out.push_back(std::move(group[i]));
      }
    }
    if (was_training) model_->train();
  } catch (const c10::Error& e) {
    return Internal(std::string("naive sampler: ") + e.what_without_backtrace());
  }
  return out;
}

}  // namespace rlzero
