// Platforms: every stack a matrix column can name, said once. A row says
// what the column is called (as --platforms and `expect { platform }` spell
// it), whose expectations it falls back on, and how `closeprobe run` starts
// it locally. The validator's known names, --platforms parsing, the local
// hosts and the judge's fallback all read this table; a new local stack is
// one row here plus its agent.
//
// The table is constant; every function is safe to call from any thread.
#ifndef CLOSEPROBE_CONTROLLER_CASES_PLATFORMS_H_
#define CLOSEPROBE_CONTROLLER_CASES_PLATFORMS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace closeprobe::controller {

// How a local column's stack runs (controller/hosts/ starts each kind).
enum class HostKind {
  kNamespacePair,  // the agent in a network namespace, a Linux peer across veth
  kTapStack,       // a user-space stack in the agent's process on a TAP device
  kRunscSandbox,   // the Linux agent inside gVisor's runsc
  kQemuGuest,      // another Linux kernel under QEMU
  kExecutor,       // a stack speaking docs/executor-protocol.md behind the proxy agent
  kDocumented,     // never run here: expectations from the stack's documentation only
};

struct Platform {
  std::string name;       // the column: "lwip", "linux-6.1"
  std::string falls_back;  // whose expectations apply where it has none ("" = none)
  HostKind host = HostKind::kDocumented;
  // The agent program beside the controller (kNamespacePair, kTapStack,
  // kRunscSandbox: the program inside the sandbox; kExecutor: the proxy).
  std::string agent_program;
  // kTapStack, kExecutor: the prefix of the agent's TAP flags (--lwip_tap ...).
  std::string tap_flag_prefix;
  // More flags for its agent.
  std::vector<std::string> agent_flags;
  // Its agent can skip idle time to the next timer (--PREFIX_fast_forward),
  // which `closeprobe run --lwip_fast_forward` turns on or off.
  bool fast_forward = false;
  // kExecutor: what the proxy runs: "qemu:FILE" or "spawn:PROGRAM", FILE and
  // PROGRAM beside the controller.
  std::string executor;
  std::string description;  // for --help: what it is and what it needs
};

// Every row, in the order columns appear. "linux-X.Y" rows are made on
// demand from the kQemuGuest pattern row ("linux-X.Y").
const std::vector<Platform>& Platforms();

// The row for `name`, if any; "linux-6.1" gives the guest row named so.
std::optional<Platform> FindPlatform(const std::string& name);

// `--platforms` parsed once: the rows in the user's order, each named as the
// user wrote it. An unknown or documented-only name is an error naming the
// known ones, with a did-you-mean.
absl::StatusOr<std::vector<Platform>> ParsePlatformList(const std::string& list);

// Every name `expect { platform }` may use: the runnable rows and the
// documented ones.
std::vector<std::string> ExpectationPlatformNames();

// The --platforms help: one line per runnable row.
std::string PlatformHelp();

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_PLATFORMS_H_
