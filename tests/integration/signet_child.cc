#include "integration/signet_child.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <regex>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "testing/sanitizer_report.h"

namespace signet::testing {

absl::string_view SignetBinaryPath() { return SIGNET_BINARY_PATH; }

namespace {

void ExpectNoSecretsIn(const SignetChild& signet) {
  if (signet.process == nullptr) return;
  const std::string logs = signet.process->Output();
  for (const std::string& secret : signet.secrets) {
    if (absl::StrContains(logs, secret)) {
      ADD_FAILURE() << "signet's log contains a secret it was given (length "
                    << secret.size() << ")";
    }
  }
}

// Under scripts/sanitize.sh signet is sanitized too; its reports (and the
// leaks LeakSanitizer finds when it exits) land in its log only.
void ExpectNoSanitizerReportIn(const SignetChild& signet) {
  ExpectNoSanitizerReport(signet.process.get(), "signet");
}

bool IsSecretVariable(absl::string_view name) {
  return absl::EndsWith(name, "_SECRET") || absl::EndsWith(name, "_KEY") ||
         absl::EndsWith(name, "_AUTHORIZATION");
}

}  // namespace

SignetChild& SignetChild::operator=(SignetChild&& other) {
  if (this != &other) {
    StopAndCheck();
    process = std::move(other.process);
    secrets = std::move(other.secrets);
    address = std::move(other.address);
    admin_address = std::move(other.admin_address);
    inbound_address = std::move(other.inbound_address);
    health_address = std::move(other.health_address);
    config_path = std::move(other.config_path);
  }
  return *this;
}

SignetChild::~SignetChild() { StopAndCheck(); }

// SIGTERM rather than the SIGKILL of ~ChildProcess, so a sanitized signet
// runs its exit-time leak check, and its log is complete when scanned.
void SignetChild::StopAndCheck() {
  if (process == nullptr) return;
  process->Signal(SIGTERM);
  (void)process->WaitForExit(absl::Seconds(30));
  ExpectNoSecretsIn(*this);
  ExpectNoSanitizerReportIn(*this);
}

std::string WriteTempFile(absl::string_view stem, absl::string_view content) {
  static std::atomic<int> counter{0};
  const std::string path = absl::StrCat(::testing::TempDir(), "/signet-",
                                        getpid(), "-", counter++, "-", stem);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return path;
}

std::string EmulatorConfig(int emulator_port) {
  return absl::StrFormat(R"(
listen: 127.0.0.1:0
admin_listen: 127.0.0.1:0
default_deadline: 10s
connect_timeout: 2s
openapi:
  default:
    base_url: http://127.0.0.1:%d
    allow_insecure_http: true
    app_id: app-123
    app_secret: {env: SIGNET_TEST_OPENAPI_SECRET}
    token_timeout: 5s
    prewarm: false
innopaas:
  default:
    base_url: http://127.0.0.1:%d/innopaas
    allow_insecure_http: true
    app_key: {env: SIGNET_TEST_APP_KEY}
    authorization: {env: SIGNET_TEST_AUTHORIZATION}
licenses:
  shop:
    url: http://127.0.0.1:%d/licenses/keys
    allow_insecure_http: true
    secret: {env: SIGNET_TEST_LICENSE_SECRET}
)",
                         emulator_port, emulator_port, emulator_port);
}

