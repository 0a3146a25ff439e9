#include "testing/redis_server.h"

#include <stdlib.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "testing/free_port.h"

namespace signet::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Launch(
    Options options) {
  std::string dir =
      (std::filesystem::temp_directory_path() / "signet-redis-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError("mkdtemp failed");
  }
  const int port = FreePort();
  if (port < 0) return absl::UnavailableError("no free port");
  std::unique_ptr<RedisServer> server(
      new RedisServer(std::move(options), std::move(dir), port));
  if (absl::Status started = server->Start(); !started.ok()) return started;
  return server;
}

RedisServer::~RedisServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

absl::Status RedisServer::Start() {
  std::vector<std::string> argv = {
      "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
      "--unixsocket", dir_ + "/redis.sock", "--unixsocketperm", "700", "--save",
      "", "--appendonly", "no", "--dir", dir_,
      // DEBUG SLEEP plays a slow Redis (Redis 7 refuses DEBUG otherwise).
      "--enable-debug-command", "local"};
  if (!options_.password.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(options_.password);
  }
  absl::StatusOr<std::unique_ptr<ChildProcess>> process =
      ChildProcess::Start(std::move(argv));
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  absl::StatusOr<std::string> ready =
      process_->WaitForLine("Ready to accept connections", absl::Seconds(20));
  return ready.ok() ? absl::OkStatus() : ready.status();
}

void RedisServer::Stop() {
  if (process_ == nullptr) return;
  process_->Kill();
  (void)process_->WaitForExit(absl::Seconds(20));
  process_.reset();
}

std::string RedisServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::string RedisServer::unix_address() const {
  return absl::StrCat("unix:", dir_, "/redis.sock");
}

absl::StatusOr<std::string> RedisServer::Cli(
    const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"redis-cli", "-p", std::to_string(port_)};
  std::vector<std::pair<std::string, std::string>> env;
  if (!options_.password.empty())
    env.emplace_back("REDISCLI_AUTH", options_.password);
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<std::unique_ptr<ChildProcess>> cli =
      ChildProcess::Start(std::move(argv), std::move(env));
  if (!cli.ok()) return cli.status();
  absl::StatusOr<int> code = (*cli)->WaitForExit(absl::Seconds(20));
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(
        absl::StrCat("redis-cli exited ", *code, ": ", (*cli)->Output()));
  }
  return (*cli)->Output();
}

}  // namespace signet::testing
