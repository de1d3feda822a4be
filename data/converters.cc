// data/converters.cc: see converters.h.
#include "data/converters.h"

#include <map>

#include "data/jsonl.h"

namespace rlzero::data {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

StatusOr<std::string> StringField(const Json& rec, const char* key) {
  if (!rec.is_object() || !rec.contains(key) || !rec[key].is_string())
    return InvalidArgument(std::string("expected a string field \"") + key + "\"");
  return rec[key].get<std::string>();
}

StatusOr<Json> Finish(Json out, const PromptTemplate& tmpl) {
  RLZ_ASSIGN_OR_RETURN(std::string prompt, tmpl.Render(out));
  out["prompt"] = std::move(prompt);
  return out;
}

StatusOr<std::optional<Json>> ConvertGsm8k(const Json& rec, size_t index,
                                           const PromptTemplate& tmpl, const ConvertOptions&) {
  RLZ_ASSIGN_OR_RETURN(std::string question, StringField(rec, "question"));
  RLZ_ASSIGN_OR_RETURN(std::string solution, StringField(rec, "answer"));
  RLZ_ASSIGN_OR_RETURN(std::string gold, Gsm8kGold(solution));
  Json out = {{"id", "gsm8k-" + std::to_string(index)},
              {"task", "math"},
              {"question", question},
              {"answer", gold}};
  RLZ_ASSIGN_OR_RETURN(Json done, Finish(std::move(out), tmpl));
  return std::optional<Json>(std::move(done));
}

StatusOr<std::optional<Json>> ConvertMath500(const Json& rec, size_t index,
                                             const PromptTemplate& tmpl, const ConvertOptions&) {
  RLZ_ASSIGN_OR_RETURN(std::string problem, StringField(rec, "problem"));
  RLZ_ASSIGN_OR_RETURN(std::string answer, StringField(rec, "answer"));
  std::string id = "math500-" + std::to_string(index);
  if (rec.contains("unique_id") && rec["unique_id"].is_string())
    id = rec["unique_id"].get<std::string>();
  Json out = {{"id", id}, {"task", "math"}, {"question", problem}, {"answer", answer}};
  if (rec.contains("subject")) out["subject"] = rec["subject"];
  if (rec.contains("level")) out["level"] = rec["level"];
  RLZ_ASSIGN_OR_RETURN(Json done, Finish(std::move(out), tmpl));
  return std::optional<Json>(std::move(done));
}

StatusOr<std::optional<Json>> ConvertHumanEval(const Json& rec, size_t, const PromptTemplate& tmpl,
                                               const ConvertOptions&) {
  RLZ_ASSIGN_OR_RETURN(std::string task_id, StringField(rec, "task_id"));
  RLZ_ASSIGN_OR_RETURN(std::string code, StringField(rec, "prompt"));
  RLZ_ASSIGN_OR_RETURN(std::string test, StringField(rec, "test"));
  RLZ_ASSIGN_OR_RETURN(std::string entry_point, StringField(rec, "entry_point"));
  std::string question =
      "Complete the following Python function. Give the complete function, with its signature, "
      "in a ```python code block.\n\n```python\n" +
      code + "```";
  Json out = {{"id", task_id},       {"task", "code"}, {"question", question},
              {"code_prompt", code}, {"test", test},   {"entry_point", entry_point}};
  RLZ_ASSIGN_OR_RETURN(Json done, Finish(std::move(out), tmpl));
  return std::optional<Json>(std::move(done));
}

bool InMbppSplit(int64_t task_id, const std::string& split) {
  if (split == "all") return true;
  if (split == "prompt") return task_id >= 1 && task_id <= 10;
  if (split == "test") return task_id >= 11 && task_id <= 510;
  if (split == "validation") return task_id >= 511 && task_id <= 600;
  if (split == "train") return task_id >= 601 && task_id <= 974;
  return false;
}

StatusOr<std::optional<Json>> ConvertMbpp(const Json& rec, size_t, const PromptTemplate& tmpl,
                                          const ConvertOptions& options) {
  if (!rec.is_object() || !rec.contains("task_id") || !rec["task_id"].is_number_integer())
    return InvalidArgument("expected an integer field \"task_id\"");
  int64_t task_id = rec["task_id"].get<int64_t>();
  if (!InMbppSplit(task_id, options.split)) return std::optional<Json>();
  RLZ_ASSIGN_OR_RETURN(std::string text, StringField(rec, "text"));
  if (!rec.contains("test_list") || !rec["test_list"].is_array())
    return InvalidArgument("expected an array field \"test_list\"");
  std::vector<std::string> tests;
  for (const Json& t : rec["test_list"]) {
    if (!t.is_string()) return InvalidArgument("\"test_list\" items must be strings");
    tests.push_back(t.get<std::string>());
  }
  std::string setup;
  if (rec.contains("test_setup_code") && rec["test_setup_code"].is_string())
    setup = rec["test_setup_code"].get<std::string>();
  std::string question = text + "\nYour code should pass these tests:\n";
  for (const auto& t : tests) question += "\n" + t;
  Json out = {{"id", "mbpp-" + std::to_string(task_id)},
              {"task", "code"},
              {"question", question},
              {"tests", tests},
              {"setup", setup}};
  RLZ_ASSIGN_OR_RETURN(Json done, Finish(std::move(out), tmpl));
  return std::optional<Json>(std::move(done));
}

const std::map<std::string, DatasetConverter>& Registry() {
  static const std::map<std::string, DatasetConverter> r = [] {
    std::map<std::string, DatasetConverter> m;
    auto add = [&](DatasetConverter c) { m.emplace(c.name, std::move(c)); };
    add({"gsm8k", "r1_zero", {"all"}, ConvertGsm8k});
    add({"math500", "r1_zero", {"all"}, ConvertMath500});
    add({"humaneval", "r1_zero", {"all"}, ConvertHumanEval});
    add({"mbpp", "r1_zero", {"all", "test", "train", "validation", "prompt"}, ConvertMbpp});
    return m;
  }();
  return r;
}

}  // namespace

