#include "fakes/fake_alibaba_sms.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>

#include "base/time_format.h"
#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

using notify::SignParams;
using Tpl = FakeAlibabaSms::Template;

// 10:00 in Beijing.
constexpr char kStart[] = "2024-06-28T02:00:00Z";
constexpr char kPhone[] = "13800000000";

FakeAlibabaSms::Options TestOptions() {
  FakeAlibabaSms::Options o;
  o.access_keys = {{"LTAItest", "s3cret"}, {"testId", "testSecret"}, {"testid", "testsecret"},
                   {"YourAccessKeyId", "YourAccessKeySecret"}};
  o.signatures = {"督办测试", "阿里云短信测试专用"};
  o.templates = {
      {"SMS_100", {.content = "${name}您好，请于${due}前提交。", .variables = {{"name", 10}, {"due", 20}}}},
      {"SMS_200", {.content = "请处理${item}。", .variables = {{"item", 20}}}},
      {"SMS_71390007", {.content = "尊敬的${customer}", .variables = {{"customer", 20}}}},
      {"SMS_CODE", {.kind = Tpl::Kind::kCaptcha, .content = "验证码${code}", .variables = {{"code", 6}}}},
  };
  return o;
}

class FakeAlibabaSmsTest : public ::testing::Test {
 protected:
  FakeAlibabaSmsTest()
      : clock_(*ParseRfc3339(kStart)), fake_(&clock_, TestOptions()), client_(fake_.base_url()) {
    client_.set_url_encode(false);  // requests are encoded by the signer
  }

  SignParams Common(const std::string& action) {
    return {{"AccessKeyId", "LTAItest"}, {"Action", action}, {"Format", "JSON"},
            {"RegionId", "cn-hangzhou"}, {"SignatureMethod", "HMAC-SHA1"},
            {"SignatureNonce", fmt::format("nonce-{}", nonce_++)}, {"SignatureVersion", "1.0"},
            {"Timestamp", notify::UtcIso8601Seconds(ToUnixMillis(clock_.Now()) / 1000)},
            {"Version", "2017-05-25"}};
  }
  SignParams Sms(const std::string& phone, const std::string& tpl, const std::string& params,
                 const std::string& out_id = "") {
    SignParams p = Common("SendSms");
    p["PhoneNumbers"] = phone;
    p["SignName"] = "督办测试";
    p["TemplateCode"] = tpl;
    if (!params.empty()) p["TemplateParam"] = params;
    if (!out_id.empty()) p["OutId"] = out_id;
    return p;
  }
  httplib::Result Get(const SignParams& p, const std::string& secret = "s3cret") {
    return client_.Get("/?" + notify::AlibabaSignV2("GET", p, secret).encoded_request);
  }
  httplib::Result PostForm(const SignParams& p, const std::string& secret = "s3cret") {
    return client_.Post("/", notify::AlibabaSignV2("POST", p, secret).encoded_request,
                        "application/x-www-form-urlencoded");
  }
  nlohmann::json Call(const SignParams& p) {
    auto res = PostForm(p);
    EXPECT_TRUE(res);
    if (!res) return {};
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded())
        << res->status << " " << res->get_header_value("EXCEPTION_WHAT");
    return body;
  }
  static std::string Notice() { return R"({"name":"张三","due":"6月30日"})"; }

  VirtualClock clock_;
  FakeAlibabaSms fake_;
  httplib::Client client_;
  int nonce_ = 0;
};

TEST_F(FakeAlibabaSmsTest, AcceptsTheSendSmsV2VectorByGet) {
  clock_.SetNow(*ParseRfc3339("2017-07-12T02:42:19Z"));
  const SignParams p = {
      {"AccessKeyId", "testId"}, {"Action", "SendSms"}, {"Format", "XML"}, {"OutId", "123"},
      {"PhoneNumbers", "15300000001"}, {"RegionId", "cn-hangzhou"},
      {"SignName", "阿里云短信测试专用"}, {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"}, {"SignatureVersion", "1.0"},
      {"TemplateCode", "SMS_71390007"}, {"TemplateParam", R"({"customer":"test"})"},
      {"Timestamp", "2017-07-12T02:42:19Z"}, {"Version", "2017-05-25"}};
  auto res = Get(p, "testSecret");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["Code"], "OK");
  EXPECT_TRUE(std::regex_match(body["BizId"].get<std::string>(), std::regex(R"(\d+\^0)")));
  EXPECT_NE(fake_.Requests()[0].target.find("Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"),
            std::string::npos);
  EXPECT_EQ(fake_.DeliveriesFor("123"), 1);
  EXPECT_EQ(fake_.Sent().at(0).content, "【阿里云短信测试专用】尊敬的test");
  // Wrong-case secret: the vector's known pitfall.
  auto wrong = Get(p, "testsecret");
  EXPECT_EQ(wrong->status, 400);
  EXPECT_EQ(nlohmann::json::parse(wrong->body)["Code"], "SignatureDoesNotMatch");
}

