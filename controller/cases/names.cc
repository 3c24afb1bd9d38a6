#include "controller/cases/names.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace closeprobe::controller {
namespace {

constexpr char kErrorPrefix[] = "ERROR_NAME_";
constexpr char kStatePrefix[] = "TCP_STATE_";
constexpr char kOptionPrefix[] = "SOCKET_OPTION_";

}  // namespace

std::string ErrorText(v1::ErrorName e) {
  return std::string(absl::StripPrefix(v1::ErrorName_Name(e), kErrorPrefix));
}

std::string PollEventText(v1::PollEvent e) {
  return std::string(absl::StripPrefix(v1::PollEvent_Name(e), "POLL_EVENT_"));
}

std::string PollEventsText(const google::protobuf::RepeatedField<int>& events) {
  std::vector<std::string> names;
  for (int e : events) names.push_back(PollEventText(static_cast<v1::PollEvent>(e)));
  return names.empty() ? "none" : absl::StrJoin(names, "|");
}

std::string StateText(v1::TcpState s) {
  return std::string(absl::StripPrefix(v1::TcpState_Name(s), kStatePrefix));
}

bool ParseErrorText(const std::string& text, v1::ErrorName* out) {
  return !absl::StartsWith(text, kErrorPrefix) && text != "UNSPECIFIED" &&
         v1::ErrorName_Parse(absl::StrCat(kErrorPrefix, text), out);
}

bool ParseStateText(const std::string& text, v1::TcpState* out) {
  return !absl::StartsWith(text, kStatePrefix) && text != "UNSPECIFIED" &&
         v1::TcpState_Parse(absl::StrCat(kStatePrefix, text), out);
}

bool ParseOptionText(const std::string& text, v1::SocketOption* out) {
  return !absl::StartsWith(text, kOptionPrefix) && text != "UNSPECIFIED" &&
         v1::SocketOption_Parse(absl::StrCat(kOptionPrefix, text), out);
}

}  // namespace closeprobe::controller
