// Tiny i18n: t(key, params) with {name} interpolation, Vietnamese first.
import vi from "./i18n/vi.js";
import en from "./i18n/en.js";

const dictionaries = { vi, en };
export const LANGS = ["vi", "en"];

let current = "vi";
const listeners = new Set();

/** Current language code ("vi" | "en"). */
export function getLang() {
  return current;
}

/** Switch language; unknown codes fall back to Vietnamese. Returns the language set. */
export function setLang(lang) {
  const next = LANGS.includes(lang) ? lang : "vi";
  const changed = next !== current;
  current = next;
  if (typeof document !== "undefined") document.documentElement.lang = next;
  if (changed) for (const fn of listeners) fn(next);
  return next;
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Translate a key. `params` values replace `{name}` placeholders.
 * If params.n === 1 and a `<key>_one` entry exists, that entry is used (English plurals).
 * Missing keys fall back to Vietnamese, then to the key itself.
 */
export function t(key, params) {
  const dict = dictionaries[current] || vi;
  let text;
  if (params && params.n === 1) text = dict[key + "_one"];
  if (text === undefined) text = dict[key];
  if (text === undefined) text = vi[key];
  if (text === undefined) return key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) =>
    Object.prototype.hasOwnProperty.call(params, name) && params[name] !== null && params[name] !== undefined
      ? String(params[name])
      : m,
  );
}

/** Label for an enumeration value, e.g. tEnum("status", "planned"). Unknown values show as-is. */
export function tEnum(kind, value) {
  if (value === null || value === undefined || value === "") return "";
  const key = `${kind}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}
