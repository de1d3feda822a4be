// policy/tokenizer/char_tokenizer.cc: WriteCharTokenizer (declared in
// tokenizer.h): a character-level tokenizer stored as an ordinary Hugging Face
// tokenizer.json, loadable by the Python `tokenizers` library and by
// Tokenizer::Load. Layout: ids 0.. are the special tokens (plus "<unk>" if not
// among them), then each distinct alphabet character in first-seen order.
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "policy/tokenizer/tokenizer.h"
#include "policy/tokenizer/utf8.h"

namespace rlzero {

Status WriteCharTokenizer(const std::string& path, const std::string& alphabet_utf8,
                          const std::vector<std::string>& special_tokens) {
  using tokenizer_internal::IsValidUtf8;
  using tokenizer_internal::ValidSequenceLength;
  if (alphabet_utf8.empty()) return InvalidArgument("WriteCharTokenizer: empty alphabet");
  if (!IsValidUtf8(alphabet_utf8))
    return InvalidArgument("WriteCharTokenizer: alphabet is not valid UTF-8");
  std::vector<std::string> specials;
  std::set<std::string> seen;
  for (size_t i = 0; i < special_tokens.size(); ++i) {
    const std::string& s = special_tokens[i];
    if (s.empty() || !IsValidUtf8(s))
      return InvalidArgument("WriteCharTokenizer: special token " + std::to_string(i) +
                             " is empty or not valid UTF-8");
    if (!seen.insert(s).second)
      return InvalidArgument("WriteCharTokenizer: special token \"" + s + "\" repeated");
    specials.push_back(s);
  }
  if (!seen.count("<unk>")) {
    specials.push_back("<unk>");
    seen.insert("<unk>");
  }

  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  nlohmann::ordered_json added = nlohmann::ordered_json::array();
  int32_t next_id = 0;
  for (const std::string& s : specials) {
    vocab[s] = next_id;
    added.push_back({{"id", next_id},
                     {"content", s},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
    ++next_id;
  }
  for (size_t i = 0; i < alphabet_utf8.size();) {
    size_t n = ValidSequenceLength(alphabet_utf8, i);
    std::string ch = alphabet_utf8.substr(i, n);
    i += n;
    if (seen.insert(ch).second) vocab[ch] = next_id++;
  }

  nlohmann::ordered_json model = {{"type", "BPE"},
                                  {"dropout", nullptr},
                                  {"unk_token", "<unk>"},
                                  {"continuing_subword_prefix", nullptr},
                                  {"end_of_word_suffix", nullptr},
                                  {"fuse_unk", false},
                                  {"byte_fallback", false},
                                  {"ignore_merges", false},
                                  {"vocab", vocab},
                                  {"merges", nlohmann::ordered_json::array()}};
  nlohmann::ordered_json doc = {
      {"version", "1.0"},          {"truncation", nullptr},         {"padding", nullptr},
      {"added_tokens", added},     {"normalizer", nullptr},         {"pre_tokenizer", nullptr},
      {"post_processor", nullptr}, {"decoder", {{"type", "Fuse"}}}, {"model", model}};

  std::string file = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) file = path + "/tokenizer.json";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) return NotFound(file + ": cannot open for writing");
  out << doc.dump(2) << "\n";
  out.close();
  if (!out) return DataLoss(file + ": write failed");
  return Status::Ok();
}

}  // namespace rlzero