TEST_F(FakeAlibabaSmsTest, DescribeRegionsVectorPassesTheGatewayOnly) {
  clock_.SetNow(*ParseRfc3339("2016-02-23T12:46:24Z"));
  const SignParams p = {{"AccessKeyId", "testid"}, {"Action", "DescribeRegions"},
                        {"Format", "XML"}, {"SignatureMethod", "HMAC-SHA1"},
                        {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
                        {"SignatureVersion", "1.0"}, {"Timestamp", "2016-02-23T12:46:24Z"},
                        {"Version", "2014-05-26"}};
  ASSERT_EQ(notify::AlibabaSignV2("GET", p, "testsecret").signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  auto res = Get(p, "testsecret");
  EXPECT_EQ(res->status, 404);  // signature fine; not an SMS action
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "InvalidAction.NotFound");
}

TEST_F(FakeAlibabaSmsTest, AcceptsTheV3VectorSignature) {
  clock_.SetNow(*ParseRfc3339("2023-10-26T10:22:32Z"));
  notify::AlibabaV3Request v3;
  v3.query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
              {"RegionId", "cn-shanghai"}};
  v3.headers = {{"host", "ecs.cn-shanghai.aliyuncs.com"}, {"x-acs-action", "RunInstances"},
                {"x-acs-version", "2014-05-26"}, {"x-acs-date", "2023-10-26T10:22:32Z"},
                {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
                {"x-acs-content-sha256", notify::Sha256Hex("")}};
  const auto s = notify::AlibabaSignV3(v3, "YourAccessKeyId", "YourAccessKeySecret");
  ASSERT_EQ(s.signature, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
  httplib::Headers headers(v3.headers.begin(), v3.headers.end());
  headers.emplace("Authorization", s.authorization);
  const std::string target = "/?" + notify::AlibabaCanonicalQuery(v3.query);
  auto res = client_.Post(target, headers, "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "InvalidAction.NotFound") << res->body;
  // The same request again: the nonce is spent.
  res = client_.Post(target, headers, "", "");
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "SignatureNonceUsed");
}

TEST_F(FakeAlibabaSmsTest, V3SendSmsWithBusinessParametersInTheQuery) {
  notify::AlibabaV3Request v3;
  v3.query = {{"PhoneNumbers", kPhone}, {"SignName", "督办测试"}, {"TemplateCode", "SMS_200"},
              {"TemplateParam", R"({"item":"周报 *~"})"}, {"OutId", "v3-1"}};
  v3.headers = {{"host", "127.0.0.1"}, {"x-acs-action", "SendSms"},
                {"x-acs-version", "2017-05-25"}, {"x-acs-date", kStart},
                {"x-acs-signature-nonce", "n-v3"}, {"x-acs-content-sha256", notify::Sha256Hex("")}};
  const auto s = notify::AlibabaSignV3(v3, "LTAItest", "s3cret");
  httplib::Headers headers(v3.headers.begin(), v3.headers.end());
  headers.emplace("Authorization", s.authorization);
  auto res = client_.Post("/?" + notify::AlibabaCanonicalQuery(v3.query), headers, "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "OK") << res->body;
  EXPECT_EQ(fake_.DeliveriesFor("v3-1"), 1);
}

TEST_F(FakeAlibabaSmsTest, FormPostWithSpaceStarTildeAndChinese) {
  const auto reply = Call(Sms(kPhone, "SMS_100", R"({"name":"张 三*~","due":"6月30日"})", "o-1"));
  EXPECT_EQ(reply["Code"], "OK");
  EXPECT_EQ(fake_.Sent().at(0).content, "【督办测试】张 三*~您好，请于6月30日前提交。");
  EXPECT_EQ(fake_.Sent().at(0).phone, kPhone);
}

TEST_F(FakeAlibabaSmsTest, SignatureOverFormEncodingIsRejected) {
  // A client that signs what a form encoder produced (space as '+', '*' kept).
  SignParams p = Sms(kPhone, "SMS_100", R"({"name":"张 三*","due":"x"})");
  std::string canonical = notify::AlibabaCanonicalQuery(p);
  canonical = std::regex_replace(canonical, std::regex("%20"), "+");
  canonical = std::regex_replace(canonical, std::regex("%2A"), "*");
  const std::string sts = "POST&%2F&" + notify::PercentEncodeRfc3986(canonical);
  const std::string sig = notify::Base64Encode(notify::HmacSha1("s3cret&", sts));
  auto res = client_.Post("/", canonical + "&Signature=" + notify::UrlEncode(sig),
                          "application/x-www-form-urlencoded");
  EXPECT_EQ(res->status, 400);
  const auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["Code"], "SignatureDoesNotMatch");
  EXPECT_NE(body["Message"].get<std::string>().find("server string to sign is:POST&%2F&"),
            std::string::npos);
}

TEST_F(FakeAlibabaSmsTest, GatewayRejectsNonceReuseStaleTimeAndUnknownKey) {
  SignParams p = Sms(kPhone, "SMS_100", Notice());
  EXPECT_EQ(Call(p)["Code"], "OK");
  EXPECT_EQ(Call(p)["Code"], "SignatureNonceUsed");
  clock_.Advance(std::chrono::minutes(16));
  SignParams stale = Sms(kPhone, "SMS_100", Notice());
  stale["Timestamp"] = kStart;
  auto res = PostForm(stale);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "InvalidTimeStamp.Expired");
  p["Timestamp"] = notify::UtcIso8601Seconds(ToUnixMillis(clock_.Now()) / 1000);
  EXPECT_EQ(Call(p)["Code"], "OK");  // the old nonce expired after 15 min
  p = Sms(kPhone, "SMS_100", Notice());
  p["AccessKeyId"] = "LTAIunknown";
  res = PostForm(p);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "InvalidAccessKeyId.NotFound");
}

