// The record of a run: DIR/report.json in protobuf's JSON mapping.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "controller/matrix_report.h"
#include "google/protobuf/util/json_util.h"

namespace closeprobe::controller {

absl::Status WriteJsonReport(const v1::Report& report, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(dir, ": ", ec.message()));
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(report, &json, options);
  if (!status.ok()) return absl::InternalError(status.ToString());
  // Written beside, then renamed: a reader never sees half a report.
  const std::string path = absl::StrCat(dir, "/report.json");
  {
    std::ofstream out(path + ".tmp");
    out << json;
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  std::filesystem::rename(path + ".tmp", path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", ec.message()));
  return absl::OkStatus();
}

absl::Status ReadJsonReport(const std::string& path, v1::Report* report) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::stringstream text;
  text << in.rdbuf();
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), report);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.ToString()));
  }
  return absl::OkStatus();
}

absl::Status AppendJsonLine(const v1::CaseResult& result, const std::string& path) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(result, &json, options);
  if (!status.ok()) return absl::InternalError(status.ToString());
  std::ofstream out(path, std::ios::app);
  out << json << "\n";
  out.flush();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot append to ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::CaseResult>> ReadJsonLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::vector<v1::CaseResult> results;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    v1::CaseResult r;
    auto status = google::protobuf::util::JsonStringToMessage(line, &r);
    // A line cut short by a crash ends the record; what came before stands.
    if (!status.ok()) break;
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace closeprobe::controller
