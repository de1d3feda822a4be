// cli/tokenize_command.cc: `rlzero tokenize --tokenizer PATH [--decode]
// [--add-special-tokens] [--skip-special-tokens]`.
//
// Contract: JSON lines on stdin, one JSON line per input line on stdout, in
// order. Encode: {"text": "..."} -> {"ids": [...]} (no special tokens added
// unless --add-special-tokens). Decode (--decode): {"ids": [...]} ->
// {"text": "..."}. Blank input lines are skipped. A malformed line stops with
// "rlzero tokenize: stdin line N: <what>" on stderr and exit 1 (the lines
// before it have been written). Torch-free: runs in the `rlzero` binary.
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "policy/tokenizer/tokenizer.h"

namespace rlzero::cli {
namespace {

bool IsBlank(const std::string& s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

// One input line to one output line, or an error message.
StatusOr<std::string> Process(const Tokenizer& tok, const std::string& line, bool decode,
                              bool add_special, bool skip_special) {
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("not valid JSON");
  if (!j.is_object()) return InvalidArgument("expected a JSON object");
  if (!decode) {
    auto it = j.find("text");
    if (it == j.end() || !it->is_string()) return InvalidArgument("expected {\"text\": string}");
    Json out = {{"ids", tok.Encode(it->get<std::string>(), add_special)}};
    return out.dump();
  }
  auto it = j.find("ids");
  if (it == j.end() || !it->is_array()) return InvalidArgument("expected {\"ids\": [int, ...]}");
  std::vector<int32_t> ids;
  ids.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& v = (*it)[i];
    if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
      return InvalidArgument("ids[" + std::to_string(i) + "] is not a 32-bit integer");
    ids.push_back(static_cast<int32_t>(v.get<int64_t>()));
  }
  Json out = {{"text", tok.Decode(ids, skip_special)}};
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

int RunTokenize(int argc, char** argv) {
  CLI::App app{
      "encode JSON lines {\"text\"} to {\"ids\"} (or decode with --decode) with a "
      "Hugging Face tokenizer.json",
      "rlzero tokenize"};
  std::string path;
  bool decode = false, add_special = false, skip_special = false;
  std::string write_char, alphabet, alphabet_preset;
  std::vector<std::string> specials;
  app.add_option("--tokenizer", path, "tokenizer.json, or a model dir containing it");
  app.add_option("--write-char-tokenizer", write_char,
                 "instead: write a character-level tokenizer.json (file or dir) and exit");
  app.add_option("--alphabet", alphabet, "its characters (UTF-8)");
  app.add_option("--alphabet-preset", alphabet_preset,
                 "its characters: 'ascii' = newline, tab and printable ASCII")
      ->check(CLI::IsMember({"ascii"}));
  app.add_option("--special-token", specials, "a special token (repeatable; the first is EOS)");
  app.add_flag("--decode", decode, "read {\"ids\": [...]} and write {\"text\": ...}");
  app.add_flag("--add-special-tokens", add_special,
               "add BOS/EOS as the tokenizer's config or post-processor says (encode)");
  app.add_flag("--skip-special-tokens", skip_special, "drop special tokens (decode)");
  return RunApp(app, argc, argv, [&]() -> int {
    if (!write_char.empty()) {
      std::string chars = alphabet;
      if (alphabet_preset == "ascii") {
        chars += "\n\t";
        for (char c = 32; c < 127; ++c) chars += c;
      }
      Status s = WriteCharTokenizer(write_char, chars, specials);
      if (!s.ok()) return ReportError("rlzero tokenize", s);
      std::fprintf(stderr, "rlzero tokenize: wrote %s\n", write_char.c_str());
      return 0;
    }
    if (path.empty()) {
      std::fprintf(stderr, "rlzero tokenize: --tokenizer is required\n");
      return 2;
    }
    auto tok = Tokenizer::Load(path);
    if (!tok.ok()) return ReportError("rlzero tokenize", tok.status());
    std::ios::sync_with_stdio(false);
    std::string line, out;
    for (size_t line_no = 1; std::getline(std::cin, line); ++line_no) {
      if (IsBlank(line)) continue;
      auto r = Process(*tok.value(), line, decode, add_special, skip_special);
      if (!r.ok()) {
        std::fflush(stdout);
        std::fprintf(stderr, "rlzero tokenize: stdin line %zu: %s\n", line_no,
                     r.status().message().c_str());
        return 1;
      }
      out = std::move(r).value();
      out.push_back('\n');
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    std::fflush(stdout);
    return 0;
  });
}

}  // namespace rlzero::cli