TEST_F(FakeAlibabaSmsTest, BusinessChecksAnswerTheRealCodes) {
  SignParams bad_sign = Sms(kPhone, "SMS_100", Notice());
  bad_sign["SignName"] = "未报备";
  EXPECT_EQ(Call(bad_sign)["Code"], "isv.SMS_SIGNATURE_ILLEGAL");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_999", Notice()))["Code"], "isv.SMS_TEMPLATE_ILLEGAL");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_100", R"({"name":123,"due":"x"})"))["Code"], "isv.INVALID_JSON_PARAM");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_100", "{oops"))["Code"], "isv.INVALID_JSON_PARAM");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_100", R"({"name":"张三"})"))["Code"], "isv.TEMPLATE_MISSING_PARAMETERS");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_100", R"({"name":"一二三四五六七八九十壹","due":"x"})"))["Code"],
            "isv.PARAM_LENGTH_LIMIT");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_200", R"({"item":"见 https://x.cn"})"))["Code"],
            "isv.PARAM_NOT_SUPPORT_URL");
  EXPECT_EQ(Call(Sms("12800000000", "SMS_100", Notice()))["Code"], "isv.MOBILE_NUMBER_ILLEGAL");
  std::string many = kPhone;
  for (int i = 0; i < 1000; ++i) many += std::string(",") + kPhone;
  EXPECT_EQ(Call(Sms(many, "SMS_100", Notice()))["Code"], "isv.MOBILE_COUNT_OVER_LIMIT");
  SignParams missing = Sms(kPhone, "SMS_100", Notice());
  missing.erase("PhoneNumbers");
  auto res = PostForm(missing);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(nlohmann::json::parse(res->body)["Code"], "MissingPhoneNumbers");
  EXPECT_EQ(fake_.TotalDeliveries(), 0);
  // §6 formats are accepted.
  EXPECT_EQ(Call(Sms("+86 138-0000-0000,008613900000000,8613700000000", "SMS_100", Notice()))["Code"], "OK");
  EXPECT_EQ(fake_.TotalDeliveries(), 3);
}

TEST_F(FakeAlibabaSmsTest, FiftyPerRolling24HoursPerSignatureTemplateNumber) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(Call(Sms(kPhone, "SMS_100", Notice()))["Code"], "OK") << i;
    clock_.Advance(std::chrono::minutes(10));
  }
  const auto limited = Call(Sms(kPhone, "SMS_100", Notice()));
  EXPECT_EQ(limited["Code"], "isv.BUSINESS_LIMIT_CONTROL");
  EXPECT_EQ(limited["Message"], "触发天级流控Permits:50");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_200", R"({"item":"x"})"))["Code"], "OK");  // other template
  EXPECT_EQ(Call(Sms("13900000000", "SMS_100", Notice()))["Code"], "OK");    // other number
  // 24 h after the first send, one permit is back.
  clock_.SetNow(*ParseRfc3339(kStart) + std::chrono::hours(24) + std::chrono::seconds(1));
  EXPECT_EQ(Call(Sms(kPhone, "SMS_100", Notice()))["Code"], "OK");
  EXPECT_EQ(Call(Sms(kPhone, "SMS_100", Notice()))["Code"], "isv.BUSINESS_LIMIT_CONTROL");
}

