// sandbox/jail.h (internal): the inside of one jail, and the wire format
// between the host and the jail's init process.
//
// A jail is one process tree. Its first process ("init") is cloned by the
// host into fresh namespaces (PID 1 of its PID namespace), waits for the host
// to write its uid/gid maps, builds the private root, reports kReady, then
// blocks for one request: it writes the program into the work dir and runs
// the steps (compile, run) as the unprivileged uid, reporting each start and
// end. When the run step ends, init exits and the kernel kills whatever else
// lives in the PID namespace.
//
// Contract of JailMain: it runs in the freshly cloned child of a possibly
// multi-threaded host, so it never allocates or takes locks: every string and
// argv array it needs is prepared in JailSpec before the clone. It never
// returns.
//
// Non-goals: reuse of a jail for a second request (jails are single-use).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rlzero::sandbox::internal {

// An argv (or envp) with its storage: `ptrs` is null-terminated and points
// into `strings`. Not copyable (the pointers would dangle).
struct CArgv {
  std::vector<std::string> strings;
  std::vector<char*> ptrs;
  CArgv() = default;
  explicit CArgv(std::vector<std::string> s);
  CArgv(const CArgv&) = delete;
  CArgv& operator=(const CArgv&) = delete;
  CArgv(CArgv&&) = delete;
};

struct MountOp {
  enum Kind { kBindDir, kBindFile, kSymlink, kDevice };
  Kind kind;
  std::string path;                // inside the jail (absolute)
  std::string source;              // host path (bind) or link target (symlink)
  unsigned long locked_flags = 0;  // MS_NOSUID|MS_NODEV|MS_NOEXEC|atime bits to keep
};

struct JailLanguage {
  std::string source_path;  // where init writes the program
  bool has_compile = false;
  std::unique_ptr<CArgv> compile;
  std::unique_ptr<CArgv> run;
  int64_t compile_time_limit_ms = 0;
  int64_t compile_memory_limit_bytes = 0;
};

struct JailSpec {
  bool use_namespaces = true;
  std::string root_mount_point = "/tmp";  // (host path) the new root's tmpfs is mounted here
  std::string root_tmpfs_options = "size=1m,nr_inodes=4096,mode=0755";
  std::string work_dir = "/sandbox";  // as the program sees it
  std::string work_dir_in_root;       // root_mount_point + work_dir (namespaces mode)
  std::string work_tmpfs_options;
  std::string proc_dir, dev_dir, tmp_link;  // under root_mount_point
  std::vector<MountOp> mounts;
  std::vector<std::string> mount_paths;  // root_mount_point + op.path, parallel to mounts
  std::unique_ptr<CArgv> env;            // the program's whole environment
  std::vector<JailLanguage> languages;
  std::vector<sock_filter> seccomp;
  int inside_uid = 1000, inside_gid = 1000;  // -1: keep (rlimits-only as non-root)
  // The host's argv / environment strings (from /proc/self/stat), wiped in init.
  uintptr_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
  int64_t max_processes = 64;
  int64_t max_open_files = 64;
  int64_t max_file_size_bytes = 16 << 20;
  int64_t stack_bytes = 8 << 20;
};

// Fixed fd numbers inside init.
constexpr int kCtrlFd = 3;    // host -> init: go byte, then the request
constexpr int kReportFd = 4;  // init -> host: JailReport messages
constexpr int kStdinFd = 5;   // the program's stdin (read end)
constexpr int kStdoutFd = 6;  // the program's stdout (write end)
constexpr int kStderrFd = 7;  // the program's stderr (write end)
constexpr int kFirstFreeFd = 8;

constexpr uint32_t kWireMagic = 0x524c5a53;  // "RLZS"

struct JailRequestHeader {
  uint32_t magic = kWireMagic;
  int32_t language = 0;  // index into JailSpec::languages
  int64_t time_limit_ms = 0;
  int64_t memory_limit_bytes = 0;
  uint64_t source_len = 0;
};

enum JailReportKind : int32_t { kReady = 1, kStepStart = 2, kStepEnd = 3, kSetupError = 4 };
enum JailStep : int32_t { kCompileStep = 0, kRunStep = 1 };
// Where setup failed (for kSetupError); names in JailStageName.
enum JailStage : int32_t {
  kStageGo = 1,
  kStagePrivateMounts,
  kStageRootTmpfs,
  kStageBind,
  kStageRemountRo,
  kStageSymlink,
  kStageDevice,
  kStageProc,
  kStageWorkTmpfs,
  kStagePivotRoot,
  kStageRequest,
  kStageSource,
  kStageFork,
  kStageRlimit,
  kStageSetuid,
  kStageNoNewPrivs,
  kStageSeccomp,
  kStageExec,
  kStageHostname,
  kStageWait,
};
const char* JailStageName(int32_t stage);

struct JailReport {
  uint32_t magic = kWireMagic;
  int32_t kind = 0;
  int32_t step = 0;
  int32_t wait_status = 0;
  int32_t stage = 0;  // kSetupError
  int32_t err = 0;    // errno, kSetupError
  int32_t index = 0;  // mount op index for bind errors
  int64_t utime_us = 0;
  int64_t stime_us = 0;
  int64_t maxrss_kb = 0;
};

// The body of the cloned init (see the contract above). fds 3..7 are set up.
[[noreturn]] void JailMain(const JailSpec& spec);

// In the cloned child, before JailMain: moves the five given fds to 3..7,
// points 0..2 at /dev/null and closes every other fd. Allocation-free.
void ArrangeJailFds(const int src[5]);

}  // namespace rlzero::sandbox::internal
