// Commands: one function per `closeprobe` command, each taking the flags
// parsed once into a Config (main.cc), and the table that names them with
// their usage and their own flags (for --help).
#ifndef CLOSEPROBE_CONTROLLER_COMMANDS_COMMANDS_H_
#define CLOSEPROBE_CONTROLLER_COMMANDS_COMMANDS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "controller/cases/platforms.h"

namespace closeprobe::controller {

// Exit statuses; a run's own comes from ExitStatusFor (judge/verdicts.h),
// which keeps these meanings.
constexpr int kExitUsage = 2;  // bad usage or an invalid case (files: nothing ran)
constexpr int kExitInfra = 3;  // an agent unreachable, hosts not started, a file not writable...

// Every flag's value, read once.
struct Config {
  std::vector<std::string> args;  // the command's positional arguments
  std::vector<std::pair<std::string, std::string>> agents;  // --agent ROLE=TARGET, in order
  std::string out;
  std::string resume;
  int jobs = 32;
  std::string topology;
  std::string agent_binary;
  // A platform's agent program instead of the one beside closeprobe
  // (--agent_lwip_binary, --agent_gvisor_binary).
  std::map<std::string, std::string> agent_programs;
  std::string runsc;
  std::string guest_dir;
  bool lwip_fast_forward = true;
  std::vector<Platform> platforms;  // --platforms, parsed once
  std::string token_file;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  int lease_ms = 10000;
  int port_base = 20000;
  std::string cases_dir;
  std::string claims;  // claims files or folders, comma-separated
  std::string color;
  std::string platform;
  std::string baselines;
  std::string report;
};

struct Command {
  const char* name;
  const char* synopsis;           // "run [CASES...]"
  std::string what;               // one paragraph
  std::vector<const char*> flags;  // the command's own flags, by name
  int (*handler)(const Config&);
};

// Every command, in the order --help lists them.
const std::vector<Command>& Commands();

int RunCommand(const Config& config);       // run_command.cc
int ValidateCommand(const Config& config);  // case_commands.cc
int ListCommand(const Config& config);      // case_commands.cc
int ShowCommand(const Config& config);      // report_commands.cc
int ReportCommand(const Config& config);    // report_commands.cc
int FindingsCommand(const Config& config);  // report_commands.cc
int MergeCommand(const Config& config);     // report_commands.cc
int AcceptCommand(const Config& config);    // baseline_commands.cc
int DiffCommand(const Config& config);      // baseline_commands.cc
int PingCommand(const Config& config);      // ping_command.cc

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_COMMANDS_COMMANDS_H_
