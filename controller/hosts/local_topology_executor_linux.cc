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
#include "controller/hosts/local_topology.h"

namespace closeprobe::controller {

absl::Status LocalTopology::StartExecutorPair(const LocalColumn& column,
                                              const std::string& agent_binary, int link,
                                              HostPair* pair) {
  const Platform& p = column.platform;
  std::vector<std::string> proxy = {"--executor=" + column.executor,
                                    "--executor_platform=" + p.falls_back};
  proxy.insert(proxy.end(), column.flags.begin(), column.flags.end());
  if (absl::StartsWith(column.executor, "spawn:")) {
    proxy.push_back("--executor_local_stack");  // capture, faults, settings: this namespace
    // The proxy cannot tell the stack's networks (no IFCONFIG): the topology's.
    proxy.push_back("--allow_targets=198.18.0.0/15");
    proxy.insert(proxy.begin(), column.program);
    return StartNetnsPair(agent_binary, link, proxy, pair);
  }
  // A TAP host as the lwip column's, the proxy in the stack agent's place
  // (its --executor_tap/_address/_gateway); it starts QEMU there.
  pair->emulation = "QEMU mps2-an385 (Cortex-M3, software emulation)";
  return StartTapStackPair(p.name, p.tap_flag_prefix, column.program, proxy, agent_binary,
                           LinkNet(link), pair);
}

}  // namespace closeprobe::controller
