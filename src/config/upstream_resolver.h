#ifndef SIGNET_CONFIG_UPSTREAM_RESOLVER_H_
#define SIGNET_CONFIG_UPSTREAM_RESOLVER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/settings.h"
#include "signet/config/v1/config.pb.h"

namespace signet {

// Resolves the `upstream` section (at config path `path`) of a profile
// whose upstream is `url`: TLS files are checked to be readable now, so a
// typo fails the load instead of the first call; the client key is read
// like any secret; a proxy must be "http://host:port" and `url` https.
absl::StatusOr<UpstreamSettings> ResolveUpstream(
    const config::v1::UpstreamOptions& options, const BaseUrl& url,
    absl::string_view path);

}  // namespace signet

#endif  // SIGNET_CONFIG_UPSTREAM_RESOLVER_H_
