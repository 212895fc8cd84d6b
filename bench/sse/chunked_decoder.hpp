// bench_sse::ChunkedDecoder: undoes HTTP/1.1 chunked transfer coding of a
// response body that arrives in arbitrary pieces (nginx sends an SSE stream of
// unknown length chunked). Single-threaded; one per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bench_sse {

class ChunkedDecoder {
  public:
    // Feeds `in`; calls sink(std::string_view) for each run of body bytes.
    // Returns false on a malformed chunk header (the stream is unusable).
    template <typename Sink>
    [[nodiscard]] bool feed(std::string_view in, Sink&& sink) {
        std::size_t i = 0;
        while (i < in.size()) {
            if (state_ == State::kData) {
                const std::size_t take =
                    static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
                sink(in.substr(i, take));
                i += take;
                remaining_ -= take;
                if (remaining_ == 0) {
                    state_ = State::kDataCr;
                }
                continue;
            }
            if (!step(in[i++])) {
                return false;
            }
        }
        return true;
    }

    [[nodiscard]] bool finished() const { return state_ == State::kDone; }

  private:
    enum class State { kSize, kExtension, kSizeLf, kData, kDataCr, kDataLf, kTrailer, kDone };
    // One byte outside chunk data; false when it cannot be there.
    [[nodiscard]] bool step(char ch);

    State state_ = State::kSize;
    std::uint64_t remaining_ = 0;
    int digits_ = 0;
    bool trailer_line_empty_ = true;
};

}  // namespace bench_sse
