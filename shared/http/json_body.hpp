// Reading JSON request bodies with limits decided once for every route:
// 415 unless Content-Type is application/json, 413 past the size limit, 400 for
// malformed JSON, invalid UTF-8 or nesting deeper than the limit, 422 (with
// field errors) for a control character in any name or string (NUL included;
// tab and line breaks excepted), a number out of range (1e400), and a
// well-formed body of the wrong shape or unknown fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/problem.hpp"
#include "text/text_policy.hpp"

namespace http {

struct BodyLimits {
    std::size_t max_bytes = 1 << 20;
    int max_depth = 16;
    std::size_t max_string = 10000;
};

// Parses the body of `req` as a JSON object, enforcing `limits`. Throws Problem.
[[nodiscard]] nlohmann::json parse_json_body(const Request& req, const BodyLimits& limits);

// Reads fields from a parsed object, collecting every error before throwing
// one 422 from finish(). Fields not read are refused as unknown.
class FieldReader {
  public:
    explicit FieldReader(const nlohmann::json& object) : object_(object) {}

    // A string of min_len..max_len bytes that passes text::problem for `kind`
    // (one line without control characters unless told otherwise).
    [[nodiscard]] std::optional<std::string> string(std::string_view field, bool required,
                                                    std::size_t min_len, std::size_t max_len,
                                                    text::Kind kind = text::Kind::kLine);
    [[nodiscard]] std::optional<std::int64_t> integer(std::string_view field, bool required,
                                                      std::int64_t min, std::int64_t max);
    [[nodiscard]] std::optional<bool> boolean(std::string_view field, bool required);
    // A value of any JSON type; the caller validates it and may call fail().
    [[nodiscard]] const nlohmann::json* any(std::string_view field, bool required);
    void fail(std::string field, std::string message);
    // Throws a 422 Problem listing every error, unknown fields included.
    void finish();

  private:
    const nlohmann::json* lookup(std::string_view field, bool required);
    const nlohmann::json& object_;
    std::set<std::string, std::less<>> seen_;
    std::vector<FieldError> errors_;
};

}  // namespace http
