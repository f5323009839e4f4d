import { t, tEnum, getLang } from "./i18n.js";

// DOM helpers. Everything is built with createElement + textContent:
// no HTML strings anywhere (strict CSP, and content may come from other laptops).

const BOOL_PROPS = new Set(["disabled", "checked", "hidden", "required", "readOnly", "selected", "open"]);

/**
 * h("div", {class: "x", dataset: {id: 1}, onClick: fn, disabled: true}, "text", child, [more])
 * - strings and numbers become text nodes; null/undefined/false are skipped; arrays are flattened
 * - on<Event> keys add event listeners
 * - "style" is refused: use classes, or the CSSOM (el.style.x = ...) after creation
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class" || key === "className") {
        el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
      } else if (key === "dataset") {
        for (const [dk, dv] of Object.entries(value)) {
          if (dv !== null && dv !== undefined) el.dataset[dk] = String(dv);
        }
      } else if (key === "style") {
        throw new Error("h(): inline style attributes are not allowed (CSP)");
      } else if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (BOOL_PROPS.has(key)) {
        el[key] = Boolean(value);
      } else if (key === "value") {
        el.value = value;
      } else if (key === "for") {
        el.htmlFor = value;
      } else if (value === true) {
        el.setAttribute(key, "");
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

/** Replace all children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Make a non-button element behave like a button: click, Enter and Space. */
export function activatable(el, handler) {
  el.tabIndex = 0;
  if (!el.hasAttribute("role")) el.setAttribute("role", "link");
  el.addEventListener("click", (ev) => handler(ev));
  el.addEventListener("keydown", (ev) => {
    if (ev.target !== el) return;
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      handler(ev);
    }
  });
  return el;
}

/** "2023-11-07" (or an ISO date-time) → "07/11/2023". Anything else is returned unchanged. */
export function formatDate(iso) {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso));
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(iso);
}

/**
 * An ISO date-time, or a revision clock like "2026-11-24T22:14:43.112Z#0003" (the "#NNNN" counter
 * is dropped), → "24/11/2026 05:14" in local time. Anything unparsable goes through formatDate.
 */
export function formatDateTime(iso) {
  if (!iso) return "";
  const s = String(iso).replace(/#\d+$/, "");
  const d = /^\d{4}-\d{2}-\d{2}T/.test(s) ? new Date(s) : null;
  if (!d || Number.isNaN(d.getTime())) return formatDate(s);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

const numberFormats = new Map();
function numberFormat(opts) {
  const lang = getLang();
  const key = lang + JSON.stringify(opts || {});
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", opts));
  return numberFormats.get(key);
}

/** 12000 → "12.000" (Vietnamese) / "12,000" (English). */
export function formatNumber(n) {
  const v = Number(n);
  return Number.isFinite(v) ? numberFormat().format(v) : String(n ?? "");
}

/** Bytes → "845 KB", "1,2 MB". */
export function formatBytes(bytes) {
  const n = Number(bytes) || 0;
  const units = ["B", "KB", "MB", "GB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${numberFormat({ maximumFractionDigits: i === 0 || v >= 100 ? 0 : 1 }).format(v)} ${units[i]}`;
}

/** First 16 hex digits of a public key, grouped: "3F9A 0C21 B7E4 5D08". "" when there is none. */
export function fingerprint(publicKey) {
  const hex = String(publicKey || "").replace(/[^0-9a-f]/gi, "").slice(0, 16).toUpperCase();
  return hex.replace(/(.{4})(?=.)/g, "$1 ");
}

export function formatDateRange(start, end) {
  if (start && end && start !== end) return `${formatDate(start)} – ${formatDate(end)}`;
  return formatDate(start || end);
}

/** Fold Vietnamese text for search: lower case, no diacritics, đ → d. */
export function fold(text) {
  return String(text ?? "")
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/\s+/g, " ")
    .trim();
}

const collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });
export function compareVi(a, b) {
  return collator.compare(String(a ?? ""), String(b ?? ""));
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

/** Normalise an error thrown by invoke (or anything else) to {code, message}. */
export function toError(err) {
  if (err && typeof err === "object" && "message" in err) {
    return { code: err.code ?? "error", message: String(err.message) };
  }
  return { code: "error", message: String(err ?? "") };
}

/** Resize a textarea to fit its content (CSSOM only). */
export function autosize(ta) {
  ta.style.height = "auto";
  ta.style.height = `${ta.scrollHeight + 2}px`;
}

// ---------- shared widgets ----------

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

// ---------- dates as typed here: dd/mm/yyyy ----------

/** "2023-11-07" → "07/11/2023" (how dates are written here). */
export function toViDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

/** "7/11/2023" or "07/11/2023" → "2023-11-07"; "" → null; anything else → undefined. */
export function fromViDate(text) {
  const s = String(text || "").trim();
  if (!s) return null;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (!m) return undefined;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A dd/mm/yyyy text field (the native date picker follows the OS locale, often mm/dd). */
export function dateInput(iso, attrs, onDate) {
  const input = h("input", { type: "text", inputmode: "numeric", placeholder: "dd/mm/yyyy", value: toViDate(iso), ...attrs });
  input.addEventListener("change", () => {
    const v = fromViDate(input.value);
    const bad = v === undefined;
    input.classList.toggle("invalid", bad);
    input.setAttribute("aria-invalid", String(bad));
    input.title = bad ? t("date.invalid") : "";
    if (!bad) {
      input.value = toViDate(v);
      onDate(v);
    }
  });
  return input;
}

