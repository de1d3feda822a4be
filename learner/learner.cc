// learner/learner.cc: collation, log-prob passes and the accumulate / clip /
// step loop of the GRPO update (see header).
#include "learner/learner.h"

#include <cmath>

#include "learner/distributed/batch_shard.h"
#include "learner/distributed/model_sync.h"
#include "learner/distributed/scalar_reduce.h"
#include "learner/micro_batching.h"
#include "policy/autocast_scope.h"
#include "policy/expert_balancing.h"

namespace rlzero {
namespace {

torch::Device DeviceOf(CausalLM& model) {
  auto params = model.parameters();
  return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

std::vector<int64_t> LengthsOf(const std::vector<TrainSample>& samples,
                               const std::vector<int>& indices) {
  std::vector<int64_t> lengths;
  lengths.reserve(indices.size());
  for (int i : indices) lengths.push_back(samples[i].total_length());
  return lengths;
}

// Micro-batches of samples[indices], as indices into samples.
std::vector<std::vector<int>> MicroBatchesOf(const std::vector<TrainSample>& samples,
                                             const std::vector<int>& indices,
                                             int64_t token_budget) {
  std::vector<std::vector<int>> plan = PlanMicroBatches(LengthsOf(samples, indices), token_budget);
  for (auto& mb : plan) {
    for (int& i : mb) i = indices[i];
  }
  return plan;
}

// Writes `values` (one per completion token) at the target positions of row b.
Status FillRow(torch::Tensor* dst, int64_t b, const TrainSample& s,
               const std::vector<float>& values, const char* what, int sample_index) {
  const size_t n = s.completion_ids.size();
  if (values.size() != n) {
    return InvalidArgument("sample " + std::to_string(sample_index) + ": " + what + " has " +
                           std::to_string(values.size()) + " entries for " + std::to_string(n) +
                           " completion tokens");
  }
  if (n == 0) return Status::Ok();
  const int64_t start = static_cast<int64_t>(s.prompt_ids.size()) - 1;
  torch::Tensor src = torch::from_blob(const_cast<float*>(values.data()), {static_cast<int64_t>(n)},
                                       torch::kFloat32);
  (*dst)[b].slice(0, start, start + static_cast<int64_t>(n)).copy_(src);
  return Status::Ok();
}

}  // namespace

StatusOr<CollatedBatch> CollateSamples(const std::vector<TrainSample>& samples,
                                       const std::vector<int>& indices, torch::Device device) {
  const int64_t B = static_cast<int64_t>(indices.size());
  int64_t L = 2;
  bool any_ref = false;
  for (int i : indices) {
    const TrainSample& s = samples[i];
    if (s.prompt_ids.empty()) {
      return InvalidArgument("sample " + std::to_string(i) + ": empty prompt");
    }
    L = std::max(L, s.total_length());
    any_ref = any_ref || !s.ref_logprobs.empty();
  }
  auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  torch::Tensor ids = torch::zeros({B, L}, torch::TensorOptions().dtype(torch::kInt64));
  torch::Tensor mask = torch::zeros({B, L - 1}, f32);
  torch::Tensor behaviour = torch::zeros({B, L - 1}, f32);
  torch::Tensor old = torch::zeros({B, L - 1}, f32);
  torch::Tensor ref = any_ref ? torch::zeros({B, L - 1}, f32) : torch::Tensor();
  torch::Tensor adv = torch::zeros({B}, f32);
  auto ids_a = ids.accessor<int64_t, 2>();
  auto mask_a = mask.accessor<float, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const int idx = indices[b];
    const TrainSample& s = samples[idx];
    int64_t t = 0;
    for (int32_t id : s.prompt_ids) ids_a[b][t++] = id;
    for (int32_t id : s.completion_ids) ids_a[b][t++] = id;
    const int64_t start = static_cast<int64_t>(s.prompt_ids.size()) - 1;
    if (!s.loss_masked) {
      for (size_t j = 0; j < s.completion_ids.size(); ++j) mask_a[b][start + j] = 1.0f;
    }
    RLZ_RETURN_IF_ERROR(FillRow(&behaviour, b, s, s.behaviour_logprobs, "behaviour_logprobs", idx));
    if (!s.old_logprobs.empty()) {
      RLZ_RETURN_IF_ERROR(FillRow(&old, b, s, s.old_logprobs, "old_logprobs", idx));
    }
    if (any_ref) RLZ_RETURN_IF_ERROR(FillRow(&ref, b, s, s.ref_logprobs, "ref_logprobs", idx));
    adv[b] = static_cast<float>(s.advantage);
  }
  torch::Tensor real = torch::zeros({B, L}, torch::TensorOptions().dtype(torch::kBool));
  for (int64_t b = 0; b < B; ++b)
    real[b].narrow(0, 0, samples[indices[b]].total_length()).fill_(true);
  CollatedBatch c;
  c.input_ids = ids.to(device);
  c.real_tokens = real.to(device);
  c.targets = c.input_ids.slice(1, 1, L);
  c.mask = mask.to(device);
  c.behaviour_logprobs = behaviour.to(device);
  c.old_logprobs = old.to(device);
  if (any_ref) c.ref_logprobs = ref.to(device);
  c.advantages = adv.to(device);
  return c;
}

std::pair<torch::Tensor, torch::Tensor> ForwardLogProbs(CausalLM& model,
                                                        const torch::Tensor& input_ids,
                                                        const torch::Tensor& targets,
                                                        EntropyMode entropy_mode,
                                                        const LogProbOptions& options) {
  const int64_t B = input_ids.size(0);
  const int64_t L = input_ids.size(1);
  torch::Tensor positions =
      torch::arange(L, input_ids.options()).unsqueeze(0).expand({B, L}).contiguous();
  // Autocast covers the model and the lm_head projection; backward runs
  // after the scope has ended (autograd replays each op in its forward dtype).
  std::optional<AutocastScope> autocast;
  if (options.autocast) autocast.emplace(input_ids.device().type(), true, *options.autocast);
  torch::Tensor hidden =
      model.Forward(input_ids, positions, torch::Tensor(), nullptr);  // [B, L, C]
  hidden = hidden.slice(1, 0, L - 1);                                 // [B, L-1, C]
  if (options.chunk_tokens > 0) {
    return ChunkedTokenLogProbsAndEntropy(model, hidden, targets, entropy_mode,
                                          options.chunk_tokens);
  }
  torch::Tensor logits = model.Logits(hidden);  // [B, L-1, V]
  return TokenLogProbsAndEntropy(logits, targets, entropy_mode);
}

StatusOr<std::unique_ptr<Learner>> Learner::Create(std::shared_ptr<CausalLM> policy,
                                                   std::shared_ptr<CausalLM> reference,
                                                   const GrpoConfig& grpo, const OptimConfig& optim,
                                                   int64_t max_response_len,
                                                   const MoeBalanceConfig& moe,
                                                   DataParallelGroup* group) {
  if (!policy) return InvalidArgument("learner: no policy model");
  if (grpo.objective.beta > 0.0 && !reference) {
    return InvalidArgument("learner: grpo.beta > 0 needs a reference model");
  }
  std::unique_ptr<Learner> l(new Learner());
  l->policy_ = std::move(policy);
  l->reference_ = grpo.objective.beta > 0.0 ? std::move(reference) : nullptr;
  l->grpo_ = grpo;
  l->optim_ = optim;
  l->group_ = group != nullptr && group->world_size() > 1 ? group : nullptr;
  l->moe_ = moe;
  if (!(moe.bias_update_speed >= 0)) {
    return InvalidArgument("learner: moe.bias_update_speed must be >= 0");
  }
  l->max_response_len_ = grpo.max_response_len > 0 ? grpo.max_response_len : max_response_len;
  if (l->max_response_len_ <= 0) {
    return InvalidArgument("learner: max_response_len must be > 0 (grpo.max_response_len)");
  }
  RLZ_ASSIGN_OR_RETURN(l->objective_, GrpoObjective::Create(grpo.objective));
  if (grpo.logprob_chunk_tokens < 0) {
    return InvalidArgument("learner: grpo.logprob_chunk_tokens must be >= 0 (0 = full logits)");
  }
  l->logprob_options_.chunk_tokens = grpo.logprob_chunk_tokens;
  StatusOr<std::optional<torch::ScalarType>> autocast = ParseAutocastDtype(grpo.autocast);
  if (!autocast.ok()) return autocast.status().WithContext("learner: grpo.autocast");
  l->logprob_options_.autocast = *autocast;
  if (*autocast) {
    // Mixed precision keeps float32 master weights; casting bf16 weights to
    // bf16 would only hide that the update itself runs in bf16.
    for (const auto& p : l->policy_->named_parameters()) {
      if (p.value().scalar_type() != torch::kFloat32) {
        return InvalidArgument("learner: grpo.autocast: " + grpo.autocast +
                               " needs float32 parameters (model.dtype: float32); " + p.key() +
                               " is " + std::string(c10::toString(p.value().scalar_type())));
      }
    }
  }
  if (l->reference_) {
    for (auto& p : l->reference_->parameters()) p.set_requires_grad(false);
    l->reference_->eval();
  }
  auto opts = torch::optim::AdamWOptions(optim.lr)
                  .betas(std::make_tuple(optim.betas[0], optim.betas[1]))
                  .eps(optim.eps)
                  .weight_decay(optim.weight_decay);
  l->optimizer_ = std::make_unique<torch::optim::AdamW>(l->policy_->parameters(), opts);
  return l;
}

Status Learner::LogProbsInto(CausalLM& model, std::vector<TrainSample>* samples, bool reference) {
  try {
    torch::NoGradGuard no_grad;
    const std::vector<int> local = local_indices(static_cast<int>(samples->size()));
    const torch::Device device = DeviceOf(model);
    for (const auto& mb : MicroBatchesOf(*samples, local, grpo_.micro_batch_tokens)) {
      RLZ_ASSIGN_OR_RETURN(CollatedBatch c, CollateSamples(*samples, mb, device));
      torch::Tensor logp =
          ForwardLogProbs(model, c.input_ids, c.targets, EntropyMode::kNone, logprob_options_)
              .first.to(torch::kCPU);
      auto a = logp.accessor<float, 2>();
      for (size_t b = 0; b < mb.size(); ++b) {
        TrainSample& s = (*samples)[mb[b]];
        std::vector<float>& dst = reference ? s.ref_logprobs : s.old_logprobs;
        const int64_t start = static_cast<int64_t>(s.prompt_ids.size()) - 1;
        dst.resize(s.completion_ids.size());
        for (size_t j = 0; j < dst.size(); ++j) dst[j] = a[b][start + j];
      }
    }
  } catch (const c10::Error& e) {
    return Internal(std::string("learner: log-prob pass failed: ") + e.what_without_backtrace());
  }
  return Status::Ok();
}

Status Learner::ComputeReferenceLogProbs(std::vector<TrainSample>* samples) {
  if (!reference_) return Status::Ok();
  return LogProbsInto(*reference_, samples, /*reference=*/true);
}

StatusOr<double> Learner::ComputeOldLogProbs(std::vector<TrainSample>* samples) {
  RLZ_RETURN_IF_ERROR(LogProbsInto(*policy_, samples, /*reference=*/false));
  // k3 estimate of KL(behaviour || learner) from tokens the behaviour policy sampled.
  double sum = 0.0;
  double n = 0.0;
  for (int i : local_indices(static_cast<int>(samples->size()))) {
    TrainSample& s = (*samples)[i];
    if (!s.loss_masked) {  // masked samples do not count in the mismatch
      for (size_t j = 0; j < s.old_logprobs.size() && j < s.behaviour_logprobs.size(); ++j) {
        double d = std::clamp(static_cast<double>(s.old_logprobs[j]) - s.behaviour_logprobs[j],
                              -20.0, 20.0);
        sum += std::exp(d) - d - 1.0;
        n += 1.0;
      }
    }
    if (grpo_.old_logprobs == "behaviour") s.old_logprobs = s.behaviour_logprobs;
  }
  std::vector<double> totals = {sum, n};
  RLZ_RETURN_IF_ERROR(SumOverRanks(&totals).WithContext("learner: mismatch KL"));
  return totals[1] > 0 ? totals[0] / totals[1] : 0.0;
}

std::vector<std::vector<int>> Learner::LocalMiniBatches(int n) const {
  std::vector<std::vector<int>> minis = SplitEvenly(n, grpo_.mini_batches);
  if (group_ == nullptr) return minis;
  for (std::vector<int>& mini : minis) {
    // Only fails for a rank outside [0, world_size), which the group rules out.
    StatusOr<std::vector<size_t>> shard =
        ShardIndices(mini.size(), group_->rank(), group_->world_size(), ShardMode::kContiguous);
    std::vector<int> mine;
    if (shard.ok()) {
      for (size_t j : *shard) mine.push_back(mini[j]);
    }
    mini = std::move(mine);
  }
  return minis;
}

std::vector<int> Learner::local_indices(int n) const {
  std::vector<int> out;
  for (const std::vector<int>& mini : LocalMiniBatches(n))
    out.insert(out.end(), mini.begin(), mini.end());
  return out;
}

Status Learner::SumOverRanks(std::vector<double>* values) const {
  if (group_ == nullptr) return Status::Ok();
  RLZ_ASSIGN_OR_RETURN(*values, AllReduceScalars(*group_, *values, ReduceOp::kSum));
  return Status::Ok();
}

StatusOr<std::vector<torch::Tensor>> Learner::SumLoadsOverRanks(std::vector<torch::Tensor> loads,
                                                                torch::Device device) const {
  if (group_ == nullptr) return loads;
  // float64 is exact for counts below 2^53; the model's device, so NCCL can
  // reduce them too. One bucketed collective for all layers.
  for (torch::Tensor& l : loads) l = l.to(device, torch::kFloat64);
  RLZ_RETURN_IF_ERROR(
      AllReduceBucketed(*group_, loads, ReduceOp::kSum).WithContext("learner: expert loads"));
  for (torch::Tensor& l : loads) l = l.to(torch::kCPU, torch::kInt64);
  return loads;
}

void Learner::SetLearningRate(double lr) {
  for (auto& group : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
}

StatusOr<UpdateMetrics> Learner::Update(const std::vector<TrainSample>& samples, int64_t step) {
  UpdateMetrics m;
  if (samples.empty()) return m;
  for (int i : local_indices(static_cast<int>(samples.size()))) {
    if (samples[i].old_logprobs.size() != samples[i].completion_ids.size()) {
      return FailedPrecondition("learner: sample " + std::to_string(i) +
                                " has no old_logprobs (call ComputeOldLogProbs first)");
    }
  }
  const double lr = LearningRateAt(optim_.schedule, step);
  SetLearningRate(lr);
  m.lr = lr;
  const torch::Device device = DeviceOf(*policy_);
  const EntropyMode entropy_mode = objective_->options().entropy_coef > 0.0
                                       ? EntropyMode::kDifferentiable
                                       : EntropyMode::kDetached;
  ObjectiveSums total;
  double loss_sum = 0.0;
  double grad_norm_sum = 0.0;
  ExpertBalancing* experts = AsExpertBalancing(*policy_);
  std::vector<torch::Tensor> update_loads;  // per MoE layer, summed over optimiser steps
  try {
    policy_->train();
    for (int epoch = 0; epoch < grpo_.epochs; ++epoch) {
      // Data parallel: `mini` is this rank's part of the global mini-batch
      // (possibly empty; the rank still joins every collective).
      for (const auto& mini : LocalMiniBatches(static_cast<int>(samples.size()))) {
        // Collate first so the aggregation scale covers the whole mini-batch.
        std::vector<CollatedBatch> micro;
        std::vector<torch::Tensor> masks;
        for (const auto& mb : MicroBatchesOf(samples, mini, grpo_.micro_batch_tokens)) {
          RLZ_ASSIGN_OR_RETURN(CollatedBatch c, CollateSamples(samples, mb, device));
          masks.push_back(c.mask);
          micro.push_back(std::move(c));
        }
        // The denominators are the GLOBAL mini-batch's totals, so that the
        // ranks' losses sum to the one-process loss (docs/distributed.md).
        MaskCounts counts = CountMasks(masks);
        std::vector<double> totals = {counts.tokens, counts.seqs};
        RLZ_RETURN_IF_ERROR(SumOverRanks(&totals).WithContext("learner: loss denominators"));
        counts.tokens = totals[0];
        counts.seqs = totals[1];
        const AggregationScale scale =
            ScaleFromCounts(counts, static_cast<double>(max_response_len_));
        optimizer_->zero_grad();
        // Count only this step's training passes (not rollouts or old log-probs).
        if (experts != nullptr) experts->ResetExpertLoads();
        double step_loss = 0.0;
        for (const CollatedBatch& c : micro) {
          torch::Tensor logp, entropy;
          {
            // The right padding is routed but not counted in the expert loads.
            ScopedExpertLoadMask count_real_tokens(experts, c.real_tokens);
            std::tie(logp, entropy) =
                ForwardLogProbs(*policy_, c.input_ids, c.targets, entropy_mode, logprob_options_);
          }
          ObjectiveInputs in;
          in.logprobs = logp;
          in.entropy = entropy;
          in.old_logprobs = c.old_logprobs;
          in.behaviour_logprobs = c.behaviour_logprobs;
          in.ref_logprobs = c.ref_logprobs;
          in.advantages = c.advantages;
          in.mask = c.mask;
          ObjectiveOutput out = objective_->Compute(in, scale);
          out.loss.backward();
          step_loss += out.loss.item<double>();
          total.Add(out.sums);
        }
        double norm = 0.0;
        auto params = policy_->parameters();
        if (group_ != nullptr) {
          // Each rank's loss already carries the global denominator, so the
          // sum of the ranks' gradients is the one-process gradient; clip it.
          RLZ_RETURN_IF_ERROR(AllReduceGradients(*group_, params, ReduceOp::kSum)
                                  .status()
                                  .WithContext("learner: gradient all-reduce"));
        }
        if (optim_.grad_clip > 0.0) {
          norm = torch::nn::utils::clip_grad_norm_(params, optim_.grad_clip);
        } else {
          norm = torch::nn::utils::clip_grad_norm_(params, std::numeric_limits<double>::infinity());
        }
        optimizer_->step();
        if (experts != nullptr) {
          // Data parallel: the GLOBAL mini-batch's loads, so every replica
          // takes the bias update one process would take on the whole batch.
          RLZ_ASSIGN_OR_RETURN(std::vector<torch::Tensor> loads,
                               SumLoadsOverRanks(experts->ExpertLoads(), device));
          if (update_loads.empty()) {
            update_loads = loads;
          } else {
            for (size_t i = 0; i < loads.size(); ++i) update_loads[i] += loads[i];
          }
          if (moe_.bias_update_speed > 0) {
            experts->UpdateExpertBiasFrom(loads, moe_.bias_update_speed);
          } else {
            experts->ResetExpertLoads();
          }
        }
        loss_sum += step_loss;
        grad_norm_sum += norm;
        ++m.optimizer_steps;
      }
    }
  } catch (const c10::Error& e) {
    return Internal(std::string("learner: update failed: ") + e.what_without_backtrace());
  }
  std::vector<double> sums = {loss_sum,           total.tokens,       total.policy_loss,
                              total.kl,           total.entropy,      total.clipped_low,
                              total.clipped_high, total.tis_truncated};
  RLZ_RETURN_IF_ERROR(SumOverRanks(&sums).WithContext("learner: update metrics"));
  loss_sum = sums[0];
  total.tokens = sums[1];
  total.policy_loss = sums[2];
  total.kl = sums[3];
  total.entropy = sums[4];
  total.clipped_low = sums[5];
  total.clipped_high = sums[6];
  total.tis_truncated = sums[7];
  const double tokens = total.tokens > 0 ? total.tokens : 1.0;
  m.loss = loss_sum / static_cast<double>(m.optimizer_steps);
  m.grad_norm = grad_norm_sum / static_cast<double>(m.optimizer_steps);
  m.policy_loss = total.policy_loss / tokens;
  m.kl = total.kl / tokens;
  m.entropy = total.entropy / tokens;
  m.clip_frac_low = total.clipped_low / tokens;
  m.clip_frac_high = total.clipped_high / tokens;
  m.clip_frac = m.clip_frac_low + m.clip_frac_high;
  m.tis_truncated_frac = total.tis_truncated / tokens;
  m.tokens = static_cast<int64_t>(total.tokens) / grpo_.epochs;
  if (experts != nullptr) {
    const ExpertLoadStats st = ComputeExpertLoadStats(update_loads);
    m.moe["moe/load_max_over_mean"] = st.max_over_mean;
    m.moe["moe/load_cv"] = st.cv;
    m.moe["moe/load_max_over_mean_worst"] = st.worst_max_over_mean;
  }
  return m;
}

Status Learner::SaveState(const std::string& path) const {
  try {
    torch::serialize::OutputArchive archive;
    optimizer_->save(archive);
    archive.save_to(path);
  } catch (const c10::Error& e) {
    return Internal(path + ": cannot save optimiser state: " + e.what_without_backtrace());
  }
  return Status::Ok();
}

Status Learner::LoadState(const std::string& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    optimizer_->load(archive);
  } catch (const c10::Error& e) {
    return DataLoss(path + ": cannot load optimiser state: " + e.what_without_backtrace());
  }
  return Status::Ok();
}

}  // namespace rlzero
