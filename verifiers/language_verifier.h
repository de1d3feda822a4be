// verifiers/language_verifier.h: DeepSeek-R1's language-consistency reward,
// the share of the chain of thought written in the target language.
//
// The chain of thought is the content of <think>...</think> (up to
// </think> when the prompt pre-fills <think>; the whole response when there
// is no </think>). Words are counted by Unicode script: a run of letters of one
// alphabetic script (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari,
// Hangul, Thai) is one word; each Han or kana character is one word (CJK text
// has no spaces). Digits, punctuation, symbols and LaTeX commands' backslashes
// are not words; letters of other scripts are words in no target language.
// score = target-language words / all words (0 when there are no words).
// correct = score >= min_share. Script is a proxy for language: English and
// French are both Latin; that is the usual R1 practice and a non-goal here.
//
// Options: language (required): en, fr, de, es, it, pt (Latin), zh (Han), ja
// (Han + kana), ko (Hangul), ru (Cyrillic), el, ar, he, hi, th; min_share
// (default 0.9). extracted = the share, as text.
// Thread safety: immutable after construction.
#pragma once

#include <memory>
#include <string_view>

#include "verifiers/verifier.h"

namespace rlzero::verifiers {

// Share of words in `text` written in `language`'s script(s); words_out gets
// the total word count. Returns -1 for an unknown language.
double LanguageShare(std::string_view text, std::string_view language, size_t* words_out);

StatusOr<std::unique_ptr<Verifier>> MakeLanguageVerifier(ConfigReader& options,
                                                         const VerifierEnv& env);

}  // namespace rlzero::verifiers
