#include "http/observed_http_client.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace signet {

void ObservedHttpClient::Send(HttpRequest request, HttpCallback on_done) {
  const absl::Time start = clock_.Now();
  inner_->Send(std::move(request),
               [self = shared_from_this(), start, on_done = std::move(on_done)](
                   absl::StatusOr<HttpResponse> answer) mutable {
                 const std::string outcome =
                     answer.ok()
                         ? absl::StrCat(answer->status)
                         : absl::AsciiStrToLower(absl::StatusCodeToString(
                               answer.status().code()));
                 self->observer_.UpstreamDone(self->profile_, outcome,
                                              self->clock_.Now() - start);
                 std::move(on_done)(std::move(answer));
               });
}

}  // namespace signet
