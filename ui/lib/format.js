// Text for the screens: dates (dd/mm/yyyy, as written in Vietnam), numbers in the current
// language, sizes, fingerprints, and folding and sorting Vietnamese text.
import { getLang } from "../i18n.js";

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

/** A laptop's people as one line: "Họ tên — Chức vụ; …" ("" when it has none). */
export function peopleText(people) {
  return (people || []).map((p) => (p.position ? `${p.name} — ${p.position}` : p.name)).join("; ");
}
