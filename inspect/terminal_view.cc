// inspect/terminal_view.cc
#include "inspect/terminal_view.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace rlzero::inspect {

namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";

std::string Fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string Paint(const std::string& text, const char* sgr, bool color) {
  return color ? std::string(sgr) + text + kReset : text;
}

std::string PadRight(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}
std::string PadLeft(const std::string& s, size_t w) {
  return s.size() < w ? std::string(w - s.size(), ' ') + s : s;
}

std::string RewardLine(const RolloutRecord& r) {
  std::string s = "reward " + Fmt("%.3f", r.reward) + " (";
  bool first = true;
  for (const auto& [k, v] : r.rewards) {
    if (!first) s += ", ";
    first = false;
    s += SanitizeForTerminal(k) + " " + Fmt("%.3f", v);
  }
  return s + ")  advantage " + Fmt("%+.3f", r.advantage);
}

std::string CorrectMark(bool correct, bool color) {
  return correct ? Paint("correct", kGreen, color) : Paint("wrong  ", kRed, color);
}

// One listing row: id, sample, reward, advantage, correct, finish, excerpt.
std::string ListRow(const RolloutRecord& r, bool color) {
  return "  #" + PadRight(std::to_string(r.id), 7) + " s" +
         PadRight(std::to_string(r.sample_index), 3) + " r=" + PadLeft(Fmt("%.3f", r.reward), 7) +
         " A=" + PadLeft(Fmt("%+.2f", r.advantage), 6) + "  " + CorrectMark(r.correct, color) +
         "  " + PadRight(SanitizeForTerminal(r.finish_reason), 7) + " " +
         Excerpt(r.completion, 80) + "\n";
}

}  // namespace

