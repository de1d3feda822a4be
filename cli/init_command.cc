// cli/init_command.cc: `rlzero init --config CONFIG.json --tokenizer PATH
// --out DIR [--seed N]`: a randomly initialised model dir in the Hugging Face
// layout (config.json, model.safetensors, tokenizer files,
// generation_config.json) for any supported family, initialised as
// transformers does (N(0, initializer_range), norms 1, biases 0).
// CONFIG.json holds config.json fields; vocab_size and bos/eos may be left out
// when the tokenizer supplies them. Prints one JSON line describing the result.
#include <cstdio>
#include <filesystem>

#include "cli/app.h"
#include "cli/commands.h"
#include "policy/model_io.h"
#include "policy/tokenizer/tokenizer.h"

namespace rlzero::cli {

namespace {

// Fills vocab_size / bos / eos from the tokenizer where the config lacks
// them, and checks the vocabulary covers the tokenizer's ids.
Status ReconcileWithTokenizer(const std::string& path, Json* config) {
  RLZ_ASSIGN_OR_RETURN(auto tok, Tokenizer::Load(path));
  if (!config->contains("vocab_size")) (*config)["vocab_size"] = tok->vocab_size();
  if (!config->contains("bos_token_id") && tok->bos_id())
    (*config)["bos_token_id"] = *tok->bos_id();
  if (!config->contains("eos_token_id") && tok->eos_id())
    (*config)["eos_token_id"] = *tok->eos_id();
  const Json& v = (*config)["vocab_size"];
  if (v.is_number_integer() && v.get<int64_t>() < tok->vocab_size()) {
    return InvalidArgument("vocab_size " + std::to_string(v.get<int64_t>()) +
                           " is smaller than the tokenizer's " + std::to_string(tok->vocab_size()));
  }
  return Status::Ok();
}

}  // namespace

int RunInit(int argc, char** argv) {
  CLI::App app{"write a randomly initialised model dir in the Hugging Face layout", "rlzero init"};
  std::string config_path, tokenizer, out, dtype_name;
  uint64_t seed = 0;
  app.add_option("--config", config_path,
                 "model config (config.json fields: model_type, sizes, ...)")
      ->required();
  app.add_option("--tokenizer", tokenizer, "a tokenizer.json, or a model dir with tokenizer files")
      ->required();
  app.add_option("--out", out, "output model dir")->required();
  app.add_option("--seed", seed, "initialisation seed (default 0)");
  app.add_option("--dtype", dtype_name,
                 "dtype of the saved weights: float32|bfloat16|float16 (default: the config's "
                 "torch_dtype, else float32)");
  return RunApp(app, argc, argv, [&]() -> int {
    const std::string cmd = "rlzero init";
    auto raw = LoadConfigFile(config_path);
    if (!raw.ok()) return ReportError(cmd, raw.status());
    Json j = *raw;
    if (Status s = ReconcileWithTokenizer(tokenizer, &j); !s.ok())
      return ReportError(cmd, s.WithContext(tokenizer));
    auto config = ParseModelConfig(j, config_path);
    if (!config.ok()) return ReportError(cmd, config.status());
    if (dtype_name.empty()) dtype_name = config->torch_dtype;
    auto dtype = ParseDtype(dtype_name);
    if (!dtype.ok()) return ReportError(cmd, dtype.status());
    std::error_code ec;
    if (!std::filesystem::exists(tokenizer, ec))
      return ReportError(cmd, NotFound(tokenizer + ": no such tokenizer file or dir"));
    auto model = BuildModel(*config, torch::kCPU, *dtype, seed);
    if (!model.ok()) return ReportError(cmd, model.status());
    SaveOptions opts;
    opts.copy_files_from = tokenizer;
    if (Status s = SaveModel(out, *config, **model, opts); !s.ok()) return ReportError(cmd, s);
    int64_t params = 0;
    for (const auto& p : (*model)->parameters()) params += p.numel();
    Json line = {{"out", out},
                 {"model_type", config->model_type},
                 {"parameters", params},
                 {"dtype", DtypeName(*dtype)},
                 {"seed", seed}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
  });
}

}  // namespace rlzero::cli
