// policy/sft_trainer.cc: see sft_trainer.h.
#include "policy/sft_trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "base/progress.h"
#include "policy/expert_balancing.h"
#include "policy/logprobs.h"
#include "policy/model_io.h"
#include "policy/multi_token_prediction.h"
#include "policy/text_encoder.h"

namespace rlzero {
namespace {

using Json = nlohmann::json;

StatusOr<std::vector<int64_t>> IdsField(const Json& line, const char* key, int64_t vocab,
                                        const std::string& where) {
  const Json& v = line[key];
  if (!v.is_array()) return InvalidArgument(where + ": " + key + " must be a list of token ids");
  std::vector<int64_t> ids;
  for (const Json& x : v) {
    if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() >= vocab)
      return InvalidArgument(where + ": " + key + " holds a value that is not a token id in [0, " +
                             std::to_string(vocab) + ")");
    ids.push_back(x.get<int64_t>());
  }
  return ids;
}

StatusOr<std::vector<int64_t>> TextField(const Json& line, const char* key, const TextEncoder* enc,
                                         int64_t vocab, const std::string& where) {
  if (!line[key].is_string()) return InvalidArgument(where + ": " + key + " must be a string");
  if (enc == nullptr) return InvalidArgument(where + ": text needs a tokenizer (none loaded)");
  auto ids = enc->Encode(line[key].get<std::string>());
  for (int64_t id : ids)
    if (id < 0 || id >= vocab)
      return InvalidArgument(where + ": tokenizer id " + std::to_string(id) +
                             " is outside the model vocabulary " + std::to_string(vocab));
  return ids;
}

// Linear warm-up, then cosine from lr to lr * min_lr_ratio.
double LearningRate(const SftConfig& c, int64_t step, int64_t total) {
  if (step < c.warmup_steps) return c.lr * static_cast<double>(step + 1) / c.warmup_steps;
  const double span = std::max<int64_t>(1, total - c.warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - c.warmup_steps) / span);
  const double min_lr = c.lr * c.min_lr_ratio;
  return min_lr + (c.lr - min_lr) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace

SftConfig SftConfig::FromConfig(ConfigReader& r) {
  SftConfig c;
  r.Get("model", &c.model);
  r.Get("data", &c.data);
  r.Get("run_dir", &c.run_dir);
  r.Get("device", &c.device);
  r.Get("dtype", &c.dtype);
  r.Get("save_dtype", &c.save_dtype);
  r.Get("max_steps", &c.max_steps);
  r.Get("epochs", &c.epochs);
  r.Get("batch_size", &c.batch_size);
  r.Get("grad_accum", &c.grad_accum);
  r.Get("lr", &c.lr);
  r.Get("min_lr_ratio", &c.min_lr_ratio);
  r.Get("warmup_steps", &c.warmup_steps);
  r.Get("weight_decay", &c.weight_decay);
  r.Get("beta1", &c.beta1);
  r.Get("beta2", &c.beta2);
  r.Get("adam_eps", &c.adam_eps);
  r.Get("grad_clip", &c.grad_clip);
  r.Get("max_seq_len", &c.max_seq_len);
  r.Get("add_bos", &c.add_bos);
  r.Get("append_eos", &c.append_eos);
  r.Get("shuffle", &c.shuffle);
  r.Get("seed", &c.seed);
  r.Get("save_every", &c.save_every);
  r.Get("log_every", &c.log_every);
  r.Get("chunk_tokens", &c.chunk_tokens);
  r.Get("mtp_loss_weight", &c.mtp_loss_weight);
  r.Get("moe_bias_update_speed", &c.moe_bias_update_speed);
  if (c.model.empty()) r.RecordError("model", "is required (a model dir)");
  if (c.data.empty()) r.RecordError("data", "is required (a JSONL file)");
  if (c.run_dir.empty()) r.RecordError("run_dir", "is required");
  if (!ParseDtype(c.dtype).ok()) r.RecordError("dtype", "must be float32, bfloat16 or float16");
  if (!c.save_dtype.empty() && !ParseDtype(c.save_dtype).ok())
    r.RecordError("save_dtype", "must be float32, bfloat16 or float16");
  if (c.max_steps < 0) r.RecordError("max_steps", "must be >= 0");
  if (!(c.epochs > 0)) r.RecordError("epochs", "must be > 0");
  if (c.batch_size < 1) r.RecordError("batch_size", "must be >= 1");
  if (c.grad_accum < 1) r.RecordError("grad_accum", "must be >= 1");
  if (!(c.lr > 0)) r.RecordError("lr", "must be > 0");
  if (c.min_lr_ratio < 0 || c.min_lr_ratio > 1) r.RecordError("min_lr_ratio", "must be in [0, 1]");
  if (c.warmup_steps < 0) r.RecordError("warmup_steps", "must be >= 0");
  if (c.weight_decay < 0) r.RecordError("weight_decay", "must be >= 0");
  if (c.beta1 < 0 || c.beta1 >= 1) r.RecordError("beta1", "must be in [0, 1)");
  if (c.beta2 < 0 || c.beta2 >= 1) r.RecordError("beta2", "must be in [0, 1)");
  if (!(c.adam_eps > 0)) r.RecordError("adam_eps", "must be > 0");
  if (c.max_seq_len < 2) r.RecordError("max_seq_len", "must be >= 2");
  if (c.save_every < 0) r.RecordError("save_every", "must be >= 0");
  if (c.log_every < 1) r.RecordError("log_every", "must be >= 1");
  if (c.chunk_tokens < 1) r.RecordError("chunk_tokens", "must be >= 1");
  if (!(c.mtp_loss_weight >= 0)) r.RecordError("mtp_loss_weight", "must be >= 0 (0 = off)");
  if (!(c.moe_bias_update_speed >= 0))
    r.RecordError("moe_bias_update_speed", "must be >= 0 (0 = off)");
  return c;
}

StatusOr<std::vector<SftExample>> LoadSftData(const std::string& path, const SftConfig& c,
                                              const TextEncoder* enc, std::optional<int64_t> bos,
                                              std::optional<int64_t> eos, int64_t vocab) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot open");
  std::vector<SftExample> out;
  std::string text;
  int64_t line_no = 0;
  while (std::getline(in, text)) {
    ++line_no;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    Json line;
    try {
      line = Json::parse(text);
    } catch (const std::exception& e) {
      return InvalidArgument(where + ": not valid JSON: " + e.what());
    }
    if (!line.is_object()) return InvalidArgument(where + ": not a JSON object");
    std::vector<int64_t> prompt, response;
    bool has_prompt = true;
    if (line.contains("prompt_ids") || line.contains("response_ids")) {
      RLZ_ASSIGN_OR_RETURN(prompt, IdsField(line, "prompt_ids", vocab, where));
      RLZ_ASSIGN_OR_RETURN(response, IdsField(line, "response_ids", vocab, where));
    } else if (line.contains("prompt") || line.contains("response")) {
      RLZ_ASSIGN_OR_RETURN(prompt, TextField(line, "prompt", enc, vocab, where));
      RLZ_ASSIGN_OR_RETURN(response, TextField(line, "response", enc, vocab, where));
    } else if (line.contains("ids")) {
      RLZ_ASSIGN_OR_RETURN(response, IdsField(line, "ids", vocab, where));
      has_prompt = false;
    } else if (line.contains("text")) {
      RLZ_ASSIGN_OR_RETURN(response, TextField(line, "text", enc, vocab, where));
      has_prompt = false;
    } else {
      return InvalidArgument(where +
                             ": expected {prompt, response}, {prompt_ids, response_ids}, "
                             "{text} or {ids}");
    }
    SftExample ex;
    if (c.add_bos && bos) ex.ids.push_back(*bos);
    ex.ids.insert(ex.ids.end(), prompt.begin(), prompt.end());
    // With a prompt, loss starts at the first response token; without one,
    // at the second token (the first has no context).
    ex.loss_start = has_prompt ? std::max<int64_t>(1, ex.ids.size()) : 1;
    ex.ids.insert(ex.ids.end(), response.begin(), response.end());
    if (c.append_eos && eos) ex.ids.push_back(*eos);
    if (static_cast<int64_t>(ex.ids.size()) > c.max_seq_len) ex.ids.resize(c.max_seq_len);
    if (static_cast<int64_t>(ex.ids.size()) <= ex.loss_start) continue;  // nothing to learn
    out.push_back(std::move(ex));
  }
  if (out.empty()) return InvalidArgument(path + ": no usable examples");
  return out;
}

