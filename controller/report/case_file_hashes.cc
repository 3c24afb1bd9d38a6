#include "controller/report/case_file_hashes.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace closeprobe::controller {

std::string ContentHash(const std::string& text) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;  // FNV prime
  }
  return absl::StrFormat("%016x", h);
}

void RecordCaseFileHashes(const std::vector<std::string>& files, v1::Report* report) {
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    (*report->mutable_case_file_hashes())[std::filesystem::path(file).stem().string()] =
        ContentHash(text.str());
  }
}

std::vector<std::string> ChangedCaseFiles(const v1::Report& a, const v1::Report& b) {
  const std::map<std::string, std::string> before(a.case_file_hashes().begin(),
                                                  a.case_file_hashes().end());
  std::vector<std::string> changed;
  for (const auto& [name, hash] : before) {
    auto it = b.case_file_hashes().find(name);
    if (it != b.case_file_hashes().end() && it->second != hash) {
      changed.push_back(absl::StrCat(name, " (", hash, " -> ", it->second, ")"));
    }
  }
  return changed;
}

}  // namespace closeprobe::controller
