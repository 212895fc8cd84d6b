// The SSE test client; see sse_client.hpp.
#include "sse_client.hpp"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>

namespace harness {
namespace {

int small_receive_buffer(void*, curl_socket_t fd, curlsocktype) {
    const int size = 4096;
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    return CURL_SOCKOPT_OK;
}

}  // namespace

SseClient::SseClient(SseClientOptions options) : options_(std::move(options)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_ = curl_multi_init();
    thread_ = std::thread([this] { run(); });
}

SseClient::~SseClient() {
    stop();
    curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void SseClient::stop() {
    stop_ = true;
    curl_multi_wakeup(static_cast<CURLM*>(multi_));
    if (thread_.joinable()) {
        thread_.join();
    }
}

std::size_t SseClient::on_header(char* data, std::size_t size, std::size_t n, void* self) {
    auto* c = static_cast<SseClient*>(self);
    std::string line(data, size * n);
    std::lock_guard lock(c->mu_);
    if (line.starts_with("HTTP/")) {
        c->headers_.clear();
        c->headers_done_ = false;
        const auto sp = line.find(' ');
        c->status_ = sp == std::string::npos ? 0 : std::atol(line.c_str() + sp + 1);
    } else if (line == "\r\n" || line == "\n") {
        c->headers_done_ = c->status_ >= 200;  // not after a 1xx
    } else if (const auto colon = line.find(':'); colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        std::string value = line.substr(colon + 1);
        const auto b = value.find_first_not_of(" \t");
        const auto e = value.find_last_not_of(" \t\r\n");
        c->headers_[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    }
    c->cv_.notify_all();
    return size * n;
}

std::size_t SseClient::on_body(char* data, std::size_t size, std::size_t n, void* self) {
    auto* c = static_cast<SseClient*>(self);
    if (c->options_.stop_reading && !c->paused_) {
        c->paused_ = true;
        c->cv_.notify_all();
        return CURL_WRITEFUNC_PAUSE;  // this chunk is delivered again on unpause, never here
    }
    const std::string_view chunk(data, size * n);
    long status = 0;
    {
        std::lock_guard lock(c->mu_);
        status = c->status_;
        if (status != 200) {
            c->body_.append(chunk);
        }
    }
    if (status == 200) {
        c->parse(chunk);
    }
    return size * n;
}

void SseClient::parse(std::string_view chunk) {
    for (char ch : chunk) {
        if (skip_lf_) {
            skip_lf_ = false;
            if (ch == '\n') {
                continue;
            }
        }
        if (ch == '\r' || ch == '\n') {
            skip_lf_ = ch == '\r';
            line(pending_);
            pending_.clear();
        } else {
            pending_ += ch;
        }
    }
}

void SseClient::line(std::string_view text) {
    std::lock_guard lock(mu_);
    if (text.empty()) {  // dispatch
        dispatched_id_ = last_event_id_;
        if (has_data_) {
            events_.push_back(
                SseEvent{last_event_id_, event_type_.empty() ? "message" : event_type_, data_});
            cv_.notify_all();
        }
        data_.clear();
        has_data_ = false;
        event_type_.clear();
        return;
    }
    if (text.front() == ':') {
        ++comments_;
        cv_.notify_all();
        return;
    }
    const auto colon = text.find(':');
    std::string_view field = text.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    if (field == "data") {
        if (has_data_) {
            data_ += '\n';
        }
        data_ += value;
        has_data_ = true;
    } else if (field == "event") {
        event_type_ = value;
    } else if (field == "id") {
        last_event_id_ = value;
    } else if (field == "retry") {
        retry_ = value;
    }
}

void SseClient::run() {
    CURL* easy = curl_easy_init();
    CURLM* multi = static_cast<CURLM*>(multi_);
    curl_slist* list = nullptr;
    for (const auto& h : options_.headers) {
        list = curl_slist_append(list, h.c_str());
    }
    list = curl_slist_append(list, "Accept: text/event-stream");
    curl_easy_setopt(easy, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &SseClient::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &SseClient::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    if (!options_.unix_socket.empty()) {
        curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, options_.unix_socket.c_str());
    }
    if (options_.ca_file.empty()) {
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
    }
    const std::string source = "host!" + options_.source_address;
    if (!options_.source_address.empty()) {
        curl_easy_setopt(easy, CURLOPT_INTERFACE, source.c_str());
    }
    if (options_.http1_only || options_.stop_reading) {
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    }
    if (options_.stop_reading || options_.max_recv_bytes_per_s > 0) {
        curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &small_receive_buffer);
        curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 1024L);
    }
    if (options_.max_recv_bytes_per_s > 0) {
        curl_easy_setopt(easy, CURLOPT_MAX_RECV_SPEED_LARGE,
                         static_cast<curl_off_t>(options_.max_recv_bytes_per_s));
    }
    curl_multi_add_handle(multi, easy);
    int running = 1;
    CURLcode result = CURLE_OK;
    while (running && !stop_) {
        if (curl_multi_perform(multi, &running) != CURLM_OK) {
            break;
        }
        int msgs = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &msgs)) {
            if (m->msg == CURLMSG_DONE) {
                result = m->data.result;
            }
        }
        if (running) {
            curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
    }
    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(list);
    std::lock_guard lock(mu_);
    finished_ = true;
    if (result != CURLE_OK) {
        error_ = curl_easy_strerror(result);
    }
    cv_.notify_all();
}

long SseClient::wait_status(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return headers_done_ || finished_; });
    return headers_done_ ? status_ : (finished_ ? status_ : 0);
}

bool SseClient::wait_events(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return events_.size() >= count; });
}

bool SseClient::wait_comments(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return comments_ >= count; });
}

bool SseClient::wait_finished(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return finished_; });
}

long SseClient::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

std::vector<SseEvent> SseClient::events() const {
    std::lock_guard lock(mu_);
    return events_;
}

std::size_t SseClient::event_count() const {
    std::lock_guard lock(mu_);
    return events_.size();
}

std::size_t SseClient::comment_count() const {
    std::lock_guard lock(mu_);
    return comments_;
}

std::string SseClient::last_event_id() const {
    std::lock_guard lock(mu_);
    return dispatched_id_;
}

std::string SseClient::retry() const {
    std::lock_guard lock(mu_);
    return retry_;
}

std::string SseClient::body() const {
    std::lock_guard lock(mu_);
    return body_;
}

std::string SseClient::header(const std::string& lower_name) const {
    std::lock_guard lock(mu_);
    auto it = headers_.find(lower_name);
    return it == headers_.end() ? std::string() : it->second;
}

bool SseClient::finished() const {
    std::lock_guard lock(mu_);
    return finished_;
}

std::string SseClient::error() const {
    std::lock_guard lock(mu_);
    return error_;
}

}  // namespace harness
