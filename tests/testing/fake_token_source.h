#ifndef SIGNET_TESTS_TESTING_FAKE_TOKEN_SOURCE_H_
#define SIGNET_TESTS_TESTING_FAKE_TOKEN_SOURCE_H_

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "openapi/token_source.h"

namespace signet::testing {

// A TokenSource whose fetches the test completes by hand, in order, on the
// test's thread. Not thread-safe: the tests that use it are single-threaded.
class FakeTokenSource final : public TokenSource {
 public:
  void Fetch(TokenCallback on_done) override {
    pending_.push_back(std::move(on_done));
    ++fetches_;
  }
  void Rejected(const Secret& token) override {
    rejected_.emplace_back(token.Reveal());
  }

  int fetches() const { return fetches_; }
  // The tokens the cache reported rejected, in order.
  const std::vector<std::string>& rejected() const { return rejected_; }
  int pending() const { return static_cast<int>(pending_.size()); }
  // Completes the oldest fetch (the test must know there is one).
  void Complete(absl::StatusOr<Token> token) {
    TokenCallback next = std::move(pending_.front());
    pending_.pop_front();
    std::move(next)(std::move(token));
  }

 private:
  std::deque<TokenCallback> pending_;
  std::vector<std::string> rejected_;
  int fetches_ = 0;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_FAKE_TOKEN_SOURCE_H_
