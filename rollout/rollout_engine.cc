// rollout/rollout_engine.cc: the scheduler (admit -> decode step -> retire)
// over a SlotKvCache, and the per-row sampling. The why of its choices:
//   - live slots stay contiguous ([0, active)), so a decode step is one
//     forward over a narrow() view of the cache, with no gather of K/V;
//   - decode inputs (ids, positions, mask) live in preallocated buffers;
//   - sampling runs per row in plain C++ over the float logits (one
//     device->host copy per step), rows split over the intra-op threads;
//     each row's randomness depends only on (seed, prompt, sample, step).
//     On CUDA (device_sampling) decode steps sample on the device with the
//     same rule (device_sampler.h) and copy back only tokens and log-probs;
//   - decode steps of CUDA models run as CUDA graphs (static_decoder.h).
#include "rollout/rollout_engine.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <unordered_set>

#include "rollout/sampling/sampler_chain.h"
#include "rollout/sampling/seeded_uniform.h"

namespace rlzero {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Status RolloutEngineOptions::Validate() const {
  if (max_batch < 1) return InvalidArgument("rollout engine: max_batch must be >= 1");
  if (max_prefill_tokens < 1)
    return InvalidArgument("rollout engine: max_prefill_tokens must be >= 1");
  if (max_len < 0) return InvalidArgument("rollout engine: max_len must be >= 0");
  Status s = ValidateEngineSwitch("cuda_graphs", cuda_graphs);
  if (s.ok()) s = ValidateEngineSwitch("device_sampling", device_sampling);
  if (!s.ok()) return InvalidArgument("rollout engine: " + s.message());
  return Status::Ok();
}

Status ValidateEngineSwitch(const std::string& field, const std::string& value) {
  if (value == "auto" || value == "on" || value == "off") return Status::Ok();
  return InvalidArgument(field + " '" + value + "' is not auto, on or off");
}

// One Generate call.
class RolloutEngine::Run {
  // Nested rather than in an anonymous namespace: Run has external linkage,
  // and GCC warns (-Wsubobject-linkage) when its fields use file-local types
  // in a file that is #included, as a unity build does.
  struct Sequence {
    int32_t prompt = 0;
    int32_t sample = 0;
    std::vector<int32_t> tokens;
    std::vector<float> logprobs;
    bool done = false;
    bool stopped_by_string = false;
    std::string finish_reason;
  };

  // A prefilled prompt whose samples are not all admitted yet.
  struct HeldPrefix {
    KvPrefix kv;
    std::vector<float> last_logits;  // [V]
    int remaining = 0;               // samples still to admit
  };

 public:
  Run(RolloutEngine& engine, const std::vector<std::vector<int32_t>>& prompts,
      const SamplingParams& params, SamplerChain chain, std::optional<DeviceSampler> device_sampler)
      : e_(engine),
        model_(*engine.model_),
        cache_(*engine.cache_),
        prompts_(prompts),
        params_(params),
        chain_(std::move(chain)),
        device_sampler_(std::move(device_sampler)),
        eos_(engine.options_.eos_token_ids.begin(), engine.options_.eos_token_ids.end()),
        vocab_(model_.vocab_size()),
        capacity_(cache_.shape().num_slots) {
    if (!params.stop.empty()) stops_ = StopStringMatcher(params.stop, engine.decode_);
    const size_t total = prompts.size() * static_cast<size_t>(params.n);
    seqs_.resize(total);
    for (size_t s = 0; s < total; ++s) {
      seqs_[s].prompt = static_cast<int32_t>(s / params.n);
      seqs_[s].sample = static_cast<int32_t>(s % params.n);
      seqs_[s].tokens.reserve(static_cast<size_t>(params.max_new_tokens));
      seqs_[s].logprobs.reserve(static_cast<size_t>(params.max_new_tokens));
    }
    slot_seq_.assign(static_cast<size_t>(capacity_), -1);
    ids_cpu_ = torch::zeros({capacity_, 1}, torch::kInt64);
    u_cpu_ = torch::zeros({capacity_}, torch::kFloat64);
    device_ = cache_.shape().device;
    if (!device_.is_cpu())
      ids_dev_ = torch::zeros({capacity_, 1}, torch::dtype(torch::kInt64).device(device_));
    scratch_.resize(static_cast<size_t>(std::max(1, at::get_num_threads())));
  }

