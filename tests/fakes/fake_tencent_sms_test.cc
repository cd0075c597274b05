#include "fakes/fake_tencent_sms.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "notify/channels/signing.h"

namespace duban::fakes {
namespace {

// Tencent's published CVM sample credentials and time (channels.md §5).
constexpr char kSecretId[] = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
constexpr char kSecretKey[] = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
constexpr int64_t kTs = 1551113065;
constexpr char kApp[] = "1400006666";
constexpr char kSolo[] = "1400007777";  // an individually verified account

FakeTencentSms::Options TestOptions() {
  FakeTencentSms::Options o;
  o.secrets = {{kSecretId, kSecretKey}};
  o.apps = {{kApp, {.sign_names = {"督办测试"}, .templates = {{"1110", 2}, {"1111", 1}}}},
            {kSolo, {.sign_names = {"督办测试"}, .templates = {{"1111", 1}},
                     .individual_account = true}}};
  return o;
}

// How a test request is signed and addressed.
struct Call {
  std::string action = "SendSms";
  int64_t ts = kTs;
  bool sign_action = false;
  std::string secret_key = kSecretKey;
  std::string secret_id = kSecretId;
  std::string region = "ap-guangzhou";
  std::string scope_date{};  // overrides the signed date when set
};

class FakeTencentSmsTest : public ::testing::Test {
 protected:
  FakeTencentSmsTest()
      : clock_(SystemTime(std::chrono::seconds(kTs + 10))),
        fake_(&clock_, TestOptions()),
        client_(fake_.base_url()) {}

  nlohmann::json Send(const nlohmann::json& body, const Call& c = {}) {
    return Raw(body.dump(), body.dump(), c);
  }
  // Signs `signed_body` but sends `sent_body`.
  nlohmann::json Raw(const std::string& signed_body, const std::string& sent_body,
                     const Call& c) {
    notify::Tc3Request t;
    t.action = c.action;
    t.body = signed_body;
    t.timestamp = c.ts;
    t.sign_action = c.sign_action;
    auto s = notify::TencentSignTc3(t, c.secret_id, c.secret_key);
    std::string auth = s.authorization;
    if (!c.scope_date.empty()) {
      auth.replace(auth.find(s.date), s.date.size(), c.scope_date);
    }
    httplib::Headers headers = {{"Host", t.host}, {"X-TC-Action", c.action},
                                {"X-TC-Version", "2021-01-11"},
                                {"X-TC-Timestamp", std::to_string(c.ts)},
                                {"Authorization", auth}};
    if (!c.region.empty()) headers.emplace("X-TC-Region", c.region);
    auto res = client_.Post("/", headers, sent_body, t.content_type.c_str());
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200);
    return nlohmann::json::parse(res->body)["Response"];
  }
  // Vectors, not json: a two-element braced list would become an object.
  static nlohmann::json Sms(const std::vector<std::string>& phones,
                            const std::vector<std::string>& params = {"张三", "6月30日"},
                            const std::string& session = "outbox-1") {
    return {{"PhoneNumberSet", phones}, {"SmsSdkAppId", kApp}, {"SignName", "督办测试"},
            {"TemplateId", "1110"}, {"TemplateParamSet", params}, {"SessionContext", session}};
  }
  static std::string ErrorCode(const nlohmann::json& r) {
    return r.contains("Error") ? r["Error"]["Code"].get<std::string>() : "";
  }

