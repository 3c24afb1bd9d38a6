// Baseline: the outcomes one platform version showed, accepted as the
// reference (baseline.proto), and the differences of a later run from it.
// Files live in a baselines folder, one per platform and version
// ("linux-6.1.0-31-amd64.textproto"), as text so changes show in a diff.
// Differences are reported apart from claim verdicts: a claim may be refuted
// and still be exactly what the baseline recorded.
#ifndef CLOSEPROBE_CONTROLLER_BASELINE_H_
#define CLOSEPROBE_CONTROLLER_BASELINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closeprobe/v1/baseline.pb.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/judge/verdicts.h"

namespace closeprobe::controller {

// "<platform>-<version>.textproto", the version reduced to [A-Za-z0-9._-].
std::string BaselineFileName(const std::string& platform,
                             const std::string& version);

// The rows of `platform` in a judged report, as a baseline. NotFound if
// the report has no such column.
absl::StatusOr<v1::Baseline> BaselineFrom(const v1::Report& report,
                                          const std::vector<MatrixRow>& rows,
                                          const std::string& platform);

absl::Status WriteBaseline(const v1::Baseline& baseline,
                           const std::string& path);
// InvalidArgument with "FILE:LINE:COLUMN: " for a malformed file.
absl::StatusOr<v1::Baseline> ReadBaseline(const std::string& path);

// Every difference of the judged rows on baseline.platform() from the
// baseline: changed observations and verdicts, new rows, and rows of a case
// the run included that no longer appear. `file` names the baseline in them.
std::vector<v1::BaselineDifference> CompareWithBaseline(
    const v1::Baseline& baseline, const std::vector<MatrixRow>& rows,
    const std::string& file);

// For each column of the report, the baseline of its platform and version
// in `dir`, if there is one: fills report->baseline_differences and
// report->baselines; a column without a baseline gets a warning. Nothing
// happens when `dir` does not exist. Errors: an unreadable baseline.
// The rows must be the report's (JudgeReport); then call
// CountBaselineDifferences.
absl::Status CompareWithBaselines(const std::string& dir, const std::vector<MatrixRow>& rows,
                                  v1::Report* report);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_BASELINE_H_