  Status Execute() {
    RolloutStats& st = e_.stats_;
    st = RolloutStats{};
    const double t0 = Now();
    while (active_ > 0 || next_ < seqs_.size()) {
      RLZ_RETURN_IF_ERROR(Admit());
      Retire();
      if (active_ == 0) continue;
      RLZ_RETURN_IF_ERROR(DecodeStep());
      Retire();
    }
    st.total_seconds = Now() - t0;
    return Status::Ok();
  }

  std::vector<Completion> TakeCompletions() {
    std::vector<Completion> out(seqs_.size());
    for (size_t s = 0; s < seqs_.size(); ++s) {
      Sequence& q = seqs_[s];
      Completion& c = out[s];
      c.prompt_index = q.prompt;
      c.sample_index = q.sample;
      c.token_ids = std::move(q.tokens);
      c.logprobs = std::move(q.logprobs);
      c.finish_reason = q.finish_reason;
      if (e_.decode_) {
        c.text = e_.decode_(c.token_ids);
        if (q.stopped_by_string) {
          size_t cut = stops_.CutPosition(c.text);
          if (cut != std::string::npos) c.text.resize(cut);
        }
      }
    }
    return out;
  }

 private:
  // Fills free slots [active_, capacity_) with waiting sequences: prefills the
  // prompts not seen yet, copies prefixes, samples each first token.
  Status Admit() {
    const int64_t free = capacity_ - active_;
    if (free <= 0 || next_ >= seqs_.size()) return Status::Ok();
    const size_t take = std::min(static_cast<size_t>(free), seqs_.size() - next_);
    std::vector<size_t> batch(take);
    for (size_t i = 0; i < take; ++i) batch[i] = next_ + i;
    next_ += take;

    // Prompts to prefill now, in order; their first sample in this batch gets
    // the prefill slot, the others fork from it.
    std::vector<int32_t> new_prompts;
    std::map<int32_t, size_t> first_of;  // prompt -> seq
    for (size_t s : batch) {
      int32_t p = seqs_[s].prompt;
      if (held_.count(p) || first_of.count(p)) continue;
      first_of[p] = s;
      new_prompts.push_back(p);
    }
    // Slot order: prefill rows first (contiguous), then everything else.
    std::vector<size_t> order;
    for (int32_t p : new_prompts) order.push_back(first_of[p]);
    for (size_t s : batch) {
      int32_t p = seqs_[s].prompt;
      if (!(first_of.count(p) && first_of[p] == s)) order.push_back(s);
    }
    std::map<int32_t, int64_t> prefill_slot;
    for (size_t i = 0; i < order.size(); ++i) {
      slot_seq_[static_cast<size_t>(active_) + i] = static_cast<int64_t>(order[i]);
    }
    std::map<int32_t, std::vector<float>> fresh_logits;
    RLZ_RETURN_IF_ERROR(Prefill(new_prompts, active_, &fresh_logits));
    for (size_t i = 0; i < new_prompts.size(); ++i) prefill_slot[new_prompts[i]] = active_ + i;

    // Samples of each new prompt not in this batch: hold its prefix.
    std::map<int32_t, int> in_batch;
    for (size_t s : batch) in_batch[seqs_[s].prompt]++;
    for (int32_t p : new_prompts) {
      int rest = params_.n - in_batch[p];
      if (rest > 0) {
        HeldPrefix h;
        h.kv = cache_.CopyPrefixOut(prefill_slot[p]);
        h.last_logits = fresh_logits[p];
        h.remaining = rest;
        held_.emplace(p, std::move(h));
      }
    }
    // Everything else gets its prefix copied in.
    for (size_t i = new_prompts.size(); i < order.size(); ++i) {
      const int64_t slot = active_ + static_cast<int64_t>(i);
      const int32_t p = seqs_[order[i]].prompt;
      auto it = prefill_slot.find(p);
      if (it != prefill_slot.end()) {
        cache_.Fork(it->second, {slot}, cache_.length(it->second));
      } else {
        HeldPrefix& h = held_.at(p);
        cache_.CopyPrefixIn(h.kv, slot);
      }
    }
    // First tokens.
    for (size_t i = 0; i < order.size(); ++i) {
      Sequence& q = seqs_[order[i]];
      const std::vector<float>* logits = nullptr;
      auto f = fresh_logits.find(q.prompt);
      if (f != fresh_logits.end()) {
        logits = &f->second;
      } else {
        logits = &held_.at(q.prompt).last_logits;
      }
      SampleInto(q, logits->data(), &scratch_[0]);
      CheckFinished(q);
    }
    // Release held prefixes whose samples are all admitted.
    for (size_t s : batch) {
      const int32_t p = seqs_[s].prompt;
      if (fresh_logits.count(p)) continue;
      auto it = held_.find(p);
      if (it != held_.end() && --it->second.remaining == 0) held_.erase(it);
    }
    active_ += static_cast<int64_t>(order.size());
    return Status::Ok();
  }

