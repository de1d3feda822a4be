// tests/sandbox/attack_test.cc: the attack suite. Each case runs a hostile
// program in the sandbox, checks its outcome, and then checks the host (in
// TearDown): no file named with the case's marker in the watched dirs, no
// live process whose argv or environment holds it, no connection seen by the
// loopback server, and the sentinel process still alive.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "host_watch.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"

namespace rlzero::sandbox {
namespace {

using rlzero::testing::LoopbackServer;
using rlzero::testing::MarkerFiles;
using rlzero::testing::MarkerProcesses;
using rlzero::testing::Sentinel;

const char kEnvSecret[] = "ENVSECRET7f3a9";
const char kFileSecret[] = "FILESECRET51c2e";

// Every path under dir (recursive), for a before/after comparison.
std::set<std::string> Tree(const std::string& dir) {
  std::set<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    out.insert(dir + "/" + name);
    if (e->d_type == DT_DIR)
      for (const auto& p : Tree(dir + "/" + name)) out.insert(p);
  }
  closedir(d);
  return out;
}

class AttackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Secrets the program must never reach: an env var of the caller, a
    // file on the host, and an inherited (non-CLOEXEC) fd to that file.
    setenv("RLZ_ATTACK_SECRET", kEnvSecret, 1);
    secret_dir_ = "/tmp/rlz-secret-" + std::to_string(getpid());
    mkdir(secret_dir_.c_str(), 0700);
    secret_path_ = secret_dir_ + "/secret.txt";
    // A private dir nobody else touches: checked for ANY change, not just
    // marker names (the shared /tmp is only checked for markers).
    mkdir((secret_dir_ + "/watched").c_str(), 0777);
    std::ofstream(secret_dir_ + "/watched/existing.txt") << "keep\n";
    std::ofstream(secret_path_) << kFileSecret << "\n";
    inherited_fd_ = open(secret_path_.c_str(), O_RDONLY);  // deliberately not O_CLOEXEC
    inherited_sock_ = socket(AF_INET, SOCK_STREAM, 0);
    server_ = new LoopbackServer();
    sentinel_ = new Sentinel("rlzsentinel");
    SandboxConfig c;
    c.max_processes = 32;
    auto b = CreateSandbox(c);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    box_ = std::move(b).value().release();
  }
  static void TearDownTestSuite() {
    delete box_;
    delete sentinel_;
    delete server_;
    close(inherited_fd_);
    close(inherited_sock_);
    unlink(secret_path_.c_str());
    unlink((secret_dir_ + "/watched/existing.txt").c_str());
    rmdir((secret_dir_ + "/watched").c_str());
    rmdir(secret_dir_.c_str());
  }

  void SetUp() override {
    std::random_device rd;
    marker_ = "rlzatk" + std::to_string(rd()) + std::to_string(rd());
    watched_before_ = Tree(secret_dir_);
  }

  void TearDown() override {
    EXPECT_EQ(MarkerFiles(marker_), std::vector<std::string>{}) << "files left on the host";
    EXPECT_EQ(Tree(secret_dir_), watched_before_) << "the watched dir changed";
    EXPECT_EQ(ReadFile(secret_dir_ + "/watched/existing.txt"), "keep\n");
    EXPECT_EQ(MarkerProcesses(marker_), std::vector<pid_t>{}) << "processes survived the run";
    EXPECT_EQ(server_->connections(), 0) << "the loopback server saw a connection";
    EXPECT_TRUE(sentinel_->Alive()) << "the sentinel process was killed";
  }

  std::string Fill(std::string src) const {
    char cwd[4096];
    std::string here = getcwd(cwd, sizeof cwd) ? cwd : "/";
    const std::pair<std::string, std::string> subs[] = {
        {"MARKER", marker_},
        {"PORT", std::to_string(server_->port())},
        {"ABSTRACT", server_->abstract_name()},
        {"SECRETPATH", secret_path_},
        {"WATCHDIR", secret_dir_ + "/watched"},
        {"CALLERDIR", here},
        {"SRCDIR", RLZERO_SOURCE_DIR},
        {"SENTINELPID", std::to_string(sentinel_->pid())},
        {"HOSTPID", std::to_string(getpid())},
    };
    for (const auto& [k, v] : subs)
      for (size_t at; (at = src.find(k)) != std::string::npos;) src.replace(at, k.size(), v);
    return src;
  }

  RunResult Attack(const std::string& src, int64_t time_ms = 1500, const std::string& in = "",
                   int64_t mem_mb = 256, const std::string& lang = "python") {
    RunRequest r;
    r.language = lang;
    r.source = Fill(src);
    r.stdin_data = in;
    r.time_limit_ms = time_ms;
    r.memory_limit_mb = mem_mb;
    r.output_limit_kb = 256;
    auto res = box_->Run(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    if (!res.ok()) return {};
    EXPECT_NE(res->status, RunStatus::kSandboxError) << res->error;
    std::string all = res->stdout_data + res->stderr_data;
    EXPECT_EQ(all.find(kEnvSecret), std::string::npos) << "caller env leaked";
    EXPECT_EQ(all.find(kFileSecret), std::string::npos) << "host secret file leaked";
    return *res;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::string marker_;
  std::set<std::string> watched_before_;
  static Sandbox* box_;
  static LoopbackServer* server_;
  static Sentinel* sentinel_;
  static std::string secret_dir_, secret_path_;
  static int inherited_fd_, inherited_sock_;
};

Sandbox* AttackTest::box_ = nullptr;
LoopbackServer* AttackTest::server_ = nullptr;
Sentinel* AttackTest::sentinel_ = nullptr;
std::string AttackTest::secret_dir_, AttackTest::secret_path_;
int AttackTest::inherited_fd_ = -1, AttackTest::inherited_sock_ = -1;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// --- resource exhaustion -------------------------------------------------

TEST_F(AttackTest, ForkBomb) {
  RunResult r = Attack(
      "import os, sys\nsys.argv[0] = 'MARKER'\n"
      "while True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n");
  EXPECT_EQ(r.status, RunStatus::kTimeout);
}

TEST_F(AttackTest, ForkBombOfExecedMarkedProcesses) {
  RunResult r = Attack(
      "import os\n"
      "for i in range(200):\n"
      "    try:\n"
      "        if os.fork() == 0:\n"
      "            os.execv('/usr/bin/sleep', ['MARKER', '1000'])\n"
      "    except OSError:\n        pass\n"
      "print('done')\n");
  EXPECT_EQ(r.status, RunStatus::kOk);  // exits while its children sleep: they must die
}

TEST_F(AttackTest, ThreadBomb) {
  RunResult r = Attack(
      "import threading, time\nts = []\n"
      "while True:\n"
      "    t = threading.Thread(target=time.sleep, args=(100,)); t.start(); ts.append(t)\n");
  std::set<RunStatus> ok = {RunStatus::kRuntimeError, RunStatus::kTimeout, RunStatus::kMemoryLimit};
  EXPECT_TRUE(ok.count(r.status)) << RunStatusName(r.status) << r.stderr_data;
}

TEST_F(AttackTest, MemoryBomb) {
  RunResult r = Attack("x = bytearray(8 * 1024 * 1024 * 1024)\n", 2000, "", 128);
  EXPECT_EQ(r.status, RunStatus::kMemoryLimit);
}

TEST_F(AttackTest, MemorySlowCreep) {
  RunResult r = Attack("x = []\nwhile True:\n    x.append(b'y' * (1 << 20))\n", 4000, "", 128);
  EXPECT_EQ(r.status, RunStatus::kMemoryLimit);
}

TEST_F(AttackTest, CppMemoryBomb) {
  RunResult r = Attack(
      "#include <vector>\n#include <cstdio>\nint main(){std::vector<char*> v; for(;;){char* p=new "
      "char[1<<20];"
      " for(int i=0;i<(1<<20);i+=4096)p[i]=1; v.push_back(p);} }\n",
      3000, "", 128, "cpp");
  EXPECT_EQ(r.status, RunStatus::kMemoryLimit) << RunStatusName(r.status) << r.stderr_data;
}

TEST_F(AttackTest, CpuLoop) {
  RunResult r = Attack("while True:\n    pass\n", 1000);
  EXPECT_EQ(r.status, RunStatus::kTimeout);
}

TEST_F(AttackTest, SleepForever) {
  RunResult r = Attack("import time\ntime.sleep(10**6)\n", 800);
  EXPECT_EQ(r.status, RunStatus::kTimeout);
}

TEST_F(AttackTest, StdoutFlood) {
  RunResult r = Attack("import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n");
  EXPECT_EQ(r.status, RunStatus::kOutputLimit);
  EXPECT_EQ(r.stdout_data.size(), 256u * 1024);
}

TEST_F(AttackTest, StderrFlood) {
  RunResult r = Attack("import sys\nwhile True:\n    sys.stderr.write('e' * 65536)\n");
  EXPECT_EQ(r.status, RunStatus::kOutputLimit);
  EXPECT_EQ(r.stderr_data.size(), 256u * 1024);
}

TEST_F(AttackTest, DiskFillHitsTheTmpfsCap) {
  RunResult r = Attack(
      "import errno\n"
      "for i in range(1000):\n"
      "    try:\n"
      "        with open('/sandbox/f%d' % i, 'wb') as f:\n"
      "            f.write(b'z' * (8 << 20))\n"
      "    except OSError as e:\n"
      "        print('stopped', errno.errorcode[e.errno]); break\n",
      4000);
  EXPECT_EQ(r.status, RunStatus::kOk) << r.stderr_data;
  EXPECT_TRUE(Contains(r.stdout_data, "stopped ENOSPC")) << r.stdout_data;
}

TEST_F(AttackTest, FileSizeLimit) {
  // CPython ignores SIGXFSZ, so the write fails with EFBIG...
  RunResult r = Attack("f = open('/sandbox/big', 'wb')\nf.write(b'z' * (32 << 20))\nf.close()\n");
  EXPECT_EQ(r.status, RunStatus::kRuntimeError);
  EXPECT_TRUE(Contains(r.stderr_data, "File too large")) << r.stderr_data;
  // ...while a C++ program gets the signal.
  r = Attack(
      "#include <cstdio>\nint main(){FILE* f=fopen(\"/sandbox/big\",\"wb\"); static char b[1<<20];"
      " for(int i=0;i<64;++i) fwrite(b,1,sizeof b,f); fclose(f);}\n",
      3000, "", 256, "cpp");
  EXPECT_EQ(r.status, RunStatus::kSignal);
  EXPECT_EQ(r.signal, SIGXFSZ);
}

TEST_F(AttackTest, OpenFilesLimit) {
  RunResult r = Attack(
      "fs = []\ntry:\n    while True:\n        fs.append(open('/dev/null'))\n"
      "except OSError as e:\n    print('limited at', len(fs))\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_TRUE(Contains(r.stdout_data, "limited at 6"));  // 64 fds minus 0-2 and python's own
}

// --- filesystem ----------------------------------------------------------

TEST_F(AttackTest, WritesToTmpStayInTheJail) {
  RunResult r = Attack(
      "open('/tmp/MARKER', 'w').write('x')\nimport os\nprint(os.path.exists('/tmp/MARKER'))\n"
      "for p in ['WATCHDIR/existing.txt', 'WATCHDIR/new.txt']:\n"
      "    try:\n        open(p, 'w').write('overwritten'); print('wrote', p)\n"
      "    except OSError:\n        pass\n");
  EXPECT_EQ(r.status, RunStatus::kOk) << r.stderr_data;
  EXPECT_EQ(r.stdout_data, "True\n");  // written inside, not on the host (TearDown)
}

TEST_F(AttackTest, WritesToHomeAndCallerDirsFail) {
  RunResult r = Attack(
      "import os\n"
      "for d in ['/root', os.path.expanduser('~'), 'CALLERDIR', 'SRCDIR', 'WATCHDIR', '/', '/usr', "
      "'/usr/lib', "
      "'/etc',"
      " '/dev', '/proc', '/dev/shm', '/var/tmp']:\n"
      "    try:\n"
      "        open(os.path.join(d, 'MARKER'), 'w').write('x')\n"
      "        print('wrote', d)\n"
      "    except OSError as e:\n"
      "        print('denied', d)\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_FALSE(Contains(r.stdout_data, "wrote /root"));
  EXPECT_FALSE(Contains(r.stdout_data, "wrote CALLERDIR"));
  // HOME is the work dir; everything else is read-only or absent.
  size_t wrote = 0;
  for (size_t at = 0; (at = r.stdout_data.find("wrote", at)) != std::string::npos; ++at) ++wrote;
  EXPECT_EQ(wrote, 1u) << r.stdout_data;
  EXPECT_TRUE(Contains(r.stdout_data, "wrote /sandbox")) << r.stdout_data;
}

TEST_F(AttackTest, HostDirsAreNotVisible) {
  RunResult r = Attack(
      "import os\n"
      "for p in ['/root', '/home', 'CALLERDIR', 'SRCDIR', '/work', '/var', '/sys', '/boot', "
      "'/usr/local',"
      " '/etc/passwd', '/run', '/mnt']:\n"
      "    print(p, os.path.exists(p))\n"
      "print(sorted(os.listdir('/')))\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_FALSE(Contains(r.stdout_data, "True")) << r.stdout_data;
}

TEST_F(AttackTest, ReadsOfShadowAndSecretFilesFail) {
  RunResult r = Attack(
      "for p in ['/etc/shadow', '/etc/passwd', 'SECRETPATH', '/proc/1/root/SECRETPATH',"
      " '/proc/HOSTPID/root/etc/shadow', '/proc/self/root/SECRETPATH']:\n"
      "    try:\n        print(open(p).read())\n"
      "    except OSError as e:\n        print('denied', p, e.errno)\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_FALSE(Contains(r.stdout_data, "root:")) << r.stdout_data;
}

TEST_F(AttackTest, BlockDevicesAreAbsent) {
  RunResult r = Attack(
      "import os\nprint(sorted(os.listdir('/dev')))\n"
      "for d in ['/dev/vda', '/dev/sda', '/dev/mem', '/dev/kmsg', '/dev/nvme0n1']:\n"
      "    print(d, os.path.exists(d))\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(
      r.stdout_data,
      "['fd', 'null', 'random', 'stderr', 'stdin', 'stdout', 'urandom', 'zero']\n"
      "/dev/vda False\n/dev/sda False\n/dev/mem False\n/dev/kmsg False\n/dev/nvme0n1 False\n");
}

// --- environment, processes, descriptors -----------------------------------

TEST_F(AttackTest, CallerEnvironmentIsScrubbed) {
  RunResult r =
      Attack("import os\nprint(sorted(os.environ))\nprint(open('/proc/self/environ').read())\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data.substr(0, r.stdout_data.find('\n')),
            "['HOME', 'LANG', 'PATH', 'TMPDIR']");
}

TEST_F(AttackTest, OtherProcessesProcIsUnreadable) {
  RunResult r = Attack(
      "import os\npids = [p for p in os.listdir('/proc') if p.isdigit()]\nprint('pids', "
      "len(pids))\n"
      "for p in pids:\n"
      "    for f in ['cmdline', 'environ']:\n"
      "        try:\n            print(p, f, open('/proc/%s/%s' % (p, f), 'rb').read())\n"
      "        except OSError as e:\n            print(p, f, 'denied')\n"
      "print(os.path.exists('/proc/SENTINELPID'), os.path.exists('/proc/HOSTPID'))\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_FALSE(Contains(r.stdout_data, "rlzsentinel"));
  EXPECT_FALSE(Contains(r.stdout_data, "sandbox_attack_test"));  // the host's argv
  EXPECT_FALSE(Contains(r.stdout_data, "RLZ_ATTACK_SECRET"));
}

TEST_F(AttackTest, OnlyFdsZeroToTwoAreOpen) {
  RunResult r = Attack(
      "import os\nopen_fds = []\n"
      "for fd in range(3, 4096):\n"
      "    try:\n        os.fstat(fd); open_fds.append(fd)\n"
      "    except OSError:\n        pass\n"
      "print(open_fds)\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data, "[]\n");
}

TEST_F(AttackTest, RunsUnprivilegedUnderSeccompWithNoNewPrivs) {
  RunResult r = Attack(
      "import os\nprint(os.getuid(), os.geteuid(), os.getgid(), os.getgroups())\n"
      "st = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines() if "
      "':\\t' in l)\n"
      "for k in ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp']:\n"
      "    print(k, st[k].strip())\n");
  EXPECT_EQ(r.status, RunStatus::kOk) << r.stderr_data;
  EXPECT_EQ(r.stdout_data,
            "1000 1000 1000 []\nCapInh 0000000000000000\nCapPrm 0000000000000000\n"
            "CapEff 0000000000000000\nCapBnd 0000000000000000\nCapAmb 0000000000000000\n"
            "NoNewPrivs 1\nSeccomp 2\n");
}

TEST_F(AttackTest, SetuidRootFails) {
  RunResult r = Attack(
      "import os\nfor f in [os.setuid, os.setgid, os.seteuid]:\n"
      "    try:\n        f(0); print('root!')\n    except OSError:\n        print('denied')\n");
  EXPECT_EQ(r.stdout_data, "denied\ndenied\ndenied\n") << r.stderr_data;
}

TEST_F(AttackTest, DeniedSyscalls) {
  RunResult r = Attack(
      "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
      "def t(name, rc):\n    print(name, rc, ctypes.get_errno())\n"
      "t('ptrace', libc.ptrace(0, 0, 0, 0))\n"    // PTRACE_TRACEME
      "t('unshare', libc.unshare(0x10000000))\n"  // CLONE_NEWUSER
      "t('unshare_net', libc.unshare(0x40000000))\n"
      "t('mount', libc.mount(b'none', b'/sandbox', b'tmpfs', 0, None))\n"
      "t('chroot', libc.chroot(b'/sandbox'))\n"
      "t('bpf', libc.syscall(321, 0, 0, 0))\n"
      "t('perf', libc.syscall(298, 0, 0, -1, -1, 0))\n"
      "t('keyctl', libc.syscall(250, 0, 0, 0, 0, 0))\n"
      "t('setns', libc.setns(0, 0))\n"
      "t('kexec', libc.syscall(246, 0, 0, 0, 0))\n"
      "t('init_module', libc.syscall(175, 0, 0, 0))\n");
  EXPECT_EQ(r.status, RunStatus::kOk) << r.stderr_data;
  EXPECT_EQ(r.stdout_data,
            "ptrace -1 1\nunshare -1 1\nunshare_net -1 1\nmount -1 1\nchroot -1 1\nbpf -1 1\n"
            "perf -1 1\nkeyctl -1 1\nsetns -1 1\nkexec -1 1\ninit_module -1 1\n");
}

TEST_F(AttackTest, KillEverything) {
  RunResult r = Attack(
      "import os, signal\n"
      "for target in [-1, 1, os.getppid(), SENTINELPID, HOSTPID]:\n"
      "    try:\n        os.kill(target, signal.SIGKILL); print('sent', target)\n"
      "    except OSError as e:\n        print('refused', target, e.errno)\n"
      "print('alive')\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_TRUE(Contains(r.stdout_data, "alive"));
}

TEST_F(AttackTest, DoubleForkedDaemonDies) {
  RunResult r = Attack(
      "import os\n"
      "if os.fork() == 0:\n"
      "    os.setsid()\n"
      "    if os.fork() == 0:\n"
      "        os.closerange(0, 3)\n"
      "        os.execv('/usr/bin/sleep', ['MARKER', '1000'])\n"
      "    os._exit(0)\n"
      "os.wait()\nprint('parent done')\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data, "parent done\n");
}

TEST_F(AttackTest, DaemonHoldingStdoutDoesNotHangTheRun) {
  RunResult r = Attack(
      "import os, time\n"
      "if os.fork() == 0:\n"
      "    os.setsid()\n"
      "    while True:\n        print('MARKER-daemon', flush=True); time.sleep(0.01)\n"
      "time.sleep(0.1)\nprint('bye', flush=True)\n",
      5000);
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_LT(r.wall_ms, 5000);
}

TEST_F(AttackTest, HostnameAndIpcAreFresh) {
  RunResult r = Attack(
      "import socket, os\nprint(socket.gethostname())\n"
      "print(sorted(os.listdir('/dev')).count('mqueue'), os.path.exists('/dev/shm'))\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data, "sandbox\n0 False\n");
}

// --- network -----------------------------------------------------------

TEST_F(AttackTest, LoopbackConnectionToTheHostFails) {
  RunResult r = Attack(
      "import socket\n"
      "for host in ['127.0.0.1', 'localhost', '::1']:\n"
      "    try:\n        socket.create_connection((host, PORT), timeout=0.5); print('connected', "
      "host)\n"
      "    except OSError as e:\n        print('failed', host)\n"
      "s = socket.socket(socket.AF_UNIX)\n"
      "try:\n    s.connect('\\0ABSTRACT'); print('connected abstract')\n"
      "except OSError:\n    print('failed abstract')\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_FALSE(Contains(r.stdout_data, "connected")) << r.stdout_data;
}

TEST_F(AttackTest, OnlyLoopbackInterface) {
  RunResult r = Attack(
      "import socket\nprint([n for _, n in socket.if_nameindex()])\n"
      "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
      "try:\n    s.connect(('8.8.8.8', 53)); print('routed')\nexcept OSError:\n    "
      "print('unreachable')\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data, "['lo']\nunreachable\n");
}

// --- crashes, stdin, exits -------------------------------------------------

TEST_F(AttackTest, AbortWithCoreDumpLeavesNoCore) {
  RunResult r = Attack(
      "import os, resource\nprint(resource.getrlimit(resource.RLIMIT_CORE), "
      "flush=True)\nos.abort()\n");
  EXPECT_EQ(r.status, RunStatus::kSignal);
  EXPECT_EQ(r.signal, SIGABRT);
  EXPECT_TRUE(Contains(r.stdout_data, "(0, 0)"));
}

TEST_F(AttackTest, LargeStdinIsDelivered) {
  std::string in(16 << 20, 'q');
  RunResult r = Attack("import sys\nprint(len(sys.stdin.buffer.read()))\n", 5000, in);
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data, std::to_string(16 << 20) + "\n");
}

TEST_F(AttackTest, UnreadStdinDoesNotDeadlock) {
  std::string in(16 << 20, 'q');
  RunResult r = Attack("print('ignored stdin')\n", 5000, in);
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data, "ignored stdin\n");
}

TEST_F(AttackTest, EarlyExitWithChildStillWriting) {
  RunResult r = Attack(
      "import os, sys\n"
      "if os.fork() == 0:\n"
      "    sys.argv[0] = 'MARKER'\n"
      "    while True:\n        os.write(1, b'c' * 4096)\n"
      "os._exit(0)\n");
  std::set<RunStatus> ok = {RunStatus::kOk, RunStatus::kOutputLimit};
  EXPECT_TRUE(ok.count(r.status)) << RunStatusName(r.status);
}

TEST_F(AttackTest, ClosedStdioThenHang) {
  RunResult r = Attack("import os, time\nos.close(1)\nos.close(2)\ntime.sleep(100)\n", 800);
  EXPECT_EQ(r.status, RunStatus::kTimeout);
}

TEST_F(AttackTest, CppForkBomb) {
  RunResult r =
      Attack("#include <unistd.h>\nint main(){ for(;;) fork(); }\n", 1500, "", 256, "cpp");
  EXPECT_EQ(r.status, RunStatus::kTimeout);
}

TEST_F(AttackTest, DeepRecursionHitsTheStackLimit) {
  RunResult r = Attack(
      "#include <cstdio>\nint f(int n){ volatile char pad[1024]; pad[0]=n; return n ? "
      "f(n-1)+pad[0] : 0; }\n"
      "int main(){ std::printf(\"%d\\n\", f(100000000)); }\n",
      3000, "", 256, "cpp");
  EXPECT_EQ(r.status, RunStatus::kSignal);
  EXPECT_EQ(r.signal, SIGSEGV);
}

TEST_F(AttackTest, CgroupAndSysfsAreInvisible) {
  RunResult r = Attack(
      "import os\nprint(os.path.exists('/sys/fs/cgroup'), "
      "open('/proc/self/cgroup').read().count('rlzero'))\n");
  EXPECT_EQ(r.status, RunStatus::kOk);
  EXPECT_EQ(r.stdout_data, "False 0\n");
}

}  // namespace
}  // namespace rlzero::sandbox
