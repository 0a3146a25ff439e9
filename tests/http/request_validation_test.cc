#include "http/request_validation.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// A value that looks like a credential; no error message may contain it.
constexpr char kSecretValue[] = "s3cr3t-value";

// One table row. `label` names the generated test; `input` may hold any
// bytes (NUL included), so it is built with an explicit length where needed.
struct PathCase {
  const char* label;
  std::string input;
};

std::string PrintableLabel(const ::testing::TestParamInfo<PathCase>& info) {
  return info.param.label;
}

// Verify every path that could leave the profile's base URL, smuggle a
// request line or confuse a proxy is refused.
std::vector<PathCase> HostilePaths() {
  return {
      // Not a path at all.
      {"Empty", ""},
      {"AbsoluteHttpUrl", "http://evil"},
      {"AbsoluteHttpsUrl", "https://x/y"},
      {"NoLeadingSlash", "v1/messages"},
      {"RelativeDotDot", "../etc/passwd"},
      {"QueryOnly", "?x=1"},
      {"SchemeRelative", "//evil.com/x"},
      {"SchemeRelativeTripleSlash", "///evil.com/x"},
      // Plain dot segments.
      {"DotDotOnly", "/.."},
      {"DotDotFirst", "/../etc/passwd"},
      {"DotDotMiddle", "/a/../../b"},
      {"DotDotLast", "/a/.."},
      {"DotOnly", "/."},
      {"DotFirst", "/./a"},
      {"DotLast", "/a/."},
      // Percent-encoded dot segments, any case, mixed with plain dots.
      {"EncodedDotDotLower", "/%2e%2e/x"},
      {"EncodedDotDotUpper", "/%2E%2E/x"},
      {"EncodedDotDotMixedCase", "/%2E%2e/x"},
      {"DotThenEncodedDot", "/.%2e/x"},
      {"EncodedDotThenDot", "/%2e./x"},
      {"EncodedDot", "/a/%2e/x"},
      {"EncodedDotDotLast", "/a/%2e%2e"},
      {"DoubleEncodedDotDot", "/%252e%252e/x"},
      {"DoubleEncodedDotDotUpper", "/%252E%252E/x"},
      {"TripleEncodedDotDot", "/%25252e%25252e/x"},
      {"TooManyEncodingLevels", "/%2525252e%2525252e/x"},
      // Dot segments followed by ;params (Tomcat, Jetty).
      {"DotDotSemicolon", "/..;/x"},
      {"DotDotSemicolonParams", "/a/..;jsessionid=1/x"},
      {"DotSemicolon", "/a/.;x=1/b"},
      {"EncodedDotDotSemicolon", "/%2e%2e;/x"},
      {"DotDotEncodedSemicolon", "/..%3b/x"},
      {"DoubleEncodedDotDotSemicolon", "/%252e%252e;x/y"},
      // Backslashes, raw and encoded (Windows and some proxies).
      {"BackslashDotDot", "/\\..\\x"},
      {"Backslash", "/a\\b"},
      {"EncodedBackslashLower", "/a%5c..%5cx"},
      {"EncodedBackslashUpper", "/a%5Cb"},
      // Encoded slash, once and twice.
      {"EncodedSlashLower", "/a%2fb"},
      {"EncodedSlashUpper", "/a%2F..%2Fb"},
      {"EncodedDotDotSlash", "/%2e%2e%2fx"},
      {"DoubleEncodedSlash", "/a%252fb"},
      // NUL, raw and encoded.
      {"EncodedNul", "/a%00b"},
      {"DoubleEncodedNul", "/a%2500b"},
      {"RawNul", std::string("/a\0b", 4)},
      {"RawNulAtEnd", std::string("/a\0", 3)},
      // CR, LF, tab, space and DEL: request splitting.
      {"RawCrLf", "/a\r\nHost: evil"},
      {"RawCr", "/a\rb"},
      {"RawLf", "/a\nb"},
      {"EncodedCrLf", "/a%0d%0aHost:%20evil"},
      {"EncodedLfUpper", "/a%0Ab"},
      {"RawTab", "/a\tb"},
      {"EncodedTab", "/a%09b"},
      {"RawSpace", "/a b"},
      {"RawDel", "/a\x7f"},
      {"EncodedDel", "/a%7f"},
      // Query or fragment in the path.
      {"QuestionMark", "/a?b=1"},
      {"Fragment", "/a#frag"},
      // Non-ASCII bytes and other characters outside RFC 3986 pchar.
      {"RawUtf8", "/caf\xc3\xa9"},
      {"RawHighByte", "/\xff"},
      {"Pipe", "/a|b"},
      {"AngleBrackets", "/<script>"},
      {"DoubleQuote", "/a\"b"},
      {"Braces", "/a{b}"},
      {"Caret", "/a^b"},
      {"Backtick", "/a`b"},
      // Malformed escapes.
      {"PercentAlone", "/a%"},
      {"PercentOneDigit", "/a%4"},
      {"PercentOneDigitMidPath", "/a%4/b"},
      {"PercentNotHex", "/a%zz"},
      {"PercentHalfHex", "/a%4g"},
      {"IisUnicodeEscape", "/%u002e%u002e/x"},
  };
}

class HostilePathTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(HostilePathTest, IsInvalidArgument) {
  // Verify the path is refused with a message about the path.
  const std::string& path = GetParam().input;
  SCOPED_TRACE(absl::StrCat("path \"", absl::CHexEscape(path), "\""));
  EXPECT_THAT(
      ValidateForwardPath(path),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("path:")));
}

INSTANTIATE_TEST_SUITE_P(Table, HostilePathTest,
                         ::testing::ValuesIn(HostilePaths()), PrintableLabel);

std::vector<PathCase> BenignPaths() {
  return {
      {"Root", "/"},
      {"Messages", "/v1/messages"},
      {"DotInName", "/a/b.c/d"},
      // Three dots is an ordinary segment name, not a dot segment.
      {"ThreeDots", "/a/..."},
      {"LiteralPercent", "/100%25"},
      {"LiteralPercentInside", "/a%25b/c"},
      {"EncodedThreeDots", "/a/%2e%2e%2e"},
      {"DotDotPrefix", "/a/..b"},
      {"DotDotSuffix", "/a/b.."},
      {"EncodedSpace", "/a/%20b"},
      {"Params", "/x;y=1"},
      {"Tilde", "/~user"},
      {"ColonAndAt", "/a:b@c"},
      {"HiddenName", "/a/.hidden"},
      {"WellKnown", "/.well-known/openid-configuration"},
      {"TrailingSlash", "/a/b/"},
      {"EmptyMiddleSegment", "/a//b"},
      {"EncodedLetters", "/%41%42c"},
      {"EncodedUtf8", "/caf%C3%A9"},
      {"SubDelims", "/a!$&'()*+,=b"},
      {"Identifier", "/v1/messages/search-api_v2.json"},
  };
}

class BenignPathTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(BenignPathTest, IsAccepted) {
  // Verify an ordinary path under the base URL is not refused.
  const std::string& path = GetParam().input;
  SCOPED_TRACE(absl::StrCat("path \"", absl::CHexEscape(path), "\""));
  EXPECT_THAT(ValidateForwardPath(path), IsOk());
}

INSTANTIATE_TEST_SUITE_P(Table, BenignPathTest,
                         ::testing::ValuesIn(BenignPaths()), PrintableLabel);

// The header sets below put the offending header after a benign one, so a
// validator that looked only at the first header would be caught.
struct HeaderCase {
  const char* label;
  HttpHeader header;
  // Substring the message must hold (the header's name); empty when the name
  // itself is malformed and should not be echoed.
  std::string named;
};

std::string HeaderLabel(const ::testing::TestParamInfo<HeaderCase>& info) {
  return info.param.label;
}

constexpr absl::string_view kReserved[] = {"AppKey", "Authorization",
                                           "Content-Type"};

