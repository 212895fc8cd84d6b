// Account pages: log in, register, password reset (request and confirm), the
// account page; and the account part of the header (#nav-account), which
// follows auth.onAuthChange.
import {h, clear} from "../../dom.js";
import * as auth from "../../auth.js";
import {navigate} from "../../router.js";
import {field, onSubmit, say, value, requireUser, when, put} from "../console/ui.js";

// Where to go after logging in: a same-origin path from ?next=, else /console.
function nextPath(query) {
  const next = query.get("next") || "";
  return /^\/(?!\/)[^\\]*$/.test(next) && !next.startsWith("/login") ? next : "/console";
}

function renderNav(user) {
  const nav = document.getElementById("nav-account");
  if (!nav) {
    return;
  }
  clear(nav);
  if (!user) {
    nav.append(h("a", {href: "/login"}, "Log in"), h("a", {href: "/register"}, "Register"));
    return;
  }
  nav.append(
    h("a", {href: "/console"}, "Console"),
    ...(user.role === "admin" ? [h("a", {href: "/admin/audit"}, "Admin")] : []),
    h("a", {href: "/account", class: "nav-user"}, user.display_name),
    h(
      "button",
      {
        type: "button",
        class: "link-button",
        on: {
          click: async () => {
            await auth.logout();
            navigate("/");
          },
        },
      },
      "Log out",
    ),
  );
}

async function loginPage({query, main}) {
  await auth.restore();
  const form = h(
    "form",
    {class: "stack narrow", novalidate: true},
    field("Email", {name: "email", type: "email", autocomplete: "username", required: true}),
    field("Password", {name: "password", type: "password", autocomplete: "current-password", required: true}),
    h("button", {type: "submit", class: "primary"}, "Log in"),
  );
  onSubmit(form, async () => {
    await auth.login(value(form, "email"), form.elements.namedItem("password").value);
    navigate(nextPath(query), {replace: true});
  });
  const user = auth.currentUser();
  put(
    main,
    h("h1", {tabindex: "-1"}, "Log in"),
    user ? h("p", {class: "note"}, `You are signed in as ${user.display_name}. Logging in again starts a new session in this tab.`) : null,
    form,
    h("p", null, h("a", {href: "/password-reset"}, "Forgot your password?")),
    h("p", null, "No account yet? ", h("a", {href: "/register"}, "Create one")),
  );
}

async function registerPage({main}) {
  const form = h(
    "form",
    {class: "stack narrow", novalidate: true},
    field("Email", {name: "email", type: "email", autocomplete: "email", required: true}),
    field("Display name", {name: "display_name", autocomplete: "nickname", required: true, maxlength: "80"}, {
      hint: "Shown to others next to your scores and in the audit log.",
    }),
    field("Password", {name: "password", type: "password", autocomplete: "new-password", required: true, minlength: "10"}, {
      hint: "10 to 128 characters, not a dictionary word, not containing your email or name.",
    }),
    h("button", {type: "submit", class: "primary"}, "Create account"),
  );
  onSubmit(form, async () => {
    const password = form.elements.namedItem("password").value;
    const email = value(form, "email");
    await auth.register({email, password, display_name: value(form, "display_name")});
    await auth.login(email, password);
    navigate("/console", {replace: true});
  });
  main.append(
    h("h1", {tabindex: "-1"}, "Create an account"),
    form,
    h("p", null, "Already registered? ", h("a", {href: "/login"}, "Log in")),
  );
}

async function resetRequestPage({main}) {
  const form = h(
    "form",
    {class: "stack narrow", novalidate: true},
    field("Email", {name: "email", type: "email", autocomplete: "email", required: true}),
    h("button", {type: "submit", class: "primary"}, "Send reset link"),
  );
  onSubmit(form, async () => {
    await auth.requestPasswordReset(value(form, "email"));
    say(form, "If an account has this address, a reset link is on its way. It is valid for 30 minutes.");
  });
  main.append(h("h1", {tabindex: "-1"}, "Reset your password"), form);
}

async function resetConfirmPage({query, main}) {
  const token = query.get("token") || "";
  // The token is in the URL of the mail; take it out of the address bar and
  // history so that it is not shared or sent on by a later navigation.
  if (token) {
    history.replaceState(null, "", "/password-reset/confirm");
  }
  const form = h(
    "form",
    {class: "stack narrow", novalidate: true},
    h("input", {type: "hidden", name: "token", value: token}),
    field("New password", {name: "new_password", type: "password", autocomplete: "new-password", required: true, minlength: "10"}, {
      hint: "10 to 128 characters, not a dictionary word, not containing your email or name.",
    }),
    h("button", {type: "submit", class: "primary"}, "Set password"),
  );
  onSubmit(
    form,
    async () => {
      await auth.confirmPasswordReset(token, form.elements.namedItem("new_password").value);
      clear(main);
      main.append(
        h("h1", {tabindex: "-1"}, "Password changed"),
        h("p", {role: "status"}, "Your password is set. Every session of your account was signed out. ", h("a", {href: "/login"}, "Log in")),
      );
      main.querySelector("h1").focus();
    },
    {token: "new_password"},
  );
  put(
    main,
    h("h1", {tabindex: "-1"}, "Choose a new password"),
    token ? null : h("p", {role: "alert"}, "This page needs the link from the reset mail. ", h("a", {href: "/password-reset"}, "Ask for a new one")),
    form,
  );
}

async function accountPage({main}) {
  const user = await requireUser(main, "Your account");
  if (!user) {
    return;
  }
  main.append(
    h("h1", {tabindex: "-1"}, "Your account"),
    h(
      "dl",
      {class: "facts"},
      h("dt", null, "Display name"),
      h("dd", null, user.display_name),
      h("dt", null, "Email"),
      h("dd", null, user.email),
      h("dt", null, "User id"),
      h("dd", null, String(user.id)),
      h("dt", null, "Role"),
      h("dd", null, user.role),
      h("dt", null, "Member since"),
      h("dd", null, when(user.created_at)),
    ),
    h("p", {class: "hint"}, "Organizers add you to an event by your user id."),
    h("p", null, h("a", {href: "/password-reset"}, "Change your password"), " (by a reset link sent to your email)"),
    h(
      "p",
      null,
      h(
        "button",
        {
          type: "button",
          on: {
            click: async () => {
              await auth.logoutAll();
              navigate("/");
            },
          },
        },
        "Log out everywhere",
      ),
      " ends every session of your account, on every device.",
    ),
  );
}

export function register(route) {
  renderNav(auth.currentUser());
  auth.onAuthChange(renderNav);
  route("/login", loginPage);
  route("/register", registerPage);
  route("/password-reset", resetRequestPage);
  route("/password-reset/confirm", resetConfirmPage);
  route("/account", accountPage);
}
