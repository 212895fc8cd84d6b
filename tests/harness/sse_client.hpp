// harness::SseClient: a Server-Sent-Events client for integration and e2e
// tests. libcurl (multi interface, woken on stop) in its own thread, over
// HTTPS to nginx or plain HTTP on scoreline-sse's unix socket. It parses the
// stream as the WHATWG spec says (id/event/data/retry fields, comments, the
// last event id) and records everything for the test thread to inspect.
// It can also play a client that stops reading after the first bytes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace harness {

struct SseEvent {
    std::string id;     // the last event id when it was dispatched
    std::string event;  // "message" when the stream gave none
    std::string data;
};

struct SseClientOptions {
    std::string url;          // https://127.0.0.1:PORT/api/v1/… or http://localhost/api/v1/…
    std::string unix_socket;  // set: connect to this socket instead of the URL's host
    std::string ca_file;      // HTTPS: trust this certificate (empty: no verification)
    std::vector<std::string> headers;  // e.g. "Last-Event-ID: 42"
    bool http1_only = false;
    std::string source_address;  // e.g. "127.0.0.2": connect from this loopback address
    // Stop reading after the first body bytes (a client that never reads),
    // with a small receive buffer so the server feels it soon.
    bool stop_reading = false;
    // Above 0: read at most this many bytes a second (a slow client), with
    // the same small receive buffer.
    long max_recv_bytes_per_s = 0;
};

class SseClient {
  public:
    explicit SseClient(SseClientOptions options);  // starts the transfer
    ~SseClient();                                  // stops it
    SseClient(const SseClient&) = delete;
    SseClient& operator=(const SseClient&) = delete;

    // Aborts the transfer and joins the thread; harmless when it already ended.
    void stop();

    // Waits until the response head is complete (or the transfer ended);
    // returns the status, 0 when none arrived in time.
    long wait_status(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    bool wait_events(std::size_t count, std::chrono::milliseconds timeout);
    bool wait_comments(std::size_t count, std::chrono::milliseconds timeout);
    // Waits until the transfer ended (server closed, error or stop()).
    bool wait_finished(std::chrono::milliseconds timeout);

    [[nodiscard]] long status() const;
    [[nodiscard]] std::vector<SseEvent> events() const;
    [[nodiscard]] std::size_t event_count() const;
    [[nodiscard]] std::size_t comment_count() const;
    // The last event ID as an EventSource knows it: set when a message is
    // dispatched (an id: line alone does not count until its blank line).
    [[nodiscard]] std::string last_event_id() const;
    [[nodiscard]] std::string retry() const;  // the last retry: value seen
    [[nodiscard]] std::string body() const;   // raw body of a non-200 answer
    [[nodiscard]] std::string header(const std::string& lower_name) const;
    [[nodiscard]] bool finished() const;
    [[nodiscard]] std::string error() const;  // curl's message when the transfer failed

  private:
    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self);
    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self);
    void run();
    void parse(std::string_view chunk);
    void line(std::string_view text);

    SseClientOptions options_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    long status_ = 0;
    bool headers_done_ = false;
    std::map<std::string, std::string> headers_;
    std::vector<SseEvent> events_;
    std::size_t comments_ = 0;
    std::string last_event_id_;  // the parser's buffer
    std::string dispatched_id_;
    std::string retry_;
    std::string body_;
    bool finished_ = false;
    std::string error_;
    // Parser state (transfer thread only).
    std::string pending_;
    bool skip_lf_ = false;
    std::string event_type_;
    std::string data_;
    bool has_data_ = false;
    bool paused_ = false;
    std::atomic<bool> stop_{false};
    void* multi_ = nullptr;
    std::thread thread_;
};

}  // namespace harness