  // Prefills prompts into slots [first_slot, first_slot + prompts.size()), in
  // groups within max_prefill_tokens; returns each prompt's last logits.
  Status Prefill(const std::vector<int32_t>& prompts, int64_t first_slot,
                 std::map<int32_t, std::vector<float>>* last_logits) {
    const double t0 = Now();
    size_t i = 0;
    while (i < prompts.size()) {
      // Greedy grouping: add rows while rows * padded length stays in budget.
      size_t j = i;
      int64_t pad = 0;
      while (j < prompts.size()) {
        int64_t len = static_cast<int64_t>(prompts_[prompts[j]].size());
        int64_t new_pad = std::max(pad, len);
        if (j > i && new_pad * static_cast<int64_t>(j - i + 1) > e_.options_.max_prefill_tokens)
          break;
        pad = new_pad;
        ++j;
      }
      const int64_t rows = static_cast<int64_t>(j - i);
      torch::Tensor ids = torch::zeros({rows, pad}, torch::kInt64);
      std::vector<int64_t> valid(static_cast<size_t>(rows));
      int64_t* idp = ids.data_ptr<int64_t>();
      for (int64_t r = 0; r < rows; ++r) {
        const auto& pr = prompts_[prompts[i + r]];
        for (size_t t = 0; t < pr.size(); ++t) idp[r * pad + static_cast<int64_t>(t)] = pr[t];
        valid[r] = static_cast<int64_t>(pr.size());
        e_.stats_.prefill_tokens += valid[r];
      }
      const int64_t first = first_slot + static_cast<int64_t>(i);
      RLZ_RETURN_IF_ERROR(cache_.BeginStep(first, rows, pad));
      torch::Tensor hidden = model_.Forward(ids.to(device_), cache_.positions(), cache_.mask(),
                                            &cache_);  // [rows, pad, C]
      cache_.EndStep(valid.data());
      torch::Tensor last_idx = torch::tensor(valid, torch::kInt64).sub_(1).to(device_);
      torch::Tensor last_hidden =
          hidden.gather(1, last_idx.view({rows, 1, 1}).expand({rows, 1, hidden.size(2)}))
              .squeeze(1);  // [rows, C]
      torch::Tensor logits =
          model_.Logits(last_hidden).to(torch::kCPU, torch::kFloat32).contiguous();
      RLZ_RETURN_IF_ERROR(CheckVocab(logits));
      for (int64_t r = 0; r < rows; ++r) {
        const float* row = logits.data_ptr<float>() + r * vocab_;
        (*last_logits)[prompts[i + r]] = std::vector<float>(row, row + vocab_);
      }
      i = j;
    }
    e_.stats_.prefill_seconds += Now() - t0;
    return Status::Ok();
  }

  Status CheckVocab(const torch::Tensor& logits) const {
    if (logits.size(-1) != vocab_) {
      return Internal("rollout engine: model returned " + std::to_string(logits.size(-1)) +
                      " logits per row, vocab_size() says " + std::to_string(vocab_));
    }
    return Status::Ok();
  }

