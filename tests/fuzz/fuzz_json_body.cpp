// libFuzzer target: http::parse_json_body and http::FieldReader, the one door
// every JSON request body goes through. The input is the body. Anything but
// http::Problem escaping is a crash (it would be a 500); a Problem must be a
// 4xx whose problem+json body is valid JSON; an accepted body must hold only
// what the policy of json_body.hpp lets through.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "http/json_body.hpp"
#include "http/problem.hpp"
#include "text/text_policy.hpp"

namespace {

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

// A Problem becomes a response the client can read: 4xx, valid JSON.
void check_problem(const http::Problem& p) {
    require(p.status() >= 400 && p.status() < 500);
    const http::Response r = p.to_response("fuzz");
    require(nlohmann::json::accept(r.body));
}

// What parse_json_body promises about every string and number it lets through.
void check_accepted(const nlohmann::json& v, const http::BodyLimits& limits, int depth) {
    require(depth <= limits.max_depth + 1);
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        require(s.size() <= limits.max_string);
        require(text::valid_utf8(s));
        require(!text::problem(s, text::Kind::kMultiLine));
    } else if (v.is_number_float()) {
        require(std::isfinite(v.get<double>()));
    } else if (v.is_object()) {
        for (const auto& [key, value] : v.items()) {
            require(key.size() <= limits.max_string);
            require(text::valid_utf8(key));
            require(!text::problem(key, text::Kind::kMultiLine));
            check_accepted(value, limits, depth + 1);
        }
    } else if (v.is_array()) {
        for (const auto& item : v) {
            check_accepted(item, limits, depth + 1);
        }
    }
}

// Reads every member the way handlers do, choosing the reader by the first
// byte of its name, plus a required field that is usually missing.
void read_fields(const nlohmann::json& doc) {
    http::FieldReader fields(doc);
    for (const auto& [key, value] : doc.items()) {
        const unsigned char pick = key.empty() ? 0 : static_cast<unsigned char>(key.front());
        switch (pick % 6) {
            case 0:
                (void)fields.string(key, true, 1, 200, text::Kind::kName);
                break;
            case 1:
                (void)fields.string(key, false, 0, 10000, text::Kind::kLine);
                break;
            case 2:
                (void)fields.string(key, false, 0, 10000, text::Kind::kMultiLine);
                break;
            case 3:
                (void)fields.integer(key, true, INT64_MIN, INT64_MAX);
                break;
            case 4:
                (void)fields.integer(key, false, 1, 1000);
                break;
            default:
                (void)fields.boolean(key, false);
                break;
        }
    }
    (void)fields.any("id", false);
    (void)fields.string("name", true, 1, 100);
    fields.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    http::Request req;
    req.method = "POST";
    req.path = "/api/v1/fuzz";
    req.headers["content-type"] = "application/json";
    req.body.assign(reinterpret_cast<const char*>(data), size);
    const http::BodyLimits limits;
    try {
        const nlohmann::json doc = http::parse_json_body(req, limits);
        require(doc.is_object());
        check_accepted(doc, limits, 0);
        // Accepted text is valid UTF-8, so the strict serializer never throws.
        (void)doc.dump();
        read_fields(doc);
    } catch (const http::Problem& p) {
        check_problem(p);
    }
    return 0;
}
