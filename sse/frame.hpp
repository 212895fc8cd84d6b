// Server-Sent Events frames (WHATWG HTML, "Server-sent events"): an outbox row
// becomes `id:`, `event:` and `data:` lines and an empty line, serialized once
// into an immutable, reference-counted Frame that every client receiving it
// shares. Heartbeats are comment lines, the reconnection delay a `retry:`
// line. Pure; used by the fan-out of scoreline-sse.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sse {

struct Frame {
    std::int64_t id = 0;       // outbox id; 0 for frames that are not messages
    std::string bytes;         // what goes on the socket
    double created_epoch = 0;  // the outbox row's created_at (s since the epoch); 0 = none
    bool is_message() const noexcept { return id > 0; }
};
using FramePtr = std::shared_ptr<const Frame>;

// "id: 42\nevent: score.updated\ndata: {...}\n\n". Every line break in `data`
// (CRLF, CR or LF) starts a new `data:` line, so the client reassembles the
// same text; line breaks in `event` become spaces (an event name is one line).
[[nodiscard]] std::string serialize_message(std::int64_t id, std::string_view event,
                                            std::string_view data);
[[nodiscard]] FramePtr make_message(std::int64_t id, std::string_view event, std::string_view data,
                                    double created_epoch);
// ": text\n\n", a comment the client ignores; line breaks become spaces.
[[nodiscard]] FramePtr make_comment(std::string_view text);
// "retry: 3000\n\n" plus an opening comment, sent first on every stream.
[[nodiscard]] FramePtr make_preamble(std::chrono::milliseconds retry);

}  // namespace sse
