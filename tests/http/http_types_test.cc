#include "http/http_types.h"

#include <string>

#include "gtest/gtest.h"

namespace signet {
namespace {

// Verify Cleanse, which every HttpRequest runs when destroyed, zeroes the
// header values (signed credentials) in place.
TEST(HttpRequestTest, CleanseZeroesHeaderValues) {
  HttpRequest request;
  request.headers.push_back({"AppKey", "k"});
  request.headers.push_back({"Authorization", std::string(40, 'a')});
  request.body = "not a secret";
  request.Cleanse();
  EXPECT_EQ(request.headers[0].name, "AppKey");
  EXPECT_EQ(request.headers[0].value, std::string(1, '\0'));
  EXPECT_EQ(request.headers[1].value, std::string(40, '\0'));
  EXPECT_EQ(request.body, "not a secret");
}

// Verify a body marked secret (the token request's) is zeroed too.
TEST(HttpRequestTest, CleanseZeroesASecretBody) {
  HttpRequest request;
  request.body = R"({"signature":"0123"})";
  request.body_is_secret = true;
  request.Cleanse();
  EXPECT_EQ(request.body, std::string(20, '\0'));
}

}  // namespace
}  // namespace signet
