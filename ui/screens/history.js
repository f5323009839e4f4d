// A record's history in a modal dialog: every revision, who made it on which laptop and
// when, and which fields it changed (old → new). Text only, never markup.
import { h } from "../lib/dom.js";
import { formatDate, formatDateTime } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { t, tEnum } from "../i18n.js";

/** "2023-11-07T08:00:00.000Z#0001" → the ISO time part. */
function hlcTime(hlc) {
  return String(hlc || "").split("#")[0];
}

/** Fields that are logs (entries appended, never edited). */
const LOGS = new Set(["plan_changes", "unlocks"]);

/** One re-planning as a line: "07/11/2023 → 11/11/2023; Đoàn số 1 → Đoàn số 2 — lý do". */
function planChange(c) {
  const parts = [];
  if (c.cancelled) parts.push(t("replan.history_cancelled"));
  if (!c.cancelled && c.date_from !== c.date_to) parts.push(`${t("visit.date")}: ${formatDate(c.date_from) || "—"} → ${formatDate(c.date_to) || "—"}`);
  if (!c.cancelled && c.team_from !== c.team_to) parts.push(`${t("visit.team")}: ${c.team_from || t("visit.no_team")} → ${c.team_to || t("visit.no_team")}`);
  const what = parts.join("; ");
  return `${formatDateTime(c.at)} · ${c.by}: ${what}${c.reason ? ` — ${t("replan.reason_label")}: ${c.reason}` : ""}`;
}

/** A field's value as a person reads it: labels for codes, dd/mm/yyyy dates, lists as lines. */
function show(field, value, body) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) {
    if (!value.length) return "—";
    return value
      .map((v) => {
        if (field === "attendees") return [v.name, v.position].filter(Boolean).join(", ");
        if (field === "questions") return `${v.question || ""} — ${v.answer || ""}`;
        if (field === "unlocks") return `${formatDateTime(v.at)} · ${v.by}: ${v.reason}`;
        if (field === "plan_changes") return planChange(v);
        if (field === "members") return `${v.inspector_id} (${tEnum("role", v.role)})`;
        return typeof v === "object" ? JSON.stringify(v) : String(v);
      })
      .join("\n");
  }
  if (typeof value === "object") return JSON.stringify(value);
  switch (field) {
    case "status":
      return body && "authority" in body ? tEnum("rec_status", value) : tEnum("status", value);
    case "rating":
      return tEnum("rating", value);
    case "overall_result":
      return tEnum("result", value);
    case "authority":
      return tEnum("authority", value);
    case "raised_by":
      return tEnum("raised_by", value);
    case "signed_at":
      return formatDateTime(value);
    default:
      return /^\d{4}-\d{2}-\d{2}$/.test(String(value)) ? formatDate(value) : String(value);
  }
}

/** Links between records and file hashes mean nothing to a reader. */
function shown(field) {
  return !/_id$/.test(field) && field !== "sha256";
}

/** Field-by-field differences between two bodies (top level). */
function changes(before, after) {
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const out = [];
  for (const k of [...keys].sort()) {
    const a = before ? before[k] : undefined;
    const b = after ? after[k] : undefined;
    if (shown(k) && JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out.push({ field: k, from: a, to: b });
  }
  return out;
}

export async function showHistory(app, id, title) {
  if (!id) return;
  let entries;
  try {
    entries = await app.api.recordHistory(id);
  } catch (err) {
    app.notify(toError(err).message, "error");
    return;
  }
  const byRev = new Map(entries.map((e) => [e.rev, e]));
  const rows = entries
    .slice()
    .reverse()
    .map((e) => {
      const parent = e.parents.length ? byRev.get(e.parents[0]) : null;
      const diff = changes(parent ? parent.body : null, e.body);
      return h(
        "li",
        { class: ["hist-entry", e.is_current && "is-current", e.parents.length > 1 && "is-merge"], dataset: { rev: e.rev } },
        h(
          "div",
          { class: "hist-head" },
          h("span", { class: "hist-time" }, formatDateTime(hlcTime(e.hlc))),
          h("span", { class: "hist-device" }, e.person ? `${e.person} — ${e.device_name}` : e.device_name),
          e.clock_ahead ? h("span", { class: "badge badge-clock-ahead", title: t("history.clock_ahead_hint") }, t("history.clock_ahead")) : null,
          e.parents.length === 0 ? h("span", { class: "badge" }, t("history.created")) : null,
          e.parents.length > 1 ? h("span", { class: "badge" }, t("history.merged")) : null,
          e.deleted ? h("span", { class: "badge badge-danger" }, t("history.deleted")) : null,
          e.is_current ? h("span", { class: "badge badge-current" }, t("history.current")) : null,
        ),
        diff.length
          ? h(
              "dl",
              { class: "hist-diff" },
              diff.map((d) => [
                h("dt", null, t(`field.${d.field}`) === `field.${d.field}` ? d.field : t(`field.${d.field}`)),
                // A log only grows: show what this revision added, not the whole list twice.
                LOGS.has(d.field)
                  ? h("dd", null, h("span", { class: "hist-to" }, show(d.field, (d.to || []).slice((d.from || []).length), e.body)))
                  : h("dd", null, parent ? h("span", { class: "hist-from" }, show(d.field, d.from, parent.body)) : null, parent ? " → " : null, h("span", { class: "hist-to" }, show(d.field, d.to, e.body))),
              ]),
            )
          : h("p", { class: "muted small" }, t("history.no_change")),
      );
    });
  const dialog = h(
    "dialog",
    { class: "history-dialog", id: "history-dialog", "aria-label": t("history.title") },
    h(
      "header",
      { class: "dialog-head" },
      h("div", null, h("span", { class: "eyebrow" }, t("history.title")), h("h2", { class: "dialog-title" }, title)),
      h("button", { type: "button", class: "btn btn-small", id: "history-close", onClick: () => dialog.close() }, t("action.close")),
    ),
    h("ol", { class: "hist-list" }, rows),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
}
