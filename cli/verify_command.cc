// cli/verify_command.cc: `rlzero verify --task NAME --input FILE|-`: scores
// JSON lines with a built-in verifier or a plugin; one JSON line out per line
// in, same order: {"correct", "score", "extracted", "reason" (when set)}; a
// line that cannot be scored (bad JSON, missing task field, plugin failure)
// gets correct=false, score=0 and "error". Torch-free.
//
// --task names, in this order: a plugin from the config's `plugins` list, the
// plugin given by --plugin-exec CMD / --plugin-grpc ADDR (NAME is the task sent
// to it), or a built-in verifier. Config keys (--config / --set): options
// (the verifier's), timeout_ms, batch_size, plugins: [{name, exec|grpc, task,
// options, timeout_ms}], sandbox (the code verifier's, see sandbox/). Lines are read in batches of
// batch_size (plugins get one call per batch) and each batch's output is flushed.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/app.h"
#include "cli/commands.h"
#include "rewards/code_sandbox.h"
#include "rewards/verifier_spec.h"
#include "verifiers/verifier.h"

namespace rlzero::cli {
namespace {

struct VerifyFlags {
  std::string task;
  std::string input;
  std::string plugin_exec;
  std::string plugin_grpc;
  std::string auth_token_file;
  int64_t timeout_ms = 0;  // 0: config / default
  int64_t batch_size = 0;
  int threads = 1;
  ConfigFlags config;
};

Json ResultJson(const StatusOr<verifiers::VerifyResult>& r) {
  if (!r.ok()) {
    std::string why = r.status().ToString();
    return Json{
        {"correct", false}, {"score", 0.0}, {"extracted", ""}, {"reason", why}, {"error", why}};
  }
  Json j = {{"correct", r->correct}, {"score", r->score}, {"extracted", r->extracted}};
  if (!r->reason.empty()) j["reason"] = r->reason;
  return j;
}

int Run(const VerifyFlags& f) {
  const char* cmd = "rlzero verify";
  auto reader_or = f.config.Load();
  if (!reader_or.ok()) return ReportError(cmd, reader_or.status());
  ConfigReader& reader = *reader_or;
  rewards::VerifierSpec spec;
  spec.name = f.task;
  spec.task = f.task;
  spec.options = reader.GetJson("options");
  reader.Get("timeout_ms", &spec.timeout_ms);
  rewards::CodeSandbox code_sandbox(reader);  // the `sandbox:` section
  int64_t batch_size = 64;
  reader.Get("batch_size", &batch_size);
  Json plugins = reader.GetJson("plugins");
  bool from_config = false;
  if (!plugins.is_null()) {
    if (!plugins.is_array()) return ReportError(cmd, InvalidArgument("plugins: expected a list"));
    for (size_t i = 0; i < plugins.size(); ++i) {
      ConfigReader item = reader.ReaderFor(plugins[i], "plugins[" + std::to_string(i) + "]");
      rewards::VerifierSpec p = rewards::VerifierSpec::FromConfig(item);
      if (p.name == f.task) {
        spec = p;
        from_config = true;
      }
    }
  }
  Status finish = reader.Finish();
  if (!finish.ok()) return ReportError(cmd, finish);
  if (!f.plugin_exec.empty() && !f.plugin_grpc.empty())
    return ReportError(cmd, InvalidArgument("give --plugin-exec or --plugin-grpc, not both"));
  if (!from_config) {
    if (!f.plugin_exec.empty())
      spec.exec = f.plugin_exec;
    else if (!f.plugin_grpc.empty()) {
      spec.grpc = f.plugin_grpc;
      spec.auth_token_file = f.auth_token_file;
    } else
      spec.verifier = f.task;
  }
  if (f.timeout_ms > 0) spec.timeout_ms = f.timeout_ms;
  if (f.batch_size > 0) batch_size = f.batch_size;
  if (batch_size <= 0) return ReportError(cmd, InvalidArgument("batch_size must be > 0"));

  Status sb = code_sandbox.CreateIfNeeded(spec.verifier == "code");
  if (!sb.ok()) return ReportError(cmd, sb);
  verifiers::VerifierEnv env;
  env.sandbox = code_sandbox.get();  // null when no sandbox library is linked
  auto verifier = rewards::BuildVerifier(spec, env, "--task " + f.task);
  if (!verifier.ok()) return ReportError(cmd, verifier.status());

  std::ifstream file;
  std::istream* in = &std::cin;
  if (f.input != "-") {
    file.open(f.input);
    if (!file) return ReportError(cmd, NotFound(f.input + ": cannot open"));
    in = &file;
  }
  std::string line;
  size_t line_no = 0;
  bool eof = false;
  while (!eof) {
    // Read one batch; a line that is not a JSON object keeps its place.
    std::vector<StatusOr<Json>> parsed;
    while (static_cast<int64_t>(parsed.size()) < batch_size) {
      if (!std::getline(*in, line)) {
        eof = true;
        break;
      }
      ++line_no;
      Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object())
        parsed.push_back(
            InvalidArgument("input line " + std::to_string(line_no) + ": not a JSON object"));
      else
        parsed.push_back(std::move(j));
    }
    if (parsed.empty()) break;
    std::vector<Json> samples;
    for (const auto& p : parsed)
      if (p.ok()) samples.push_back(*p);
    std::vector<StatusOr<verifiers::VerifyResult>> results;
    if (spec.is_plugin()) {
      results = (*verifier)->VerifyBatch(samples, verifiers::Deadline::In(spec.timeout_ms));
    } else {
      // Built-ins score several lines at once with --threads; order is kept.
      results.assign(samples.size(), Internal("not scored"));
      std::atomic<size_t> next{0};
      auto work = [&] {
        for (size_t i; (i = next++) < samples.size();)
          results[i] = (*verifier)->Verify(samples[i], verifiers::Deadline::In(spec.timeout_ms));
      };
      std::vector<std::thread> pool;
      for (int t = 1; t < f.threads && static_cast<size_t>(t) < samples.size(); ++t)
        pool.emplace_back(work);
      work();
      for (auto& th : pool) th.join();
    }
    size_t k = 0;
    std::string out;
    for (const auto& p : parsed) {
      Json j = p.ok() ? ResultJson(results[k++]) : ResultJson(p.status());
      out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
      out += '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int RunVerify(int argc, char** argv) {
  CLI::App app{
      "score responses with a verifier (math, countdown, code, format, length, "
      "language) or a plugin; JSON lines in, JSON lines out",
      "rlzero verify"};
  VerifyFlags f;
  app.add_option("--task", f.task, "verifier or plugin name")->required();
  app.add_option("--input", f.input, "JSONL file of samples, or - for stdin")->required();
  app.add_option("--plugin-exec", f.plugin_exec,
                 "score with this command (exec plugin protocol; --task is the task sent)");
  app.add_option("--plugin-grpc", f.plugin_grpc,
                 "score with the VerifierService at ADDR (--task is the task sent)");
  app.add_option("--auth-token-file", f.auth_token_file,
                 "bearer token file for --plugin-grpc (as the server was given)");
  app.add_option("--timeout-ms", f.timeout_ms, "deadline per sample (built-in) or batch (plugin)");
  app.add_option("--batch-size", f.batch_size, "lines per batch (default 64)");
  app.add_option("--threads", f.threads, "lines scored at once by a built-in verifier")
      ->check(CLI::Range(1, 256));
  f.config.Add(app, /*required=*/false);
  return RunApp(app, argc, argv, [&] { return Run(f); });
}

}  // namespace rlzero::cli
