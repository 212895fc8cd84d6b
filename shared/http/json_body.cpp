// JSON body parsing with size, depth and string limits; see json_body.hpp.
#include "http/json_body.hpp"

#include "text/text_policy.hpp"

namespace http {
namespace {

bool is_json_content_type(std::string_view ct) {
    const auto semi = ct.find(';');
    std::string_view media = ct.substr(0, semi);
    while (!media.empty() && media.back() == ' ') {
        media.remove_suffix(1);
    }
    std::string lower(media);
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower == "application/json";
}

}  // namespace

nlohmann::json parse_json_body(const Request& req, const BodyLimits& limits) {
    auto ct = req.header("content-type");
    if (!ct || !is_json_content_type(*ct)) {
        throw Problem(415, "the body must be JSON, sent with Content-Type: application/json");
    }
    if (req.body.size() > limits.max_bytes) {
        throw Problem(413,
                      "the body is larger than " + std::to_string(limits.max_bytes) + " bytes");
    }
    bool too_deep = false;
    bool too_long = false;
    // The first member (by name) whose name or string value holds a control
    // character; checked here once for every route, before any field is read.
    std::optional<std::string> control_in;
    std::string last_key;
    nlohmann::json::parser_callback_t check = [&](int depth, nlohmann::json::parse_event_t event,
                                                  nlohmann::json& parsed) {
        if (depth > limits.max_depth) {
            too_deep = true;
        }
        const bool is_key = event == nlohmann::json::parse_event_t::key;
        if ((is_key || event == nlohmann::json::parse_event_t::value) && parsed.is_string()) {
            const auto& s = parsed.get_ref<const std::string&>();
            too_long = too_long || s.size() > limits.max_string;
            if (is_key) {
                last_key = s.size() <= 64 ? s : s.substr(0, 64);
            }
            if (!control_in && text::problem(s, text::Kind::kMultiLine)) {
                control_in = text::problem(last_key, text::Kind::kMultiLine) ? "" : last_key;
            }
        }
        return true;
    };
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(req.body, check);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is the offset; the library's message may quote the input, so
        // the detail is built from the offset alone.
        throw Problem(400, "the body is not valid JSON (or not valid UTF-8) near byte " +
                               std::to_string(e.byte));
    } catch (const nlohmann::json::out_of_range&) {
        // 1e400 or a 400-digit integer: valid JSON, but no number we can hold.
        throw Problem(422, "the body holds a number too large to represent",
                      {{"", "numbers must fit a 64-bit integer or a finite double"}});
    }
    if (too_deep) {
        throw Problem(400,
                      "the body nests deeper than " + std::to_string(limits.max_depth) + " levels");
    }
    if (too_long) {
        throw Problem(400, "a string in the body is longer than " +
                               std::to_string(limits.max_string) + " bytes");
    }
    if (control_in) {
        throw Problem(422, "the body holds a control character",
                      {{*control_in,
                        "must not contain control characters other than tab and "
                        "line breaks"}});
    }
    if (!doc.is_object()) {
        throw Problem(422, "the body must be a JSON object", {{"", "expected an object"}});
    }
    return doc;
}

const nlohmann::json* FieldReader::lookup(std::string_view field, bool required) {
    seen_.emplace(field);
    auto it = object_.find(std::string(field));
    if (it == object_.end() || it->is_null()) {
        if (required) {
            errors_.push_back({std::string(field), "is required"});
        }
        return nullptr;
    }
    return &*it;
}

std::optional<std::string> FieldReader::string(std::string_view field, bool required,
                                               std::size_t min_len, std::size_t max_len,
                                               text::Kind kind) {
    const nlohmann::json* v = lookup(field, required);
    if (!v) {
        return std::nullopt;
    }
    if (!v->is_string()) {
        errors_.push_back({std::string(field), "must be a string"});
        return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() < min_len || s.size() > max_len) {
        errors_.push_back({std::string(field), "must be " + std::to_string(min_len) + " to " +
                                                   std::to_string(max_len) + " bytes long"});
        return std::nullopt;
    }
    if (auto why = text::problem(s, kind)) {
        errors_.push_back({std::string(field), std::move(*why)});
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> FieldReader::integer(std::string_view field, bool required,
                                                 std::int64_t min, std::int64_t max) {
    const nlohmann::json* v = lookup(field, required);
    if (!v) {
        return std::nullopt;
    }
    if (!v->is_number_integer()) {
        errors_.push_back({std::string(field), "must be an integer"});
        return std::nullopt;
    }
    // Unsigned values above INT64_MAX are out of range too.
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        errors_.push_back({std::string(field),
                           "must be from " + std::to_string(min) + " to " + std::to_string(max)});
        return std::nullopt;
    }
    const auto n = v->get<std::int64_t>();
    if (n < min || n > max) {
        errors_.push_back({std::string(field),
                           "must be from " + std::to_string(min) + " to " + std::to_string(max)});
        return std::nullopt;
    }
    return n;
}

std::optional<bool> FieldReader::boolean(std::string_view field, bool required) {
    const nlohmann::json* v = lookup(field, required);
    if (!v) {
        return std::nullopt;
    }
    if (!v->is_boolean()) {
        errors_.push_back({std::string(field), "must be true or false"});
        return std::nullopt;
    }
    return v->get<bool>();
}

const nlohmann::json* FieldReader::any(std::string_view field, bool required) {
    return lookup(field, required);
}

void FieldReader::fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
}

void FieldReader::finish() {
    for (const auto& [key, value] : object_.items()) {
        if (!seen_.contains(key)) {
            errors_.push_back({key, "is not a known field"});
        }
    }
    if (!errors_.empty()) {
        throw Problem(422, "the body has invalid fields", errors_);
    }
}

}  // namespace http
