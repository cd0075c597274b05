#include "api/convert.h"

#include <gtest/gtest.h>

#include "base/time_format.h"

namespace duban::api {
namespace {

TEST(ConvertTest, StatusesMapToTheIssuesHttpCodes) {
  struct Case {
    Status status;
    int http;
    std::string code;
    std::string field;
  };
  const Case cases[] = {
      {Status::InvalidArgument("photos_uploaded: is required\nmethod: is required"), 422,
       "invalid_argument", "photos_uploaded"},
      {Status::InvalidArgument("campaign: no such campaign 'x'"), 422, "invalid_argument",
       "campaign"},
      {Status::InvalidArgument("整改限期: 格式不对"), 422, "invalid_argument", ""},
      {Status::InvalidArgument("no field here"), 422, "invalid_argument", ""},
      {Status::NotFound("no such item", "7"), 404, "not_found", ""},
      {Status::Conflict("“验收合格，销号”只能在待验收状态下进行"), 409, "conflict", ""},
      {Status::PermissionDenied("this item is outside your unit"), 403, "forbidden", ""},
      {Status::Unavailable("database is locked"), 503, "unavailable", ""},
      {Status::Internal("corrupt row 12"), 500, "internal", ""},
  };
  for (const auto& c : cases) {
    HttpError e = ErrorFromStatus(c.status);
    EXPECT_EQ(e.status, c.http) << c.status.ToString();
    EXPECT_EQ(e.code, c.code) << c.status.ToString();
    EXPECT_EQ(e.field, c.field) << c.status.ToString();
  }
  // Internal details stay in the log, not in the answer.
  EXPECT_EQ(ErrorFromStatus(Status::Internal("corrupt row 12")).detail.find("corrupt"),
            std::string::npos);
}

TEST(ConvertTest, ErrorBodyHasOneShape) {
  EXPECT_EQ(ErrorBody({409, "conflict", "wrong state", ""}),
            nlohmann::json({{"error", "conflict"}, {"detail", "wrong state"}}));
  EXPECT_EQ(ErrorBody({422, "invalid_argument", "method: is required", "method"}),
            nlohmann::json({{"error", "invalid_argument"},
                            {"detail", "method: is required"},
                            {"field", "method"}}));
}

TEST(ConvertTest, MobileNumbersAreMasked) {
  EXPECT_EQ(MaskMobile("+8613800000000"), "138****0000");
  EXPECT_EQ(MaskMobile("13912345678"), "139****5678");
  EXPECT_EQ(MaskMobile("0356-12345678"), "**********78");
  EXPECT_EQ(MaskMobile(""), "");
}

TEST(ConvertTest, FieldValuesFromJsonTakesScalarsOnly) {
  auto v = FieldValuesFromJson(nlohmann::json::parse(
      R"({"n": 3, "f": 4.0, "t": "x", "b": true, "skip": null})"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<int64_t>(v->at("n")), 3);
  EXPECT_EQ(std::get<int64_t>(v->at("f")), 4);
  EXPECT_EQ(std::get<std::string>(v->at("t")), "x");
  EXPECT_EQ(std::get<bool>(v->at("b")), true);
  EXPECT_EQ(v->count("skip"), 0u);
  for (const char* bad : {R"({"n": 3.5})", R"({"l": [1]})", R"({"o": {}})", "[1]", "3"}) {
    auto r = FieldValuesFromJson(nlohmann::json::parse(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(ErrorFromStatus(r.status()).status, 422);
  }
  auto r = FieldValuesFromJson(nlohmann::json::parse(R"({"mis_checked": 2.5})"));
  EXPECT_EQ(ErrorFromStatus(r.status()).field, "mis_checked");
}

// Found by fuzz/api_body_fuzzer: 1e19 was cast to int64_t (undefined
// behaviour), and 18446744073709551615 was read as -1 and accepted.
TEST(ConvertTest, FieldValuesFromJsonRefusesNumbersBeyondInt64) {
  for (const char* bad : {R"({"n": 18446744073709551615})", R"({"n": 9223372036854775808})",
                          R"({"n": 1e19})", R"({"n": -1e19})", R"({"n": 9.3e18})",
                          R"({"n": 1e300})"}) {
    auto r = FieldValuesFromJson(nlohmann::json::parse(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(ErrorFromStatus(r.status()).field, "n") << bad;
  }
  auto edges = FieldValuesFromJson(nlohmann::json::parse(
      R"({"max": 9223372036854775807, "min": -9223372036854775808, "f": -9.2e18})"));
  ASSERT_TRUE(edges.ok()) << edges.status().ToString();
  EXPECT_EQ(std::get<int64_t>(edges->at("max")), INT64_MAX);
  EXPECT_EQ(std::get<int64_t>(edges->at("min")), INT64_MIN);
  EXPECT_EQ(std::get<int64_t>(edges->at("f")), -9200000000000000000);
}

TEST(ConvertTest, ItemJsonHidesBookkeepingAndSaysOverdue) {
  store::Item it;
  it.id = 7;
  it.state = "reported";
  it.data = R"({"house_id": "H1", "_visited": {"reported": true}})";
  const SystemTime now = *ParseRfc3339("2024-04-12T12:00:00+08:00");
  it.due_at = now - std::chrono::minutes(1);
  nlohmann::json j = ItemJson(it, now);
  EXPECT_EQ(j["fields"], nlohmann::json({{"house_id", "H1"}}));
  EXPECT_EQ(j["overdue"], true);
  EXPECT_EQ(j["due_at"], "2024-04-12T03:59:00.000Z");
  EXPECT_EQ(j["department_unit"], nullptr);
  it.resolved_at = now;
  EXPECT_EQ(ItemJson(it, now)["overdue"], false);
}

}  // namespace
}  // namespace duban::api
