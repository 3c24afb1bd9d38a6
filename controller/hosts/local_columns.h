// LocalColumns: which of the platforms --platforms names this machine can
// start as local columns, and with which programs. A column it cannot start
// is left out with a warning that says what it needs, never silently.
#ifndef CLOSEPROBE_CONTROLLER_HOSTS_LOCAL_COLUMNS_H_
#define CLOSEPROBE_CONTROLLER_HOSTS_LOCAL_COLUMNS_H_

#include <map>
#include <string>
#include <vector>

#include "controller/cases/platforms.h"
#include "controller/hosts/local_topology.h"

namespace closeprobe::controller {

struct LocalColumnsOptions {
  std::string program_dir;  // where the agents, the executor and the firmware are
  // A platform's agent program instead of the one beside the controller.
  std::map<std::string, std::string> programs;
  std::string runsc;      // the gvisor column's runsc: a path or a name on PATH
  std::string guest_dir;  // a linux-X.Y column's guest (default: ../guest/NAME)
  bool fast_forward = true;  // the lwip agent skips idle time (--lwip_fast_forward)
  bool namespaces = false;   // this machine starts network namespaces (netns topology)
};

struct LocalColumns {
  bool linux_column = false;  // the first namespace pair is a column
  std::vector<LocalColumn> columns;
  std::vector<std::string> warnings;  // one per column left out
};

LocalColumns FindLocalColumns(const std::vector<Platform>& platforms,
                              const LocalColumnsOptions& options);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_HOSTS_LOCAL_COLUMNS_H_
