#ifndef SIGNET_HTTP_OBSERVED_HTTP_CLIENT_H_
#define SIGNET_HTTP_OBSERVED_HTTP_CLIENT_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "http/http_client.h"

namespace signet {

// Where upstream requests are counted (the admin listener's metrics).
class UpstreamObserver {
 public:
  virtual ~UpstreamObserver() = default;
  // `outcome` is the HTTP status ("200", "503") or, for a request that got
  // no answer, the error ("unavailable", "deadline_exceeded").
  virtual void UpstreamDone(absl::string_view profile,
                            absl::string_view outcome,
                            absl::Duration elapsed) = 0;
};

// An HttpClient decorator that times every request of one profile and
// reports it: one per profile, so token fetches, verifies and forwarded
// calls are all counted under the profile they belong to.
class ObservedHttpClient final
    : public HttpClient,
      public std::enable_shared_from_this<ObservedHttpClient> {
 public:
  // Holds `inner`; every request in flight holds this client (so the chain
  // below it) until its callback has run. `observer` and `clock` are the
  // process's and outlive every profile (see UpstreamEnv).
  ObservedHttpClient(std::shared_ptr<HttpClient> inner, std::string profile,
                     UpstreamObserver* observer, const Clock* clock)
      : inner_(std::move(inner)),
        profile_(std::move(profile)),
        observer_(*observer),
        clock_(*clock) {}

  void Send(HttpRequest request, HttpCallback on_done) override;

 private:
  const std::shared_ptr<HttpClient> inner_;
  const std::string profile_;
  UpstreamObserver& observer_;
  const Clock& clock_;
};

}  // namespace signet

#endif  // SIGNET_HTTP_OBSERVED_HTTP_CLIENT_H_
