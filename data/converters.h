// data/converters.h: turn the public datasets (as published, see
// ../shared/data/README.md) into task JSONL with the fields the verifiers
// read, plus a rendered "prompt" and the raw "question". One converter per
// dataset, chosen by name from a registry:
//
//   gsm8k     {question, answer}        -> task "math", answer = the text after
//                                          "####", commas removed, trimmed
//   math500   {problem, answer, ...}    -> task "math", answer as given; keeps
//                                          subject, level; id = unique_id
//   humaneval {task_id, prompt, test, entry_point}
//                                       -> task "code", test + entry_point
//   mbpp      {task_id, text, test_list, test_setup_code}
//                                       -> task "code", tests + setup; split
//                                          "test" = task_id 11-510, "train" =
//                                          601-974, "validation" = 511-600,
//                                          "prompt" = 1-10, "all"
// Every output record: {"id", "task", "question", "prompt", ...task fields}.
// A record missing a field, or of the wrong type, is an INVALID_ARGUMENT
// naming the file and line.
// Non-goals: downloading datasets, deduplication, shuffling.
// Thread safety: the registry is immutable; converters are pure.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"
#include "data/prompt_template.h"

namespace rlzero::data {

struct ConvertOptions {
  std::string prompt_template;  // built-in name or text; empty = the dataset's default
  std::string split = "all";    // mbpp only
};

struct DatasetConverter {
  std::string name;
  std::string default_template;
  std::vector<std::string> splits;  // accepted values of ConvertOptions::split
  // Returns the task record, or nullopt if the record is outside the split.
  std::function<StatusOr<std::optional<Json>>(
      const Json& record, size_t index, const PromptTemplate& tmpl, const ConvertOptions& options)>
      convert;
};

// nullptr if no converter has this name.
const DatasetConverter* FindConverter(const std::string& name);
std::vector<std::string> ConverterNames();

// Reads JSONL (plain or .gz; "-" = stdin) and calls emit for each task record
// in order. Errors name the file and line.
Status ConvertFile(const DatasetConverter& converter, const std::string& input,
                   const ConvertOptions& options, const std::function<void(const Json&)>& emit);

// GSM8K's gold answer: the text after the last "####", commas removed, trimmed.
StatusOr<std::string> Gsm8kGold(const std::string& solution);

}  // namespace rlzero::data