  Status DecodeStep() {
    const double t0 = Now();
    const int64_t B = active_;
    int64_t* idp = ids_cpu_.data_ptr<int64_t>();
    for (int64_t b = 0; b < B; ++b) idp[b] = seqs_[static_cast<size_t>(slot_seq_[b])].tokens.back();
    torch::Tensor logits;  // [B, V]
    if (e_.static_decoder_ != nullptr) {
      RLZ_ASSIGN_OR_RETURN(logits, e_.static_decoder_->Step(idp, B));
    } else {
      torch::Tensor ids = ids_cpu_.narrow(0, 0, B);
      if (!device_.is_cpu()) {
        ids_dev_.narrow(0, 0, B).copy_(ids);
        ids = ids_dev_.narrow(0, 0, B);
      }
      RLZ_RETURN_IF_ERROR(cache_.BeginStep(0, B, 1));
      torch::Tensor hidden =
          model_.Forward(ids, cache_.positions(), cache_.mask(), &cache_);  // [B, 1, C]
      cache_.EndStep();
      logits = model_.Logits(hidden.reshape({B, hidden.size(2)}));
    }
    RLZ_RETURN_IF_ERROR(CheckVocab(logits));
    if (device_sampler_.has_value()) {
      const double t1 = Now();
      SampleOnDevice(logits, B);
      FinishStep(t0, t1, B);
      return Status::Ok();
    }
    logits = logits.to(torch::kCPU, torch::kFloat32).contiguous();
    const double t1 = Now();

    const float* base = logits.data_ptr<float>();
    at::parallel_for(0, B, 1, [&](int64_t begin, int64_t end) {
      Candidates* scratch = &scratch_[static_cast<size_t>(at::get_thread_num()) % scratch_.size()];
      for (int64_t b = begin; b < end; ++b) {
        SampleInto(seqs_[static_cast<size_t>(slot_seq_[b])], base + b * vocab_, scratch);
      }
    });
    FinishStep(t0, t1, B);
    return Status::Ok();
  }

  // Samples rows [0, B) from device logits [B, V] with the DeviceSampler;
  // only tokens and log-probs come back to the host.
  void SampleOnDevice(const torch::Tensor& logits, int64_t B) {
    double* up = u_cpu_.data_ptr<double>();
    for (int64_t b = 0; b < B; ++b) up[b] = Uniform(seqs_[static_cast<size_t>(slot_seq_[b])]);
    torch::Tensor u = u_cpu_.narrow(0, 0, B);
    if (!device_.is_cpu()) u = u.to(device_);
    DeviceSamples s = device_sampler_->Sample(logits, u);
    torch::Tensor tokens = s.tokens.to(torch::kCPU).contiguous();
    torch::Tensor logprobs = s.logprobs.to(torch::kCPU).contiguous();
    const int64_t* tp = tokens.data_ptr<int64_t>();
    const float* lp = logprobs.data_ptr<float>();
    for (int64_t b = 0; b < B; ++b) {
      Sequence& q = seqs_[static_cast<size_t>(slot_seq_[b])];
      q.tokens.push_back(static_cast<int32_t>(tp[b]));
      q.logprobs.push_back(lp[b]);
    }
  }

  // Stop checks of rows [0, B) and the step's timings (t1: model done).
  void FinishStep(double t0, double t1, int64_t B) {
    RolloutStats& st = e_.stats_;
    for (int64_t b = 0; b < B; ++b) CheckFinished(seqs_[static_cast<size_t>(slot_seq_[b])]);
    const double t2 = Now();
    st.decode_tokens += B;
    st.decode_steps += 1;
    st.decode_model_seconds += t1 - t0;
    st.decode_sampling_seconds += t2 - t1;
    st.decode_seconds += t2 - t0;
  }

  // The seeded uniform of q's next token.
  double Uniform(const Sequence& q) const {
    return SeededUniform(params_.seed,
                         static_cast<uint64_t>(params_.prompt_index_offset + q.prompt),
                         static_cast<uint64_t>(q.sample), q.tokens.size());
  }

