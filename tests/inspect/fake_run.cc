// tests/inspect/fake_run.cc
#include "tests/inspect/fake_run.h"

#include <cmath>
#include <map>

#include "inspect/metrics_sink.h"
#include "inspect/rollout_writer.h"

namespace rlzero::inspect::testing {

namespace {

// Splits text into word-ish tokens (a word with its leading space, or one
// punctuation char), the way a BPE tokenizer roughly would.
std::vector<std::string> Tokenize(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (char c : text) {
    bool alnum = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (c == ' ' || c == '\n') {
      flush();
      cur += c;
    } else if (alnum) {
      if (!cur.empty() && !std::isalnum(static_cast<unsigned char>(cur.back())) && cur != " " &&
          cur != "\n")
        flush();
      cur += c;
    } else {
      flush();
      out.push_back(std::string(1, c));
    }
  }
  flush();
  return out;
}

}  // namespace

Status WriteFakeRun(const std::string& run_dir, const FakeRunOptions& o) {
  RLZ_ASSIGN_OR_RETURN(auto writer, RolloutWriter::Open(RolloutStorePath(run_dir)));
  std::unique_ptr<RunMetricsSink> sink;
  if (o.write_metrics) {
    RLZ_ASSIGN_OR_RETURN(sink, RunMetricsSink::Open(run_dir));
  }
  for (int s = 1; s <= o.steps; ++s) {
    std::vector<RolloutRecord> rows;
    double sum_reward = 0, sum_correct = 0, sum_len = 0;
    for (int p = 0; p < o.prompts; ++p) {
      int a = 3 + 7 * p, b = 11 + 5 * p;
      std::vector<RolloutRecord> group;
      for (int k = 0; k < o.group; ++k) {
        bool correct = (p + k + s) % 3 != 0 || s == o.steps;
        bool formatted = correct || k % 2 == 0;
        int answer = correct ? a + b : a + b + 1;
        RolloutRecord r;
        r.run_id = "fake-run";
        r.step = s;
        r.weights_version = s - 1;
        r.prompt_id = "p" + std::to_string(p);
        r.prompt = "What is " + std::to_string(a) + " + " + std::to_string(b) +
                   "? Think in <think></think>, answer in <answer></answer>.";
        r.sample_index = k;
        std::string think = "<think>" + std::to_string(a) + " plus " + std::to_string(b) +
                            (correct ? " is " : " is maybe ") + std::to_string(answer) +
                            (s > 1 ? ", checking: yes" : "") + "</think>";
        r.completion = formatted ? think + "\n<answer>" + std::to_string(answer) + "</answer>"
                                 : think + " so the answer is " + std::to_string(answer);
        if (s == 1 && p == 1 && k == 0) {
          r.completion =
              "</script><script>document.body.setAttribute('data-pwned','yes')</script>"
              "<img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\">"
              "\x1b[31mred\x1b[0m <answer>" +
              std::to_string(answer) + "</answer>";
        }
        r.token_texts = Tokenize(r.completion);
        for (size_t i = 0; i < r.token_texts.size(); ++i) {
          r.token_ids.push_back(static_cast<int32_t>(1000 + 37 * i + k));
          // Numbers are the uncertain tokens; the rest is confident.
          bool digit = std::isdigit(static_cast<unsigned char>(r.token_texts[i].back())) != 0;
          r.token_logprobs.push_back(digit ? -0.2f - 0.6f * static_cast<float>((i + k) % 4)
                                           : -0.02f * static_cast<float>(i % 5));
        }
        r.rewards = {{"correctness", correct ? 1.0 : 0.0}, {"format", formatted ? 0.5 : 0.0}};
        r.reward = r.rewards["correctness"] + r.rewards["format"];
        r.correct = correct;
        r.finish_reason = formatted ? "stop" : "length";
        r.extracted_answer = formatted ? std::to_string(answer) : "";
        r.verifier_reason = !formatted ? "no <answer> tag"
                            : correct  ? "equal to " + std::to_string(a + b)
                                       : std::to_string(answer) + " != " + std::to_string(a + b);
        r.generate_ms = 40.0 + static_cast<double>(r.token_texts.size());
        r.verify_ms = 0.1;
        group.push_back(std::move(r));
      }
      double mean = 0, sq = 0;
      for (const auto& r : group) mean += r.reward;
      mean /= static_cast<double>(group.size());
      for (const auto& r : group) sq += (r.reward - mean) * (r.reward - mean);
      double stdev = std::sqrt(sq / static_cast<double>(group.size()));
      for (auto& r : group) {
        r.advantage = (r.reward - mean) / (stdev + 1e-4);
        sum_reward += r.reward;
        sum_correct += r.correct ? 1 : 0;
        sum_len += static_cast<double>(r.token_ids.size());
        rows.push_back(std::move(r));
      }
    }
    double n = static_cast<double>(rows.size());
    RLZ_RETURN_IF_ERROR(writer->WriteStep(std::move(rows)));
    if (sink) {
      double t = static_cast<double>(s);
      RLZ_RETURN_IF_ERROR(sink->Write(s, {{"reward/mean", sum_reward / n},
                                          {"reward/correctness", sum_correct / n},
                                          {"reward/format", 0.5 * (0.5 + 0.5 * t / o.steps)},
                                          {"accuracy", sum_correct / n},
                                          {"response_length/mean", sum_len / n},
                                          {"kl", 0.001 * t * t},
                                          {"entropy", 1.2 / t},
                                          {"clip_frac", 0.05 + 0.01 * t},
                                          {"grad_norm", 2.0 / std::sqrt(t)},
                                          {"throughput/tokens_per_s", 1000.0 + 50.0 * t},
                                          {"loss", 0.5 / t}}));
    }
  }
  return writer->Flush();
}

}  // namespace rlzero::inspect::testing
