// libFuzzer target: case files as a user might write them (or mistype
// them): loading (parsing, validation, grid expansion, name resolution) must
// reject bad input with a message, never crash, hang or exhaust memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/cases/case_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<closeprobe::controller::CaseSet> set =
      closeprobe::controller::ParseCaseSet("cases/fuzz.textproto", text);
  if (!set.ok()) return 0;
  closeprobe::controller::ExpandPairings({"linux", "lwip"}, &*set);
  for (const auto& row : set->rows) (void)row.spec.name();
  return 0;
}
