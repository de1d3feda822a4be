// cli/generate_command.cc: `rlzero generate --model DIR --input FILE -n N
// --temperature T --top-p P --top-k K --min-p M --max-new-tokens L --seed S
// [--stop STR ...]` (plus --max-batch, --device, --dtype).
//
// Contract: FILE (or - for stdin) holds JSON lines {"prompt": text} (encoded
// with DIR's tokenizer, no special tokens added) or {"prompt_ids": [...]};
// blank lines are skipped. All lines are read and checked first (a bad line:
// "rlzero generate: FILE line N: <what>", exit 1, nothing written). Then one
// JSON line per completion on stdout, ordered by prompt then sample:
//   {"prompt_index": i, "sample_index": j, "text": ..., "token_ids": [...],
//    "logprobs": [...], "finish_reason": "stop"|"length"}
// logprobs: see rollout/rollout_engine.h (after temperature, before
// truncation). Stop ids: StopTokenIds (policy/stop_tokens.h), the same set
// train, eval and the rollout workers use.
// A summary (tokens, seconds, tokens/s) goes to stderr. A model dir without a
// tokenizer works for prompt_ids (text is then "", stop strings unavailable).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/rollout_engine_flags.h"
#include "policy/model_io.h"
#include "policy/stop_tokens.h"
#include "policy/tokenizer/tokenizer.h"
#include "rollout/rollout_engine.h"

namespace rlzero::cli {
namespace {

constexpr const char* kGenerateCmd = "rlzero generate";

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r") == std::string::npos; }

// Reads every prompt; text prompts need `tok`.
StatusOr<std::vector<std::vector<int32_t>>> ReadPrompts(const std::string& path,
                                                        const Tokenizer* tok) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return NotFound(path + ": cannot open");
    in = &file;
  }
  std::vector<std::vector<int32_t>> prompts;
  std::string line;
  for (size_t n = 1; std::getline(*in, line); ++n) {
    if (IsBlank(line)) continue;
    auto where = [&](const std::string& what) {
      return InvalidArgument(path + " line " + std::to_string(n) + ": " + what);
    };
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return where("not a JSON object");
    auto ids = j.find("prompt_ids");
    auto text = j.find("prompt");
    if (ids != j.end()) {
      if (!ids->is_array()) return where("prompt_ids must be an array of token ids");
      std::vector<int32_t> p;
      for (size_t i = 0; i < ids->size(); ++i) {
        const auto& v = (*ids)[i];
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
          return where("prompt_ids[" + std::to_string(i) + "] is not a token id");
        p.push_back(static_cast<int32_t>(v.get<int64_t>()));
      }
      prompts.push_back(std::move(p));
    } else if (text != j.end()) {
      if (!text->is_string()) return where("prompt must be a string");
      if (tok == nullptr) return where("text prompt but the model dir has no tokenizer.json");
      prompts.push_back(tok->Encode(text->get<std::string>()));
    } else {
      return where("expected {\"prompt\": text} or {\"prompt_ids\": [...]}");
    }
    if (prompts.back().empty()) return where("empty prompt");
  }
  return prompts;
}

}  // namespace

int RunGenerate(int argc, char** argv) {
  CLI::App app{"sample completions with log-probs from a model (JSON lines out)", kGenerateCmd};
  std::string model_dir, input, device_name = "cpu", dtype_name = "float32";
  SamplingParams params;
  int64_t max_batch = 64;
  app.add_option("--model", model_dir, "model dir (HF layout)")->required();
  app.add_option("--input", input, "JSON lines {\"prompt\"} or {\"prompt_ids\"}; - for stdin")
      ->required();
  app.add_option("-n", params.n, "completions per prompt")->capture_default_str();
  app.add_option("--temperature", params.temperature, "0 = greedy")->capture_default_str();
  app.add_option("--top-p", params.top_p, "nucleus mass in (0, 1]")->capture_default_str();
  app.add_option("--top-k", params.top_k, "0 = off")->capture_default_str();
  app.add_option("--min-p", params.min_p, "0 = off")->capture_default_str();
  app.add_option("--max-new-tokens", params.max_new_tokens)->capture_default_str();
  app.add_option("--seed", params.seed)->capture_default_str();
  app.add_option("--stop", params.stop, "stop string (repeatable); kept at the end of text");
  app.add_option("--max-batch", max_batch, "sequences decoded together")->capture_default_str();
  RolloutEngineOptions engine_flags;  // --cuda-graphs, --device-sampling
  cli::AddRolloutEngineFlags(app, &engine_flags);
  app.add_option("--device", device_name, "cpu | cuda | cuda:N")->capture_default_str();
  app.add_option("--dtype", dtype_name, "float32 | bfloat16 | float16")->capture_default_str();
  return RunApp(app, argc, argv, [&]() -> int {
    Status st = params.Validate();
    if (!st.ok()) return ReportError(kGenerateCmd, st);
    auto device = ParseDevice(device_name);
    if (!device.ok()) return ReportError(kGenerateCmd, device.status());
    auto dtype = ParseDtype(dtype_name);
    if (!dtype.ok()) return ReportError(kGenerateCmd, dtype.status());

    std::unique_ptr<Tokenizer> tok;
    {
      std::ifstream probe(model_dir + "/tokenizer.json");
      if (probe) {
        auto t = Tokenizer::Load(model_dir);
        if (!t.ok()) return ReportError(kGenerateCmd, t.status());
        tok = std::move(t).value();
      }
    }
    if (!params.stop.empty() && !tok)
      return ReportError(kGenerateCmd,
                         InvalidArgument("--stop needs " + model_dir + "/tokenizer.json"));
    auto prompts = ReadPrompts(input, tok.get());
    if (!prompts.ok()) return ReportError(kGenerateCmd, prompts.status());
    auto loaded = LoadModel(model_dir, *device, *dtype);
    if (!loaded.ok()) return ReportError(kGenerateCmd, loaded.status());

    RolloutEngineOptions options = engine_flags;
    options.max_batch = max_batch;
    options.eos_token_ids = StopTokenIds(loaded->config, tok.get());
    DecodeFn decode;
    if (tok) {
      const Tokenizer* t = tok.get();
      decode = [t](const std::vector<int32_t>& ids) { return t->Decode(ids, true); };
    }
    RolloutEngine engine(loaded->model, options, decode);
    auto out = engine.Generate(*prompts, params);
    if (!out.ok()) return ReportError(kGenerateCmd, out.status());

    int64_t tokens = 0;
    for (const Completion& c : *out) {
      nlohmann::ordered_json j;
      j["prompt_index"] = c.prompt_index;
      j["sample_index"] = c.sample_index;
      j["text"] = c.text;
      j["token_ids"] = c.token_ids;
      j["logprobs"] = c.logprobs;
      j["finish_reason"] = c.finish_reason;
      std::string s = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      std::fwrite(s.data(), 1, s.size(), stdout);
      std::fputc('\n', stdout);
      tokens += static_cast<int64_t>(c.token_ids.size());
    }
    std::fflush(stdout);
    const RolloutStats& s = engine.last_stats();
    std::fprintf(stderr,
                 "%s: %zu completions, %lld tokens in %.2f s (%.1f tokens/s; prefill %lld tokens "
                 "%.2f s)\n",
                 kGenerateCmd, out->size(), static_cast<long long>(tokens), s.total_seconds,
                 s.total_seconds > 0 ? tokens / s.total_seconds : 0.0,
                 static_cast<long long>(s.prefill_tokens), s.prefill_seconds);
    return 0;
  });
}

}  // namespace rlzero::cli
