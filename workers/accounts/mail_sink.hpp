// The local stack's mail sink: with SCORELINE_MAIL_SINK_FILE set, every mail
// queued in mail_outbox is also appended to that file, so a developer reads
// the password-reset link there (`make run` points it at .run/logs/mail.log).
// There is no mail sender; production leaves the setting unset, and the
// normal logs never hold a mail's body. Any worker process may call it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace accounts {

struct SinkMail {
    std::int64_t id = 0;  // mail_outbox.id
    std::string_view to;
    std::string_view kind;
    std::string_view subject;
    std::string_view body;
};

// The text appended for `mail`: a "mail <id>" header block, a blank line, the
// body, and a line "----" that ends it. Pure.
[[nodiscard]] std::string sink_text(const SinkMail& mail);

// Appends sink_text(mail) to `path` in one write (O_APPEND, created 0600).
// Never throws: a failure is logged as mail_sink_failed (without the body)
// and the mail stays in mail_outbox.
void write_to_sink(const std::string& path, const SinkMail& mail) noexcept;

}  // namespace accounts
