// api::obs::CertificateExpiry: when the TLS certificate nginx serves expires
// (its notAfter, unix time), for scoreline_tls_certificate_expiry_seconds.
// The file is the one SCORELINE_TLS_CERTIFICATE names; each worker reads it at
// most once a minute and keeps the answer in between. Worker process only
// (not thread-safe: one request at a time).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace api::obs {

// The notAfter of the first certificate in a PEM file, as unix time; nullopt
// when the file cannot be read or holds no certificate (logged as a warning).
[[nodiscard]] std::optional<std::int64_t> certificate_not_after(const std::string& pem_path);

class CertificateExpiry {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kRefresh{60};

    // certificate_not_after(path), read again once kRefresh has passed since
    // the last read (or when the path changed).
    [[nodiscard]] std::optional<std::int64_t> get(const std::string& pem_path,
                                                  Clock::time_point now = Clock::now());

  private:
    std::string path_;
    std::optional<std::int64_t> not_after_;
    std::optional<Clock::time_point> read_at_;
};

}  // namespace api::obs
