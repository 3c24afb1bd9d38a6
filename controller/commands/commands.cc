#include "controller/commands/commands.h"

#include "absl/strings/str_cat.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

// "report.json (the record ...), report.html (...)": the report formats.
std::string FormatList() {
  std::string list;
  for (const ReportFormat& f : ReportFormats()) {
    absl::StrAppend(&list, list.empty() ? "" : ", ", f.file, " (", f.what, ")");
  }
  return list;
}

}  // namespace

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"run", "run [CASES...] [--agent ROLE=HOST:PORT]...",
       absl::StrCat("Runs case files or folders (default: --cases_dir) on real stacks and prints "
                    "the matrix. Without --agent it starts its own agents (see --topology); each "
                    "--agent subject=... is a matrix column, played against the --agent "
                    "peer=.... Writes into DIR (--out DIR): ",
                    FormatList(), "; and pcap/, each row's capture."),
       {"out", "resume", "jobs", "topology", "platforms", "agent_binary", "agent_lwip_binary",
        "agent_gvisor_binary", "runsc", "guest_dir",
        "lwip_fast_forward",
        "token_file", "tls_ca", "tls_cert", "tls_key", "lease_ms", "port_base", "cases_dir",
        "claims", "color", "baselines"},
       &RunCommand},
      {"validate", "validate [CASES...]",
       "Checks case files and the claims files they cite; nothing runs.",
       {"cases_dir", "claims"},
       &ValidateCommand},
      {"list", "list [CASES...]", "Lists the cases' rows, grids expanded.",
       {"cases_dir", "claims"},
       &ListCommand},
      {"show", "show CASE", "A row's ladder diagram and results, as text.",
       {"report", "out", "platform"}, &ShowCommand},
      {"report", "report REPORT.json", "Writes every format again from a saved record.",
       {"out", "color"}, &ReportCommand},
      {"findings", "findings REPORT.json",
       "Refuted, inconclusive and qualified claims, as Markdown.", {}, &FindingsCommand},
      {"accept", "accept REPORT.json",
       "Records the observed outcomes as the baseline of each platform and version "
       "(DIR/P-VERSION.textproto); later runs report every difference from it.",
       {"baselines", "platform"}, &AcceptCommand},
      {"diff", "diff A.json B.json",
       "What run B observed differently from run A, per column (exit 1 if anything but a "
       "race differs).",
       {"platform"}, &DiffCommand},
      {"merge", "merge A.json B.json...",
       "One matrix from runs made on different hosts; each column keeps where and when it "
       "was observed, and a platform no run observed gets a column of the cases' documented "
       "expectations.",
       {"out", "cases_dir", "claims", "color"}, &MergeCommand},
      {"ping", "ping TARGET...", "Is an agent there? Prints what it says of itself.",
       {"token_file", "tls_ca", "tls_cert", "tls_key"}, &PingCommand},
  };
  return *commands;
}

}  // namespace closeprobe::controller
