// bench_sse::SseParser: the event-stream parser of the load client (WHATWG
// rules: lines end in CR, LF or CRLF; field "event", "data", "id", "retry";
// a line starting with ':' is a comment (heartbeat) and ignored; a blank line
// dispatches). Kept allocation-light: one per connection, tens of thousands
// per process. Also extracts the message key the load client matches on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bench_sse {

// What a dispatched event hands to the caller; views valid during the call.
struct SseEvent {
    std::string_view type;  // "message" when the stream gave no event: line
    std::string_view data;
};

class SseParser {
  public:
    // Feeds body bytes; calls on_event(const SseEvent&) for each dispatched
    // event that has data.
    template <typename OnEvent>
    void feed(std::string_view in, OnEvent&& on_event) {
        std::size_t start = 0;
        for (std::size_t i = 0; i < in.size(); ++i) {
            const char ch = in[i];
            if (skip_lf_) {
                skip_lf_ = false;
                if (ch == '\n') {
                    start = i + 1;
                    continue;
                }
            }
            if (ch != '\r' && ch != '\n') {
                continue;
            }
            skip_lf_ = ch == '\r';
            if (line_.empty()) {
                line(in.substr(start, i - start), on_event);
            } else {
                line_.append(in.substr(start, i - start));
                scratch_.swap(line_);  // line_ is empty again
                line(std::string_view(scratch_), on_event);
                scratch_.clear();
            }
            start = i + 1;
        }
        if (start < in.size()) {
            line_.append(in.substr(start));
        }
    }

    [[nodiscard]] bool saw_retry() const { return saw_retry_; }

  private:
    template <typename OnEvent>
    void line(std::string_view text, OnEvent& on_event) {
        if (text.empty()) {
            if (has_data_) {
                on_event(SseEvent{
                    type_.empty() ? std::string_view("message") : std::string_view(type_), data_});
            }
            type_.clear();
            data_.clear();
            has_data_ = false;
            return;
        }
        if (text.front() == ':') {
            return;  // comment: heartbeat or greeting
        }
        field(text);
    }
    void field(std::string_view text);

    std::string line_;     // an unfinished line
    std::string scratch_;  // a completed line that was split across reads
    std::string type_;
    std::string data_;
    bool has_data_ = false;
    bool skip_lf_ = false;
    bool saw_retry_ = false;
};

// The key a message is matched on: (game id << 32) | version, from the first
// "id": and the first "version": of the JSON data (Scoreline's score.updated
// payload {"event_id":…,"game":{…,"id":G,…,"version":V,…}} and the Nchan
// bodies the client publishes have that shape). nullopt when either is absent.
[[nodiscard]] std::optional<std::uint64_t> message_key(std::string_view data);

[[nodiscard]] constexpr std::uint64_t make_key(std::uint64_t game_id, std::uint64_t version) {
    return (game_id << 32) | (version & 0xffffffffULL);
}

}  // namespace bench_sse
