// tests/learner/distributed/dp_train_helper.cc: one data-parallel learner
// rank for dp_equivalence_test. Reads RANK / WORLD_SIZE / MASTER_ADDR /
// MASTER_PORT like a real rank, builds a tiny llama (float64, so the 1-rank
// and 2-rank runs differ only by summation order), broadcasts rank 0's
// weights (each rank initialises from a different seed, so a missing
// broadcast shows), trains `--steps` AdamW steps on its contiguous shard of a
// fixed global batch with token-mean loss over the GLOBAL token count and
// bucketed gradient all-reduce, checks the replicas agree, and saves the
// model from rank 0 (RunOnRankZero + SaveModel).
//
// Usage: dp_train_helper --out DIR [--steps N] [--timeout-ms MS] [--bucket-bytes B]
//                        [--dtype float64|float32]
// Exit codes: 0 ok, 1 usage, 2 bad environment, 3 process group, 4 replicas
// diverged, 5 training / saving error. The Status goes to stderr.
// Test-only: not a trainer.
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "learner/distributed/batch_shard.h"
#include "learner/distributed/data_parallel_group.h"
#include "learner/distributed/distributed_context.h"
#include "learner/distributed/model_sync.h"
#include "learner/distributed/rank_zero.h"
#include "learner/distributed/scalar_reduce.h"
#include "policy/model_config.h"
#include "policy/model_io.h"

namespace rlzero {
namespace {

constexpr int64_t kVocab = 32;
constexpr int64_t kGlobalBatch = 7;  // odd: the two shards differ in size and token count

int Fail(int code, const Status& st) {
  std::cerr << "dp_train_helper: " << st.ToString() << "\n";
  return code;
}

StatusOr<ModelConfig> TinyConfig() {
  return ParseModelConfigText(R"({"model_type": "llama", "vocab_size": 32, "hidden_size": 16,
      "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
      "num_key_value_heads": 1, "max_position_embeddings": 64, "eos_token_id": 0,
      "tie_word_embeddings": false})",
                              "dp tiny config");
}

// Sample i of step s: a deterministic token sequence of length 5 + (i*3+s) % 6.
std::vector<int64_t> Sample(int64_t step, int64_t i) {
  const int64_t len = 5 + (i * 3 + step) % 6;
  std::vector<int64_t> ids;
  for (int64_t j = 0; j < len; ++j) ids.push_back((i * 7 + j * j * 3 + step * 5 + 1) % kVocab);
  return ids;
}

// Sum over the shard's predicted tokens of -log p(next token), and their count.
std::pair<torch::Tensor, double> ShardLossSum(CausalLM& model, int64_t step,
                                              const std::vector<size_t>& shard) {
  torch::Tensor sum = torch::zeros({}, model.parameters().front().scalar_type());
  double tokens = 0;
  for (size_t i : shard) {  // one sequence at a time: no padding to get wrong
    auto ids_vec = Sample(step, static_cast<int64_t>(i));
    const int64_t t = static_cast<int64_t>(ids_vec.size());
    torch::Tensor ids = torch::tensor(ids_vec, torch::kInt64).view({1, t});     // [1, T]
    torch::Tensor pos = torch::arange(t, torch::kInt64).view({1, t});           // [1, T]
    torch::Tensor logits = model.Logits(model.Forward(ids, pos, {}, nullptr));  // [1, T, V]
    torch::Tensor logp = torch::log_softmax(logits.narrow(1, 0, t - 1), -1);    // [1, T-1, V]
    torch::Tensor target = ids.narrow(1, 1, t - 1).unsqueeze(-1);               // [1, T-1, 1]
    sum = sum - logp.gather(-1, target).sum();
    tokens += static_cast<double>(t - 1);
  }
  return {sum, tokens};
}

