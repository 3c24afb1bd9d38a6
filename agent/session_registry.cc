#include "agent/session_registry.h"

#include <random>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace closeprobe::agent {
namespace {

std::string NewSessionId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

}  // namespace

void Session::AddCleanup(const std::string& key, std::function<void()> undo) {
  absl::MutexLock lock(&cleanup_mu_);
  for (const auto& c : cleanups_) {
    if (c.first == key) return;
  }
  cleanups_.emplace_back(key, std::move(undo));
}

bool Session::DropCleanup(const std::string& key) {
  absl::MutexLock lock(&cleanup_mu_);
  for (auto it = cleanups_.begin(); it != cleanups_.end(); ++it) {
    if (it->first == key) {
      cleanups_.erase(it);
      return true;
    }
  }
  return false;
}

bool Session::HasCleanup(const std::string& key) {
  absl::MutexLock lock(&cleanup_mu_);
  for (const auto& [k, undo] : cleanups_) {
    if (k == key) return true;
  }
  return false;
}

void Session::RunCleanups() {
  std::vector<std::pair<std::string, std::function<void()>>> work;
  {
    absl::MutexLock lock(&cleanup_mu_);
    work.swap(cleanups_);
  }
  for (auto it = work.rbegin(); it != work.rend(); ++it) it->second();
}

ActiveSession::~ActiveSession() {
  if (session_ != nullptr) registry_->Release(session_);
}

SessionRegistry::SessionRegistry(SocketApi* sockets, SessionLimits limits,
                                 std::function<void()> when_idle)
    : sockets_(sockets),
      limits_(limits),
      when_idle_(std::move(when_idle)),
      reaper_([this] { ReapLoop(); }) {}

SessionRegistry::~SessionRegistry() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  reaper_.join();
  CloseAll();
}

absl::StatusOr<std::shared_ptr<Session>> SessionRegistry::Open(
    absl::Duration lease) {
  if (lease == absl::ZeroDuration()) lease = limits_.default_lease;
  if (lease < absl::Milliseconds(100) || lease > limits_.max_lease) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lease_ms must be between 100 and ",
        absl::ToInt64Milliseconds(limits_.max_lease), ", got ",
        absl::ToInt64Milliseconds(lease)));
  }
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](bool* resetting) { return !*resetting; }, &resetting_));
  if (static_cast<int>(sessions_.size()) >= limits_.max_sessions) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the agent already has ", sessions_.size(), " sessions (limit ",
        limits_.max_sessions, ")"));
  }
  auto session = std::make_shared<Session>(NewSessionId(), lease,
                                           limits_.max_sockets_per_session);
  session->expires_ = absl::Now() + lease;
  sessions_[session->id()] = session;
  return session;
}

absl::StatusOr<ActiveSession> SessionRegistry::Acquire(const std::string& id) {
  if (id.empty()) return absl::InvalidArgumentError("the request names no session");
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "session '", id, "' does not exist (closed, or its lease expired)"));
  }
  ++it->second->in_flight_;
  return ActiveSession(this, it->second);
}

void SessionRegistry::Release(const std::shared_ptr<Session>& session) {
  absl::MutexLock lock(&mu_);
  --session->in_flight_;
  session->expires_ = absl::Now() + session->lease();
}

absl::StatusOr<int> SessionRegistry::Close(const std::string& id) {
  std::shared_ptr<Session> session;
  {
    absl::MutexLock lock(&mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
      return absl::NotFoundError(absl::StrCat("session '", id, "' does not exist"));
    }
    session = it->second;
    sessions_.erase(it);
  }
  const int closed = Teardown(*session);
  ResetIfIdle();
  return closed;
}

void SessionRegistry::ResetIfIdle() {
  if (when_idle_ == nullptr) return;
  {
    absl::MutexLock lock(&mu_);
    if (!sessions_.empty() || resetting_ || stopping_) return;
    resetting_ = true;
  }
  when_idle_();
  absl::MutexLock lock(&mu_);
  resetting_ = false;
}

void SessionRegistry::CloseAll() {
  std::map<std::string, std::shared_ptr<Session>> all;
  {
    absl::MutexLock lock(&mu_);
    all.swap(sessions_);
  }
  for (auto& [id, session] : all) Teardown(*session);
}

int SessionRegistry::SessionCount() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(sessions_.size());
}

int SessionRegistry::Teardown(Session& session) {
  session.RunCleanups();
  std::vector<NativeSocket> open = session.handles().TakeAllOpen();
  for (NativeSocket s : open) sockets_->Discard(s);
  return static_cast<int>(open.size());
}

void SessionRegistry::ReapLoop() {
  for (;;) {
    std::vector<std::shared_ptr<Session>> expired;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(100));
      if (stopping_) return;
      const absl::Time now = absl::Now();
      for (auto it = sessions_.begin(); it != sessions_.end();) {
        Session& s = *it->second;
        if (s.in_flight_ == 0 && s.expires_ <= now) {
          expired.push_back(it->second);
          it = sessions_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& session : expired) Teardown(*session);
    if (!expired.empty()) ResetIfIdle();
  }
}

}  // namespace closeprobe::agent
