// The local topology's executor columns on Linux: the proxy agent
// (closeprobe-agent-executor) as the subject host, with the stack it
// speaks to. A board runs under QEMU in the subject's own namespace behind
// a TAP device, with a Linux peer agent on the kernel side (as the lwip
// column); the Linux binding runs in a namespace pair joined by veth (as
// the linux column), so the two columns differ only by the protocol.
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "controller/run/local_topology.h"

namespace closeprobe::controller {

absl::Status LocalTopology::StartExecutorPair(const ExecutorColumn& column,
                                              const std::string& agent_binary, int index,
                                              HostPair* pair) {
  std::vector<std::string> proxy = {column.proxy_binary, "--executor=" + column.executor,
                                    "--executor_platform=" + column.platform};
  absl::Status s;
  if (absl::StartsWith(column.executor, "spawn:")) {
    proxy.push_back("--executor_local_stack");  // capture, faults, settings: this namespace
    // The proxy cannot tell the stack's networks (no IFCONFIG): the topology's.
    proxy.push_back("--allow_targets=198.18.0.0/15");
    s = StartNetnsPair(agent_binary, 100 + index, proxy, pair);
  } else {
    // A TAP host as the lwip column's, the proxy in the stack agent's place
    // (its --executor_tap/_address/_gateway); it starts QEMU there.
    const int net = static_cast<int>((getpid() + 150 + index) % 250) + 1;
    proxy.erase(proxy.begin());
    s = StartTapStackPair(absl::StrCat("executor", index), column.proxy_binary, proxy,
                          agent_binary, net, pair, "executor",
                          absl::StrCat("cpfw", index, getpid() % 100000));
    pair->emulation = "QEMU mps2-an385 (Cortex-M3, software emulation)";
  }
  pair->column = column.column;
  return s;
}

}  // namespace closeprobe::controller
