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

// Collects the parser's messages with their positions (0-based from protobuf).
class Collector final : public google::protobuf::io::ErrorCollector {
 public:
  explicit Collector(std::string file) : file_(std::move(file)) {}
  void AddError(int line, int column, const std::string& message) override {
    errors_.push_back(absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int line, int column, const std::string& message) override {}
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

}  // namespace

absl::Status ParseTextProto(const std::string& file, const std::string& text,
                            google::protobuf::Message* message,
                            google::protobuf::TextFormat::ParseInfoTree* locations) {
  Collector collector(file);
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
      return absl::NotFoundError(absl::StrCat(arg, ": no such case file or directory"));
    }
  }
  return files;
}

}  // namespace closeprobe::controller