std::vector<HeaderCase> HostileHeaders() {
  const std::string v = kSecretValue;
  return {
      // Names that are not RFC 9110 tokens.
      {"NameEmpty", {"", v}, ""},
      {"NameCrLf", {"X-A\r\nInjected", v}, ""},
      {"NameCr", {"X-A\rB", v}, ""},
      {"NameLf", {"X-A\nB", v}, ""},
      {"NameNul", {std::string("X-A\0B", 5), v}, ""},
      {"NameSpace", {"X A", v}, ""},
      {"NameTrailingSpace", {"X-A ", v}, ""},
      {"NameColon", {"X:A", v}, ""},
      {"NameTab", {"X-A\t", v}, ""},
      {"NameParenthesis", {"X(A)", v}, ""},
      {"NameNonAscii", {"X-Caf\xc3\xa9", v}, ""},
      // Values with CR, LF, NUL or another control character.
      {"ValueCrLf", {"X-Trace", v + "\r\nX-Injected: 1"}, "X-Trace"},
      {"ValueCr", {"X-Trace", v + "\rb"}, "X-Trace"},
      {"ValueLf", {"X-Trace", v + "\nb"}, "X-Trace"},
      {"ValueNul", {"X-Trace", v + std::string("\0", 1)}, "X-Trace"},
      {"ValueDel", {"X-Trace", v + "\x7f"}, "X-Trace"},
      {"ValueBell", {"X-Trace", v + "\x07"}, "X-Trace"},
      // Hop-by-hop and framing headers, any case.
      {"HostLower", {"host", v}, "host"},
      {"HostCapitalized", {"Host", v}, "Host"},
      {"Connection", {"Connection", v}, "Connection"},
      {"ContentLength", {"Content-Length", v}, "Content-Length"},
      {"ContentLengthLower", {"content-length", v}, "content-length"},
      {"TransferEncodingUpper", {"TRANSFER-ENCODING", v}, "TRANSFER-ENCODING"},
      {"Te", {"TE", v}, "TE"},
      {"TeLower", {"te", v}, "te"},
      {"Upgrade", {"Upgrade", v}, "Upgrade"},
      {"ProxyAuthorization", {"Proxy-Authorization", v}, "Proxy-Authorization"},
      {"ProxyConnectionLower", {"proxy-connection", v}, "proxy-connection"},
      {"KeepAlive", {"Keep-Alive", v}, "Keep-Alive"},
      {"Expect", {"Expect", v}, "Expect"},
      {"Trailer", {"Trailer", v}, "Trailer"},
      // The profile's signer's own headers, any case.
      {"ReservedAppKey", {"AppKey", v}, "AppKey"},
      {"ReservedAppKeyLower", {"appkey", v}, "appkey"},
      {"ReservedAuthorization", {"Authorization", v}, "Authorization"},
      {"ReservedAuthorizationLower", {"authorization", v}, "authorization"},
      {"ReservedContentType", {"Content-Type", v}, "Content-Type"},
      {"ReservedContentTypeUpper", {"CONTENT-TYPE", v}, "CONTENT-TYPE"},
      // One header above the size limit (name + value > 8 KiB).
      {"Oversized", {"X-Big", v + std::string(8 * 1024, 'a')}, "X-Big"},
  };
}

class HostileHeaderTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(HostileHeaderTest, IsInvalidArgumentWithoutTheValue) {
  // Verify the header is refused, the message names it where it is a valid
  // name, and never repeats its value.
  const HeaderCase& c = GetParam();
  SCOPED_TRACE(
      absl::StrCat("header \"", absl::CHexEscape(c.header.name), "\""));
  const std::vector<HttpHeader> headers = {{"Accept", "application/json"},
                                           c.header};
  const absl::Status status = ValidateCallerHeaders(headers, kReserved);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               AllOf(StartsWith("headers:"), HasSubstr(c.named),
                                     Not(HasSubstr(kSecretValue)))));
}