  void SampleInto(Sequence& q, const float* logits, Candidates* scratch) const {
    SampledToken t = chain_.Sample(logits, vocab_, Uniform(q), scratch);
    q.tokens.push_back(t.token);
    q.logprobs.push_back(t.logprob);
  }

  void CheckFinished(Sequence& q) {
    if (eos_.count(q.tokens.back())) {
      q.done = true;
      q.finish_reason = "stop";
    } else if (!stops_.empty() && stops_.Matches(q.tokens, &window_)) {
      q.done = true;
      q.stopped_by_string = true;
      q.finish_reason = "stop";
    } else if (static_cast<int>(q.tokens.size()) >= params_.max_new_tokens) {
      q.done = true;
      q.finish_reason = "length";
    }
  }

  // Frees finished slots, moving the last live slot into each hole so live
  // slots stay [0, active_).
  void Retire() {
    auto done = [&](int64_t slot) { return seqs_[static_cast<size_t>(slot_seq_[slot])].done; };
    int64_t i = 0;
    while (i < active_) {
      if (!done(i)) {
        ++i;
        continue;
      }
      while (active_ - 1 > i && done(active_ - 1)) {
        cache_.Free(active_ - 1);
        slot_seq_[active_ - 1] = -1;
        --active_;
      }
      if (active_ - 1 > i) {
        cache_.Move(active_ - 1, i);
        slot_seq_[i] = slot_seq_[active_ - 1];
        slot_seq_[active_ - 1] = -1;
        --active_;
        ++i;
      } else {
        cache_.Free(i);
        slot_seq_[i] = -1;
        --active_;
      }
    }
  }

  RolloutEngine& e_;
  CausalLM& model_;
  SlotKvCache& cache_;
  const std::vector<std::vector<int32_t>>& prompts_;
  const SamplingParams& params_;
  SamplerChain chain_;
  std::optional<DeviceSampler> device_sampler_;  // set: decode steps sample on the device
  StopStringMatcher stops_;
  std::unordered_set<int32_t> eos_;
  const int64_t vocab_;
  const int64_t capacity_;
  torch::Device device_ = torch::kCPU;

