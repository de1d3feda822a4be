// learner/trainer/task_prompts.cc
#include "learner/trainer/task_prompts.h"

#include "data/jsonl.h"
#include "data/prompt_template.h"

namespace rlzero {

StatusOr<std::vector<TaskPrompt>> ReadTaskPrompts(const std::string& file,
                                                  const std::string& template_name_or_text,
                                                  const std::string& id_key, const Tokenizer& tok,
                                                  int64_t max_records) {
  RLZ_ASSIGN_OR_RETURN(std::vector<Json> records, data::ReadJsonl(file));
  if (records.empty()) return InvalidArgument(file + ": no prompts");
  auto tmpl = data::PromptTemplate::FromNameOrText(template_name_or_text);
  if (!tmpl.ok()) return tmpl.status().WithContext("template");
  if (max_records > 0 && records.size() > static_cast<size_t>(max_records))
    records.resize(static_cast<size_t>(max_records));
  std::vector<TaskPrompt> prompts;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string where = file + ": record " + std::to_string(i + 1);
    TaskPrompt p;
    const Json& r = records[i];
    p.id = r.contains(id_key)
               ? (r[id_key].is_string() ? r[id_key].get<std::string>() : r[id_key].dump())
               : std::to_string(i + 1);
    auto text = tmpl->Render(r);
    if (!text.ok()) return text.status().WithContext(where);
    p.text = *text;
    p.ids = tok.Encode(p.text);
    if (p.ids.empty()) return InvalidArgument(where + ": prompt encodes to no tokens");
    p.meta = r;
    prompts.push_back(std::move(p));
  }
  return prompts;
}

}  // namespace rlzero
