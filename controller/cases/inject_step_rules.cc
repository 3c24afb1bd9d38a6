#include "controller/cases/inject_step_rules.h"

#include "absl/strings/str_cat.h"

namespace closeprobe::controller {

namespace {
constexpr size_t kMaxPayload = 1400;  // one segment on a 1500-byte link, with options
}  // namespace

std::vector<InjectProblem> CheckInjectStep(const v1::InjectStep& s, const std::string& role,
                                           const std::string& on_role,
                                           const std::string& subject) {
  std::vector<InjectProblem> out;
  if (role == subject) {
    out.push_back({"", absl::StrCat("an inject step sends to the subject '", subject,
                                    "' as from another role; set `role` to the other end")});
  }
  if (role != subject && !on_role.empty() && on_role != role && on_role != subject) {
    out.push_back({"on", absl::StrCat("handle '", s.on(), "' belongs to '", on_role,
                                      "': name a handle of the connection between '", role,
                                      "' and the subject '", subject, "'")});
  }
  if (s.flags().empty()) {
    out.push_back({"flags", "inject needs `flags`, letters of S F R P A U (e.g. \"R\", \"A\")"});
  }
  for (char c : s.flags()) {
    if (std::string("SFRPAU").find(c) == std::string::npos) {
      out.push_back({"flags", absl::StrCat("flag '", std::string(1, c),
                                           "' is not one of S F R P A U")});
    }
  }
  const bool acks = s.flags().find('A') != std::string::npos;
  if (!acks && (s.ack_offset() != 0 || s.ack_base() != v1::SEQUENCE_BASE_UNSPECIFIED)) {
    out.push_back({"ack_offset", "ack_offset and ack_base need the A flag (the field is 0 without it)"});
  }
  if (s.ack_base() == v1::SEQUENCE_BASE_SENDER_NEXT) {
    out.push_back({"ack_base", "an ack acknowledges the subject's numbers: use "
                               "SEQUENCE_BASE_RECEIVER_NEXT or SEQUENCE_BASE_RECEIVER_WINDOW_EDGE"});
  }
  if (!s.from_port().empty() && on_role == role) {
    out.push_back({"from_port", absl::StrCat("handle '", s.on(), "' is the role's own socket, "
                                             "whose port is known: from_port is for a raw peer")});
  }
  if (s.seq_base() == v1::SEQUENCE_BASE_RECEIVER_NEXT) {
    out.push_back({"seq_base", "seq counts the sender's numbers: use SEQUENCE_BASE_SENDER_NEXT "
                               "or SEQUENCE_BASE_RECEIVER_WINDOW_EDGE"});
  }
  const int64_t limit = int64_t{1} << 32;
  if (s.seq_offset() <= -limit || s.seq_offset() >= limit) {
    out.push_back({"seq_offset", "seq_offset must lie within +-2^32"});
  }
  if (s.ack_offset() <= -limit || s.ack_offset() >= limit) {
    out.push_back({"ack_offset", "ack_offset must lie within +-2^32"});
  }
  if (s.has_window() && s.window() > 65535) {
    out.push_back({"window", "window is the raw 16-bit field: 0..65535"});
  }
  if (s.mss() > 65535) out.push_back({"mss", "mss must be 0..65535"});
  if (s.has_window_scale() && s.window_scale() > 14) {
    out.push_back({"window_scale", "window_scale must be 0..14 (RFC 7323 2.3)"});
  }
  if (s.payload().size() > kMaxPayload) {
    out.push_back({"payload", absl::StrCat("payload must be at most ", kMaxPayload, " bytes")});
  }
  if (s.omit_timestamp() && s.has_timestamp()) {
    out.push_back({"omit_timestamp", "give `timestamp` or `omit_timestamp`, not both"});
  }
  return out;
}

}  // namespace closeprobe::controller