  std::vector<Sequence> seqs_;     // ordered by prompt, then sample
  size_t next_ = 0;                // first sequence not admitted yet
  std::vector<int64_t> slot_seq_;  // slot -> sequence, -1 if free
  int64_t active_ = 0;             // live slots are [0, active_)
  std::map<int32_t, HeldPrefix> held_;
  torch::Tensor ids_cpu_, ids_dev_;  // [capacity, 1] int64
  torch::Tensor u_cpu_;              // [capacity] float64, device sampling's uniforms
  std::vector<Candidates> scratch_;  // one per intra-op thread
  std::vector<int32_t> window_;      // stop-string decode window
};

RolloutEngine::RolloutEngine(std::shared_ptr<CausalLM> model, RolloutEngineOptions options,
                             DecodeFn decode)
    : model_(std::move(model)), options_(std::move(options)), decode_(std::move(decode)) {}

RolloutEngine::~RolloutEngine() = default;

Status RolloutEngine::EnsureCache(int64_t slots, int64_t max_len) {
  torch::Dtype dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
  auto params = model_->parameters();
  if (!params.empty()) {
    dtype = params.front().scalar_type();
    device = params.front().device();
  }
  if (cache_) {
    const KvCacheShape& s = cache_->shape();
    if (s.num_slots >= slots && s.max_len >= max_len && s.dtype == dtype && s.device == device) {
      for (int64_t i = 0; i < s.num_slots; ++i) cache_->Free(i);
      // Graphs read the parameters' storage: new storage, new graphs.
      if (static_decoder_ != nullptr && static_decoder_->WeightsMoved()) static_decoder_->Reset();
      return Status::Ok();
    }
    static_decoder_.reset();
    cache_.reset();
  }
  KvCacheShape shape;
  shape.num_layers = model_->num_layers();
  shape.num_slots = slots;
  shape.max_len = max_len;
  shape.num_kv_heads = model_->num_kv_heads();
  shape.head_dim = model_->head_dim();
  shape.value_head_dim = model_->value_head_dim();
  shape.dtype = dtype;
  shape.device = device;
  RLZ_ASSIGN_OR_RETURN(cache_, SlotKvCache::Create(shape));
  const std::string& mode = options_.cuda_graphs;
  const bool capture = device.is_cuda() && model_->SupportsCudaGraphs() && CudaGraph::Supported();
  if (mode == "on" || (mode == "auto" && capture)) {
    static_decoder_ =
        std::make_unique<StaticDecoder>(*model_, *cache_, capture, /*fall_back=*/mode == "auto");
    static_decoder_->WeightsMoved();  // records the current storage
  }
  return Status::Ok();
}

StatusOr<std::vector<Completion>> RolloutEngine::Generate(
    const std::vector<std::vector<int32_t>>& prompts, const SamplingParams& params) {
  RLZ_RETURN_IF_ERROR(options_.Validate());
  RLZ_ASSIGN_OR_RETURN(SamplerChain chain, SamplerChain::FromParams(params));
  if (!params.stop.empty() && !decode_) {
    return InvalidArgument("rollout engine: stop strings need a tokenizer to decode text");
  }
  if (prompts.empty()) return std::vector<Completion>{};
  const int64_t vocab = model_->vocab_size();
  int64_t longest = 0;
  for (size_t i = 0; i < prompts.size(); ++i) {
    if (prompts[i].empty()) return InvalidArgument("prompt " + std::to_string(i) + ": empty");
    for (size_t t = 0; t < prompts[i].size(); ++t) {
      if (prompts[i][t] < 0 || prompts[i][t] >= vocab) {
        return InvalidArgument("prompt " + std::to_string(i) + ": token " + std::to_string(t) +
                               " = " + std::to_string(prompts[i][t]) + " outside vocabulary [0, " +
                               std::to_string(vocab) + ")");
      }
    }
    longest = std::max<int64_t>(longest, static_cast<int64_t>(prompts[i].size()));
  }
  // The sequence's last sampled token is never fed back, so a slot holds at
  // most prompt + max_new_tokens - 1 positions.
  const int64_t need = longest + params.max_new_tokens - 1;
  int64_t max_len = options_.max_len > 0 ? options_.max_len : need;
  if (need > max_len) {
    return InvalidArgument("rollout engine: prompt of " + std::to_string(longest) + " tokens + " +
                           std::to_string(params.max_new_tokens) + " new tokens exceeds max_len " +
                           std::to_string(max_len));
  }
  const int64_t total = static_cast<int64_t>(prompts.size()) * params.n;
  const int64_t slots = std::min(options_.max_batch, total);
  try {
    torch::NoGradGuard no_grad;
    RLZ_RETURN_IF_ERROR(EnsureCache(slots, max_len));
    std::optional<DeviceSampler> device_sampler;
    if (options_.device_sampling == "on" ||
        (options_.device_sampling == "auto" && cache_->shape().device.is_cuda())) {
      RLZ_ASSIGN_OR_RETURN(DeviceSampler ds, DeviceSampler::FromParams(params));
      device_sampler = std::move(ds);
    }
    Run run(*this, prompts, params, std::move(chain), std::move(device_sampler));
    const StaticDecoderStats before =
        static_decoder_ != nullptr ? static_decoder_->stats() : StaticDecoderStats{};
    RLZ_RETURN_IF_ERROR(run.Execute());
    if (static_decoder_ != nullptr) {
      const StaticDecoderStats& after = static_decoder_->stats();
      stats_.graph_captures = after.captures - before.captures;
      stats_.graph_replays = after.replays - before.replays;
      stats_.static_eager_steps = after.eager - before.eager;
      stats_.padded_rows = after.padded_rows - before.padded_rows;
    }
    return run.TakeCompletions();
  } catch (const c10::Error& e) {
    return Internal(std::string("rollout engine: LibTorch error: ") + e.what_without_backtrace());
  }
}

}  // namespace rlzero
