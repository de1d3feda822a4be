// cli/score_command.cc: `rlzero score --model DIR --input FILE|-`: for each
// input line {"prompt_ids": [...], "completion_ids": [...]} or {"prompt":
// text, "completion": text}, writes {"logprobs": [...]}: the natural-log
// probability of each completion token given everything before it, in input
// order. Lines are scored in right-padded batches (padding never changes a
// score; see policy/logprobs.h). A bad line stops with a message naming it.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "policy/logprobs.h"
#include "policy/model_io.h"
#include "policy/text_encoder.h"

namespace rlzero::cli {

namespace {

struct ScoreItem {
  std::vector<int64_t> prompt, completion;
};

StatusOr<std::vector<int64_t>> ReadIds(const Json& v, const char* key, int64_t vocab) {
  if (!v.is_array()) return InvalidArgument(std::string(key) + " must be a list of token ids");
  std::vector<int64_t> ids;
  for (const Json& x : v) {
    if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() >= vocab)
      return InvalidArgument(std::string(key) + ": " + x.dump() + " is not a token id in [0, " +
                             std::to_string(vocab) + ")");
    ids.push_back(x.get<int64_t>());
  }
  return ids;
}

class Scorer {
 public:
  Scorer(LoadedModel& lm, torch::Device device, int64_t chunk)
      : lm_(lm), device_(device), chunk_(chunk) {}

  // Scores `items`, one output line each.
  void Flush(std::vector<ScoreItem>& items) {
    if (items.empty()) return;
    torch::NoGradGuard no_grad;
    int64_t T = 2;
    for (const auto& it : items) T = std::max<int64_t>(T, it.prompt.size() + it.completion.size());
    const int64_t B = items.size();
    auto ids = torch::zeros({B, T}, torch::kInt64);
    auto mask = torch::zeros({B, T}, torch::kInt64);
    auto start = torch::zeros({B}, torch::kInt64);
    auto ia = ids.accessor<int64_t, 2>();
    auto ma = mask.accessor<int64_t, 2>();
    for (int64_t b = 0; b < B; ++b) {
      int64_t t = 0;
      for (int64_t id : items[b].prompt) ia[b][t] = id, ma[b][t++] = 1;
      for (int64_t id : items[b].completion) ia[b][t] = id, ma[b][t++] = 1;
      start[b] = static_cast<int64_t>(items[b].prompt.size());
    }
    auto r =
        TokenLogProbs(*lm_.model, ids.to(device_), mask.to(device_), start.to(device_), chunk_);
    auto lp = r.logprobs.to(torch::kCPU).to(torch::kFloat64);
    auto la = lp.accessor<double, 2>();
    for (int64_t b = 0; b < B; ++b) {
      Json out = Json::array();
      const int64_t p = items[b].prompt.size();
      for (size_t i = 0; i < items[b].completion.size(); ++i) out.push_back(la[b][p + i - 1]);
      std::printf("%s\n", Json{{"logprobs", out}}.dump().c_str());
    }
    std::fflush(stdout);
    items.clear();
  }

 private:
  LoadedModel& lm_;
  torch::Device device_;
  int64_t chunk_;
};

}  // namespace

int RunScore(int argc, char** argv) {
  CLI::App app{"log-probs of given completion tokens under a model", "rlzero score"};
  std::string model_dir, input, device_name = "cpu", dtype_name = "float32";
  int64_t batch_size = 8, chunk_tokens = 1024;
  app.add_option("--model", model_dir, "model dir (HF layout)")->required();
  app.add_option("--input", input,
                 "JSONL file of {prompt_ids, completion_ids} or {prompt, "
                 "completion}; - for stdin")
      ->required();
  app.add_option("--device", device_name, "cpu | cuda | cuda:N (default cpu)");
  app.add_option("--dtype", dtype_name, "float32 | bfloat16 | float16 (default float32)");
  app.add_option("--batch-size", batch_size, "lines scored together (default 8)")
      ->check(CLI::PositiveNumber);
  app.add_option("--chunk-tokens", chunk_tokens, "positions per log-softmax chunk (default 1024)")
      ->check(CLI::PositiveNumber);
  return RunApp(app, argc, argv, [&]() -> int {
    const std::string cmd = "rlzero score";
    auto device = ParseDevice(device_name);
    if (!device.ok()) return ReportError(cmd, device.status());
    auto dtype = ParseDtype(dtype_name);
    if (!dtype.ok()) return ReportError(cmd, dtype.status());
    std::ifstream file;
    std::istream* in = &std::cin;
    if (input != "-") {
      file.open(input);
      if (!file) return ReportError(cmd, NotFound(input + ": cannot open"));
      in = &file;
    }
    auto lm = LoadModel(model_dir, *device, *dtype);
    if (!lm.ok()) return ReportError(cmd, lm.status());
    lm->model->eval();
    const int64_t vocab = lm->config.vocab_size;
    std::unique_ptr<TextEncoder> enc;
    Status enc_status;
    bool enc_tried = false;
    Scorer scorer(*lm, *device, chunk_tokens);
    std::vector<ScoreItem> pending;
    std::string text;
    int64_t line_no = 0;
    const std::string src = input == "-" ? "stdin" : input;
    try {
      while (std::getline(*in, text)) {
        ++line_no;
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = src + ":" + std::to_string(line_no);
        Json line;
        try {
          line = Json::parse(text);
        } catch (const std::exception& e) {
          return ReportError(cmd, InvalidArgument(where + ": not valid JSON: " + e.what()));
        }
        if (!line.is_object()) return ReportError(cmd, InvalidArgument(where + ": not an object"));
        ScoreItem item;
        if (line.contains("prompt_ids") || line.contains("completion_ids")) {
          auto p = ReadIds(line["prompt_ids"], "prompt_ids", vocab);
          if (!p.ok()) return ReportError(cmd, p.status().WithContext(where));
          auto c = ReadIds(line["completion_ids"], "completion_ids", vocab);
          if (!c.ok()) return ReportError(cmd, c.status().WithContext(where));
          item = {*p, *c};
        } else if (line.contains("prompt") && line.contains("completion") &&
                   line["prompt"].is_string() && line["completion"].is_string()) {
          if (!enc_tried) {
            enc_tried = true;
            auto e = TextEncoder::Load(model_dir);
            if (e.ok())
              enc = std::move(e).value();
            else
              enc_status = e.status();
          }
          if (!enc) return ReportError(cmd, enc_status.WithContext(where));
          item = {enc->Encode(line["prompt"].get<std::string>()),
                  enc->Encode(line["completion"].get<std::string>())};
          for (const auto* v : {&item.prompt, &item.completion})
            for (int64_t id : *v)
              if (id < 0 || id >= vocab)
                return ReportError(cmd,
                                   InvalidArgument(where + ": tokenizer id " + std::to_string(id) +
                                                   " is outside the model vocabulary"));
        } else {
          return ReportError(cmd, InvalidArgument(where + ": expected {prompt_ids, completion_ids} "
                                                          "or {prompt, completion} (strings)"));
        }
        if (item.prompt.empty() && !item.completion.empty()) {
          return ReportError(cmd, InvalidArgument(where + ": the prompt is empty, so the first "
                                                          "completion token has no context"));
        }
        pending.push_back(std::move(item));
        if (static_cast<int64_t>(pending.size()) >= batch_size) scorer.Flush(pending);
      }
      scorer.Flush(pending);
    } catch (const std::exception& e) {
      return ReportError(cmd, Internal(e.what()));
    }
    return 0;
  });
}

}  // namespace rlzero::cli
