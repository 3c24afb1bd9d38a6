#include "controller/cases/case_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
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

constexpr int kMaxParseErrors = 50;

// The 0-based line of a "FILE:LINE:COL: ..." message; -1 if it has none.
int FirstErrorLine(const std::string& error, const std::string& file) {
  int line = 0;
  const std::string rest = error.substr(std::min(error.size(), file.size() + 1));
  if (!absl::SimpleAtoi(rest.substr(0, rest.find(':')), &line)) return -1;
  return line - 1;
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

// The lines of the top-level statement of `text` that holds line `line`
// (0-based), as [first, last]: a statement starts on a line that begins
// outside every brace and runs to the line before the next such line.
std::pair<int, int> StatementLines(const std::vector<std::string>& lines, int line) {
  int depth = 0;
  int first = 0;
  std::vector<int> starts;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    const std::string& l = lines[i];
    const size_t text = l.find_first_not_of(" \t\r");
    if (depth == 0 && text != std::string::npos && l[text] != '#') starts.push_back(i);
    bool quoted = false;
    for (size_t c = 0; c < l.size(); ++c) {
      if (l[c] == '"' && (c == 0 || l[c - 1] != '\\')) quoted = !quoted;
      if (quoted) continue;
      if (l[c] == '#') break;
      if (l[c] == '{' || l[c] == '<' || l[c] == '[') ++depth;
      if ((l[c] == '}' || l[c] == '>' || l[c] == ']') && depth > 0) --depth;
    }
  }
  for (int start : starts) {
    if (start <= line) first = start;
  }
  int last = static_cast<int>(lines.size()) - 1;
  for (int start : starts) {
    if (start > line) {
      last = start - 1;
      break;
    }
  }
  return {first, last};
}

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
  // The parser stops at its first error. To tell every one at once, the
  // statement that failed is blanked (lines kept, so positions hold) and the
  // rest parsed again, until it parses or nothing more can be blanked.
  std::vector<std::string> errors = collector.errors();
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (int attempt = 0; attempt < kMaxParseErrors; ++attempt) {
    const int line = FirstErrorLine(errors.back(), file);
    if (line < 0 || line >= static_cast<int>(lines.size())) break;
    const auto [first, last] = StatementLines(lines, line);
    for (int i = first; i <= last; ++i) lines[i].assign(lines[i].size(), ' ');
    Collector again(file, message->GetDescriptor()->file());
    google::protobuf::TextFormat::Parser rest;
    rest.RecordErrorsTo(&again);
    google::protobuf::Message* scratch = message->New();
    const bool parsed = rest.ParseFromString(absl::StrJoin(lines, "\n"), scratch);
    delete scratch;
    if (parsed || again.errors().empty() ||
        std::find(errors.begin(), errors.end(), again.errors().front()) != errors.end()) {
      break;
    }
    errors.push_back(again.errors().front());
  }
  return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
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
