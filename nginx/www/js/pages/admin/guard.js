// The admin pages' guard and their sub-navigation.
import {h} from "../../dom.js";
import {requireUser} from "../console/ui.js";

// Resolves to the signed-in admin, or renders why the page is not shown and
// resolves to null.
export async function requireAdmin(main, heading) {
  const user = await requireUser(main, heading);
  if (!user) {
    return null;
  }
  if (user.role !== "admin") {
    main.append(h("h1", {tabindex: "-1"}, heading), h("p", {role: "alert"}, "Only admins can see this page."));
    return null;
  }
  return user;
}

export function adminNav(current) {
  return h(
    "nav",
    {"aria-label": "Admin", class: "sub-nav"},
    h("a", {href: "/admin/audit", "aria-current": current === "audit" ? "page" : null}, "Audit log"),
    " · ",
    h("a", {href: "/admin/alerts", "aria-current": current === "alerts" ? "page" : null}, "Alerts"),
  );
}
