// closeprobe: runs TCP close-semantics case files against real stacks and
// prints the conformance matrix. This file reads the flags once into a
// Config and dispatches to commands/; `closeprobe --help` explains the rest.

#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/commands/commands.h"
#include "controller/commands/console.h"
#include "controller/commands/data_paths.h"

ABSL_FLAG(std::string, out, "closeprobe-report", "Folder for the report (report.json and the formats made from it).");
ABSL_FLAG(std::string, resume, "",
          "Finish the interrupted run in this folder: the runs its results.jsonl holds are "
          "kept, not run again; the report is written there.");
ABSL_FLAG(int, jobs, 32, "Case runs in parallel (cases mostly wait on TCP timers).");
ABSL_FLAG(std::string, topology, "auto",
          "Local agents when no --agent is given: netns (root: one network namespace per "
          "host, joined by veth, 198.18.0.0/15), loopback, or auto (netns when root).");
ABSL_FLAG(std::string, agent_binary, "",
          "closeprobe-agent to start for the local topology (default: beside this program).");
ABSL_FLAG(bool, lwip_fast_forward, true,
          "The local lwIP agent skips idle time to the timer a wait_state waits for while no "
          "other running case could notice (alone, lwIP's 120 s TIME_WAIT passes in well under "
          "a second); such waits report lwIP time and wall time. false: lwIP in real time.");
ABSL_FLAG(std::string, agent_lwip_binary, "",
          "closeprobe-agent-lwip for the local lwIP host (default: beside this program).");
ABSL_FLAG(std::string, agent_gvisor_binary, "",
          "closeprobe-agent-gvisor for the local gvisor-netstack host (default: beside this "
          "program).");
ABSL_FLAG(std::string, runsc, "runsc",
          "gVisor's runsc for the gvisor column (the Linux agent in a runsc sandbox; looked up "
          "on PATH).");
ABSL_FLAG(std::string, platforms, "linux,lwip,gvisor,gvisor-netstack",
          absl::StrCat("Local platforms to run, comma-separated: the matrix's columns, in this "
                       "order and named so, as far as this machine has them (a column it cannot "
                       "start is a warning that says what it needs). ",
                       closeprobe::controller::PlatformHelp(), "."));
ABSL_FLAG(std::string, guest_dir, "",
          "The guest of a linux-X.Y platform: vmlinuz, initramfs.cpio.gz and release "
          "(default: ../guest/linux-X.Y beside this program).");
ABSL_FLAG(std::string, token_file, "", "Token for agents started with --token_file.");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signed the agents' certificates: talk TLS to agents started with "
          "--tls_cert.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate of this controller, for agents that require client certificates "
          "(--tls_client_ca); with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(int, lease_ms, 10000,
          "Session lease on the agents: if this controller dies, its sockets are closed this "
          "long after its last call.");
ABSL_FLAG(int, port_base, 20000, "First port of the per-case port blocks.");
ABSL_FLAG(std::string, cases_dir, "cases", "Where the case files are when none are named.");
ABSL_FLAG(std::string, claims, "claims",
          "Claims files or folders (comma-separated) that cases may cite: the articles' "
          "claims/articles.textproto, and your own with a prefix (docs/cases.md).");
ABSL_FLAG(std::string, color, "auto", "Colour the matrix: auto, always, never.");
ABSL_FLAG(std::string, platform, "", "Only this platform's column (show: default the first).");
ABSL_FLAG(std::string, baselines, "baselines",
          "run: compare each column with its baseline in this folder (if it exists); accept: "
          "where to write baselines.");
ABSL_FLAG(std::string, report, "", "The report folder or report.json to read (default: --out).");

