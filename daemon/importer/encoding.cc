// Encoding detection for CSV files saved by Excel and WPS. "CSV UTF-8" starts
// with a BOM; plain "CSV" on a Chinese Windows is GBK (code page 936); WPS
// writes either. GB18030 is a superset of GBK and GB2312, so one converter
// reads all of them. glibc's iconv does the conversion.
#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "importer/importer.h"

namespace duban::importer {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Returns the offset of the first byte that does not start a well-formed
// UTF-8 sequence (no overlongs, no surrogates, nothing above U+10FFFF), or
// npos when all of `s` is UTF-8.
size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;  // truncated at the end
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return i;
    if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

// Owns an iconv descriptor.
class Converter {
 public:
  Converter(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Converter() {
    if (ok()) iconv_close(cd_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

Result<std::string> FromGb18030(std::string_view in) {
  Converter conv("UTF-8", "GB18030");
  if (!conv.ok()) {
    return Status::Internal("GB18030 转换器不可用 (the GB18030 converter is unavailable)",
                            std::strerror(errno));
  }
  // Two GB18030 bytes become three UTF-8 bytes at most; grow if ever short.
  std::string out(in.size() + in.size() / 2 + 16, '\0');
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  size_t used = 0;
  while (true) {
    char* dst = out.data() + used;
    size_t dst_left = out.size() - used;
    const size_t r = src_left == 0 ? iconv(conv.get(), nullptr, nullptr, &dst, &dst_left)
                                   : iconv(conv.get(), &src, &src_left, &dst, &dst_left);
    const int err = errno;
    used = out.size() - dst_left;
    if (r != static_cast<size_t>(-1)) {
      if (src_left == 0) break;
      continue;
    }
    if (err == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    const size_t offset = in.size() - src_left;
    return Status::InvalidArgument(
        fmt::format("文件既不是 UTF-8 也不是 GB18030/GBK：第{}字节无法识别 (the file is "
                    "neither UTF-8 nor GB18030/GBK: byte {} cannot be decoded)",
                    offset + 1, offset + 1));
  }
  out.resize(used);
  return out;
}

}  // namespace

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8: return "UTF-8";
    case Encoding::kUtf8Bom: return "UTF-8 BOM";
    case Encoding::kGb18030: return "GB18030";
  }
  return "?";
}

Result<Decoded> DecodeToUtf8(std::string_view bytes) {
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") {
    return Status::InvalidArgument(
        "文件是 UTF-16 编码（Excel“Unicode 文本”），请另存为“CSV UTF-8”或“CSV” "
        "(the file is UTF-16, Excel's 'Unicode Text'; save it as 'CSV UTF-8' or 'CSV')");
  }
  if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    bytes.remove_prefix(kUtf8Bom.size());
    if (FirstInvalidUtf8(bytes) != std::string_view::npos) {
      const size_t at = FirstInvalidUtf8(bytes) + kUtf8Bom.size();
      return Status::InvalidArgument(
          fmt::format("文件有 UTF-8 BOM，但第{}字节不是 UTF-8 (the file starts with a UTF-8 "
                      "BOM but byte {} is not UTF-8)",
                      at + 1, at + 1));
    }
    return Decoded{std::string(bytes), Encoding::kUtf8Bom};
  }
  if (FirstInvalidUtf8(bytes) == std::string_view::npos) {
    return Decoded{std::string(bytes), Encoding::kUtf8};
  }
  Result<std::string> text = FromGb18030(bytes);
  if (!text.ok()) return text.status();
  // GB18030 has its own BOM (84 31 95 33), which decodes to U+FEFF.
  std::string out = std::move(text).value();
  if (std::string_view(out).substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    out.erase(0, kUtf8Bom.size());
  }
  return Decoded{std::move(out), Encoding::kGb18030};
}

}  // namespace duban::importer