absl::StatusOr<SignetChild> StartSignet(
    absl::string_view config_yaml,
    std::vector<std::pair<std::string, std::string>> extra_env,
    std::vector<std::string> extra_args) {
  SignetChild signet;
  signet.config_path = WriteTempFile("config.yaml", config_yaml);
  std::vector<std::pair<std::string, std::string>> env = {
      {"SIGNET_TEST_OPENAPI_SECRET", kEmulatorOpenApiSecret},
      {"SIGNET_TEST_APP_KEY", kEmulatorAppKey},
      {"SIGNET_TEST_AUTHORIZATION", kEmulatorAuthorization},
      {"SIGNET_TEST_LICENSE_SECRET", kEmulatorLicenseSecret}};
  for (auto& [name, value] : extra_env) {
    auto same =
        std::find_if(env.begin(), env.end(),
                     [&name = name](const auto& e) { return e.first == name; });
    if (same != env.end()) {
      same->second = std::move(value);
    } else {
      env.emplace_back(name, std::move(value));
    }
  }
  for (const auto& [name, value] : env) {
    if (IsSecretVariable(name) && !value.empty())
      signet.secrets.push_back(value);
  }
  std::vector<std::string> args = {std::string(SignetBinaryPath()), "--config",
                                   signet.config_path, "--log-level", "debug"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  absl::StatusOr<std::unique_ptr<ChildProcess>> process =
      ChildProcess::Start(std::move(args), std::move(env));
  if (!process.ok()) return process.status();
  signet.process = *std::move(process);
  absl::StatusOr<std::string> line =
      signet.process->WaitForLine("\"msg\":\"listening\"", absl::Seconds(20));
  if (!line.ok()) return line.status();
  static const std::regex kAddress("\"address\":\"([^\"]+)\"");
  std::smatch match;
  if (!std::regex_search(*line, match, kAddress)) {
    return absl::InternalError(absl::StrCat("no address in: ", *line));
  }
  signet.address = match[1];
  static const std::regex kAdmin("\"admin_address\":\"([^\"]+)\"");
  if (std::regex_search(*line, match, kAdmin)) signet.admin_address = match[1];
  static const std::regex kInbound("\"inbound_address\":\"([^\"]+)\"");
  if (std::regex_search(*line, match, kInbound)) {
    signet.inbound_address = match[1];
  }
  static const std::regex kHealth("\"health_address\":\"([^\"]+)\"");
  if (std::regex_search(*line, match, kHealth)) {
    signet.health_address = match[1];
  }
  // Readiness is decided (prewarm done or timed out) right after; most
  // tests want the settled state. "ready" or "not ready" both end so.
  absl::StatusOr<std::string> settled =
      signet.process->WaitForLine("ready\"", absl::Seconds(30));
  if (!settled.ok()) return settled.status();
  return signet;
}

absl::StatusOr<AdminAnswer> GetAdmin(const SignetChild& signet,
                                     absl::string_view path) {
  const size_t colon = signet.admin_address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(signet.admin_address.substr(colon + 1), &port)) {
    return absl::FailedPreconditionError(
        absl::StrCat("no admin listener: ", signet.admin_address));
  }
  httplib::Client client(signet.admin_address.substr(0, colon), port);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  httplib::Result result = client.Get(std::string(path).c_str());
  if (!result) {
    return absl::UnavailableError(
        absl::StrCat("GET ", path, ": ", httplib::to_string(result.error())));
  }
  return AdminAnswer{result->status, result->body};
}

absl::StatusOr<double> MetricSample(absl::string_view metrics,
                                    absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(metrics, '\n')) {
    if (!absl::ConsumePrefix(&line, series) ||
        !absl::ConsumePrefix(&line, " ")) {
      continue;
    }
    double value = 0;
    if (!absl::SimpleAtod(line, &value)) {
      return absl::DataLossError(absl::StrCat("bad sample: ", line));
    }
    return value;
  }
  return absl::NotFoundError(absl::StrCat("no sample ", series));
}

absl::Status WaitForMetric(const SignetChild& signet, absl::string_view series,
                           double value, absl::Duration timeout) {
  constexpr absl::Duration kPollInterval = absl::Milliseconds(50);
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no scrape";
  while (true) {
    absl::StatusOr<AdminAnswer> metrics = GetAdmin(signet, "/metrics");
    if (metrics.ok() && metrics->status == 200) {
      absl::StatusOr<double> sample = MetricSample(metrics->body, series);
      if (sample.ok() && *sample == value) return absl::OkStatus();
      last = sample.ok() ? absl::StrCat(*sample) : sample.status().ToString();
    } else {
      last = metrics.ok() ? absl::StrCat("HTTP ", metrics->status)
                          : metrics.status().ToString();
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(series, " is not ", value, " after ",
                       absl::FormatDuration(timeout), "; last: ", last));
    }
    absl::SleepFor(kPollInterval);
  }
}

absl::StatusOr<int> UnusedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool bound =
      bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) ==
          0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(fd);
  if (!bound) return absl::InternalError("cannot bind 127.0.0.1:0");
  return static_cast<int>(ntohs(address.sin_port));
}

}  // namespace signet::testing
