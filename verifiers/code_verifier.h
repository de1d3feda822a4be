// verifiers/code_verifier.h: runs the last ```python fenced block of a
// response in the sandbox against the sample's tests.
//
// Sample fields (exactly one of the three test forms):
//   tests: [assert statements...] (MBPP), optional setup: code run first;
//          score = fraction of tests passed.
//   test + entry_point (HumanEval): `test` defines check(candidate); the
//          verifier calls check(<entry_point>); score 1 or 0.
//   cases: [{stdin, stdout}...]: the block is a whole program, run once per
//          case; a case passes if the program exits 0 and its output equals
//          stdout line by line after stripping each line and dropping blank
//          trailing lines; score = fraction of cases passed.
// correct = every test/case passed. extracted = the code block.
//
// Early exits cannot pass. For tests/test, one sandbox run executes a fixed
// Python harness that reads a JSON spec (code, tests and a fresh random
// 128-bit nonce) from stdin, so neither the nonce nor the tests appear in the
// program text; after each test the harness writes "<nonce> <i> pass" on a
// duplicate of stdout taken before the solution runs. Only tests whose pass
// marker arrived count, so os._exit, sys.exit, raise SystemExit, killing the
// process or closing stdout all fail the tests that did not run. The harness
// keeps its own references to exec/compile, so a solution that replaces
// builtins cannot skip tests. Known limit: a solution that deliberately
// introspects the interpreter (frames, gc) can read the nonce, and one that
// returns objects whose __eq__ always holds passes `==` asserts; both are
// reward hacks a sandboxed harness in the same process cannot rule out.
//
// Options: time_limit_ms (per sandbox run, default 10000; the call's deadline
// caps it), memory_limit_mb (512), language ("python", the sandbox's name for
// the interpreter). A sandbox failure (not the program's) is an UNAVAILABLE
// Status, so rewards record the component as failed rather than wrong.
// Thread safety: immutable; the Sandbox must be safe to call concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "verifiers/verifier.h"

namespace rlzero::verifiers {

// The content of the last fenced block tagged python/python3/py
// (case-insensitive), or nullopt.
std::optional<std::string> ExtractLastPythonBlock(std::string_view response);

// True if `actual` matches `expected` line by line after stripping.
bool OutputMatches(std::string_view actual, std::string_view expected);

// Fails with FAILED_PRECONDITION when env.sandbox is null.
StatusOr<std::unique_ptr<Verifier>> MakeCodeVerifier(ConfigReader& options, const VerifierEnv& env);

}  // namespace rlzero::verifiers
