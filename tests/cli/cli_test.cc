// End-to-end tests of the dispatcher: real `rlzero` processes.
#include <gtest/gtest.h>

#include <fstream>

#include "cli/command_table.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

using testing::BinPath;
using testing::RunCommand;

TEST(CliTest, HelpListsEverySubcommandWithPurpose) {
  auto r = RunCommand(BinPath("rlzero") + " --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const auto& c : cli::AllCommands()) {
    EXPECT_NE(r.out.find(std::string("  ") + c.name + " "), std::string::npos) << c.name;
    EXPECT_NE(r.out.find(c.purpose), std::string::npos) << c.name;
  }
}

TEST(CliTest, EverySubcommandHasHelp) {
  for (const auto& c : cli::AllCommands()) {
    if (c.needs_torch && !std::ifstream(BinPath("rlzero-torch")).good()) continue;
    auto r = RunCommand(BinPath("rlzero") + " " + c.name + " --help");
    EXPECT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    EXPECT_FALSE(r.out.empty()) << c.name;
  }
}

TEST(CliTest, UnknownSubcommandExitsTwoNamingIt) {
  auto r = RunCommand(BinPath("rlzero") + " frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown subcommand 'frobnicate'"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(CliTest, UnknownTopLevelFlagExitsTwo) {
  auto r = RunCommand(BinPath("rlzero") + " --frob");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown flag '--frob'"), std::string::npos) << r.err;
}

TEST(CliTest, NoArgumentsPrintsUsageAndExitsTwo) {
  auto r = RunCommand(BinPath("rlzero"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage: rlzero"), std::string::npos);
}

TEST(CliTest, VersionNamesLibTorch) {
  auto r = RunCommand(BinPath("rlzero") + " --version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("rlzero "), std::string::npos);
  EXPECT_NE(r.out.find("LibTorch "), std::string::npos);
  EXPECT_NE(r.out.find("devices: cpu"), std::string::npos);
}

}  // namespace
}  // namespace rlzero
