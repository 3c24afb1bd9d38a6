// Which local columns this machine can start (see local_columns.h).
#include "controller/hosts/local_columns.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/hosts/local_processes.h"

namespace closeprobe::controller {
namespace {

// The column for `p` and what it lacks on this machine (empty: nothing).
LocalColumn Resolve(const Platform& p, const LocalColumnsOptions& options,
                    std::vector<std::string>* lacking) {
  LocalColumn c;
  c.platform = p;
  const auto given = options.programs.find(p.name);
  c.program = given != options.programs.end()
                  ? given->second
                  : absl::StrCat(options.program_dir, "/", ExecutableName(p.agent_program));
  std::vector<std::string> files = {c.program};
  c.flags = p.agent_flags;
  if (p.fast_forward) {
    c.flags.push_back(absl::StrCat("--", p.tap_flag_prefix, "_fast_forward=",
                                   options.fast_forward ? "true" : "false"));
  }
  if (p.host == HostKind::kExecutor) {
    const size_t colon = p.executor.find(':');
    const std::string file =
        absl::StrCat(options.program_dir, "/", p.executor.substr(colon + 1));
    c.executor = absl::StrCat(p.executor.substr(0, colon + 1), file);
    files.push_back(file);
    if (absl::StartsWith(p.executor, "qemu:") && FindProgram("qemu-system-arm").empty()) {
      lacking->push_back("qemu-system-arm on PATH");
    }
  }
  if (p.host == HostKind::kRunscSandbox) {
    c.runsc = FindProgram(options.runsc);
    if (c.runsc.empty()) lacking->push_back(absl::StrCat("runsc (", options.runsc, " not found)"));
  }
  if (p.host == HostKind::kQemuGuest) {
    c.guest_dir = !options.guest_dir.empty() ? options.guest_dir
                                              : absl::StrCat(options.program_dir, "/../guest/", p.name);
    files.push_back(c.guest_dir + "/release");
  }
  std::error_code ec;
  for (const std::string& f : files) {
    if (!std::filesystem::exists(f, ec)) lacking->push_back(f);
  }
  return c;
}

// What a column of this kind needs beside its files, for the warning.
std::string Needs(HostKind host) {
  switch (host) {
    case HostKind::kQemuGuest: return " (scripts/build_linux_guest.sh)";
    case HostKind::kExecutor: return " (setup_debian.sh firmware)";
    default: return "";
  }
}

}  // namespace

LocalColumns FindLocalColumns(const std::vector<Platform>& platforms,
                              const LocalColumnsOptions& options) {
  LocalColumns out;
  for (const Platform& p : platforms) {
    if (p.host == HostKind::kNamespacePair) {
      out.linux_column = true;
      continue;
    }
    if (!options.namespaces) {
      out.warnings.push_back(absl::StrCat("no ", p.name,
                                          " column: it needs Linux as root and the netns topology"));
      continue;
    }
    std::vector<std::string> lacking;
    LocalColumn c = Resolve(p, options, &lacking);
    if (!lacking.empty()) {
      out.warnings.push_back(absl::StrCat("no ", p.name, " column: it needs ",
                                          absl::StrJoin(lacking, ", "), Needs(p.host)));
      continue;
    }
    out.columns.push_back(std::move(c));
  }
  return out;
}

}  // namespace closeprobe::controller
