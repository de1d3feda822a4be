// tests/inspect/make_fake_run.cc: `make_fake_run RUN_DIR [STEPS PROMPTS GROUP]`
// writes a synthetic run dir (see fake_run.h); used by the CLI and browser
// tests and to make the screenshot in docs/. Test-only.
#include <cstdio>
#include <cstdlib>

#include "tests/inspect/fake_run.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 5) {
    std::fprintf(stderr, "usage: make_fake_run RUN_DIR [STEPS PROMPTS GROUP]\n");
    return 2;
  }
  rlzero::inspect::testing::FakeRunOptions o;
  if (argc == 5) {
    o.steps = std::atoi(argv[2]);
    o.prompts = std::atoi(argv[3]);
    o.group = std::atoi(argv[4]);
  }
  rlzero::Status st = rlzero::inspect::testing::WriteFakeRun(argv[1], o);
  if (!st.ok()) {
    std::fprintf(stderr, "make_fake_run: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
