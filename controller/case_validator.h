// CaseValidator: the semantic checks a parsed case must pass before anything
// runs: names, roles, handle and port references, step ids, expectations.
// Every problem is reported, each as "FILE:LINE:COLUMN: what is wrong".
#ifndef CLOSEPROBE_CONTROLLER_CASE_VALIDATOR_H_
#define CLOSEPROBE_CONTROLLER_CASE_VALIDATOR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/case_loader.h"

namespace closeprobe::controller {

// InvalidArgumentError listing every problem, one per line; OK otherwise.
// A grid's declarations are checked first, then each of its iterations.
absl::Status ValidateCase(const LoadedCase& c);

// An expectation's platform_version, e.g. ">= 6.1".
struct VersionRequirement {
  std::string op;       // >= > <= < == !=
  std::string version;  // "6.1"
};
absl::StatusOr<VersionRequirement> ParseVersionRequirement(const std::string& text);
// Compares number by number ("6.1.0-31-amd64" >= "6.1"); false for a
// version without numbers.
bool VersionSatisfies(const std::string& version, const VersionRequirement& r);

// The step kind's name as written in case files ("close", "wait_state").
std::string StepKind(const v1::Step& step);

// True for step kinds that create the handle named by `as`.
bool CreatesHandle(const v1::Step& step);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASE_VALIDATOR_H_
