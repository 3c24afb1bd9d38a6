// CaseValidator: the semantic checks a parsed case must pass before anything
// runs: names, roles, handle and port references, step ids, expectations.
// Every problem is reported, each as "FILE:LINE:COLUMN: what is wrong".
#ifndef CLOSEPROBE_CONTROLLER_CASE_VALIDATOR_H_
#define CLOSEPROBE_CONTROLLER_CASE_VALIDATOR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/cases/case_loader.h"
#include "controller/cases/claims.h"

namespace closeprobe::controller {

// The case file's rows: its grid expanded (once) into iterations, each
// validated as the case it becomes and with its names resolved into typed
// values (LoadedCase::steps, ::expects). InvalidArgumentError listing every
// problem, one per line. A grid's declarations are checked first.
// A case's claim must be one of `claims` (or empty: a question case).
absl::StatusOr<std::vector<LoadedCase>> ValidateAndExpand(const LoadedCase& c,
                                                           const ClaimSet& claims);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASE_VALIDATOR_H_
