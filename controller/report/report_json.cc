// The record of a run: DIR/report.json in protobuf's JSON mapping.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "controller/report/report_writers.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace closeprobe::controller {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Value;

void UpgradeEnumNames(const Descriptor* type, Value* value);

// An enum value as older reports wrote it ("MATCHED"), given its type's
// prefix ("VERDICT_MATCHED") when that is a value of the type.
void UpgradeEnumName(const FieldDescriptor* field, Value* value) {
  if (value->kind_case() != Value::kStringValue) return;
  const auto* type = field->enum_type();
  if (type->FindValueByName(value->string_value()) != nullptr) return;
  const std::string prefix(absl::StripSuffix(type->value(0)->name(), "UNSPECIFIED"));
  const std::string upgraded = absl::StrCat(prefix, value->string_value());
  if (type->FindValueByName(upgraded) != nullptr) value->set_string_value(upgraded);
}

void UpgradeField(const FieldDescriptor* field, Value* value) {
  if (field->is_map()) return;
  if (value->kind_case() == Value::kListValue) {
    for (Value& item : *value->mutable_list_value()->mutable_values()) UpgradeField(field, &item);
  } else if (field->type() == FieldDescriptor::TYPE_ENUM) {
    UpgradeEnumName(field, value);
  } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
    UpgradeEnumNames(field->message_type(), value);
  }
}

// Walks a parsed JSON object alongside its message type.
void UpgradeEnumNames(const Descriptor* type, Value* value) {
  if (value->kind_case() != Value::kStructValue) return;
  for (auto& [name, member] : *value->mutable_struct_value()->mutable_fields()) {
    const FieldDescriptor* field = type->FindFieldByName(name);
    if (field == nullptr) field = type->FindFieldByCamelcaseName(name);
    if (field != nullptr) UpgradeField(field, &member);
  }
}

// Older runs recorded only the verdict; the verdict now follows from the
// recorded stop (and a merge's documented cells say they are documented).
void UpgradeStops(v1::Report* report) {
  for (v1::CaseResult& r : *report->mutable_results()) {
    if (r.stop() != v1::STOP_NONE || r.documented()) continue;
    if (r.verdict() == v1::VERDICT_ERROR) r.set_stop(v1::STOP_AGENT_FAULT);
    if (r.verdict() == v1::VERDICT_NOT_SUPPORTED) r.set_stop(v1::STOP_NOT_SUPPORTED);
    if (r.verdict() == v1::VERDICT_DOCUMENTED) r.set_documented(true);
  }
}

}  // namespace

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
  Value json;
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), &json);
  std::string upgraded;
  if (status.ok()) {
    UpgradeEnumNames(v1::Report::descriptor(), &json);
    status = google::protobuf::util::MessageToJsonString(json, &upgraded);
  }
  // A report of a newer closeprobe may hold fields this one does not know.
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (status.ok()) status = google::protobuf::util::JsonStringToMessage(upgraded, report, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.ToString()));
  }
  UpgradeStops(report);
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
