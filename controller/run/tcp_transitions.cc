#include "controller/run/tcp_transitions.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "controller/cases/names.h"

namespace closeprobe::controller {
namespace {

using S = v1::TcpState;

// Each state's successors in the state diagram, CLOSED aside (it ends a
// connection, and may open one).
const std::map<S, std::set<S>>& Edges() {
  static const auto* edges = new std::map<S, std::set<S>>{
      {v1::TCP_STATE_BOUND, {v1::TCP_STATE_LISTEN, v1::TCP_STATE_SYN_SENT}},
      {v1::TCP_STATE_LISTEN, {v1::TCP_STATE_SYN_RECEIVED}},
      {v1::TCP_STATE_SYN_SENT, {v1::TCP_STATE_SYN_RECEIVED, v1::TCP_STATE_ESTABLISHED}},
      {v1::TCP_STATE_SYN_RECEIVED, {v1::TCP_STATE_ESTABLISHED, v1::TCP_STATE_FIN_WAIT_1,
                                    v1::TCP_STATE_LISTEN}},
      {v1::TCP_STATE_ESTABLISHED, {v1::TCP_STATE_FIN_WAIT_1, v1::TCP_STATE_CLOSE_WAIT}},
      {v1::TCP_STATE_FIN_WAIT_1, {v1::TCP_STATE_FIN_WAIT_2, v1::TCP_STATE_CLOSING,
                                  v1::TCP_STATE_TIME_WAIT}},
      {v1::TCP_STATE_FIN_WAIT_2, {v1::TCP_STATE_TIME_WAIT}},
      {v1::TCP_STATE_CLOSING, {v1::TCP_STATE_TIME_WAIT}},
      {v1::TCP_STATE_CLOSE_WAIT, {v1::TCP_STATE_LAST_ACK}},
  };
  return *edges;
}

using Graph = std::map<S, std::set<S>>;

bool Reachable(S from, S to, const Graph& edges) {
  std::set<S> seen{from};
  std::vector<S> todo{from};
  while (!todo.empty()) {
    const S s = todo.back();
    todo.pop_back();
    auto it = edges.find(s);
    if (it == edges.end()) continue;
    for (S next : it->second) {
      if (next == to) return true;
      if (seen.insert(next).second) todo.push_back(next);
    }
  }
  return false;
}

// States a connection is in while it is being opened: what may follow a
// first CLOSED (the socket before it had a connection).
bool Opening(S s) {
  return s == v1::TCP_STATE_BOUND || s == v1::TCP_STATE_LISTEN || s == v1::TCP_STATE_SYN_SENT ||
         s == v1::TCP_STATE_SYN_RECEIVED || s == v1::TCP_STATE_ESTABLISHED;
}

}  // namespace

// Both gVisor columns run the same netstack (runsc's, and the agent's own copy).
constexpr char kFinResendSetsState[] =
    "pkg/tcpip/transport/tcp/snd.go maybeSendSegment(): sending the FIN segment sets the "
    "state to LAST_ACK from CLOSE_WAIT and to FIN_WAIT_1 from any other, so retransmitting "
    "the FIN from LAST_ACK moves the endpoint to FIN_WAIT_1";
constexpr char kFinResendFromClosing[] =
    "pkg/tcpip/transport/tcp/snd.go maybeSendSegment(): the same switch moves an endpoint "
    "that retransmits its FIN from CLOSING to FIN_WAIT_1 (seen in "
    "simultaneous_close_first_fin_lost)";

const std::vector<StackTransition>& StackTransitions() {
  static const auto* transitions = new std::vector<StackTransition>{
      {"gvisor", v1::TCP_STATE_LAST_ACK, v1::TCP_STATE_FIN_WAIT_1, kFinResendSetsState},
      {"gvisor-netstack", v1::TCP_STATE_LAST_ACK, v1::TCP_STATE_FIN_WAIT_1, kFinResendSetsState},
      {"gvisor", v1::TCP_STATE_CLOSING, v1::TCP_STATE_FIN_WAIT_1, kFinResendFromClosing},
      {"gvisor-netstack", v1::TCP_STATE_CLOSING, v1::TCP_STATE_FIN_WAIT_1, kFinResendFromClosing},
  };
  return *transitions;
}

std::string ImpossibleStep(const std::vector<v1::TcpState>& states, const std::string& platform) {
  // The diagram, plus the steps this platform's source documents.
  Graph edges = Edges();
  for (const StackTransition& t : StackTransitions()) {
    if (platform == t.platform) edges[t.from].insert(t.to);
  }
  for (size_t i = 1; i < states.size(); ++i) {
    const S from = states[i - 1], to = states[i];
    if (from == to || to == v1::TCP_STATE_CLOSED) continue;  // any state may end in CLOSED
    const std::string step = absl::StrCat(StateText(from), ">", StateText(to));
    if (from == v1::TCP_STATE_CLOSED) {
      if (i == 1 && Opening(to)) continue;
      return absl::StrCat(step, ": a closed connection does not come back");
    }
    if (!Reachable(from, to, edges)) return absl::StrCat(step, ": TCP has no way from one to the other");
  }
  return "";
}

}  // namespace closeprobe::controller
