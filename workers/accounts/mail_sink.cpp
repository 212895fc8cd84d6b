// The local mail sink; see mail_sink.hpp.
#include "accounts/mail_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log.hpp"

namespace accounts {

std::string sink_text(const SinkMail& mail) {
    std::string out = "mail " + std::to_string(mail.id) + "\n";
    out.append("To: ").append(mail.to).append("\n");
    out.append("Kind: ").append(mail.kind).append("\n");
    out.append("Subject: ").append(mail.subject).append("\n\n");
    out.append(mail.body);
    if (!out.ends_with('\n')) {
        out += '\n';
    }
    out += "----\n";
    return out;
}

void write_to_sink(const std::string& path, const SinkMail& mail) noexcept {
    try {
        const std::string text = sink_text(mail);
        const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            slog::warn("mail_sink_failed", {{"mail_id", mail.id}, {"error", std::strerror(errno)}});
            return;
        }
        // One write: appends of concurrent workers do not interleave.
        const ssize_t n = ::write(fd, text.data(), text.size());
        const int write_errno = errno;
        ::close(fd);
        if (n != static_cast<ssize_t>(text.size())) {
            slog::warn("mail_sink_failed",
                       {{"mail_id", mail.id},
                        {"error", n < 0 ? std::strerror(write_errno) : "short write"}});
        }
    } catch (const std::exception&) {
        // Out of memory building the text or the log line: the mail stays in mail_outbox.
    }
}

}  // namespace accounts
