// The matrix columns whose stack runs an executor (docs/executor-protocol.md)
// behind the proxy agent: the lwIP firmware on QEMU's mps2-an385, one column
// per lwipopts variant, and the Linux binding (the protocol's own check:
// it must reproduce the linux column).
#ifndef CLOSEPROBE_CONTROLLER_RUN_EXECUTOR_COLUMNS_H_
#define CLOSEPROBE_CONTROLLER_RUN_EXECUTOR_COLUMNS_H_

#include <set>
#include <string>
#include <vector>

#include "controller/run/local_topology.h"

namespace closeprobe::controller {

// Every executor column this build knows: its name and the platform whose
// expectations apply to it.
struct KnownExecutorColumn {
  const char* column;
  const char* platform;
  const char* description;
};
const std::vector<KnownExecutorColumn>& KnownExecutorColumns();

// The columns of `platforms` that are executor columns, with their programs
// beside the controller (`program_dir`); a column whose programs are
// missing is left out with the reason in `missing`.
std::vector<ExecutorColumn> ExecutorColumnsFor(const std::set<std::string>& platforms,
                                               const std::string& program_dir,
                                               std::vector<std::string>* missing);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_EXECUTOR_COLUMNS_H_
