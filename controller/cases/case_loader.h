// CaseLoader: reads a case file (text format of closeprobe.v1.Case) and keeps
// where every field was written, so later checks can say file:line:column.
//
// Errors: absl::InvalidArgumentError whose message starts with
// "FILE:LINE:COLUMN: " (1-based), for syntax errors, unknown fields and bad
// enum values alike; absl::NotFoundError when the file cannot be read.
#ifndef CLOSEPROBE_CONTROLLER_CASE_LOADER_H_
#define CLOSEPROBE_CONTROLLER_CASE_LOADER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closeprobe/v1/case.pb.h"
#include "controller/cases/expectation_checks.h"
#include "controller/cases/version_requirement.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {

// A step's names, resolved once by the validator.
struct ResolvedStep {
  v1::SocketOption option = v1::SOCKET_OPTION_UNSPECIFIED;  // getsockopt
  v1::TcpState state = v1::TCP_STATE_UNSPECIFIED;           // wait_state
  std::string where;  // "FILE:LINE:COLUMN" of the step, for errors while it runs
};

// A step of the case as its iteration runs it.
struct CaseStep {
  v1::Step step;
  int origin = 0;      // its index in the file (a grid iteration leaves some out)
  ResolvedStep names;  // filled by the validator
};

// An expectation of the case, resolved once by the validator.
struct CaseExpectation {
  v1::Expectation spec;  // as written: reports copy it
  int origin = 0;        // its index in the file
  ExpectationChecks checks;                   // what it asks of its step; none for a wire check
  std::optional<VersionRequirement> version;  // platform_version
};

struct LoadedCase {
  std::string file;
  v1::Case spec;
  // Where each field was written, so the validator can point at lines;
  // shared by a grid's iterations.
  std::shared_ptr<const google::protobuf::TextFormat::ParseInfoTree> locations;
  // A grid iteration (case_grid.h) keeps what it came from: the file's case
  // name, its parameter values in declaration order, and the index in the
  // file of each entry it kept of a repeated field without an entry struct
  // ("settings", "placement" -> indexes; none: the same index).
  std::string base_name;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::map<std::string, std::vector<int>> origins;
  // Pairings: the platform the roles other than the subject run on ("" =
  // the column's reference peer).
  std::string peer_platform;
  // The iteration's steps and expectations (those of `spec`, in order), each
  // with where it came from and what the validator resolved.
  std::vector<CaseStep> steps;
  std::vector<CaseExpectation> expects;
};

absl::StatusOr<LoadedCase> LoadCaseFile(const std::string& path);

// Text format into `message`, with errors as "FILE:LINE:COLUMN: what" (one
// per line); also for other files of the project (baselines).
absl::Status ParseTextProto(const std::string& file, const std::string& text,
                            google::protobuf::Message* message,
                            google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);
// Same, from text already in memory; `file` is used in messages.
absl::StatusOr<LoadedCase> ParseCase(const std::string& file, const std::string& text);

// The case files a run uses: each argument is a file or a directory (whose
// *.textproto files are taken, sorted). NotFound for a missing path.
absl::StatusOr<std::vector<std::string>> ExpandCasePaths(
    const std::vector<std::string>& args);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASE_LOADER_H_
