#include "config/access_resolver.h"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "config/resolve_context.h"

namespace signet {
namespace {

using config_internal::ResolveSecret;

bool IsKnownRpc(absl::string_view name) {
  return name == "*" ||
         std::find(std::begin(kGatewayRpcs), std::end(kGatewayRpcs), name) !=
             std::end(kGatewayRpcs);
}

bool IsKnownProfile(const std::string& name, const GatewaySettings& settings) {
  return name == "*" || settings.openapi.count(name) != 0 ||
         settings.innopaas.count(name) != 0 ||
         settings.licenses.count(name) != 0 ||
         settings.inbound.count(name) != 0;
}

absl::StatusOr<GrantSettings> ResolveGrant(const config::v1::Grant& grant,
                                           const GatewaySettings& settings,
                                           absl::string_view path) {
  GrantSettings resolved;
  if (grant.rpcs().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".rpcs: name at least one RPC, or \"*\""));
  }
  for (const std::string& rpc : grant.rpcs()) {
    if (!IsKnownRpc(rpc)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".rpcs: \"", rpc,
          "\" is not a Gateway RPC (GetToken, Verify, CallOpenAPI, "
          "CallInnoPaaS, FetchLicenses, VerifyInbound, or \"*\")"));
    }
    resolved.rpcs.push_back(rpc);
  }
  for (const std::string& profile : grant.profiles()) {
    if (!IsKnownProfile(profile, settings)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".profiles: \"", profile, "\" is not a configured profile"));
    }
    resolved.profiles.push_back(profile);
  }
  return resolved;
}

// A user or group: a number, or a name looked up in the system database.
absl::StatusOr<uint32_t> ParseId(absl::string_view text, bool group,
                                 absl::string_view path) {
  uint32_t id = 0;
  if (absl::SimpleAtoi(text, &id)) return id;
  const std::string name(text);
  if (group) {
    if (const struct group* entry = getgrnam(name.c_str())) {
      return static_cast<uint32_t>(entry->gr_gid);
    }
  } else if (const struct passwd* entry = getpwnam(name.c_str())) {
    return static_cast<uint32_t>(entry->pw_uid);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": no ", group ? "group" : "user", " \"", name,
                   "\" (give a number: containers rarely have names)"));
}

}  // namespace

absl::StatusOr<std::map<std::string, CallerSettings>> ResolveCallers(
    const google::protobuf::Map<std::string, config::v1::Caller>& callers,
    const GatewaySettings& settings) {
  std::map<std::string, CallerSettings> resolved;
  // Sorted, so errors and the duplicate check do not depend on map order.
  std::vector<std::string> names;
  for (const auto& [name, caller] : callers) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const config::v1::Caller& caller = callers.at(name);
    const std::string path = absl::StrCat("callers.", name);
    CallerSettings out;
    out.name = name;
    SIGNET_ASSIGN_OR_RETURN(
        out.credential,
        ResolveSecret(caller.credential(), path + ".credential"));
    for (const auto& [other_name, other] : resolved) {
      if (other.credential.Equals(out.credential.Reveal())) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ".credential: the same as callers.", other_name,
                         "'s; each caller needs its own"));
      }
    }
    if (caller.allow().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".allow: empty; a caller that may do nothing is a mistake"));
    }
    for (int i = 0; i < caller.allow_size(); ++i) {
      SIGNET_ASSIGN_OR_RETURN(
          GrantSettings grant,
          ResolveGrant(caller.allow(i), settings,
                       absl::StrCat(path, ".allow[", i, "]")));
      out.grants.push_back(std::move(grant));
    }
    resolved.emplace(name, std::move(out));
  }
  return resolved;
}

absl::StatusOr<UnixListenerSettings> ResolveUnixListener(
    const config::v1::UnixListener& listener) {
  UnixListenerSettings settings;
  if (listener.path().empty()) {
    if (!listener.mode().empty() || !listener.owner().empty()) {
      return absl::InvalidArgumentError("unix_listen.path: missing");
    }
    return settings;
  }
  if (listener.path().front() != '/') {
    return absl::InvalidArgumentError(
        "unix_listen.path: must be an absolute path");
  }
  // sockaddr_un.sun_path holds 108 bytes, the terminating NUL included.
  if (listener.path().size() > 107) {
    return absl::InvalidArgumentError(
        "unix_listen.path: longer than a socket path may be (107 bytes)");
  }
  settings.path = listener.path();
  if (!listener.mode().empty()) {
    const std::string& text = listener.mode();
    const bool octal = text.size() <= 4 &&
                       std::all_of(text.begin(), text.end(),
                                   [](char c) { return c >= '0' && c <= '7'; });
    if (!octal) {
      return absl::InvalidArgumentError(
          "unix_listen.mode: an octal file mode such as \"0660\"");
    }
    const auto mode = static_cast<uint32_t>(std::stoul(text, nullptr, 8));
    if ((mode & 0600) != 0600) {
      return absl::InvalidArgumentError(
          "unix_listen.mode: the owner needs read and write (0600)");
    }
    settings.mode = mode;
  }
  if (!listener.owner().empty()) {
    const std::vector<absl::string_view> parts =
        absl::StrSplit(listener.owner(), absl::MaxSplits(':', 1));
    if (!parts[0].empty()) {
      SIGNET_ASSIGN_OR_RETURN(settings.uid, ParseId(parts[0], /*group=*/false,
                                                    "unix_listen.owner"));
    }
    if (parts.size() == 2 && !parts[1].empty()) {
      SIGNET_ASSIGN_OR_RETURN(
          settings.gid, ParseId(parts[1], /*group=*/true, "unix_listen.owner"));
    }
  }
  return settings;
}

}  // namespace signet
