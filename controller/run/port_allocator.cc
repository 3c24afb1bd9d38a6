#include "controller/run/port_allocator.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "controller/cases/step_kinds.h"

namespace closeprobe::controller {

absl::StatusOr<uint32_t> PortBlock(uint32_t base, int slot) {
  const uint64_t first = base + static_cast<uint64_t>(slot) * kPortsPerCase;
  if (base == 0 || first + kPortsPerCase > 32768) {
    return absl::OutOfRangeError(absl::StrCat(
        "port block ", slot, " from base ", base, " passes 32767; use a lower --port-base"));
  }
  return static_cast<uint32_t>(first);
}

absl::StatusOr<std::map<std::string, uint32_t>> AssignPorts(const v1::Case& spec,
                                                            uint32_t first_port) {
  std::map<std::string, uint32_t> ports;
  for (const v1::Step& step : spec.step()) {
    const std::string name = PortNameOf(step);
    if (name.empty() || ports.count(name) > 0) continue;
    if (ports.size() == kPortsPerCase) {
      return absl::OutOfRangeError(
          absl::StrCat("case ", spec.name(), " uses more than ", kPortsPerCase, " port names"));
    }
    ports[name] = first_port + static_cast<uint32_t>(ports.size());
  }
  return ports;
}

}  // namespace closeprobe::controller
