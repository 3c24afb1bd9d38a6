// CommandSupport: what several commands share: loading the case set once,
// reading and judging a saved report, writing every format, and reading the
// credentials agents want. Problems are printed here, once; callers only
// choose the exit status.
#ifndef CLOSEPROBE_CONTROLLER_COMMANDS_COMMAND_SUPPORT_H_
#define CLOSEPROBE_CONTROLLER_COMMANDS_COMMAND_SUPPORT_H_

#include <set>
#include <string>

#include "closeprobe/v1/report.pb.h"
#include "controller/cases/case_set.h"
#include "controller/commands/commands.h"
#include "controller/judge/verdicts.h"
#include "controller/run/agent_client.h"

namespace closeprobe::controller {

// The case set of the command's arguments (default: --cases_dir); false,
// with every problem printed, if any file is invalid.
bool LoadCases(const Config& config, CaseSet* set);


// Reads a report given as a folder or a report.json path, and judges it;
// false with the reason printed.
bool LoadReport(std::string path, JudgedReport* report);

// Writes every format into --out and prints the matrix; false (with the
// reason printed) if the files could not be written.
bool WriteAndPrint(const Config& config, const v1::Report& report, const MatrixRows& rows);

// What this controller presents to agents, read once from the flags' files.
struct Credentials {
  std::string token;  // --token_file
  ClientTls tls;      // --tls_ca, --tls_cert, --tls_key
};
// False, with the reason printed, if a file named cannot be read.
bool ReadCredentials(const Config& config, Credentials* out);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_COMMANDS_COMMAND_SUPPORT_H_
