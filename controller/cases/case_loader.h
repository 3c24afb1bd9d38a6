// CaseLoader: reads a case file (text format of closeprobe.v1.Case) and keeps
// where every field was written, so later checks can say file:line:column.
//
// Errors: absl::InvalidArgumentError whose message starts with
// "FILE:LINE:COLUMN: " (1-based), for syntax errors, unknown fields and bad
// enum values alike; absl::NotFoundError when the file cannot be read.
#ifndef CLOSEPROBE_CONTROLLER_CASE_LOADER_H_
#define CLOSEPROBE_CONTROLLER_CASE_LOADER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closeprobe/v1/case.pb.h"
#include "controller/cases/version_requirement.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {

// A step's names, resolved once by the validator.
struct ResolvedStep {
  v1::SocketOption option = v1::SOCKET_OPTION_UNSPECIFIED;  // getsockopt
  v1::TcpState state = v1::TCP_STATE_UNSPECIFIED;           // wait_state
  std::string where;  // "FILE:LINE:COLUMN" of the step, for errors while it runs
};

// An expectation's names and version range, resolved once by the validator
// (UNSPECIFIED: the expectation does not check it).
struct ResolvedExpectation {
  v1::ErrorName error = v1::ERROR_NAME_UNSPECIFIED;
  v1::TcpState state = v1::TCP_STATE_UNSPECIFIED;
  v1::TcpState seen = v1::TCP_STATE_UNSPECIFIED;
  std::optional<VersionRequirement> version;  // platform_version
};

struct LoadedCase {
  std::string file;
  v1::Case spec;
  // Where each field was written, so the validator can point at lines;
  // shared by a grid's iterations.
  std::shared_ptr<const google::protobuf::TextFormat::ParseInfoTree> locations;
  // A grid iteration (case_grid.h) keeps what it came from: the file's case
  // name, its parameter values in declaration order, and for each of its
  // steps and expectations the index in the file (empty: the same index).
  std::string base_name;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<int> step_origin;
  std::vector<int> expect_origin;
  std::vector<int> settings_origin;
  std::vector<int> placement_origin;
  // Pairings: the platform the roles other than the subject run on ("" =
  // the column's reference peer).
  std::string peer_platform;
  // Filled by the validator, one per step and expectation of `spec`.
  std::vector<ResolvedStep> steps;
  std::vector<ResolvedExpectation> expects;
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
