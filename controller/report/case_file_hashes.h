// CaseFileHashes: each case file's content hash, kept in the record
// (Report.case_file_hashes), so that comparing two runs can tell a changed
// case from a changed stack. The hash is FNV-1a (64 bits) of the file's
// bytes, as 16 hex digits: it notices edits; it is no protection against
// someone forging a file.
#ifndef CLOSEPROBE_CONTROLLER_REPORT_CASE_FILE_HASHES_H_
#define CLOSEPROBE_CONTROLLER_REPORT_CASE_FILE_HASHES_H_

#include <string>
#include <vector>

#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// The hash of `text`.
std::string ContentHash(const std::string& text);

// For each file: its stem (the case's name) -> the hash of its content.
// A file that cannot be read gets no entry.
void RecordCaseFileHashes(const std::vector<std::string>& files, v1::Report* report);

// The cases both reports ran whose files differ, each as
// "name (HASH_A -> HASH_B)", by name.
std::vector<std::string> ChangedCaseFiles(const v1::Report& a, const v1::Report& b);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_REPORT_CASE_FILE_HASHES_H_
