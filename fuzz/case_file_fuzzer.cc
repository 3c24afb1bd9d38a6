// libFuzzer target: case files as a user might write them (or mistype
// them): parsing, validation and grid expansion must reject bad input with
// a message, never crash, hang or exhaust memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/case_grid.h"
#include "controller/case_loader.h"
#include "controller/case_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<closeprobe::controller::LoadedCase> loaded =
      closeprobe::controller::ParseCase("cases/fuzz.textproto", text);
  if (!loaded.ok()) return 0;
  if (!closeprobe::controller::ValidateCase(*loaded).ok()) return 0;
  for (const auto& iteration : closeprobe::controller::ExpandGrid(*loaded)) {
    (void)iteration.spec.name();
  }
  return 0;
}
