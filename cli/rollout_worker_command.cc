// cli/rollout_worker_command.cc: `rlzero rollout-worker`: serve the rollout
// engine over gRPC (rlzero.v1.RolloutService). Started by `rlzero train
// --rollout-workers N`, or by hand on other machines with --learner ADDR so it
// joins that learner. main only parses flags and starts things.
#include <cstdio>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/rollout_engine_flags.h"
#include "cli/server_flags.h"
#include "policy/model_io.h"
#include "policy/stop_tokens.h"
#include "policy/tokenizer/tokenizer.h"
#include "rollout/learner_service.h"
#include "rollout/rollout_service.h"
#include "rpc/server_runner.h"

namespace rlzero::cli {

int RunRolloutWorker(int argc, char** argv) {
  CLI::App app{"run a rollout worker service (KV-cache sampler over gRPC)",
               "rlzero rollout-worker"};
  std::string model_dir, learner, name = "rollout-worker", device = "cpu", dtype = "float32";
  int64_t max_batch = 64, register_timeout_ms = 60000;
  rpc::ServerOptions server;
  server.role = "rollout-worker";
  app.add_option("--model", model_dir, "model dir (HF layout) to start from")->required();
  app.add_option("--learner", learner, "learner address to register with (LearnerService)");
  app.add_option("--name", name, "name for logs")->capture_default_str();
  app.add_option("--device", device, "cpu | cuda | cuda:N")->capture_default_str();
  app.add_option("--dtype", dtype, "float32 | bfloat16 | float16")->capture_default_str();
  app.add_option("--max-batch", max_batch, "sequences decoded together")->capture_default_str();
  RolloutEngineOptions engine_flags;  // --cuda-graphs, --device-sampling
  cli::AddRolloutEngineFlags(app, &engine_flags);
  app.add_option("--register-timeout-ms", register_timeout_ms,
                 "how long to keep trying to reach the learner")
      ->capture_default_str();
  AddServerFlags(app, &server);
  rpc::ClientOptions client;  // dialling the learner
  AddClientTlsFlags(app, &client);
  return RunApp(app, argc, argv, [&]() -> int {
    const std::string cmd = "rlzero rollout-worker";
    BlockShutdownSignals();
    if (Status s = client.Validate(); !s.ok()) return ReportError(cmd, s);
    auto dev = ParseDevice(device);
    if (!dev.ok()) return ReportError(cmd, dev.status());
    auto dt = ParseDtype(dtype);
    if (!dt.ok()) return ReportError(cmd, dt.status());
    auto loaded = LoadModel(model_dir, *dev, *dt);
    if (!loaded.ok()) return ReportError(cmd, loaded.status());
    auto tokenizer = Tokenizer::Load(model_dir);
    if (!tokenizer.ok()) return ReportError(cmd, tokenizer.status());
    std::shared_ptr<Tokenizer> tok(std::move(tokenizer).value());
    RolloutEngineOptions options = engine_flags;
    options.max_batch = max_batch;
    options.eos_token_ids = StopTokenIds(loaded->config, tok.get());
    DecodeFn decode = [tok](const std::vector<int32_t>& ids) { return tok->Decode(ids, true); };
    loaded->model->eval();
    RolloutWorker worker(loaded->model, options, decode);
    auto auth = rpc::LoadServerAuth(server);
    if (!auth.ok()) return ReportError(cmd, auth.status());
    RolloutServiceImpl service(&worker, *auth, {}, loaded->config.model_type);
    rpc::ServerRunner runner;
    auto bound = runner.Start(server, {&service});
    if (!bound.ok()) return ReportError(cmd, bound.status());
    std::printf("{\"role\": \"rollout-worker\", \"address\": \"%s\"}\n", bound->c_str());
    std::fflush(stdout);
    if (!learner.empty()) {
      Status s = RegisterWithLearner(learner, *bound, name, *auth, client, register_timeout_ms);
      if (!s.ok()) return ReportError(cmd, s);
      std::fprintf(stderr, "[rollout-worker] registered with learner %s\n", learner.c_str());
    }
    runner.WaitForSignal();
    return 0;
  });
}

}  // namespace rlzero::cli
