// Admin pages: /admin/audit (the audit log with filters) and /admin/alerts
// (integrity alerts with filters, status changes, and the live admin stream).
import {auditPage} from "./audit.js";
import {alertsPage} from "./alerts.js";

export function register(route) {
  route("/admin", auditPage);
  route("/admin/audit", auditPage);
  route("/admin/alerts", alertsPage);
}