INSTANTIATE_TEST_SUITE_P(Table, HostileHeaderTest,
                         ::testing::ValuesIn(HostileHeaders()), HeaderLabel);

TEST(ValidateCallerHeadersTest, AcceptsOrdinaryHeaders) {
  // Verify ordinary caller headers pass, including a tab inside a value, an
  // empty value, a repeated header, obs-text and every tchar in a name.
  const std::vector<HttpHeader> headers = {
      {"Accept", "application/json"},
      {"X-Request-Id", "0b5e6c1e-7a52-4a8e-b2f4-1d3c0c8d9e10"},
      {"X-Tab", "a\tb"},
      {"X-Empty", ""},
      {"X-Tag", "one"},
      {"X-Tag", "two"},
      {"x-lower-case", "v"},
      {"X-Utf8", "caf\xc3\xa9"},
      {"!#$%&'*+-.^_`|~09AZaz", "every tchar"},
      // Names that merely contain a refused one.
      {"X-Host", "h"},
      {"X-Authorization", "a"},
      {"Content-Language", "en"},
      {"Tea", "green"},
  };
  EXPECT_THAT(ValidateCallerHeaders(headers, kReserved), IsOk());
  EXPECT_THAT(ValidateCallerHeaders({}, kReserved), IsOk());
}

TEST(ValidateCallerHeadersTest, ReservedNamesComeFromTheSpan) {
  // Verify a name is reserved only when the profile's signer says so.
  const std::vector<HttpHeader> headers = {{"Authorization", "Bearer x"}};
  EXPECT_THAT(ValidateCallerHeaders(headers, {}), IsOk());
  constexpr absl::string_view kBearer[] = {"Authorization", "X-APP-ID"};
  EXPECT_THAT(
      ValidateCallerHeaders({{"x-app-id", "1"}}, kBearer),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("x-app-id")));
}

TEST(ValidateCallerHeadersTest, HeaderCountLimit) {
  // Verify at most max_headers headers are accepted (default 64).
  std::vector<HttpHeader> headers;
  for (int i = 0; i < 64; ++i) {
    headers.push_back({absl::StrCat("X-H", i), kSecretValue});
  }
  EXPECT_THAT(ValidateCallerHeaders(headers, kReserved), IsOk());
  headers.push_back({"X-One-Too-Many", kSecretValue});
  EXPECT_THAT(ValidateCallerHeaders(headers, kReserved),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("64"), Not(HasSubstr(kSecretValue)))));

  HeaderLimits limits;
  limits.max_headers = 2;
  EXPECT_THAT(ValidateCallerHeaders({{"A", "1"}, {"B", "2"}}, {}, limits),
              IsOk());
  EXPECT_THAT(
      ValidateCallerHeaders({{"A", "1"}, {"B", "2"}, {"C", "3"}}, {}, limits),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValidateCallerHeadersTest, HeaderSizeLimitCountsNameAndValue) {
  // Verify the size limit is name + value, inclusive at the limit.
  const std::string name = "X-Big";
  const std::string at_limit(8 * 1024 - name.size(), 'a');
  EXPECT_THAT(ValidateCallerHeaders({{name, at_limit}}, kReserved), IsOk());
  EXPECT_THAT(ValidateCallerHeaders({{name, at_limit + "a"}}, kReserved),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(name), Not(HasSubstr("aaaa")))));

  HeaderLimits limits;
  limits.max_header_bytes = 10;
  EXPECT_THAT(ValidateCallerHeaders({{"X-A", "1234567"}}, {}, limits), IsOk());
  EXPECT_THAT(ValidateCallerHeaders({{"X-A", "12345678"}}, {}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("X-A")));
}

struct QueryCase {
  const char* label;
  std::string key;
  std::string value;
};

std::string QueryLabel(const ::testing::TestParamInfo<QueryCase>& info) {
  return info.param.label;
}

