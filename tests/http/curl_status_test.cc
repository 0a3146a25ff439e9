#include "http/curl_status.h"

#include <curl/curl.h>

#include <tuple>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Verify CURLE_OK is OK whatever `where` says.
TEST(CurlCodeToStatusTest, OkIsOk) {
  EXPECT_THAT(CurlCodeToStatus(CURLE_OK, "anything"), IsOk());
  EXPECT_THAT(CurlMultiCodeToStatus(CURLM_OK, "anything"), IsOk());
  EXPECT_THAT(CurlShareCodeToStatus(CURLSHE_OK, "anything"), IsOk());
}

class CurlCodeMappingTest
    : public ::testing::TestWithParam<std::tuple<CURLcode, absl::StatusCode>> {
};

// Verify each curl error lands on the canonical code of DESIGN.md, with
// where it happened and curl's own description in the message.
TEST_P(CurlCodeMappingTest, MapsToCanonicalCode) {
  const auto [curl_code, expected] = GetParam();
  EXPECT_THAT(
      CurlCodeToStatus(curl_code, "sending the thing"),
      StatusIs(expected, AllOf(HasSubstr("sending the thing: "),
                               HasSubstr(curl_easy_strerror(curl_code)))));
}

INSTANTIATE_TEST_SUITE_P(
    AllFamilies, CurlCodeMappingTest,
    ::testing::Values(
        std::make_tuple(CURLE_OPERATION_TIMEDOUT,
                        absl::StatusCode::kDeadlineExceeded),
        std::make_tuple(CURLE_FILESIZE_EXCEEDED,
                        absl::StatusCode::kResourceExhausted),
        std::make_tuple(CURLE_URL_MALFORMAT,
                        absl::StatusCode::kInvalidArgument),
        std::make_tuple(CURLE_UNSUPPORTED_PROTOCOL,
                        absl::StatusCode::kInvalidArgument),
        std::make_tuple(CURLE_COULDNT_CONNECT, absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_COULDNT_RESOLVE_HOST,
                        absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_SSL_CONNECT_ERROR,
                        absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_PEER_FAILED_VERIFICATION,
                        absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_RECV_ERROR, absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_SEND_ERROR, absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_PARTIAL_FILE, absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_GOT_NOTHING, absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_WEIRD_SERVER_REPLY,
                        absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_HTTP2, absl::StatusCode::kUnavailable),
        std::make_tuple(CURLE_WRITE_ERROR, absl::StatusCode::kUnavailable)));

// Verify multi-handle errors: misuse is INTERNAL, memory RESOURCE_EXHAUSTED.
TEST(CurlMultiCodeToStatusTest, MapsMisuseAndMemory) {
  EXPECT_THAT(
      CurlMultiCodeToStatus(CURLM_BAD_HANDLE, "curl_multi_poll"),
      StatusIs(absl::StatusCode::kInternal,
               AllOf(HasSubstr("curl_multi_poll: "),
                     HasSubstr(curl_multi_strerror(CURLM_BAD_HANDLE)))));
  EXPECT_THAT(CurlMultiCodeToStatus(CURLM_RECURSIVE_API_CALL, "x"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("x: ")));
  EXPECT_THAT(CurlMultiCodeToStatus(CURLM_OUT_OF_MEMORY, "x"),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("x: ")));
  EXPECT_THAT(CurlMultiCodeToStatus(CURLM_WAKEUP_FAILURE, "x"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("x: ")));
}

// Verify share-handle errors.
TEST(CurlShareCodeToStatusTest, MapsMemoryAndMisuse) {
  EXPECT_THAT(CurlShareCodeToStatus(CURLSHE_NOMEM, "share"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr(curl_share_strerror(CURLSHE_NOMEM))));
  EXPECT_THAT(CurlShareCodeToStatus(CURLSHE_BAD_OPTION, "share"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("share: ")));
}

}  // namespace
}  // namespace signet
