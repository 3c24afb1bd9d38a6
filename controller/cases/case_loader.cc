#include "controller/cases/case_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"

namespace closeprobe::controller {
namespace {

// For the parser's "Unknown enumeration value of "X" for field "how"": the
// values the field takes, so the message says how to fix it.
std::string EnumValuesOf(const std::string& message, const google::protobuf::FileDescriptor* file) {
  const std::string marker = "for field \"";
  const size_t at = message.find(marker);
  if (message.find("Unknown enumeration value") == std::string::npos || at == std::string::npos ||
      file == nullptr) {
    return "";
  }
  const size_t start = at + marker.size();
  const std::string field = message.substr(start, message.find('"', start) - start);
  for (int i = 0; i < file->message_type_count(); ++i) {
    const auto* f = file->message_type(i)->FindFieldByName(field);
    if (f == nullptr || f->enum_type() == nullptr) continue;
    std::vector<std::string> values;
    for (int v = 1; v < f->enum_type()->value_count(); ++v) {
      values.push_back(f->enum_type()->value(v)->name());
    }
    return absl::StrCat(" (one of ", absl::StrJoin(values, ", "), ")");
  }
  return "";
}

// Collects the parser's messages with their positions (0-based from protobuf).
class Collector final : public google::protobuf::io::ErrorCollector {
 public:
  Collector(std::string file, const google::protobuf::FileDescriptor* schema)
      : file_(std::move(file)), schema_(schema) {}
  void AddError(int line, int column, const std::string& message) override {
    errors_.push_back(absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message,
                                   EnumValuesOf(message, schema_)));
  }
  void AddWarning(int line, int column, const std::string& message) override {}
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string file_;
  const google::protobuf::FileDescriptor* schema_;
  std::vector<std::string> errors_;
};

}  // namespace

absl::Status ParseTextProto(const std::string& file, const std::string& text,
                            google::protobuf::Message* message,
                            google::protobuf::TextFormat::ParseInfoTree* locations) {
  Collector collector(file, message->GetDescriptor()->file());
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (locations != nullptr) parser.WriteLocationsTo(locations);
  if (parser.ParseFromString(text, message)) return absl::OkStatus();
  if (collector.errors().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ":1:1: cannot parse"));
  }
  return absl::InvalidArgumentError(absl::StrJoin(collector.errors(), "\n"));
}

absl::StatusOr<LoadedCase> ParseCase(const std::string& file, const std::string& text) {
  LoadedCase loaded;
  loaded.file = file;
  auto locations = std::make_shared<google::protobuf::TextFormat::ParseInfoTree>();
  loaded.locations = locations;
  absl::Status s = ParseTextProto(file, text, &loaded.spec, locations.get());
  if (!s.ok()) return s;
  loaded.base_name = loaded.spec.name();
  // As written (a grid's iterations keep only their own, case_grid.h).
  for (int i = 0; i < loaded.spec.step_size(); ++i) {
    loaded.steps.push_back({loaded.spec.step(i), i, {}});
  }
  for (int i = 0; i < loaded.spec.expect_size(); ++i) {
    loaded.expects.push_back({loaded.spec.expect(i), i, {}, {}});
  }
  return loaded;
}

absl::StatusOr<LoadedCase> LoadCaseFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the file"));
  std::stringstream text;
  text << in.rdbuf();
  return ParseCase(path, text.str());
}

absl::StatusOr<std::vector<std::string>> ExpandCasePaths(
    const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(arg, ec)) {
        if (entry.path().extension() == ".textproto") found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(arg, ec)) {
      files.push_back(arg);
    } else {
      return absl::NotFoundError(absl::StrCat(arg, ": no such file or folder"));
    }
  }
  return files;
}

}  // namespace closeprobe::controller
