#ifndef SIGNET_TESTS_TESTING_FAKE_HTTP_CLIENT_H_
#define SIGNET_TESTS_TESTING_FAKE_HTTP_CLIENT_H_

#include <deque>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "http/http_client.h"

namespace signet::testing {

// An HttpClient that records each request and completes it only when the
// test says so, so tests decide what the upstream answers and when.
class FakeHttpClient final : public HttpClient {
 public:
  void Send(HttpRequest request, HttpCallback on_done) override
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    pending_.push_back({std::move(request), std::move(on_done)});
    ++sent_;
  }

  // Requests sent so far, answered or not.
  int sent() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return sent_;
  }
  int pending() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(pending_.size());
  }
  // Waits until `n` requests are unanswered, for requests sent from another
  // thread (a gRPC handler); false if `timeout` passed first.
  bool WaitForPending(int n, absl::Duration timeout = absl::Seconds(10)) const
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return static_cast<int>(pending_.size()) == n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  // The oldest unanswered request (the test must know there is one).
  HttpRequest PeekRequest() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return pending_.front().request;
  }

  // Answers the oldest unanswered request; its callback runs on this thread.
  void Complete(absl::StatusOr<HttpResponse> answer) ABSL_LOCKS_EXCLUDED(mu_) {
    Pending next;
    {
      absl::MutexLock lock(&mu_);
      next = std::move(pending_.front());
      pending_.pop_front();
    }
    std::move(next.on_done)(std::move(answer));
  }

 private:
  struct Pending {
    HttpRequest request;
    HttpCallback on_done;
  };
  mutable absl::Mutex mu_;
  std::deque<Pending> pending_ ABSL_GUARDED_BY(mu_);
  int sent_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_FAKE_HTTP_CLIENT_H_
