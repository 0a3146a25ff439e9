#include "testing/emulator_process.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "testing/sanitizer_report.h"

#ifndef SIGNET_EMULATOR_PATH
#error "SIGNET_EMULATOR_PATH must name the signet-emulator binary"
#endif

namespace signet::testing {
namespace {

constexpr absl::string_view kListeningLine = "signet-emulator listening on ";
constexpr absl::Duration kStartupTimeout = absl::Seconds(20);
constexpr int kControlTimeoutSeconds = 10;

httplib::Client ControlClient(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(kControlTimeoutSeconds, 0);
  client.set_read_timeout(kControlTimeoutSeconds, 0);
  client.set_write_timeout(kControlTimeoutSeconds, 0);
  return client;
}

void ExpectNoSanitizerReportIn(const EmulatorProcess& emulator) {
  ExpectNoSanitizerReport(emulator.process.get(), "signet-emulator");
}

std::string Describe(const httplib::Result& result) {
  if (!result) return httplib::to_string(result.error());
  return absl::StrCat("HTTP ", result->status, ": ", result->body);
}

}  // namespace

absl::string_view EmulatorBinaryPath() { return SIGNET_EMULATOR_PATH; }

EmulatorProcess& EmulatorProcess::operator=(EmulatorProcess&& other) {
  if (this != &other) {
    ExpectNoSanitizerReportIn(*this);
    process = std::move(other.process);
    port = other.port;
  }
  return *this;
}

// The emulator is SIGKILLed (by ~ChildProcess), so this sees what it
// reported while running, not leaks at exit: it is a test double.
EmulatorProcess::~EmulatorProcess() { ExpectNoSanitizerReportIn(*this); }

std::string EmulatorProcess::base_url() const {
  return absl::StrCat("http://127.0.0.1:", port);
}

absl::StatusOr<EmulatorProcess> StartEmulator(
    std::vector<std::string> extra_flags) {
  std::vector<std::string> argv = {std::string(EmulatorBinaryPath()),
                                   "--port=0"};
  for (std::string& flag : extra_flags) argv.push_back(std::move(flag));
  absl::StatusOr<std::unique_ptr<ChildProcess>> process =
      ChildProcess::Start(std::move(argv));
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> line =
      (*process)->WaitForLine(kListeningLine, kStartupTimeout);
  if (!line.ok()) return line.status();
  const size_t colon = line->rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(*line).substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return absl::InternalError(
        absl::StrCat("cannot parse the port from \"", *line, "\""));
  }
  EmulatorProcess emulator;
  emulator.process = *std::move(process);
  emulator.port = port;
  return emulator;
}

absl::StatusOr<EmulatorStats> GetEmulatorStats(int port) {
  httplib::Client client = ControlClient(port);
  const httplib::Result result = client.Get("/__stats");
  if (!result || result->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("GET /__stats: ", Describe(result)));
  }
  const nlohmann::json stats =
      nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (!stats.is_object()) {
    return absl::InternalError(
        absl::StrCat("GET /__stats is not JSON: ", result->body));
  }
  const auto read = [&stats](const nlohmann::json::json_pointer& pointer,
                             int64_t& out) {
    if (!stats.contains(pointer) || !stats.at(pointer).is_number_integer()) {
      return false;
    }
    out = stats.at(pointer).get<int64_t>();
    return true;
  };
  using Pointer = nlohmann::json::json_pointer;
  EmulatorStats out;
  if (!read(Pointer("/requests/token"), out.token) ||
      !read(Pointer("/requests/verify"), out.verify) ||
      !read(Pointer("/requests/innopaas"), out.innopaas) ||
      !read(Pointer("/requests/licenses"), out.licenses) ||
      !read(Pointer("/requests/total"), out.total) ||
      !read(Pointer("/rejected/total"), out.rejected_total) ||
      !read(Pointer("/tokens_issued"), out.tokens_issued) ||
      !read(Pointer("/connections"), out.connections)) {
    return absl::InternalError(
        absl::StrCat("GET /__stats lacks a counter: ", result->body));
  }
  return out;
}

absl::Status PostEmulatorControl(int port, absl::string_view path,
                                 absl::string_view json_body) {
  httplib::Client client = ControlClient(port);
  const std::string path_text(path);
  const httplib::Result result =
      client.Post(path_text.c_str(), json_body.data(), json_body.size(),
                  "application/json");
  if (!result || result->status != 200) {
    return absl::FailedPreconditionError(
        absl::StrCat("POST ", path, ": ", Describe(result)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GetEmulatorControl(int port,
                                               absl::string_view path) {
  httplib::Client client = ControlClient(port);
  const std::string path_text(path);
  const httplib::Result result = client.Get(path_text.c_str());
  if (!result || result->status != 200) {
    return absl::FailedPreconditionError(
        absl::StrCat("GET ", path, ": ", Describe(result)));
  }
  return result->body;
}

}  // namespace signet::testing