StatusOr<std::string> Gsm8kGold(const std::string& solution) {
  size_t pos = solution.rfind("####");
  if (pos == std::string::npos) return InvalidArgument("GSM8K answer has no \"####\" line");
  std::string gold;
  for (char c : solution.substr(pos + 4))
    if (c != ',') gold.push_back(c);
  gold = Trim(gold);
  if (gold.empty()) return InvalidArgument("GSM8K answer is empty after \"####\"");
  return gold;
}

const DatasetConverter* FindConverter(const std::string& name) {
  auto it = Registry().find(name);
  return it == Registry().end() ? nullptr : &it->second;
}

std::vector<std::string> ConverterNames() {
  std::vector<std::string> out;
  for (const auto& [name, c] : Registry()) out.push_back(name);
  return out;
}

Status ConvertFile(const DatasetConverter& converter, const std::string& input,
                   const ConvertOptions& options, const std::function<void(const Json&)>& emit) {
  bool split_ok = false;
  for (const auto& s : converter.splits) split_ok = split_ok || s == options.split;
  if (!split_ok)
    return InvalidArgument(converter.name + ": unknown split \"" + options.split + "\"");
  RLZ_ASSIGN_OR_RETURN(
      PromptTemplate tmpl,
      PromptTemplate::FromNameOrText(options.prompt_template.empty() ? converter.default_template
                                                                     : options.prompt_template));
  RLZ_ASSIGN_OR_RETURN(auto reader, JsonlReader::Open(input));
  Json rec;
  for (size_t index = 0;; ++index) {
    RLZ_ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    auto out = converter.convert(rec, index, tmpl, options);
    if (!out.ok()) return out.status().WithContext(reader->Where());
    if (out.value().has_value()) emit(*out.value());
  }
  return Status::Ok();
}

}  // namespace rlzero::data