int Main(int argc, char** argv) {
  std::string out;
  int steps = 3;
  int64_t timeout_ms = 30'000;
  int64_t bucket_bytes = 4096;  // small: the tiny model spans several buckets
  std::string dtype_name = "float64";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--out")
      out = next();
    else if (a == "--steps")
      steps = std::atoi(next().c_str());
    else if (a == "--timeout-ms")
      timeout_ms = std::atoll(next().c_str());
    else if (a == "--bucket-bytes")
      bucket_bytes = std::atoll(next().c_str());
    else if (a == "--dtype")
      dtype_name = next();
    else {
      std::cerr << "dp_train_helper: unknown argument " << a << "\n";
      return 1;
    }
  }
  if (out.empty() || steps < 0) {
    std::cerr << "usage: dp_train_helper --out DIR [--steps N] [--timeout-ms MS]\n";
    return 1;
  }
  auto ctx = DistributedContextFromEnvironment();
  if (!ctx.ok()) return Fail(2, ctx.status());
  DataParallelOptions opts;
  opts.timeout_ms = timeout_ms;
  auto group_or = DataParallelGroup::Create(*ctx, opts);
  if (!group_or.ok()) return Fail(3, group_or.status());
  DataParallelGroup& group = **group_or;

  auto dtype = dtype_name == "float64" ? StatusOr<torch::ScalarType>(torch::kFloat64)
                                       : ParseDtype(dtype_name);
  if (!dtype.ok()) return Fail(1, dtype.status());
  auto config = TinyConfig();
  if (!config.ok()) return Fail(5, config.status());
  torch::manual_seed(0);
  auto model_or = BuildModel(*config, torch::kCPU, *dtype, /*seed=*/1234 + group.rank());
  if (!model_or.ok()) return Fail(5, model_or.status());
  CausalLM& model = **model_or;
  if (Status st = BroadcastModuleState(group, model, bucket_bytes); !st.ok()) return Fail(3, st);

  auto shard = ShardIndices(kGlobalBatch, group.rank(), group.world_size());
  if (!shard.ok()) return Fail(5, shard.status());
  std::vector<torch::Tensor> params = model.parameters();
  torch::optim::AdamW opt(params, torch::optim::AdamWOptions(1e-2).weight_decay(0.01));
  for (int step = 0; step < steps; ++step) {
    opt.zero_grad();
    auto [loss_sum, local_tokens] = ShardLossSum(model, step, *shard);
    // Token-mean over the global batch: all-reduce the count first, then
    // scale by world size because AllReduceGradients averages.
    auto global = AllReduceScalars(group, {local_tokens, loss_sum.item<double>()}, ReduceOp::kSum);
    if (!global.ok()) return Fail(3, global.status());
    const double global_tokens = (*global)[0];
    torch::Tensor loss = loss_sum * (static_cast<double>(group.world_size()) / global_tokens);
    if (loss.requires_grad()) loss.backward();  // an empty shard has no graph
    auto stats = AllReduceGradients(group, params, ReduceOp::kMean, bucket_bytes);
    if (!stats.ok()) return Fail(3, stats.status());
    opt.step();
    std::cout << "{\"rank\": " << group.rank() << ", \"step\": " << step
              << ", \"global_tokens\": " << global_tokens
              << ", \"loss\": " << (*global)[1] / global_tokens
              << ", \"grad_buckets\": " << stats->buckets
              << ", \"grad_tensors\": " << stats->tensors << "}" << std::endl;
  }

  // Replicas must agree: compare with rank 0's copy, take the max over ranks.
  {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> copies;
    for (auto& p : params) copies.push_back(p.detach().clone());
    if (Status st = BroadcastBucketed(group, copies, bucket_bytes); !st.ok()) return Fail(3, st);
    double diff = 0;
    for (size_t i = 0; i < params.size(); ++i) {
      diff = std::max(diff, (params[i] - copies[i]).abs().max().item<double>());
    }
    auto max_diff = AllReduceScalars(group, {diff}, ReduceOp::kMax);
    if (!max_diff.ok()) return Fail(3, max_diff.status());
    if ((*max_diff)[0] != 0.0) {
      return Fail(
          4, Internal("replicas diverged: max |w_r - w_0| = " + std::to_string((*max_diff)[0])));
    }
  }
  Status saved = RunOnRankZero(group, [&] { return SaveModel(out, *config, model); });
  if (!saved.ok()) return Fail(5, saved);
  if (Status st = group.Barrier(); !st.ok()) return Fail(3, st);
  return 0;
}

}  // namespace
}  // namespace rlzero

int main(int argc, char** argv) { return rlzero::Main(argc, argv); }
