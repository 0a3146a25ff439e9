#ifndef SIGNET_CONFIG_ACCESS_RESOLVER_H_
#define SIGNET_CONFIG_ACCESS_RESOLVER_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/settings.h"
#include "signet/config/v1/config.pb.h"

namespace signet {

// Who may reach the gateway: the `callers` and `unix_listen` sections.

// The Gateway RPCs a grant may name.
inline constexpr absl::string_view kGatewayRpcs[] = {
    "GetToken",     "Verify",        "CallOpenAPI",
    "CallInnoPaaS", "FetchLicenses", "VerifyInbound"};

// Resolves `callers` against the already resolved profiles of `settings`
// (a grant naming an unknown RPC or profile is a typo, refused). Two
// callers with the same credential are refused: a credential must say who
// is calling.
absl::StatusOr<std::map<std::string, CallerSettings>> ResolveCallers(
    const google::protobuf::Map<std::string, config::v1::Caller>& callers,
    const GatewaySettings& settings);

// Mode is octal text ("0660"); owner is "uid[:gid]" with numbers or names.
absl::StatusOr<UnixListenerSettings> ResolveUnixListener(
    const config::v1::UnixListener& listener);

}  // namespace signet

#endif  // SIGNET_CONFIG_ACCESS_RESOLVER_H_
