#include "controller/cases/names.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace closeprobe::controller {
namespace {

constexpr char kErrorPrefix[] = "ERROR_NAME_";
constexpr char kStatePrefix[] = "TCP_STATE_";
constexpr char kOptionPrefix[] = "SOCKET_OPTION_";

// The names case files use for a protocol enum, without its prefix.
template <typename Enum>
std::vector<std::string> TextsOf(const google::protobuf::EnumDescriptor* type,
                                 std::string (*text)(Enum)) {
  std::vector<std::string> out;
  for (int i = 0; i < type->value_count(); ++i) {
    const std::string t = text(static_cast<Enum>(type->value(i)->number()));
    if (t != "UNSPECIFIED") out.push_back(t);
  }
  return out;
}

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

std::vector<std::string> StateTexts() { return TextsOf(v1::TcpState_descriptor(), &StateText); }
std::vector<std::string> ErrorTexts() { return TextsOf(v1::ErrorName_descriptor(), &ErrorText); }
std::vector<std::string> OptionTexts() {
  std::vector<std::string> out;
  for (int i = 0; i < v1::SocketOption_descriptor()->value_count(); ++i) {
    const std::string t(absl::StripPrefix(v1::SocketOption_descriptor()->value(i)->name(),
                                          "SOCKET_OPTION_"));
    if (t != "UNSPECIFIED") out.push_back(t);
  }
  return out;
}


}  // namespace closeprobe::controller