  VirtualClock clock_;
  FakeTencentSms fake_;
  httplib::Client client_;
};

TEST_F(FakeTencentSmsTest, SignsLikeThePublishedVectorAndSends) {
  notify::Tc3Request cvm;
  cvm.service = "cvm";
  cvm.host = "cvm.tencentcloudapi.com";
  cvm.timestamp = kTs;
  cvm.body = R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
  ASSERT_EQ(notify::TencentSignTc3(cvm, kSecretId, kSecretKey).signature,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");

  const auto r = Send(Sms({"+8613800000000", "13900000000"}));
  ASSERT_EQ(ErrorCode(r), "") << r.dump();
  ASSERT_EQ(r["SendStatusSet"].size(), 2u);
  EXPECT_EQ(r["SendStatusSet"][0]["Code"], "Ok");
  EXPECT_EQ(r["SendStatusSet"][0]["Fee"], 1);
  EXPECT_EQ(r["SendStatusSet"][0]["SessionContext"], "outbox-1");
  EXPECT_EQ(r["SendStatusSet"][1]["PhoneNumber"], "+8613900000000");
  EXPECT_EQ(fake_.DeliveriesFor("outbox-1"), 2);
  EXPECT_EQ(fake_.Requests()[0].code, "Ok,Ok");
  // The newer SignedHeaders form with x-tc-action works too.
  const auto r2 = Send(Sms({"13700000000"}), {.sign_action = true});
  EXPECT_EQ(r2["SendStatusSet"][0]["Code"], "Ok") << r2.dump();
}

TEST_F(FakeTencentSmsTest, SignatureFailures) {
  const nlohmann::json body = Sms({"13800000000"});
  EXPECT_EQ(ErrorCode(Send(body, {.secret_key = "wrong"})), "AuthFailure.SignatureFailure");
  EXPECT_EQ(ErrorCode(Raw(body.dump(), Sms({"13800000001"}).dump(), {})),
            "AuthFailure.SignatureFailure");  // body changed after signing
  EXPECT_EQ(ErrorCode(Send(body, {.secret_id = "AKIDnobody"})), "AuthFailure.SecretIdNotFound");
  // 2019-02-25T23:00Z is 2019-02-26 07:00 in Beijing: the scope must say
  // 2019-02-25.
  clock_.SetNow(SystemTime(std::chrono::seconds(1551135600)));
  EXPECT_EQ(ErrorCode(Send(body, {.ts = 1551135600, .scope_date = "2019-02-26"})),
            "AuthFailure.SignatureFailure");
  EXPECT_EQ(ErrorCode(Send(body, {.ts = 1551135600})), "");
  EXPECT_EQ(fake_.TotalDeliveries(), 1);
}

TEST_F(FakeTencentSmsTest, TimestampSkewOver300SecondsExpires) {
  EXPECT_EQ(ErrorCode(Send(Sms({"13800000000"}), {.ts = kTs + 10 - 301})),
            "AuthFailure.SignatureExpire");
  EXPECT_EQ(ErrorCode(Send(Sms({"13800000000"}), {.ts = kTs + 10 + 300})), "");
}

TEST_F(FakeTencentSmsTest, HeadersRegionAndAction) {
  EXPECT_EQ(ErrorCode(Send(Sms({"13800000000"}), {.region = ""})), "MissingParameter");
  EXPECT_EQ(ErrorCode(Send(Sms({"13800000000"}), {.region = "mars-1"})), "UnsupportedRegion");
  EXPECT_EQ(ErrorCode(Send({{"x", 1}}, {.action = "DescribeNothing"})), "InvalidAction");
}

TEST_F(FakeTencentSmsTest, RegistryAndParameterChecks) {
  auto with = [](const char* field, nlohmann::json value) {
    nlohmann::json b = Sms({"13800000000"});
    b[field] = std::move(value);
    return b;
  };
  EXPECT_EQ(ErrorCode(Send(with("SmsSdkAppId", "1400000000"))),
            "InvalidParameterValue.SdkAppIdNotExist");
  EXPECT_EQ(ErrorCode(Send(with("SignName", "别的签名"))),
            "FailedOperation.SignatureIncorrectOrUnapproved");
  EXPECT_EQ(ErrorCode(Send(with("TemplateId", "9999"))),
            "FailedOperation.TemplateIncorrectOrUnapproved");
  EXPECT_EQ(ErrorCode(Send(with("TemplateParamSet", nlohmann::json::array({"only one"})))),
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate");
  EXPECT_EQ(ErrorCode(Send(with("TemplateParamSet", nlohmann::json::array({"张三", 630})))),
            "InvalidParameterValue.TemplateParameterFormatError");
  EXPECT_EQ(ErrorCode(Send(with("TemplateParamSet", nlohmann::json::array({"张三", "https://evil.cn"})))),
            "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter");
  EXPECT_EQ(ErrorCode(Send(with("PhoneNumberSet", nlohmann::json::array()))),
            "MissingParameter.EmptyPhoneNumberSet");
  EXPECT_EQ(ErrorCode(Send(with("PhoneNumberSet", std::vector<std::string>(201, "13800000000")))),
            "LimitExceeded.PhoneNumberCountLimit");
  EXPECT_EQ(ErrorCode(Send(with("PhoneNumberSet", nlohmann::json::array({"13800000000", "+14155550100"})))),
            "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber");
  nlohmann::json solo = {{"PhoneNumberSet", nlohmann::json::array({"13800000000"})}, {"SmsSdkAppId", kSolo},
                         {"SignName", "督办测试"}, {"TemplateId", "1111"},
                         {"TemplateParamSet", nlohmann::json::array({"一二三四五六七八九十一二三"})}};
  EXPECT_EQ(ErrorCode(Send(solo)), "InvalidParameterValue.TemplateParameterLengthLimit");
  solo["TemplateParamSet"] = nlohmann::json::array({"一二三四五六七八九十一二"});  // 12 is allowed
  EXPECT_EQ(Send(solo)["SendStatusSet"][0]["Code"], "Ok");
  EXPECT_EQ(fake_.TotalDeliveries(), 1);
}

TEST_F(FakeTencentSmsTest, PerNumberCodesSitBesideOk) {
  ASSERT_EQ(Send(Sms({"13800000000"}))["SendStatusSet"][0]["Code"], "Ok");
  clock_.Advance(std::chrono::seconds(10));
  const auto r = Send(Sms({"13800000000", "13900000000", "12345"}), {.ts = kTs + 20});
  ASSERT_EQ(ErrorCode(r), "");
  EXPECT_EQ(r["SendStatusSet"][0]["Code"], "LimitExceeded.PhoneNumberThirtySecondLimit");
  EXPECT_EQ(r["SendStatusSet"][0]["Fee"], 0);
  EXPECT_EQ(r["SendStatusSet"][1]["Code"], "Ok");
  EXPECT_EQ(r["SendStatusSet"][2]["Code"], "InvalidParameterValue.IncorrectPhoneNumber");
  EXPECT_EQ(fake_.Requests().back().code,
            "LimitExceeded.PhoneNumberThirtySecondLimit,Ok,"
            "InvalidParameterValue.IncorrectPhoneNumber");
  // Different content is not limited; the same content is again after 30 s.
  EXPECT_EQ(Send(Sms({"13800000000"}, {"李四", "7月1日"}), {.ts = kTs + 20})
                ["SendStatusSet"][0]["Code"],
            "Ok");
  clock_.Advance(std::chrono::seconds(21));
  EXPECT_EQ(Send(Sms({"13800000000"}), {.ts = kTs + 41})["SendStatusSet"][0]["Code"], "Ok");
}

TEST_F(FakeTencentSmsTest, DailyLimitPerNumber) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Send(Sms({"13800000000"}, {"张三", std::to_string(i)}))["SendStatusSet"][0]["Code"],
              "Ok");
  }
  EXPECT_EQ(Send(Sms({"13800000000"}, {"张三", "x"}))["SendStatusSet"][0]["Code"],
            "LimitExceeded.PhoneNumberDailyLimit");
}

