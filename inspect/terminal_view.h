// inspect/terminal_view.h: the human views of `rlzero inspect`: a table of
// step summaries, rollout listings grouped by step and prompt, one rollout in
// full with its completion coloured token by token, and one prompt's answers
// across steps.
//
// Contract: model text is hostile; every view passes it through
// SanitizeForTerminal, so a completion can never emit its own escape
// sequences. ANSI colour is added only when `color` is true (the caller
// decides: stdout is a tty, or --color=always).
// Colouring of tokens: by log-prob (probability buckets p >= 0.75 plain,
// >= 0.5 yellow, >= 0.25 orange, < 0.25 red, < 0.05 bold red) or by
// advantage (green positive, red negative, bold when |A| >= 1; GRPO's
// advantage is per sequence, so every token of a rollout shares it).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "inspect/metrics_log.h"
#include "inspect/rollout_reader.h"
#include "inspect/rollout_record.h"

namespace rlzero::inspect {

enum class ColorBy { kLogprob, kAdvantage };

// Control bytes (C0 except \n and \t, DEL, and UTF-8-encoded C1 U+0080..U+009F)
// become visible escapes such as "\x1b" or "\u009b".
std::string SanitizeForTerminal(const std::string& text);
// Single-line excerpt: newlines shown as "⏎", cut to max_chars (UTF-8 safe).
std::string Excerpt(const std::string& text, size_t max_chars);

std::string FormatSummaryTable(const std::vector<StepSummary>& steps,
                               const std::vector<MetricsRow>& metrics);
std::string FormatRolloutList(const std::vector<RolloutRecord>& rows, bool color);
std::string FormatRolloutDetail(const RolloutRecord& r, bool color, ColorBy by);
std::string FormatAcrossSteps(const std::vector<RolloutRecord>& rows, bool color);
// The ANSI SGR prefix for one token ("" when it stays plain).
std::string TokenColor(ColorBy by, float logprob, double advantage);

}  // namespace rlzero::inspect
