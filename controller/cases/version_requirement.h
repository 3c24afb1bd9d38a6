// VersionRequirement: an expectation's platform_version (">= 6.1"), parsed
// once when the case is loaded, and compared with the stack version an agent
// reports, number by number ("6.1.0-31-amd64" >= "6.1").
#ifndef CLOSEPROBE_CONTROLLER_CASES_VERSION_REQUIREMENT_H_
#define CLOSEPROBE_CONTROLLER_CASES_VERSION_REQUIREMENT_H_

#include <string>

#include "absl/status/statusor.h"

namespace closeprobe::controller {

struct VersionRequirement {
  std::string op;       // >= > <= < == !=
  std::string version;  // "6.1"
};

// InvalidArgument (without a location) for text that is not OP VERSION.
absl::StatusOr<VersionRequirement> ParseVersionRequirement(const std::string& text);

// False for a version without numbers.
bool VersionSatisfies(const std::string& version, const VersionRequirement& r);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_VERSION_REQUIREMENT_H_
