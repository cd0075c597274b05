// Every worked example of /work/shared/reference/channels.md, recomputed.
#include "notify/channels/signing.h"

#include <gtest/gtest.h>

namespace duban::notify {
namespace {

TEST(SigningTest, PrimitivesMatchKnownDigests) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexLower(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 2202 test case 2.
  EXPECT_EQ(HexLower(HmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(HexLower(std::string("\x00\xff\x10", 3)), "00ff10");
}

TEST(SigningTest, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  for (const char* s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    ASSERT_EQ(Base64Decode(Base64Encode(s)), std::optional<std::string>(s)) << s;
  }
  EXPECT_EQ(Base64Decode("Zg="), std::nullopt);   // bad length
  EXPECT_EQ(Base64Decode("Z g="), std::nullopt);  // bad character
  EXPECT_EQ(Base64Decode("Z=g="), std::nullopt);  // padding in the middle
}

TEST(SigningTest, PercentEncodingFollowsAlibabaRules) {
  EXPECT_EQ(PercentEncodeRfc3986("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncodeRfc3986("*"), "%2A");
  EXPECT_EQ(PercentEncodeRfc3986("a b"), "a%20b");
  EXPECT_EQ(PercentEncodeRfc3986("~"), "~");
  EXPECT_EQ(PercentEncodeRfc3986("+/="), "%2B%2F%3D");
  EXPECT_EQ(PercentEncodeRfc3986("阿里"), "%E9%98%BF%E9%87%8C");
  EXPECT_EQ(PercentEncodeRfc3986("{\"a\":\"b\"}"), "%7B%22a%22%3A%22b%22%7D");
  EXPECT_EQ(UrlEncode("a+b/c=="), "a%2Bb%2Fc%3D%3D");
}

TEST(SigningTest, UrlDecodeHandlesPlusAndRejectsBadEscapes) {
  EXPECT_EQ(UrlDecode("a%20b+c", true), std::optional<std::string>("a b c"));
  EXPECT_EQ(UrlDecode("a+c", false), std::optional<std::string>("a+c"));
  EXPECT_EQ(UrlDecode("%E9%98%BF", false), std::optional<std::string>("阿"));
  EXPECT_EQ(UrlDecode("%e9%98%bf", false), std::optional<std::string>("阿"));
  EXPECT_EQ(UrlDecode("%4", false), std::nullopt);
  EXPECT_EQ(UrlDecode("%zz", false), std::nullopt);
}

TEST(SigningTest, FormatsUtcTimestampsAndDates) {
  EXPECT_EQ(UtcIso8601Seconds(1499827339), "2017-07-12T02:42:19Z");
  EXPECT_EQ(UtcDate(1551113065), "2019-02-25");
  // 07:59 in Beijing on 2019-02-26 is still 2019-02-25 in UTC.
  EXPECT_EQ(UtcDate(1551139140), "2019-02-25");
}

TEST(SigningTest, DingTalkWorkedExample) {
  const DingTalkSignature sig = DingTalkSign("SECexample0123456789", 1700000000005);
  EXPECT_EQ(sig.base64, "Loq/+0zEmVCRGs5fpiBuhpjcKwLIsBSmz64QbWIFQs8=");
  EXPECT_EQ(sig.url_encoded, "Loq%2F%2B0zEmVCRGs5fpiBuhpjcKwLIsBSmz64QbWIFQs8%3D");
}

TEST(SigningTest, FeishuWorkedExamples) {
  EXPECT_EQ(FeishuSign("demo", 100), "jquNHnVOwmDRfw+vqTIrY5dooJAgi5EcRtLsQE4wfXg=");
  EXPECT_EQ(FeishuSign("demo", 1599360473),
            "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=");
}

TEST(SigningTest, WebhookSignatureIsHexHmacOfTimestampDotBody) {
  const std::string body = R"({"text":"hi"})";
  EXPECT_EQ(WebhookSignature("s3cret", 1700000000, body),
            HexLower(HmacSha256("s3cret", "1700000000." + body)));
  EXPECT_EQ(WebhookSignature("s3cret", 1700000000, body).size(), 64u);
  EXPECT_NE(WebhookSignature("s3cret", 1700000001, body),
            WebhookSignature("s3cret", 1700000000, body));
}

TEST(SigningTest, AlibabaV2SendSmsVector) {
  const SignParams params = {
      {"AccessKeyId", "testId"},
      {"Action", "SendSms"},
      {"Format", "XML"},
      {"OutId", "123"},
      {"PhoneNumbers", "15300000001"},
      {"RegionId", "cn-hangzhou"},
      {"SignName", "阿里云短信测试专用"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"},
      {"SignatureVersion", "1.0"},
      {"TemplateCode", "SMS_71390007"},
      {"TemplateParam", R"({"customer":"test"})"},
      {"Timestamp", "2017-07-12T02:42:19Z"},
      {"Version", "2017-05-25"},
  };
  const AlibabaV2Signed s = AlibabaSignV2("GET", params, "testSecret");
  EXPECT_EQ(s.string_to_sign.rfind("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms", 0),
            0u)
      << s.string_to_sign;
  EXPECT_NE(s.string_to_sign.find("SignName%3D%25E9%2598%25BF"), std::string::npos);
  EXPECT_NE(s.canonical_query.find("SignName=%E9%98%BF"), std::string::npos);
  EXPECT_EQ(s.signature, "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  const std::string tail = "&Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D";
  EXPECT_EQ(s.encoded_request, s.canonical_query + tail);
  // The secret is case-sensitive.
  EXPECT_NE(AlibabaSignV2("GET", params, "testsecret").signature, s.signature);
  // A Signature already in the map is not part of what is signed.
  SignParams with_sig = params;
  with_sig["Signature"] = "whatever";
  EXPECT_EQ(AlibabaSignV2("GET", with_sig, "testSecret").signature, s.signature);
}

TEST(SigningTest, AlibabaV2DescribeRegionsVector) {
  const SignParams params = {
      {"AccessKeyId", "testid"},
      {"Action", "DescribeRegions"},
      {"Format", "XML"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
      {"SignatureVersion", "1.0"},
      {"Timestamp", "2016-02-23T12:46:24Z"},
      {"Version", "2014-05-26"},
  };
  EXPECT_EQ(AlibabaSignV2("GET", params, "testsecret").signature,
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  EXPECT_NE(AlibabaSignV2("POST", params, "testsecret").signature,
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(SigningTest, AlibabaV3RunInstancesVector) {
  AlibabaV3Request req;
  req.method = "POST";
  req.query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
               {"RegionId", "cn-shanghai"}};
  req.headers = {
      {"Host", "ecs.cn-shanghai.aliyuncs.com"},
      {"x-acs-action", "RunInstances"},
      {"x-acs-version", "2014-05-26"},
      {"x-acs-date", "2023-10-26T10:22:32Z"},
      {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
      {"x-acs-content-sha256", Sha256Hex("")},
      {"User-Agent", "not signed"},
  };
  const AlibabaV3Signed s = AlibabaSignV3(req, "YourAccessKeyId", "YourAccessKeySecret");
  EXPECT_EQ(s.signed_headers,
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;"
            "x-acs-signature-nonce;x-acs-version");
  EXPECT_EQ(Sha256Hex(s.canonical_request),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259")
      << s.canonical_request;
  EXPECT_EQ(s.signature,
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
  EXPECT_EQ(s.authorization,
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=" +
                s.signed_headers + ",Signature=" + s.signature);
}

TEST(SigningTest, TencentTc3CvmVector) {
  Tc3Request req;
  req.service = "cvm";
  req.host = "cvm.tencentcloudapi.com";
  req.action = "DescribeInstances";
  req.timestamp = 1551113065;
  req.body =
      R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
  const Tc3Signed s = TencentSignTc3(req, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                     "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
  EXPECT_EQ(s.date, "2019-02-25");
  EXPECT_EQ(s.hashed_payload,
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  EXPECT_EQ(Sha256Hex(s.canonical_request),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
  EXPECT_EQ(s.signature,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  EXPECT_EQ(s.authorization,
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/"
            "2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
            "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
}

TEST(SigningTest, TencentTc3CanSignTheActionHeaderToo) {
  Tc3Request req;
  req.body = "{}";
  req.timestamp = 1551113065;
  req.sign_action = true;
  const Tc3Signed s = TencentSignTc3(req, "id", "key");
  EXPECT_EQ(s.signed_headers, "content-type;host;x-tc-action");
  EXPECT_NE(s.canonical_request.find("\nx-tc-action:sendsms\n"), std::string::npos);
  EXPECT_NE(s.authorization.find("/2019-02-25/sms/tc3_request, "
                                 "SignedHeaders=content-type;host;x-tc-action, "),
            std::string::npos);
  req.sign_action = false;
  EXPECT_NE(TencentSignTc3(req, "id", "key").signature, s.signature);
}

}  // namespace
}  // namespace duban::notify