TEST_F(FakeTencentSmsTest, AfterATimeoutPullStatusShowsTheSessionContext) {
  fake_.ForceFault(Fault::Stall(std::chrono::seconds(5), /*handle_first=*/true));
  client_.set_read_timeout(std::chrono::milliseconds(50));
  notify::Tc3Request t;
  t.body = Sms({"13800000000"}, {"张三", "6月30日"}, "outbox-9").dump();
  t.timestamp = kTs;
  const auto s = notify::TencentSignTc3(t, kSecretId, kSecretKey);
  EXPECT_FALSE(client_.Post("/",
                            {{"X-TC-Action", "SendSms"}, {"X-TC-Version", "2021-01-11"},
                             {"X-TC-Timestamp", std::to_string(kTs)},
                             {"X-TC-Region", "ap-guangzhou"}, {"Host", t.host},
                             {"Authorization", s.authorization}},
                            t.body, t.content_type.c_str()));
  client_.set_read_timeout(std::chrono::seconds(5));
  const nlohmann::json pull = {{"SmsSdkAppId", kApp}, {"Limit", 10}};
  const auto first = Send(pull, {.action = "PullSmsSendStatus"});
  fake_.ReleaseStalled();
  ASSERT_EQ(first["PullSmsSendStatusSet"].size(), 1u);
  EXPECT_EQ(first["PullSmsSendStatusSet"][0]["SessionContext"], "outbox-9");
  EXPECT_EQ(first["PullSmsSendStatusSet"][0]["ReportStatus"], "SUCCESS");
  EXPECT_TRUE(Send(pull, {.action = "PullSmsSendStatus"})["PullSmsSendStatusSet"].empty());
  const auto by_phone = Send({{"SmsSdkAppId", kApp}, {"PhoneNumber", "+8613800000000"},
                              {"BeginTime", kTs - 60}, {"Offset", 0}, {"Limit", 10}},
                             {.action = "PullSmsSendStatusByPhoneNumber"});
  ASSERT_EQ(by_phone["PullSmsSendStatusSet"].size(), 1u);
  EXPECT_EQ(by_phone["PullSmsSendStatusSet"][0]["SessionContext"], "outbox-9");
  EXPECT_EQ(fake_.DeliveriesFor("outbox-9"), 1);
}

TEST_F(FakeTencentSmsTest, ForcedErrorsUseResponseError) {
  fake_.ForceFault(Fault::ProviderError("InternalError.Timeout"));
  fake_.ForceFault(Fault::NonJson());
  EXPECT_EQ(ErrorCode(Send(Sms({"13800000000"}))), "InternalError.Timeout");
  notify::Tc3Request t;
  t.body = "{}";
  t.timestamp = kTs;
  auto res = client_.Post("/", t.body, "application/json");
  EXPECT_TRUE(nlohmann::json::parse(res->body, nullptr, false).is_discarded());
  EXPECT_EQ(Send(Sms({"13800000000"}))["SendStatusSet"][0]["Code"], "Ok");
  EXPECT_EQ(fake_.RequestCount(), 3u);
  EXPECT_EQ(fake_.TotalDeliveries(), 1);
}

}  // namespace
}  // namespace duban::fakes
