// The short names case files and reports use for protocol enums: "ECONNRESET"
// for ERROR_NAME_ECONNRESET, "TIME_WAIT" for TCP_STATE_TIME_WAIT. They come
// from protobuf's generated enum names, never from a hand-written table.
#ifndef CLOSEPROBE_CONTROLLER_NAMES_H_
#define CLOSEPROBE_CONTROLLER_NAMES_H_

#include <string>
#include <vector>

#include "closeprobe/v1/agent.pb.h"
#include "controller/cases/did_you_mean.h"

namespace closeprobe::controller {

std::string ErrorText(v1::ErrorName e);     // "ECONNRESET", "OK"
std::string StateText(v1::TcpState s);      // "TIME_WAIT"
std::string PollEventText(v1::PollEvent e);  // "RDHUP"
// A poll's events joined: "IN|RDHUP"; "none" for an empty set.
std::string PollEventsText(const google::protobuf::RepeatedField<int>& events);
bool ParseErrorText(const std::string& text, v1::ErrorName* out);
bool ParseStateText(const std::string& text, v1::TcpState* out);
bool ParseOptionText(const std::string& text, v1::SocketOption* out);  // "SO_ERROR"

// Every name case files may use for each enum, for messages.
std::vector<std::string> ErrorTexts();
std::vector<std::string> StateTexts();
std::vector<std::string> OptionTexts();

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_NAMES_H_
