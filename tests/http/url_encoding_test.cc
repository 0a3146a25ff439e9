#include "http/url_encoding.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace signet {
namespace {

// Every byte value 0x00..0xFF in order.
std::string AllBytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

TEST(PhpUrlEncodeTest, MatchesPhpForEveryByte) {
  // Verify against PHP 8.2's own output:
  //   php -r '$b=""; for($i=0;$i<256;$i++) $b.=chr($i); echo urlencode($b);'
  constexpr char kPhpUrlencode[] =
      "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13"
      "%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F+%21%22%23%24%25%26%27%2"
      "8%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJK"
      "LMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B"
      "%7C%7D%7E%7F%80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F"
      "%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F%A0%A1%A2%A3"
      "%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7"
      "%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB"
      "%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF"
      "%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3"
      "%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF";
  EXPECT_EQ(PhpUrlEncode(AllBytes()), kPhpUrlencode);
}

TEST(PhpUrlEncodeTest, PhpSpecificCharacters) {
  // Verify the points where PHP urlencode differs from RFC 3986: space is
  // '+', and '~' and '*' are escaped.
  EXPECT_EQ(PhpUrlEncode(""), "");
  EXPECT_EQ(PhpUrlEncode(" "), "+");
  EXPECT_EQ(PhpUrlEncode("~"), "%7E");
  EXPECT_EQ(PhpUrlEncode("*"), "%2A");
  EXPECT_EQ(PhpUrlEncode("a b~*'()!"), "a+b%7E%2A%27%28%29%21");
  EXPECT_EQ(PhpUrlEncode("AZaz09-_."), "AZaz09-_.");
  EXPECT_EQ(PhpUrlEncode(std::string("\0", 1)), "%00");
}

TEST(PhpUrlEncodeTest, Base64Alphabet) {
  // Verify the three base64 characters outside the kept set, as seed 003's
  // signature has them, with uppercase hex.
  EXPECT_EQ(PhpUrlEncode("+"), "%2B");
  EXPECT_EQ(PhpUrlEncode("/"), "%2F");
  EXPECT_EQ(PhpUrlEncode("="), "%3D");
  EXPECT_EQ(PhpUrlEncode("Gh70gm2WBTHpgpF+JjHZFZ7Uk6iGIsVaRG7Wz8aYhpU="),
            "Gh70gm2WBTHpgpF%2BJjHZFZ7Uk6iGIsVaRG7Wz8aYhpU%3D");
}

TEST(PhpUrlEncodeTest, Utf8IsEncodedBytewise) {
  // Verify multi-byte UTF-8 is escaped byte by byte (PHP 8.2 output).
  EXPECT_EQ(PhpUrlEncode("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(PhpUrlEncode("\xe4\xb8\xad\xe6\x96\x87 \xe6\xb5\x8b\xe8\xaf\x95"),
            "%E4%B8%AD%E6%96%87+%E6%B5%8B%E8%AF%95");
  EXPECT_EQ(PhpUrlEncode("\xf0\x9f\x94\x91"), "%F0%9F%94%91");
}

TEST(PercentEncodeTest, MatchesPhpRawurlencodeForEveryByte) {
  // Verify against PHP 8.2 rawurlencode, which is RFC 3986 (unreserved kept,
  // '~' included, space as %20):
  //   php -r '$b=""; for($i=0;$i<256;$i++) $b.=chr($i); echo rawurlencode($b);'
  constexpr char kPhpRawurlencode[] =
      "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13"
      "%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F%20%21%22%23%24%25%26%27"
      "%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHI"
      "JKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%"
      "7B%7C%7D~%7F%80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F"
      "%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F%A0%A1%A2%A3"
      "%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7"
      "%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB"
      "%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF"
      "%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3"
      "%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF";
  EXPECT_EQ(PercentEncode(AllBytes()), kPhpRawurlencode);
}

TEST(PercentEncodeTest, Rfc3986Unreserved) {
  // Verify unreserved characters are kept and everything else escaped.
  EXPECT_EQ(PercentEncode(""), "");
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode(" "), "%20");
  EXPECT_EQ(PercentEncode("a b+c"), "a%20b%2Bc");
  EXPECT_EQ(PercentEncode("*"), "%2A");
  EXPECT_EQ(PercentEncode("&=?#/%"), "%26%3D%3F%23%2F%25");
  EXPECT_EQ(PercentEncode("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(PercentEncode(std::string("\0\r\n", 3)), "%00%0D%0A");
}

TEST(EncodeQueryTest, SortedAndEncoded) {
  // Verify pairs come out in sorted key order with both sides encoded.
  EXPECT_EQ(EncodeQuery({}), "");
  EXPECT_EQ(EncodeQuery({{"page", "1"}}), "page=1");
  EXPECT_EQ(EncodeQuery({{"b", "2"}, {"a", "1"}, {"c", "3"}}), "a=1&b=2&c=3");
  EXPECT_EQ(EncodeQuery({{"q", "x y"}, {"k~", "a+b/c"}}),
            "k~=a%2Bb%2Fc&q=x%20y");
  EXPECT_EQ(EncodeQuery({{"k", ""}}), "k=");
  EXPECT_EQ(EncodeQuery({{"a b", "c&d=e"}}), "a%20b=c%26d%3De");
  EXPECT_EQ(EncodeQuery({{"name", "\xe4\xb8\xad"}}), "name=%E4%B8%AD");
}

TEST(EncodeQueryTest, SortIsBytewise) {
  // Verify the order is that of the raw keys' bytes (std::map), so
  // uppercase sorts before lowercase.
  EXPECT_EQ(EncodeQuery({{"b", "1"}, {"B", "2"}, {"a", "3"}, {"_", "4"}}),
            "B=2&_=4&a=3&b=1");
}

}  // namespace
}  // namespace signet
