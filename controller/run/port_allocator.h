// PortAllocator: gives each running case its own block of real ports for the
// symbolic port names its steps use, so cases run in parallel on the same
// hosts without colliding. Blocks lie below Linux's ephemeral range.
#ifndef CLOSEPROBE_CONTROLLER_PORT_ALLOCATOR_H_
#define CLOSEPROBE_CONTROLLER_PORT_ALLOCATOR_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "closeprobe/v1/case.pb.h"

namespace closeprobe::controller {

inline constexpr uint32_t kPortsPerCase = 16;

// The first port of the block of the case run numbered `slot` (0, 1, ...).
// OutOfRange when the block would pass 32767.
absl::StatusOr<uint32_t> PortBlock(uint32_t base, int slot);

// Assigns ports first_port, first_port+1, ... to the case's port names in
// the order they first appear. OutOfRange beyond kPortsPerCase names.
absl::StatusOr<std::map<std::string, uint32_t>> AssignPorts(const v1::Case& spec,
                                                            uint32_t first_port);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_PORT_ALLOCATOR_H_
