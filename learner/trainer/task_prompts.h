// learner/trainer/task_prompts.h: a task JSONL file as TaskPrompts: each
// record rendered through a prompt template (data/prompt_template.h) and
// tokenised; the record itself is kept as the scorer's task fields. Shared by
// `rlzero train` (train and eval files) and `rlzero eval`.
// Errors name the file and record.
#pragma once

#include <string>
#include <vector>

#include "learner/trainer/trainer_parts.h"
#include "policy/tokenizer/tokenizer.h"

namespace rlzero {

// max_records: 0 = all.
StatusOr<std::vector<TaskPrompt>> ReadTaskPrompts(const std::string& file,
                                                  const std::string& template_name_or_text,
                                                  const std::string& id_key, const Tokenizer& tok,
                                                  int64_t max_records = 0);

}  // namespace rlzero
