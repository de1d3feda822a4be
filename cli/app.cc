// cli/app.cc
#include "cli/app.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace rlzero::cli {

int RunApp(CLI::App& app, int argc, char** argv, const std::function<int()>& body) {
  app.allow_extras(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::ExtrasError& e) {
    std::fprintf(stderr, "%s: unknown flag or argument: %s\n", app.get_name().c_str(), e.what());
    return 2;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\n", app.get_name().c_str(), e.what());
    return 2;
  }
  return body();
}

int ReportError(const std::string& command, const Status& status) {
  std::fprintf(stderr, "%s: %s\n", command.c_str(), status.message().c_str());
  return 1;
}

void ConfigFlags::Add(CLI::App& app, bool required) {
  auto* opt = app.add_option("--config", config_path, "config file (YAML or JSON)");
  if (required) opt->required();
  app.add_option("--set", sets, "override a config key: --set key.path=value (repeatable)");
}

StatusOr<ConfigReader> ConfigFlags::Load() const {
  Json root = Json::object();
  if (!config_path.empty()) {
    RLZ_ASSIGN_OR_RETURN(root, LoadConfigFile(config_path));
  }
  std::set<std::string> keys;
  for (const auto& s : sets) {
    RLZ_RETURN_IF_ERROR(ApplyOverride(&root, s));
    keys.insert(s.substr(0, s.find('=')));
  }
  return ConfigReader(std::move(root), config_path.empty() ? "config" : config_path,
                      std::move(keys));
}

Status EmitResolvedConfig(const Json& resolved, const std::string& run_dir) {
  std::fprintf(stderr, "resolved config:\n%s\n", resolved.dump(2).c_str());
  if (run_dir.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) return Internal(run_dir + ": cannot create run dir: " + ec.message());
  std::string path = run_dir + "/config.resolved.json";
  std::ofstream out(path);
  out << resolved.dump(2) << "\n";
  if (!out) return Internal(path + ": cannot write");
  return Status::Ok();
}

}  // namespace rlzero::cli
