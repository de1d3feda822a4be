// sandbox/sandbox_config.cc: defaults, config reading and validation of
// SandboxConfig. The default languages use the system interpreter and
// compiler (/usr/bin), never a user's pyenv or PATH.
#include "sandbox/sandbox_config.h"

namespace rlzero::sandbox {

std::map<std::string, LanguageSpec> SandboxConfig::DefaultLanguages() {
  std::map<std::string, LanguageSpec> langs;
  // -I: isolated mode (no PYTHON* variables, no user site, script dir not on
  // sys.path). The site module stays on so exit()/quit() exist, which model
  // written programs and HumanEval/MBPP harnesses call; it finds no
  // site-packages in the jail because /usr/local and dist-packages are absent.
  LanguageSpec py;
  py.source_name = "main.py";
  py.run = {"/usr/bin/python3", "-I", "{source}"};
  py.memory_error_markers = {"MemoryError"};
  langs["python"] = py;

  LanguageSpec cpp;
  cpp.source_name = "main.cpp";
  cpp.compile = {"/usr/bin/g++", "-std=c++17", "-O2", "-pipe", "-o", "{dir}/main", "{source}"};
  cpp.run = {"{dir}/main"};
  cpp.memory_error_markers = {"std::bad_alloc"};
  langs["cpp"] = cpp;
  return langs;
}

SandboxConfig SandboxConfig::FromConfig(ConfigReader& r) {
  SandboxConfig c;
  r.Get("isolation", &c.isolation);
  r.Get("max_concurrency", &c.max_concurrency);
  r.Get("max_queue", &c.max_queue);
  r.Get("prefork", &c.prefork);
  r.Get("outside_uid", &c.outside_uid);
  r.Get("outside_gid", &c.outside_gid);
  r.Get("tmpfs_size_mb", &c.tmpfs_size_mb);
  r.Get("max_processes", &c.max_processes);
  r.Get("max_open_files", &c.max_open_files);
  r.Get("max_file_size_mb", &c.max_file_size_mb);
  r.Get("stack_size_mb", &c.stack_size_mb);
  r.Get("cgroup", &c.cgroup);
  r.Get("ro_binds", &c.ro_binds);
  r.Get("max_time_limit_ms", &c.max_time_limit_ms);
  r.Get("max_memory_limit_mb", &c.max_memory_limit_mb);
  r.Get("max_output_limit_kb", &c.max_output_limit_kb);
  r.Get("max_source_bytes", &c.max_source_bytes);
  r.Get("max_stdin_bytes", &c.max_stdin_bytes);
  // The names come from a copy of the subtree; the readers point into the
  // config tree itself (Finish() checks their keys after we return).
  Json langs = r.Has("languages") ? r.GetJson("languages") : Json();
  if (langs.is_object()) {
    ConfigReader all = r.Section("languages");
    for (auto it = langs.begin(); it != langs.end(); ++it) {
      ConfigReader lr = all.Section(it.key());
      LanguageSpec spec;
      auto def = c.languages.find(it.key());
      if (def != c.languages.end()) spec = def->second;
      lr.Get("source_name", &spec.source_name);
      lr.Get("compile", &spec.compile);
      lr.Get("run", &spec.run);
      lr.Get("compile_time_limit_ms", &spec.compile_time_limit_ms);
      lr.Get("compile_memory_limit_mb", &spec.compile_memory_limit_mb);
      lr.Get("memory_error_markers", &spec.memory_error_markers);
      c.languages[it.key()] = spec;
    }
  } else if (!langs.is_null()) {
    r.RecordError("languages", "expected a mapping of language name to spec");
  }
  Status st = c.Validate();
  if (!st.ok()) r.RecordError("", st.message());
  return c;
}

Status SandboxConfig::Validate() const {
  auto bad = [](const std::string& what) { return InvalidArgument("sandbox." + what); };
  if (isolation != "namespaces" && isolation != "rlimits_only")
    return bad("isolation: '" + isolation + "' is not one of namespaces, rlimits_only");
  if (cgroup != "auto" && cgroup != "off" && cgroup != "require")
    return bad("cgroup: '" + cgroup + "' is not one of auto, off, require");
  if (max_concurrency < 1 || max_concurrency > 1024)
    return bad("max_concurrency: must be in [1, 1024]");
  if (max_queue < 0) return bad("max_queue: must be >= 0");
  if (prefork < 0 || prefork > 256) return bad("prefork: must be in [0, 256]");
  if (outside_uid <= 0 || outside_gid <= 0)
    return bad("outside_uid/outside_gid: must be > 0 (never map the sandbox to root)");
  if (tmpfs_size_mb < 1) return bad("tmpfs_size_mb: must be >= 1");
  if (max_processes < 1) return bad("max_processes: must be >= 1");
  if (max_open_files < 4) return bad("max_open_files: must be >= 4");
  if (max_file_size_mb < 1) return bad("max_file_size_mb: must be >= 1");
  if (stack_size_mb < 1) return bad("stack_size_mb: must be >= 1");
  for (const auto& p : ro_binds)
    if (p.empty() || p[0] != '/' || p.find("..") != std::string::npos || p == "/")
      return bad("ro_binds: '" + p + "' must be an absolute path other than /, without '..'");
  if (languages.empty()) return bad("languages: none configured");
  for (const auto& [name, spec] : languages) {
    if (spec.run.empty()) return bad("languages." + name + ".run: empty command");
    if (spec.source_name.empty() || spec.source_name.find('/') != std::string::npos)
      return bad("languages." + name + ".source_name: must be a plain file name");
    if (spec.compile_time_limit_ms < 1 || spec.compile_memory_limit_mb < 1)
      return bad("languages." + name + ": compile limits must be > 0");
  }
  return Status::Ok();
}

}  // namespace rlzero::sandbox