std::vector<QueryCase> HostileQueries() {
  const std::string v = kSecretValue;
  return {
      {"EmptyKey", "", v},
      {"KeyCrLf", "a\r\nb", v},
      {"KeyCr", "a\rb", v},
      {"KeyLf", "a\nb", v},
      {"KeyNul", std::string("a\0b", 3), v},
      {"KeyTab", "a\tb", v},
      {"ValueCrLf", "k", v + "\r\nHost: evil"},
      {"ValueCr", "k", v + "\r"},
      {"ValueLf", "k", v + "\n"},
      {"ValueNul", "k", v + std::string("\0", 1)},
      {"ValueDel", "k", v + "\x7f"},
  };
}

class HostileQueryTest : public ::testing::TestWithParam<QueryCase> {};

TEST_P(HostileQueryTest, IsInvalidArgumentWithoutTheValue) {
  // Verify the pair is refused, also behind a benign pair, and the message
  // does not repeat the value.
  const QueryCase& c = GetParam();
  const std::map<std::string, std::string> query = {{c.key, c.value},
                                                    {"~benign", "1"}};
  EXPECT_THAT(
      ValidateQuery(query),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(StartsWith("query:"), Not(HasSubstr(kSecretValue)))));
}

INSTANTIATE_TEST_SUITE_P(Table, HostileQueryTest,
                         ::testing::ValuesIn(HostileQueries()), QueryLabel);

TEST(ValidateQueryTest, AcceptsOrdinaryPairs) {
  // Verify values that are encoded later (space, '&', '=', '?', '#', '/',
  // UTF-8) and empty values pass.
  EXPECT_THAT(ValidateQuery({}), IsOk());
  EXPECT_THAT(ValidateQuery({{"page", "1"},
                             {"q", "hello world & more=?#/"},
                             {"empty", ""},
                             {"utf8", "caf\xc3\xa9"},
                             {"a b", "c"}}),
              IsOk());
}

TEST(ValidateQueryTest, ValueErrorNamesTheKey) {
  // Verify a bad value is reported by its key, not its content.
  EXPECT_THAT(ValidateQuery({{"page_token", "x\r\ny"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("page_token"), Not(HasSubstr("x\r")))));
}

TEST(NormalizeForwardMethodTest, AcceptsTheSixMethodsInAnyCase) {
  // Verify each allowed method is accepted in any case and uppercased.
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}) {
    SCOPED_TRACE(method);
    const std::string lower = absl::AsciiStrToLower(method);
    absl::StatusOr<std::string> normalized = NormalizeForwardMethod(lower);
    ASSERT_THAT(normalized, IsOk());
    EXPECT_EQ(*normalized, method);
    normalized = NormalizeForwardMethod(method);
    ASSERT_THAT(normalized, IsOk());
    EXPECT_EQ(*normalized, method);
  }
  absl::StatusOr<std::string> mixed = NormalizeForwardMethod("pAtCh");
  ASSERT_THAT(mixed, IsOk());
  EXPECT_EQ(*mixed, "PATCH");
}

TEST(NormalizeForwardMethodTest, RefusesEverythingElse) {
  // Verify methods outside the list, padded or embedded ones are refused.
  for (const std::string& method :
       {std::string("CONNECT"), std::string("connect"), std::string("TRACE"),
        std::string("OPTIONS"), std::string(""), std::string("GET "),
        std::string(" GET"), std::string("GET\r\n"), std::string("GET\0", 4),
        std::string("GET /evil HTTP/1.1"), std::string("PROPFIND"),
        std::string("G\xc3\x89T")}) {
    SCOPED_TRACE(absl::StrCat("method \"", absl::CHexEscape(method), "\""));
    EXPECT_THAT(
        NormalizeForwardMethod(method),
        StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("method:")));
  }
}

