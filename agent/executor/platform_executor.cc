// NewPlatform() for the proxy agent (closeprobe-agent-executor): socket
// calls go to a stack that runs an executor (docs/executor-protocol.md),
// on a board this agent starts (QEMU's mps2-an385 behind a TAP of its
// network namespace) or on one it reaches by serial line or socket.
#include <unistd.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/executor/executor_board.h"
#include "agent/linux/platform_linux.h"
#include "agent/platform.h"

ABSL_FLAG(std::string, executor, "",
          "The executor: qemu:FIRMWARE.elf (start QEMU's mps2-an385 with it, Ethernet on "
          "--executor_tap), spawn:PROGRAM (start an executor on this host, e.g. "
          "closeprobe-executor), unix:PATH, tcp:HOST:PORT or serial:DEVICE.");
ABSL_FLAG(std::string, executor_tap, "", "The TAP device a started board's Ethernet uses.");
ABSL_FLAG(std::string, executor_mac, "02:00:00:00:00:02", "The started board's MAC address.");
ABSL_FLAG(std::string, executor_address, "",
          "The stack's IPv4 address; given to the executor (IFCONFIG) when it can take one.");
ABSL_FLAG(int, executor_prefix, 24, "Prefix length of --executor_address's network.");
ABSL_FLAG(std::string, executor_gateway, "", "The stack's gateway (the Linux peer's address).");
ABSL_FLAG(std::string, executor_platform, "",
          "The platform (matrix column) this agent reports, e.g. lwip-firmware; default "
          "executor-<stack>.");
ABSL_FLAG(bool, executor_local_stack, false,
          "The executor's stack is this network namespace's kernel (an executor on this host, "
          "e.g. spawn:closeprobe-executor): capture (root), faults (--allow_faults) and "
          "settings (--allow_settings) act on it here, as the Linux agent's do. A started "
          "board's TAP is captured without it.");
ABSL_FLAG(bool, executor_reboot_between_sessions, true,
          "Reboot the executor (its REBOOT verb) when the last session ends, so that a case "
          "never meets another's leftovers (a crash, a stuck worker, a connection); the agent "
          "then says it serves one case at a time.");
ABSL_FLAG(bool, executor_fast_forward, true,
          "While a wait_state waits for TIME_WAIT to end and nothing else could notice, skip "
          "the stack's timers there (ADVANCE); waits then report stack time.");

