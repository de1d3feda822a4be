// verifiers/format_verifier.cc
#include "verifiers/format_verifier.h"

#include "verifiers/answer_tags.h"

namespace rlzero::verifiers {
namespace {

struct FormatOptions {
  std::string think_open = "<think>";
  std::string think_close = "</think>";
  std::string answer_open = "<answer>";
  std::string answer_close = "</answer>";
  bool think_prefilled = false;
  bool allow_text_after_answer = false;
  double tag_credit = 0.0;
};

bool IsBlank(std::string_view s) { return TrimAscii(s).empty(); }

class FormatVerifier : public Verifier {
 public:
  explicit FormatVerifier(FormatOptions o) : o_(std::move(o)) {}

  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline&) const override {
    if (!sample.is_object()) return InvalidArgument("format: sample is not a JSON object");
    auto it = sample.find("response");
    if (it == sample.end() || !it->is_string())
      return InvalidArgument("format: sample field 'response' missing or not a string");
    std::string_view text = it->get_ref<const std::string&>();

    size_t n_to = CountOccurrences(text, o_.think_open);
    size_t n_tc = CountOccurrences(text, o_.think_close);
    size_t n_ao = CountOccurrences(text, o_.answer_open);
    size_t n_ac = CountOccurrences(text, o_.answer_close);
    VerifyResult r;
    std::string why = Check(text, n_to, n_tc, n_ao, n_ac, &r.extracted);
    if (why.empty()) {
      r.correct = true;
      r.score = 1.0;
      return r;
    }
    r.reason = why;
    int once = (o_.think_prefilled ? 1 : n_to == 1) + (n_tc == 1) + (n_ao == 1) + (n_ac == 1);
    r.score = o_.tag_credit * once;
    return r;
  }

 private:
  // Empty string if the format matches, else why not; *answer gets the answer.
  std::string Check(std::string_view text, size_t n_to, size_t n_tc, size_t n_ao, size_t n_ac,
                    std::string* answer) const {
    if (o_.think_prefilled) {
      if (n_to != 0) return "'" + o_.think_open + "' repeated (the prompt already opens it)";
    } else if (n_to != 1) {
      return "'" + o_.think_open + "' appears " + std::to_string(n_to) + " times, expected once";
    }
    if (n_tc != 1)
      return "'" + o_.think_close + "' appears " + std::to_string(n_tc) + " times, expected once";
    if (n_ao != 1)
      return "'" + o_.answer_open + "' appears " + std::to_string(n_ao) + " times, expected once";
    if (n_ac != 1)
      return "'" + o_.answer_close + "' appears " + std::to_string(n_ac) + " times, expected once";
    size_t to = o_.think_prefilled ? 0 : text.find(o_.think_open);
    size_t think_begin = o_.think_prefilled ? 0 : to + o_.think_open.size();
    size_t tc = text.find(o_.think_close);
    size_t ao = text.find(o_.answer_open);
    size_t ac = text.find(o_.answer_close);
    if (!(think_begin <= tc && tc < ao && ao < ac)) return "tags out of order";
    if (!o_.think_prefilled && !IsBlank(text.substr(0, to))) return "text before the think tag";
    size_t tc_end = tc + o_.think_close.size();
    if (!IsBlank(text.substr(tc_end, ao - tc_end))) return "text between reasoning and answer";
    size_t ans_begin = ao + o_.answer_open.size();
    std::string_view ans = TrimAscii(text.substr(ans_begin, ac - ans_begin));
    *answer = std::string(ans);
    if (ans.empty()) return "empty answer";
    if (!o_.allow_text_after_answer && !IsBlank(text.substr(ac + o_.answer_close.size())))
      return "text after the answer";
    return "";
  }

  FormatOptions o_;
};

}  // namespace

StatusOr<std::unique_ptr<Verifier>> MakeFormatVerifier(ConfigReader& options, const VerifierEnv&) {
  FormatOptions o;
  options.Get("think_open", &o.think_open);
  options.Get("think_close", &o.think_close);
  options.Get("answer_open", &o.answer_open);
  options.Get("answer_close", &o.answer_close);
  options.Get("think_prefilled", &o.think_prefilled);
  options.Get("allow_text_after_answer", &o.allow_text_after_answer);
  options.Get("tag_credit", &o.tag_credit);
  for (const std::string* tag : {&o.think_open, &o.think_close, &o.answer_open, &o.answer_close})
    if (tag->empty()) return InvalidArgument("format verifier: tags must not be empty");
  if (!(o.tag_credit >= 0.0 && o.tag_credit < 0.25))
    return InvalidArgument("format verifier: tag_credit must be in [0, 0.25), got " +
                           std::to_string(o.tag_credit));
  return std::unique_ptr<Verifier>(new FormatVerifier(std::move(o)));
}

}  // namespace rlzero::verifiers