TEST(IsTransportHeaderTest, HopByHopAndFramingInAnyCase) {
  // Verify the connection's own headers are recognized and others are not.
  for (const char* name :
       {"Host", "connection", "CONTENT-LENGTH", "TE", "Transfer-Encoding",
        "Trailer", "Upgrade", "Keep-Alive", "Expect", "Proxy-Authorization",
        "proxy-connection"}) {
    EXPECT_TRUE(IsTransportHeader(name)) << name;
  }
  for (const char* name : {"Authorization", "AppKey", "X-Proxy", "Hostname",
                           "Content-Type", "Proxy"}) {
    EXPECT_FALSE(IsTransportHeader(name)) << name;
  }
}

TEST(ConnectionOptionsTest, SplitsTheListAndTrimsWhitespace) {
  // Verify the elements come out trimmed, empty ones dropped, case kept.
  EXPECT_THAT(ConnectionOptions("keep-alive, X-Secret-Hop"),
              ElementsAre("keep-alive", "X-Secret-Hop"));
  EXPECT_THAT(ConnectionOptions(" ,\tclose ,, x-a\t,b"),
              ElementsAre("close", "x-a", "b"));
  EXPECT_THAT(ConnectionOptions("Upgrade"), ElementsAre("Upgrade"));
  EXPECT_THAT(ConnectionOptions(""), IsEmpty());
  EXPECT_THAT(ConnectionOptions(" , \t,"), IsEmpty());
}

TEST(EndToEndHeadersTest, DropsTransportHeadersAndTheNamesConnectionLists) {
  // Verify names from every Connection header are dropped in any case,
  // with the transport headers, and the rest kept in order.
  const std::vector<HttpHeader> headers = {
      {"Content-Type", "application/json"},
      {"Connection", "keep-alive, X-Secret-Hop"},
      {"x-secret-hop", "v"},
      {"Authorization", "Bearer t"},
      {"Keep-Alive", "timeout=5"},
      {"X-Other", "1"},
      {"connection", " x-other "},
      {"Proxy-Authorization", "Basic p"},
      {"X-Kept", "2"},
      {"X-Other", "3"},
  };
  EXPECT_THAT(EndToEndHeaders(headers),
              ElementsAre(HttpHeader{"Content-Type", "application/json"},
                          HttpHeader{"Authorization", "Bearer t"},
                          HttpHeader{"X-Kept", "2"}));
}

TEST(EndToEndHeadersTest, WithoutConnectionOnlyTransportHeadersGo) {
  // Verify a request with no Connection header loses nothing else.
  const std::vector<HttpHeader> headers = {
      {"Host", "example"}, {"X-A", "1"}, {"TE", "trailers"}, {"X-B", "2"}};
  EXPECT_THAT(EndToEndHeaders(headers),
              ElementsAre(HttpHeader{"X-A", "1"}, HttpHeader{"X-B", "2"}));
}

TEST(ValidateCallerHeadersTest, ErrorsEchoAtMost64BytesOfAHeaderName) {
  // Verify a long header name is cut in the error (it reaches the caller
  // and the rpc log line), whichever check refuses it.
  const std::string name = "X-" + std::string(8000, 'n');
  HeaderLimits limits;
  limits.max_header_bytes = 100000;
  const std::vector<std::vector<HttpHeader>> cases = {
      {{name, "bad\nvalue"}},
      {{"Proxy-" + name, "v"}},
  };
  for (const auto& headers : cases) {
    const absl::Status status = ValidateCallerHeaders(headers, {}, limits);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_LT(status.message().size(), 300u) << status.message().substr(0, 80);
    EXPECT_THAT(status.message(), HasSubstr("(+"));
  }
  const absl::Status too_big = ValidateCallerHeaders({{name, "v"}}, {});
  EXPECT_LT(too_big.message().size(), 300u);
  const std::string reserved_name = std::string(100, 'r');
  const absl::string_view reserved[] = {reserved_name};
  EXPECT_LT(
      ValidateCallerHeaders({{reserved_name, "v"}}, reserved).message().size(),
      300u);
  const std::map<std::string, std::string> query = {
      {std::string(8000, 'k'), "a\nb"}};
  EXPECT_LT(ValidateQuery(query, "query").message().size(), 300u);
}

}  // namespace
}  // namespace signet