namespace closeprobe::agent {
namespace {

// HELLO until answered: a board that just started may not read yet.
absl::StatusOr<ExecutorReply> Hello(ExecutorLink& link, absl::Duration wait) {
  const absl::Time deadline = absl::Now() + wait;
  absl::Status last = absl::DeadlineExceededError("no HELLO");
  while (absl::Now() < deadline) {
    absl::StatusOr<ExecutorReply> r = link.Call("HELLO", absl::Milliseconds(250));
    if (r.ok() && r->status == "OK") return r;
    if (!r.ok()) last = r.status();
    if (link.closed()) break;
  }
  return absl::UnavailableError(absl::StrCat("the executor did not answer HELLO: ", last.message()));
}

absl::Status Connect(ExecutorBoard* board) {
  std::string target = absl::GetFlag(FLAGS_executor);
  if (target.empty()) return absl::InvalidArgumentError("the executor agent needs --executor");
  if (absl::StartsWith(target, "qemu:")) {
    if (absl::GetFlag(FLAGS_executor_tap).empty()) {
      return absl::InvalidArgumentError("--executor=qemu:... needs --executor_tap");
    }
    board->qemu = std::make_unique<QemuBoard>();
    absl::StatusOr<std::string> pipe = board->qemu->Start(
        target.substr(5), absl::GetFlag(FLAGS_executor_tap), absl::GetFlag(FLAGS_executor_mac));
    if (!pipe.ok()) return pipe.status();
    target = *pipe;
  }
  absl::StatusOr<int> fd;
  if (absl::StartsWith(target, "spawn:")) {
    board->local = std::make_unique<LocalExecutor>();
    fd = board->local->Start(target.substr(6));
  } else {
    fd = OpenExecutorPipe(target, absl::Seconds(10));
  }
  if (!fd.ok()) return fd.status();
  board->link = std::make_unique<ExecutorLink>(*fd);
  absl::StatusOr<ExecutorReply> hello = Hello(*board->link, absl::Seconds(10));
  if (!hello.ok()) return hello.status();
  board->hello = *hello;
  board->workers = std::make_unique<WorkerSlots>(hello->Int("workers", 1));
  board->platform = absl::GetFlag(FLAGS_executor_platform);
  if (board->platform.empty()) board->platform = "executor-" + hello->Key("stack");
  board->address = absl::GetFlag(FLAGS_executor_address);
  board->prefix = absl::GetFlag(FLAGS_executor_prefix);
  if (board->address.empty() || !board->Has("IFCONFIG")) return absl::OkStatus();
  const std::string gateway = absl::GetFlag(FLAGS_executor_gateway);
  const std::string ifconfig = absl::StrCat("IFCONFIG ", board->address, " ", board->prefix,
                                            " ", gateway.empty() ? "0.0.0.0" : gateway);
  // A board that restarts (a panic) forgets its address: it is given again.
  ExecutorLink* link = board->link.get();
  board->reconfigure = [link, ifconfig] {
    for (int i = 0; i < 20; ++i) {  // the board answers again within ~0.2 s
      absl::StatusOr<ExecutorReply> r = link->Call(ifconfig, absl::Milliseconds(250));
      if (r.ok() && r->status == "OK") return;
    }
  };
  board->boots_handled = board->link->boots();
  board->WatchRestarts();
  absl::StatusOr<ExecutorReply> r = board->link->Call(ifconfig, absl::Seconds(5));
  if (!r.ok()) return r.status();
  if (r->status != "OK") return absl::InternalError(absl::StrCat("IFCONFIG: ", r->line));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Platform> NewPlatform(const PlatformOptions& options) {
  auto board = std::make_shared<ExecutorBoard>();
  absl::Status s = Connect(board.get());
  if (!s.ok()) return s;
  Platform p;
  p.sockets = NewExecutorSocketApi(board);
  p.states = NewExecutorStateObserver(board);
  p.info = NewExecutorPlatformInfo(board);
  p.error_name = ExecutorErrorName;
  // Every frame of a started board crosses the TAP in this namespace.
  const bool local_stack = absl::GetFlag(FLAGS_executor_local_stack);
  const bool root = geteuid() == 0;
  if (root && (board->qemu != nullptr || local_stack)) p.capture = NewPcapWireCapture("");
  // Faults: in the executor's own packet path where it has FAULT (no
  // privilege needed), else the kernel's rules for a local stack.
  if (options.allow_faults && board->Has("FAULT")) {
    p.faults = NewExecutorFaultInjector(board);
  } else if (root && local_stack && options.allow_faults) {
    p.faults = NewNftablesFaultInjector(/*bridge=*/false);
  }
  if (root && local_stack && options.allow_settings) p.settings = NewLinuxStackSettings(/*gvisor=*/false);
  if (absl::GetFlag(FLAGS_executor_reboot_between_sessions) && board->Has("REBOOT")) {
    board->reboots_between_sessions = true;
    p.reset_when_idle = [board] {
      absl::StatusOr<absl::Duration> took = board->Reboot("rebooted between sessions");
      board->ForgetPorts();
      std::fprintf(stderr, "closeprobe-agent-executor: reboot between sessions: %s\n",
                   took.ok() ? absl::FormatDuration(*took).c_str()
                             : std::string(took.status().message()).c_str());
    };
  }
  if (absl::GetFlag(FLAGS_executor_fast_forward) && board->Has("ADVANCE")) {
    p.clock = NewExecutorStackClock(board);
  }
  return p;
}

}  // namespace closeprobe::agent
