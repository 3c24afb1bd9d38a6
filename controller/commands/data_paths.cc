#include "controller/commands/data_paths.h"

#include <filesystem>
#include <system_error>

#include "controller/hosts/local_processes.h"

namespace closeprobe::controller {

std::string DataPath(const std::string& name) {
  std::error_code ec;
  if (std::filesystem::exists(name, ec)) return name;
  const std::filesystem::path program = ProgramDir();
  for (const std::filesystem::path& candidate :
       {program / ".." / "share" / "closeprobe" / name, program / ".." / ".." / name}) {
    if (std::filesystem::exists(candidate, ec)) {
      return std::filesystem::weakly_canonical(candidate, ec).string();
    }
  }
  return name;
}

}  // namespace closeprobe::controller
