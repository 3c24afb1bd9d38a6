// CaseLoader: reads a case file (text format of closeprobe.v1.Case) and keeps
// where every field was written, so later checks can say file:line:column.
//
// Errors: absl::InvalidArgumentError whose message starts with
// "FILE:LINE:COLUMN: " (1-based), for syntax errors, unknown fields and bad
// enum values alike; absl::NotFoundError when the file cannot be read.
#ifndef CLOSEPROBE_CONTROLLER_CASE_LOADER_H_
#define CLOSEPROBE_CONTROLLER_CASE_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closeprobe/v1/case.pb.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {

struct LoadedCase {
  std::string file;
  v1::Case spec;
  // Where each field was written; owned here so the validator can point at lines.
  std::unique_ptr<google::protobuf::TextFormat::ParseInfoTree> locations;
};

absl::StatusOr<LoadedCase> LoadCaseFile(const std::string& path);
// Same, from text already in memory; `file` is used in messages.
absl::StatusOr<LoadedCase> ParseCase(const std::string& file, const std::string& text);

// The case files a run uses: each argument is a file or a directory (whose
// *.textproto files are taken, sorted). NotFound for a missing path.
absl::StatusOr<std::vector<std::string>> ExpandCasePaths(
    const std::vector<std::string>& args);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASE_LOADER_H_