namespace closeprobe::controller {
namespace {

constexpr char kExitStatus[] =
    "Exit status: 0 every expectation met, 1 some observation deviated, 2 bad usage or an "
    "invalid case (invalid files: nothing ran; a step an agent refused as the case wrote it: "
    "an ERROR row naming its line), 3 infrastructure failure (an agent unreachable or "
    "failing, local hosts that did not start).";

void PrintFlag(const char* name) {
  const absl::CommandLineFlag* f = absl::FindCommandLineFlag(name);
  std::cout << absl::StrFormat("  --%s (default \"%s\")\n      %s\n", name, f->DefaultValue(),
                               f->Help());
}

void PrintUsage(const Command* command) {
  if (command == nullptr) {
    std::cout << "closeprobe: runs TCP close-semantics case files on real stacks and prints "
                 "the conformance matrix.\n\nUsage: closeprobe COMMAND [ARGS] [FLAGS]\n\n";
    for (const Command& c : Commands()) {
      const std::string what = c.what;
      const size_t end = what.find(". ");  // its first sentence (all of it when one)
      std::cout << absl::StrFormat("  %-44s %s\n", c.synopsis,
                                   end == std::string::npos ? what : what.substr(0, end + 1));
    }
    std::cout << "\n'closeprobe COMMAND --help' shows a command's own flags.\n" << kExitStatus << "\n";
    return;
  }
  std::cout << "Usage: closeprobe " << command->synopsis << "\n\n" << command->what << "\n";
  if (!command->flags.empty()) std::cout << "\nFlags:\n";
  for (const char* flag : command->flags) PrintFlag(flag);
  std::cout << "\n" << kExitStatus << "\n";
}

const Command* Find(const std::string& name) {
  for (const Command& c : Commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

// Takes --agent ROLE=TARGET (repeatable; absl keeps only the last) and
// --help out of argv; false, with the reason printed, for a flag closeprobe
// does not have or a malformed --agent.
bool TakeOwnFlags(std::vector<char*>* argv, Config* config, bool* help) {
  std::vector<char*> rest;
  for (size_t i = 0; i < argv->size(); ++i) {
    const std::string a = (*argv)[i];
    if (i == 0 || !absl::StartsWith(a, "-")) {
      rest.push_back((*argv)[i]);
      continue;
    }
    if (a == "--help" || a == "-h" || a == "--helpfull") {
      *help = true;
      continue;
    }
    std::string value;
    if (a == "--agent" && i + 1 < argv->size()) {
      value = (*argv)[++i];
    } else if (absl::StartsWith(a, "--agent=")) {
      value = a.substr(8);
    } else {
      const std::string name = a.substr(a.find_first_not_of('-'), a.find('=') - a.find_first_not_of('-'));
      if (absl::FindCommandLineFlag(name) == nullptr) {
        std::cerr << "closeprobe: unknown flag " << a << " (see 'closeprobe --help')\n";
        return false;
      }
      rest.push_back((*argv)[i]);
      continue;
    }
    const size_t eq = value.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
      std::cerr << "closeprobe: --agent takes ROLE=HOST:PORT (ROLE: subject, peer or a case "
                   "role), got '" << value << "'\n";
      return false;
    }
    config->agents.emplace_back(value.substr(0, eq), value.substr(eq + 1));
  }
  *argv = rest;
  return true;
}

Config ConfigFromFlags(Config config) {
  config.out = absl::GetFlag(FLAGS_out);
  config.resume = absl::GetFlag(FLAGS_resume);
  config.jobs = absl::GetFlag(FLAGS_jobs);
  config.topology = absl::GetFlag(FLAGS_topology);
  config.agent_binary = absl::GetFlag(FLAGS_agent_binary);
  for (const auto& [platform, program] :
       {std::make_pair("lwip", absl::GetFlag(FLAGS_agent_lwip_binary)),
        std::make_pair("gvisor-netstack", absl::GetFlag(FLAGS_agent_gvisor_binary))}) {
    if (!program.empty()) config.agent_programs[platform] = program;
  }
  config.runsc = absl::GetFlag(FLAGS_runsc);
  config.guest_dir = absl::GetFlag(FLAGS_guest_dir);
  config.lwip_fast_forward = absl::GetFlag(FLAGS_lwip_fast_forward);
  config.token_file = absl::GetFlag(FLAGS_token_file);
  config.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  config.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  config.tls_key = absl::GetFlag(FLAGS_tls_key);
  config.lease_ms = absl::GetFlag(FLAGS_lease_ms);
  config.port_base = absl::GetFlag(FLAGS_port_base);
  // Left at their defaults, the shipped claims and cases are found wherever
  // closeprobe runs from (data_paths.h); a path the user gives is theirs.
  config.cases_dir = absl::GetFlag(FLAGS_cases_dir);
  if (config.cases_dir == "cases") config.cases_dir = DataPath("cases");
  config.claims = absl::GetFlag(FLAGS_claims);
  if (config.claims == "claims") config.claims = DataPath("claims");
  config.color = absl::GetFlag(FLAGS_color);
  config.platform = absl::GetFlag(FLAGS_platform);
  config.baselines = absl::GetFlag(FLAGS_baselines);
  config.report = absl::GetFlag(FLAGS_report);
  return config;
}

}  // namespace
}  // namespace closeprobe::controller

int main(int argc, char** argv) {
  using namespace closeprobe::controller;
  HoldInterrupts();
  std::vector<char*> args(argv, argv + argc);
  Config config;
  bool help = false;
  if (!TakeOwnFlags(&args, &config, &help)) return kExitUsage;
  int n = static_cast<int>(args.size());
  std::vector<char*> positional = absl::ParseCommandLine(n, args.data());
  const Command* command = positional.size() < 2 ? nullptr : Find(positional[1]);
  if (help) {
    PrintUsage(command);
    return 0;
  }
  if (command == nullptr) {
    if (positional.size() >= 2) std::cerr << "closeprobe: unknown command '" << positional[1] << "'\n\n";
    PrintUsage(nullptr);
    return kExitUsage;
  }
  config.args.assign(positional.begin() + 2, positional.end());
  // --platforms is read once, here: an unknown name is a usage error.
  absl::StatusOr<std::vector<Platform>> platforms =
      ParsePlatformList(absl::GetFlag(FLAGS_platforms));
  if (!platforms.ok()) {
    std::cerr << "closeprobe: " << platforms.status().message() << "\n";
    return kExitUsage;
  }
  config.platforms = *std::move(platforms);
  return command->handler(ConfigFromFlags(std::move(config)));
}
