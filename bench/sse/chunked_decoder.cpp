// The chunk-header state machine of ChunkedDecoder; see chunked_decoder.hpp.
#include "chunked_decoder.hpp"

namespace bench_sse {

bool ChunkedDecoder::step(char ch) {
    switch (state_) {
        case State::kSize: {
            int v = -1;
            if (ch >= '0' && ch <= '9') {
                v = ch - '0';
            } else if (ch >= 'a' && ch <= 'f') {
                v = ch - 'a' + 10;
            } else if (ch >= 'A' && ch <= 'F') {
                v = ch - 'A' + 10;
            }
            if (v >= 0) {
                if (++digits_ > 15) {
                    return false;
                }
                remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(v);
                return true;
            }
            if (digits_ == 0) {
                return false;
            }
            if (ch == '\r') {
                state_ = State::kSizeLf;
            } else if (ch == ';' || ch == ' ' || ch == '\t') {
                state_ = State::kExtension;
            } else {
                return false;
            }
            return true;
        }
        case State::kExtension:
            if (ch == '\r') {
                state_ = State::kSizeLf;
            }
            return true;
        case State::kSizeLf:
            if (ch != '\n') {
                return false;
            }
            digits_ = 0;
            if (remaining_ == 0) {
                state_ = State::kTrailer;
                trailer_line_empty_ = true;
            } else {
                state_ = State::kData;
            }
            return true;
        case State::kDataCr:
            if (ch != '\r') {
                return false;
            }
            state_ = State::kDataLf;
            return true;
        case State::kDataLf:
            if (ch != '\n') {
                return false;
            }
            state_ = State::kSize;
            return true;
        case State::kTrailer:
            if (ch == '\n') {
                if (trailer_line_empty_) {
                    state_ = State::kDone;
                }
                trailer_line_empty_ = true;
            } else if (ch != '\r') {
                trailer_line_empty_ = false;
            }
            return true;
        case State::kData:
        case State::kDone:
            return false;
    }
    return false;
}

}  // namespace bench_sse