TEST_F(FakeAlibabaSmsTest, CaptchaUsesNaturalMinutesInBeijingTime) {
  clock_.SetNow(*ParseRfc3339("2024-06-28T10:00:30+08:00"));
  EXPECT_EQ(Call(Sms(kPhone, "SMS_CODE", R"({"code":"1234"})"))["Code"], "OK");
  clock_.Advance(std::chrono::seconds(20));
  const auto limited = Call(Sms(kPhone, "SMS_CODE", R"({"code":"1234"})"));
  EXPECT_EQ(limited["Message"], "触发分钟级流控Permits:1");
  clock_.Advance(std::chrono::seconds(10));  // 10:01:00, a new natural minute
  EXPECT_EQ(Call(Sms(kPhone, "SMS_CODE", R"({"code":"1234"})"))["Code"], "OK");
}

TEST_F(FakeAlibabaSmsTest, SendBatchSms) {
  SignParams p = Common("SendBatchSms");
  p["PhoneNumberJson"] = R"(["13800000000","+8613900000000"])";
  p["SignNameJson"] = R"(["督办测试","督办测试"])";
  p["TemplateCode"] = "SMS_200";
  p["TemplateParamJson"] = R"([{"item":"甲"},{"item":"乙"}])";
  p["OutId"] = "batch-1";
  EXPECT_EQ(Call(p)["Code"], "OK");
  EXPECT_EQ(fake_.DeliveriesFor("batch-1"), 2);
  p["SignatureNonce"] = "batch-n2";
  p["SignNameJson"] = R"(["督办测试"])";
  EXPECT_EQ(Call(p)["Code"], "isv.INVALID_PARAMETERS");
  nlohmann::json phones = nlohmann::json::array(), signs = nlohmann::json::array();
  for (int i = 0; i < 101; ++i) phones.push_back(kPhone), signs.push_back("督办测试");
  p["SignatureNonce"] = "batch-n3";
  p["PhoneNumberJson"] = phones.dump();
  p["SignNameJson"] = signs.dump();
  p.erase("TemplateParamJson");
  EXPECT_EQ(Call(p)["Code"], "isv.MOBILE_COUNT_OVER_LIMIT");
}

TEST_F(FakeAlibabaSmsTest, AfterATimeoutQuerySendDetailsShowsTheOutId) {
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(5), /*handle_first=*/true));
  client_.set_read_timeout(std::chrono::milliseconds(50));
  EXPECT_FALSE(PostForm(Sms(kPhone, "SMS_100", Notice(), "outbox-42")));
  client_.set_read_timeout(std::chrono::seconds(5));
  SignParams q = Common("QuerySendDetails");
  q["PhoneNumber"] = kPhone;
  q["SendDate"] = "20240628";
  q["PageSize"] = "10";
  q["CurrentPage"] = "1";
  const auto reply = Call(q);
  fake_.ReleaseStalled();
  EXPECT_EQ(reply["Code"], "OK");
  EXPECT_EQ(reply["TotalCount"], 1);
  const auto& dto = reply["SmsSendDetailDTOs"]["SmsSendDetailDTO"][0];
  EXPECT_EQ(dto["OutId"], "outbox-42");
  EXPECT_EQ(dto["SendStatus"], 3);
  EXPECT_EQ(dto["SendDate"], "2024-06-28 10:00:00");
  EXPECT_EQ(fake_.DeliveriesFor("outbox-42"), 1);
}

TEST_F(FakeAlibabaSmsTest, ForcedErrorsHaveProviderShapeAndStatus) {
  fake_.ForceFault(Fault::ProviderError("isv.BUSINESS_LIMIT_CONTROL"));
  fake_.ForceFault(Fault::ProviderError("SignatureDoesNotMatch"));
  const auto limited = Call(Sms(kPhone, "SMS_100", Notice()));
  EXPECT_EQ(limited["Message"], "触发天级流控Permits:50");
  EXPECT_EQ(PostForm(Sms(kPhone, "SMS_100", Notice()))->status, 400);
  EXPECT_EQ(fake_.TotalDeliveries(), 0);
  EXPECT_EQ(fake_.Requests().at(0).code, "isv.BUSINESS_LIMIT_CONTROL");
}

}  // namespace
}  // namespace duban::fakes
