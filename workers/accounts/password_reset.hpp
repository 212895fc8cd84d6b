// Password reset: a request always ends the same way for the caller (202),
// whether or not the email has an account and whether or not the account is
// past its limit. For an account under its limit (SCORELINE_PASSWORD_RESET_
// MAX_PER_WINDOW per SCORELINE_PASSWORD_RESET_WINDOW_S) it closes the
// account's open reset, stores the hash of a new single-use token (30 minutes
// by default) and queues a mail holding the token in mail_outbox: one live
// token per account. Past the limit it creates and sends nothing. Confirming
// sets a new password under the registration policy, uses up every open reset
// of the account and ends all its sessions.
#pragma once

#include <string>
#include <string_view>

#include "accounts/call.hpp"

namespace accounts {

// Refuses (domain::Refusal invalid_fields, naming `email`) only an email
// that is not an address; every other request ends the same way.
void request_password_reset(Call& call, std::string_view email);

// Refuses with invalid_fields naming `token` (unknown, expired or used) or
// `new_password` (against the registration policy); a refusal changes nothing.
void confirm_password_reset(Call& call, std::string_view token, std::string_view new_password);

}  // namespace accounts