std::string SanitizeForTerminal(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  char buf[16];
  int continuation = 0;  // bytes still expected in the current UTF-8 sequence
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (continuation > 0 && c >= 0x80 && c <= 0xBF) {
      out += static_cast<char>(c);
      --continuation;
      continue;
    }
    continuation = 0;
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      // UTF-8-encoded C1 control (U+009B is a CSI on some terminals).
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
      out += buf;
      ++i;
    } else if (c >= 0xC2 && c <= 0xF4) {
      continuation = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      out += static_cast<char>(c);
    } else if (c >= 0x80 && c <= 0x9F) {
      // A stray C1 byte (invalid UTF-8): 8-bit terminals read 0x9b as CSI.
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Excerpt(const std::string& text, size_t max_chars) {
  std::string flat;
  size_t chars = 0;  // code points taken
  size_t i = 0;
  for (; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool starts_code_point = (c & 0xC0) != 0x80;
    if (starts_code_point && chars >= max_chars) break;
    if (c == '\n') {
      flat += "\xe2\x8f\x8e";  // ⏎
      ++chars;
      continue;
    }
    if (starts_code_point) ++chars;
    flat += static_cast<char>(c);
  }
  std::string out = SanitizeForTerminal(flat);
  if (i < text.size()) out += "\xe2\x80\xa6";  // …
  return out;
}

std::string TokenColor(ColorBy by, float logprob, double advantage) {
  if (by == ColorBy::kAdvantage) {
    if (advantage == 0.0 || !std::isfinite(advantage)) return "";
    std::string sgr = advantage > 0 ? kGreen : kRed;
    if (std::fabs(advantage) >= 1.0) sgr = std::string(kBold) + sgr;
    return sgr;
  }
  if (!std::isfinite(logprob)) return std::string(kBold) + kRed;
  double p = std::exp(static_cast<double>(logprob));
  if (p >= 0.75) return "";
  if (p >= 0.5) return "\x1b[33m";
  if (p >= 0.25) return "\x1b[38;5;208m";
  if (p >= 0.05) return kRed;
  return std::string(kBold) + kRed;
}

std::string FormatSummaryTable(const std::vector<StepSummary>& steps,
                               const std::vector<MetricsRow>& metrics) {
  // Component columns: the union over steps, in name order.
  std::map<std::string, bool> comps;
  for (const auto& s : steps)
    for (const auto& [k, v] : s.component_means) comps[k] = true;
  // A few training metrics when metrics.jsonl has them: the first key that
  // contains each of these names.
  const char* wanted[] = {"kl", "entropy", "loss", "grad_norm", "clip"};
  std::vector<std::string> metric_cols;
  std::map<int64_t, const MetricsRow*> by_step;
  for (const auto& m : metrics) by_step[m.step] = &m;
  for (const char* w : wanted) {
    for (const auto& m : metrics) {
      bool found = false;
      for (const auto& [k, v] : m.values) {
        if (k.find(w) != std::string::npos) {
          bool dup = false;
          for (const auto& c : metric_cols) dup |= c == k;
          if (!dup) metric_cols.push_back(k);
          found = true;
          break;
        }
      }
      if (found) break;
    }
  }
  std::string out = "step  rollouts prompts  reward(mean±std)  acc    tokens";
  for (const auto& [k, b] : comps) out += "  " + PadLeft(SanitizeForTerminal(k), 10);
  for (const auto& k : metric_cols) out += "  " + PadLeft(SanitizeForTerminal(k), 10);
  out += "\n";
  for (const auto& s : steps) {
    out += PadRight(std::to_string(s.step), 6) + PadLeft(std::to_string(s.rollouts), 8) +
           PadLeft(std::to_string(s.prompts), 8) + "  " +
           PadLeft(Fmt("%.3f", s.reward_mean) + "±" + Fmt("%.3f", s.reward_std), 16) + "  " +
           Fmt("%.3f", s.accuracy) + "  " + PadLeft(Fmt("%.1f", s.tokens_mean), 6);
    for (const auto& [k, b] : comps) {
      auto it = s.component_means.find(k);
      out += "  " + PadLeft(it == s.component_means.end() ? "-" : Fmt("%.3f", it->second),
                            std::max<size_t>(10, k.size()));
    }
    for (const auto& k : metric_cols) {
      std::string v = "-";
      auto m = by_step.find(s.step);
      if (m != by_step.end()) {
        auto it = m->second->values.find(k);
        if (it != m->second->values.end()) v = Fmt("%.4g", it->second);
      }
      out += "  " + PadLeft(v, std::max<size_t>(10, k.size()));
    }
    out += "\n";
  }
  if (steps.empty()) out += "(no rollouts stored yet)\n";
  return out;
}

std::string FormatRolloutList(const std::vector<RolloutRecord>& rows, bool color) {
  std::string out;
  int64_t step = -1;
  std::string prompt;
  bool first = true;
  std::vector<const RolloutRecord*> group;
  auto flush_group = [&] {
    if (group.empty()) return;
    double mean = 0;
    int correct = 0;
    for (const auto* r : group) {
      mean += r->reward;
      correct += r->correct ? 1 : 0;
    }
    mean /= static_cast<double>(group.size());
    out += Paint("  prompt " + SanitizeForTerminal(group[0]->prompt_id), kBold, color) + "  (" +
           std::to_string(group.size()) + " samples, mean reward " + Fmt("%.3f", mean) + ", " +
           std::to_string(correct) + " correct)  " +
           Paint(Excerpt(group[0]->prompt, 70), kDim, color) + "\n";
    for (const auto* r : group) out += ListRow(*r, color);
    group.clear();
  };
  for (const auto& r : rows) {
    if (first || r.step != step || r.prompt_id != prompt) {
      flush_group();
      if (first || r.step != step)
        out += Paint("step " + std::to_string(r.step), kBold, color) + "\n";
      step = r.step;
      prompt = r.prompt_id;
      first = false;
    }
    group.push_back(&r);
  }
  flush_group();
  if (rows.empty()) out += "(no rollouts match)\n";
  return out;
}

std::string FormatRolloutDetail(const RolloutRecord& r, bool color, ColorBy by) {
  std::string out;
  out += Paint("rollout #" + std::to_string(r.id), kBold, color) + "  step " +
         std::to_string(r.step) + "  weights v" + std::to_string(r.weights_version) + "  prompt " +
         SanitizeForTerminal(r.prompt_id) + "  sample " + std::to_string(r.sample_index) +
         "  run " + SanitizeForTerminal(r.run_id) + "\n";
  out += RewardLine(r) + "  " + CorrectMark(r.correct, color) + "\n";
  out += "finish " + SanitizeForTerminal(r.finish_reason) + "  tokens " +
         std::to_string(r.token_ids.size()) + "  generate " + Fmt("%.1f", r.generate_ms) +
         " ms  verify " + Fmt("%.1f", r.verify_ms) + " ms\n";
  out += "answer: " + SanitizeForTerminal(r.extracted_answer) + "\n";
  out += "verifier: " + SanitizeForTerminal(r.verifier_reason) + "\n";
  out += Paint("--- prompt ---", kDim, color) + "\n" + SanitizeForTerminal(r.prompt) + "\n";
  out += Paint("--- completion ---", kDim, color);
  if (color && !r.token_texts.empty()) {
    out += by == ColorBy::kLogprob
               ? "  (by log-prob: plain p>=.75, \x1b[33myellow\x1b[0m >=.5, "
                 "\x1b[38;5;208morange\x1b[0m >=.25, "
                 "\x1b[31mred\x1b[0m <.25)"
               : "  (by advantage: \x1b[32mgreen\x1b[0m > 0, \x1b[31mred\x1b[0m < 0)";
  }
  out += "\n";
  if (color && !r.token_texts.empty()) {
    for (size_t i = 0; i < r.token_texts.size(); ++i) {
      float lp = i < r.token_logprobs.size() ? r.token_logprobs[i] : 0.0f;
      std::string sgr = TokenColor(by, lp, r.advantage);
      std::string text = SanitizeForTerminal(r.token_texts[i]);
      out += sgr.empty() ? text : sgr + text + kReset;
    }
  } else {
    out += SanitizeForTerminal(r.completion);
  }
  out += "\n";
  return out;
}

std::string FormatAcrossSteps(const std::vector<RolloutRecord>& rows, bool color) {
  if (rows.empty()) return "(no rollouts for this prompt)\n";
  std::string out = Paint("prompt " + SanitizeForTerminal(rows[0].prompt_id), kBold, color) + "\n" +
                    SanitizeForTerminal(rows[0].prompt) + "\n";
  size_t i = 0;
  while (i < rows.size()) {
    size_t j = i;
    double mean = 0;
    int correct = 0;
    while (j < rows.size() && rows[j].step == rows[i].step) {
      mean += rows[j].reward;
      correct += rows[j].correct ? 1 : 0;
      ++j;
    }
    mean /= static_cast<double>(j - i);
    out += Paint("step " + std::to_string(rows[i].step), kBold, color) + "  mean reward " +
           Fmt("%.3f", mean) + "  " + std::to_string(correct) + "/" + std::to_string(j - i) +
           " correct\n";
    for (size_t k = i; k < j; ++k) out += ListRow(rows[k], color);
    i = j;
  }
  return out;
}

}  // namespace rlzero::inspect
