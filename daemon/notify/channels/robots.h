// The chat-robot channels of reference/channels.md §1-3: DingTalk custom
// robot, WeCom group robot and Feishu custom bot. Each posts the row's
// rendered markdown to one group, @mentions the row's recipient when the
// contact has what the robot needs (DingTalk and WeCom: the mobile number;
// Feishu: the open_id), and maps the robot's errcode to a SendResult.
//
// Loop thread only (see HttpChannel).
#pragma once

#include <string>
#include <vector>

#include "notify/channels/http_channel.h"

namespace duban::notify {

struct RobotOptions {
  std::string name;
  std::string url;      // endpoint without the token ("" = the public one)
  std::string token;    // DingTalk access_token, WeCom key, Feishu hook token
  std::string secret;   // signing secret ("" = the robot does not sign)
  std::string keyword;  // security keyword the robot requires, if any
  bool mention = true;  // @mention the recipient when possible
  Millis timeout{std::chrono::seconds(10)};
};

// DingTalk: markdown with atMobiles, 加签 timestamp+sign in the URL.
class DingTalkChannel final : public HttpChannel {
 public:
  static constexpr char kDefaultUrl[] = "https://oapi.dingtalk.com/robot/send";
  // How long DingTalk blocks a robot that sent over 20 in a minute.
  static constexpr Millis kThrottle = std::chrono::minutes(10);

  DingTalkChannel(RobotOptions options, ChannelDeps deps);
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) override;

 private:
  SendResult Judge(const HttpResponse& r);
  RobotOptions options_;
};

// WeCom: markdown (at most 4096 bytes, cut with a marker when longer); a
// mention by mobile needs a text message, so it follows as a second short
// text message (both count against the robot's 20 a minute).
class WeComChannel final : public HttpChannel {
 public:
  static constexpr char kDefaultUrl[] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";
  static constexpr size_t kMarkdownMaxBytes = 4096;
  static constexpr size_t kTextMaxBytes = 2048;

  WeComChannel(RobotOptions options, ChannelDeps deps);
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) override;

 private:
  HttpRequest Post(std::string body) const;
  SendResult Judge(const HttpResponse& r);
  RobotOptions options_;
};

// Feishu / Lark: an interactive card whose lark_md element renders the
// markdown, <at id=open_id></at> for the mention, timestamp+sign in the body.
class FeishuChannel final : public HttpChannel {
 public:
  static constexpr char kDefaultUrl[] = "https://open.feishu.cn/open-apis/bot/v2/hook/";
  static constexpr size_t kMaxBodyBytes = 20 * 1024;

  FeishuChannel(RobotOptions options, ChannelDeps deps);
  void Send(const store::OutboxRow& row, std::function<void(SendResult)> done) override;

 private:
  SendResult Judge(const HttpResponse& r);
  RobotOptions options_;
};

// The robots' default limits (channels.md): DingTalk and WeCom 20 a minute,
// Feishu 100 a minute and 5 a second. `per_minute` > 0 replaces the
// per-minute figure.
std::vector<RateLimit> DefaultRobotLimits(const std::string& type, int per_minute);

}  // namespace duban::notify
