// SSE frame serialization; see frame.hpp.
#include "frame.hpp"

namespace sse {
namespace {

std::string one_line(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c == '\r' || c == '\n' || c == '\0') {
            c = ' ';
        }
    }
    return out;
}

}  // namespace

std::string serialize_message(std::int64_t id, std::string_view event, std::string_view data) {
    std::string out;
    out.reserve(data.size() + event.size() + 40);
    out += "id: ";
    out += std::to_string(id);
    out += '\n';
    if (!event.empty()) {
        out += "event: ";
        out += one_line(event);
        out += '\n';
    }
    out += "data: ";
    for (std::size_t i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') {
                ++i;
            }
            out += "\ndata: ";
        } else {
            out += c;
        }
    }
    out += "\n\n";
    return out;
}

FramePtr make_message(std::int64_t id, std::string_view event, std::string_view data,
                      double created_epoch) {
    return std::make_shared<const Frame>(
        Frame{id, serialize_message(id, event, data), created_epoch});
}

FramePtr make_comment(std::string_view text) {
    return std::make_shared<const Frame>(Frame{0, ": " + one_line(text) + "\n\n", 0});
}

FramePtr make_preamble(std::chrono::milliseconds retry) {
    return std::make_shared<const Frame>(
        Frame{0, "retry: " + std::to_string(retry.count()) + "\n: scoreline-sse\n\n", 0});
}

}  // namespace sse
