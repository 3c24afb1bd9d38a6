// Companion agents' names (see companion_key.h).
#include "controller/cases/companion_key.h"

#include "absl/strings/str_cat.h"

namespace closeprobe::controller {

std::string CompanionKey(bool beside_subject, v1::Placement::Process process) {
  if (process == v1::Placement::PROCESS_SAME) return "";
  return absl::StrCat(beside_subject ? "subject" : "peer", "/",
                      process == v1::Placement::PROCESS_OWN ? "own" : "other_user");
}

}  // namespace closeprobe::controller