StatusOr<SftSummary> RunSft(const SftConfig& c, std::FILE* metrics) {
  RLZ_ASSIGN_OR_RETURN(torch::Device device, ParseDevice(c.device));
  RLZ_ASSIGN_OR_RETURN(torch::ScalarType dtype, ParseDtype(c.dtype));
  RLZ_ASSIGN_OR_RETURN(LoadedModel lm, LoadModel(c.model, device, dtype));
  // LoadModel reports the dtype it loaded in; checkpoints keep the source's.
  auto source_config = LoadModelConfig(c.model);
  const std::string original_dtype =
      source_config.ok() ? source_config->torch_dtype : std::string("float32");
  std::unique_ptr<TextEncoder> enc;
  if (auto e = TextEncoder::Load(c.model); e.ok()) enc = std::move(e).value();
  std::optional<int64_t> bos = lm.config.bos_token_id, eos;
  if (!lm.config.eos_token_ids.empty()) eos = lm.config.eos_token_ids[0];
  if (enc && !bos) bos = enc->bos_id();
  if (enc && !eos) eos = enc->eos_id();
  RLZ_ASSIGN_OR_RETURN(auto data,
                       LoadSftData(c.data, c, enc.get(), bos, eos, lm.config.vocab_size));
  const int64_t per_step = c.batch_size * c.grad_accum;
  const int64_t total_steps =
      c.max_steps > 0 ? c.max_steps
                      : std::max<int64_t>(
                            1, static_cast<int64_t>(std::ceil(c.epochs * data.size() / per_step)));

  try {
    CausalLM& model = *lm.model;
    model.train();
    MultiTokenPredictor* mtp = c.mtp_loss_weight > 0 ? AsMultiTokenPredictor(model) : nullptr;
    ExpertBalancing* experts = AsExpertBalancing(model);  // null for dense models
    if (experts != nullptr) experts->ResetExpertLoads();
    std::vector<torch::Tensor> decay, no_decay;
    for (auto& p : model.parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(
        decay, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(c.lr)
                                                                .betas({c.beta1, c.beta2})
                                                                .eps(c.adam_eps)
                                                                .weight_decay(c.weight_decay)));
    groups.emplace_back(
        no_decay, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(c.lr)
                                                                   .betas({c.beta1, c.beta2})
                                                                   .eps(c.adam_eps)
                                                                   .weight_decay(0.0)));
    torch::optim::AdamW opt(groups, torch::optim::AdamWOptions(c.lr));

    std::mt19937_64 rng(c.seed);
    torch::manual_seed(c.seed);
    std::vector<size_t> order(data.size());
    std::iota(order.begin(), order.end(), 0);
    size_t cursor = order.size();  // forces a shuffle on first use
    int64_t epoch = -1;
    auto next_batch = [&]() {
      std::vector<const SftExample*> batch;
      while (static_cast<int64_t>(batch.size()) < c.batch_size) {
        if (cursor >= order.size()) {
          if (c.shuffle) std::shuffle(order.begin(), order.end(), rng);
          cursor = 0;
          ++epoch;
        }
        batch.push_back(&data[order[cursor++]]);
      }
      return batch;
    };

    SaveOptions save;
    save.copy_files_from = c.model;
    const std::string save_dtype = c.save_dtype.empty() ? original_dtype : c.save_dtype;
    if (auto sd = ParseDtype(save_dtype); sd.ok()) save.dtype = *sd;
    auto save_to = [&](const std::string& dir) -> Status {
      return SaveModel(dir, lm.config, model, save);
    };

    Progress progress("sft", total_steps);
    SftSummary summary;
    int64_t tokens_seen = 0;
    for (int64_t step = 0; step < total_steps; ++step) {
      std::vector<std::vector<const SftExample*>> micro;
      int64_t step_tokens = 0;
      for (int64_t a = 0; a < c.grad_accum; ++a) {
        micro.push_back(next_batch());
        for (const SftExample* e : micro.back())
          step_tokens += static_cast<int64_t>(e->ids.size()) - e->loss_start;
      }
      const double lr = LearningRate(c, step, total_steps);
      for (auto& g : opt.param_groups())
        static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
      opt.zero_grad();
      double loss_sum = 0;
      double mtp_sum = 0;
      for (const auto& batch : micro) {
        int64_t T = 0;
        for (const SftExample* e : batch) T = std::max<int64_t>(T, e->ids.size());
        const int64_t B = static_cast<int64_t>(batch.size());
        auto ids = torch::zeros({B, T}, torch::kInt64);
        auto mask = torch::zeros({B, T}, torch::kInt64);
        auto start = torch::zeros({B}, torch::kInt64);
        for (int64_t b = 0; b < B; ++b) {
          const auto& e = *batch[b];
          const int64_t n = static_cast<int64_t>(e.ids.size());
          ids[b].narrow(0, 0, n).copy_(torch::tensor(e.ids, torch::kInt64));
          mask[b].narrow(0, 0, n).fill_(1);
          start[b] = e.loss_start;
        }
        TokenLogProbsResult r;
        {
          // Right padding is routed but not counted in the expert loads (the
          // MTP modules' MoE layers, if any, count every position).
          ScopedExpertLoadMask count_real_tokens(experts, mask.to(device));
          r = TokenLogProbs(model, ids.to(device), mask.to(device), start.to(device),
                            c.chunk_tokens, false);
        }
        auto loss = -r.logprobs.sum() / static_cast<double>(step_tokens);
        loss_sum += loss.item<double>();
        if (mtp != nullptr) {
          // Token t carries MTP loss when it carries the main loss. Each
          // depth's sum is normalised like the main loss (by the step's main
          // target count), then averaged over depths.
          auto idx = torch::arange(T, torch::kInt64).view({1, T});
          auto carries = mask.to(torch::kBool).logical_and(idx >= start.view({B, 1}));
          auto sums = MtpLossSums(*mtp, r.hidden, ids.to(device), carries.to(device));
          auto mtp_loss = sums.sum() / static_cast<double>(step_tokens * sums.size(0));
          mtp_sum += mtp_loss.item<double>();
          loss = loss + c.mtp_loss_weight * mtp_loss;
        }
        loss.backward();
      }
      double grad_norm = 0;
      if (c.grad_clip > 0) {
        grad_norm = torch::nn::utils::clip_grad_norm_(model.parameters(), c.grad_clip);
      } else {
        double sq = 0;
        for (auto& p : model.parameters())
          if (p.grad().defined()) sq += p.grad().to(torch::kFloat64).pow(2).sum().item<double>();
        grad_norm = std::sqrt(sq);
      }
      opt.step();
      ExpertLoadStats load_stats;
      if (experts != nullptr) {
        load_stats = ComputeExpertLoadStats(experts->ExpertLoads());
        if (c.moe_bias_update_speed > 0) {
          experts->UpdateExpertBias(c.moe_bias_update_speed);
        } else {
          experts->ResetExpertLoads();
        }
      }
      tokens_seen += step_tokens;
      if (step == 0) summary.first_loss = loss_sum;
      summary.last_loss = loss_sum;
      summary.steps = step + 1;
      if ((step + 1) % c.log_every == 0 || step + 1 == total_steps) {
        Json m = {{"step", step + 1},
                  {"loss", loss_sum},
                  {"lr", lr},
                  {"grad_norm", grad_norm},
                  {"tokens", tokens_seen},
                  {"epoch", std::max<int64_t>(0, epoch)},
                  {"elapsed_s", progress.Elapsed()}};
        if (mtp != nullptr) m["mtp_loss"] = mtp_sum;
        if (experts != nullptr) {
          m["moe/load_max_over_mean"] = load_stats.max_over_mean;
          m["moe/load_cv"] = load_stats.cv;
          m["moe/load_max_over_mean_worst"] = load_stats.worst_max_over_mean;
        }
        std::fprintf(metrics, "%s\n", m.dump().c_str());
        std::fflush(metrics);
      }
      char extra[64];
      std::snprintf(extra, sizeof(extra), "loss=%.4f", loss_sum);
      progress.Update(step + 1, extra, /*force_line=*/true);
      if (c.save_every > 0 && (step + 1) % c.save_every == 0 && step + 1 < total_steps) {
        RLZ_RETURN_IF_ERROR(save_to(c.run_dir + "/checkpoint-" + std::to_string(step + 1)));
      }
    }
    progress.Finish();
    summary.final_dir = c.run_dir + "/final";
    RLZ_RETURN_IF_ERROR(save_to(summary.final_dir));
    return summary;
  } catch (const std::exception& e) {
    return Internal(std::string("sft: ") + e.what());
  }
}

}  // namespace rlzero
