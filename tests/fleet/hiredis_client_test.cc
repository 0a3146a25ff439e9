#include "fleet/hiredis_client.h"

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/redis_server.h"

namespace signet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Type = RedisReply::Type;

constexpr absl::Duration kGuard = absl::Seconds(20);

// Runs one command and waits for its callback.
absl::StatusOr<RedisReply> RunCommand(RedisCommands& redis,
                                      std::vector<std::string> argv) {
  absl::Notification done;
  absl::StatusOr<RedisReply> result;
  redis.Command(std::move(argv), [&](absl::StatusOr<RedisReply> reply) {
    result = std::move(reply);
    done.Notify();
  });
  if (!done.WaitForNotificationWithTimeout(kGuard)) {
    return absl::InternalError("the callback never ran");
  }
  return result;
}

// Waits until the client has (re)connected, commands succeed again.
bool AwaitConnected(const HiredisClient& client) {
  const absl::Time end = absl::Now() + kGuard;
  while (!client.connected()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

class HiredisClientTest : public ::testing::Test {
 protected:
  void SetUp() override { Launch(testing::RedisServer::Options()); }

  void Launch(testing::RedisServer::Options options) {
    absl::StatusOr<std::unique_ptr<testing::RedisServer>> server =
        testing::RedisServer::Launch(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<HiredisClient> Connect(HiredisClient::Options options) {
    if (options.address.empty()) options.address = server_->address();
    absl::StatusOr<std::unique_ptr<HiredisClient>> client =
        HiredisClient::Start(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  std::unique_ptr<testing::RedisServer> server_;
};

HiredisClient::Options WithAddress(std::string address) {
  HiredisClient::Options options;
  options.address = std::move(address);
  return options;
}

HiredisClient::Options WithPassword(std::string password) {
  HiredisClient::Options options;
  options.password = Secret(std::move(password));
  return options;
}

HiredisClient::Options WithTiming(absl::Duration timeout,
                                  absl::Duration min_backoff,
                                  absl::Duration max_backoff) {
  HiredisClient::Options options;
  options.timeout = timeout;
  options.min_backoff = min_backoff;
  options.max_backoff = max_backoff;
  return options;
}

TEST_F(HiredisClientTest, RepliesOfEveryTypeBinarySafe) {
  auto client = Connect({});
  ASSERT_NE(client, nullptr);
  const std::string binary("a\0b\r\nc", 6);
  absl::StatusOr<RedisReply> set = RunCommand(*client, {"SET", "k", binary});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type, Type::kStatus);
  EXPECT_EQ(set->text, "OK");
  absl::StatusOr<RedisReply> get = RunCommand(*client, {"GET", "k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->type, Type::kString);
  EXPECT_EQ(get->text, binary);
  absl::StatusOr<RedisReply> missing = RunCommand(*client, {"GET", "absent"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->type, Type::kNil);
  absl::StatusOr<RedisReply> counted = RunCommand(*client, {"INCR", "n"});
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->type, Type::kInteger);
  EXPECT_EQ(counted->number, 1);
  absl::StatusOr<RedisReply> both =
      RunCommand(*client, {"MGET", "n", "absent"});
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->type, Type::kArray);
  ASSERT_EQ(both->elements.size(), 2u);
  EXPECT_EQ(both->elements[0].text, "1");
  EXPECT_EQ(both->elements[1].type, Type::kNil);
}

TEST_F(HiredisClientTest, AnErrorReplyNamesTheCommandNotItsArguments) {
  auto client = Connect({});
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(RunCommand(*client, {"SET", "s", "secret-value"}).ok());
  absl::StatusOr<RedisReply> wrong = RunCommand(*client, {"INCR", "s"});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(wrong.status().message(), HasSubstr("INCR"));
  EXPECT_THAT(wrong.status().message(), Not(HasSubstr("secret-value")));
}

TEST_F(HiredisClientTest, CallbacksRunOnTheClientsThreadInOrder) {
  auto client = Connect({});
  ASSERT_NE(client, nullptr);
  std::vector<long long> order;
  std::vector<std::thread::id> threads;
  absl::Notification done;
  for (int i = 1; i <= 50; ++i) {
    client->Command({"INCR", "ordered"}, [&, i](absl::StatusOr<RedisReply> r) {
      order.push_back(r.ok() ? r->number : -1);
      threads.push_back(std::this_thread::get_id());
      if (i == 50) done.Notify();
    });
  }
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kGuard));
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i + 1);
  for (const std::thread::id& id : threads) {
    EXPECT_NE(id, std::this_thread::get_id());
  }
}

TEST_F(HiredisClientTest, ConnectsOverAUnixSocket) {
  auto client = Connect(WithAddress(server_->unix_address()));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<RedisReply> pong = RunCommand(*client, {"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(pong->text, "PONG");
}

TEST_F(HiredisClientTest, AuthenticatesWithThePassword) {
  server_.reset();
  testing::RedisServer::Options protected_server;
  protected_server.password = "redis-pass";
  Launch(protected_server);
  auto client = Connect(WithPassword("redis-pass"));
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(RunCommand(*client, {"SET", "a", "1"}).ok());
  EXPECT_TRUE(client->connected());
}

TEST_F(HiredisClientTest, AWrongPasswordIsUnavailableNotAnError) {
  server_.reset();
  testing::RedisServer::Options protected_server;
  protected_server.password = "redis-pass";
  Launch(protected_server);
  auto client = Connect(WithPassword("not-it"));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<RedisReply> refused = RunCommand(*client, {"GET", "a"});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable)
      << refused.status();
  EXPECT_THAT(refused.status().message(), Not(HasSubstr("not-it")));
  EXPECT_FALSE(client->connected());
}

TEST_F(HiredisClientTest, RedisDownFailsAtOnceAndTheClientComesBackWithIt) {
  auto client =
      Connect(WithTiming(absl::Milliseconds(200), absl::Milliseconds(20),
                         absl::Milliseconds(100)));
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(RunCommand(*client, {"SET", "a", "1"}).ok());
  server_->Stop();
  // The first command may be the one that finds the connection gone.
  (void)RunCommand(*client, {"GET", "a"});
  absl::StatusOr<RedisReply> down = RunCommand(*client, {"GET", "a"});
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable)
      << down.status();
  ASSERT_TRUE(server_->Start().ok());
  ASSERT_TRUE(AwaitConnected(*client));
  absl::StatusOr<RedisReply> back = RunCommand(*client, {"SET", "a", "2"});
  EXPECT_TRUE(back.ok()) << back.status();
}

TEST_F(HiredisClientTest, ASlowRedisTimesOutAndTheNextCommandWorks) {
  auto client = Connect(WithTiming(absl::Milliseconds(200),
                                   absl::Milliseconds(20), absl::Seconds(1)));
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(AwaitConnected(*client));
  absl::StatusOr<RedisReply> slow =
      RunCommand(*client, {"DEBUG", "SLEEP", "1"});
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded)
      << slow.status();
  // Redis answers again once its second is over; the client reconnected.
  const absl::Time end = absl::Now() + kGuard;
  absl::StatusOr<RedisReply> after = RunCommand(*client, {"PING"});
  while (!after.ok() && absl::Now() < end) {
    after = RunCommand(*client, {"PING"});
  }
  EXPECT_TRUE(after.ok()) << after.status();
}

TEST_F(HiredisClientTest, ShutdownCancelsWhatIsPending) {
  auto client = Connect(
      WithTiming(absl::Seconds(10), absl::Milliseconds(100), absl::Seconds(1)));
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(AwaitConnected(*client));
  absl::Notification done;
  absl::Status status;
  client->Command({"DEBUG", "SLEEP", "2"}, [&](absl::StatusOr<RedisReply> r) {
    status = r.status();
    done.Notify();
  });
  client.reset();
  ASSERT_TRUE(done.HasBeenNotified());
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
}

TEST(HiredisClientAddressTest, RefusesAddressesThatAreNeitherForm) {
  for (const char* address : {"", "redis", "host:", ":6379", "host:0",
                              "host:70000", "unix:", "unix:relative"}) {
    EXPECT_EQ(HiredisClient::Start(WithAddress(address)).status().code(),
              absl::StatusCode::kInvalidArgument)
        << address;
  }
}

}  // namespace
}  // namespace signet
