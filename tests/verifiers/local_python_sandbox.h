// tests/verifiers/local_python_sandbox.h: a test-only Sandbox that runs the
// program with the local python3, WITHOUT isolation, for trusted test
// programs: it lets the code verifier's harness be tested for real (early
// exits, markers) before the real sandbox is linked. Wall-clock limit only.
// Thread safety: Run is reentrant.
#pragma once

#include "sandbox/sandbox.h"

namespace rlzero::testing {

class LocalPythonSandbox : public sandbox::Sandbox {
 public:
  StatusOr<sandbox::RunResult> Run(const sandbox::RunRequest& request) override;
};

// The python3 that runs test programs ("/usr/bin/python3" if present).
const char* PythonPath();

}  // namespace rlzero::testing
