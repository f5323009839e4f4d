// Widgets several screens share: status badges and chips, label/value pairs, the conflict badge,
// progress bars, the dd/mm/yyyy date field.
import { t, tEnum } from "../i18n.js";
import { h } from "./dom.js";
import { toViDate, fromViDate } from "./format.js";
import { fieldError } from "./fields.js";

export const VISIT_STATUSES = ["planned", "in_progress", "completed", "signed"];

/** Coloured badge for a visit status. */
export function statusBadge(status) {
  return h("span", { class: `badge status-${status}`, dataset: { status } }, tEnum("status", status));
}

/** Count chip per status (dot + label + count). */
export function statusChip(status, count, { compact = false } = {}) {
  const label = tEnum("status", status);
  return h(
    "span",
    { class: ["chip", `status-${status}`, compact && "chip-compact", !count && "chip-zero"], dataset: { status }, title: `${label}: ${count}` },
    h("span", { class: "dot", "aria-hidden": "true" }),
    h("span", { class: "chip-label" }, label),
    h("span", { class: "chip-count" }, String(count ?? 0)),
  );
}

/** Label/value pair used in headers: <div class=meta-item><span class=meta-label>…</span><span class=meta-value>…</span></div> */
export function metaItem(label, value, extraClass) {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: ["meta-item", extraClass] }, h("span", { class: "meta-label" }, label), h("span", { class: "meta-value" }, value));
}

/** "Xung đột" badge for a record in conflict; a button that opens the conflicts screen. */
export function conflictBadge(onOpen) {
  return h(
    "button",
    {
      type: "button",
      class: "badge badge-conflict",
      title: t("conflicts.badge_title"),
      onClick: (ev) => {
        ev.preventDefault();
        ev.stopPropagation(); // inside clickable rows: open the conflicts, not the row
        onOpen();
      },
    },
    t("conflicts.badge"),
  );
}

/** A <progress> bar (styled in CSS) with an accessible label. */
export function progressBar(done, total, label) {
  const p = h("progress", { class: "bar", max: String(Math.max(total, 1)), value: String(Math.min(done, total)) });
  if (label) p.setAttribute("aria-label", label);
  if (total > 0 && done >= total) p.classList.add("full");
  return p;
}

export function updateProgressBar(p, done, total) {
  p.max = Math.max(total, 1);
  p.value = Math.min(done, total);
  p.classList.toggle("full", total > 0 && done >= total);
}

/** A dd/mm/yyyy text field (the native date picker follows the OS locale, often mm/dd). */
export function dateInput(iso, attrs, onDate) {
  const input = h("input", { type: "text", inputmode: "numeric", placeholder: "dd/mm/yyyy", value: toViDate(iso), ...attrs });
  input.addEventListener("change", () => {
    const v = fromViDate(input.value);
    // A date that is not one (31/02/2025) says so under the field and is kept as typed, so
    // the person sees what to correct; `dateInvalid` lets a form refuse to submit it.
    input.dateInvalid = v === undefined;
    if (input.dateInvalid) {
      fieldError(input, t("date.invalid_typed", { text: input.value.trim() }));
      return;
    }
    fieldError(input, "");
    input.value = toViDate(v);
    onDate(v);
  });
  return input;
}
