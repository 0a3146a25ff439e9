#ifndef SIGNET_CONFIG_UPSTREAM_RESOLVER_H_
#define SIGNET_CONFIG_UPSTREAM_RESOLVER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/settings.h"
#include "signet/config/v1/config.pb.h"

namespace signet {

// Resolves a profile's `upstream` section (at config path `path`): TLS
// files are checked to be readable now, so a typo fails the load instead
// of the first call; the client key is read like any secret.
absl::StatusOr<UpstreamSettings> ResolveUpstream(
    const config::v1::UpstreamOptions& options, absl::string_view path);

}  // namespace signet

#endif  // SIGNET_CONFIG_UPSTREAM_RESOLVER_H_
