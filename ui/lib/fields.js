// A form field's own error, in words beside it, and a length counter that appears near the
// limit: the same for every form that checks what is typed, so they look and clear alike.
import { h } from "./dom.js";
import { t } from "../i18n.js";

/** The limits the store checks before a write (kiemtra-domain's NAME_MAX and TEXT_MAX). */
export const NAME_MAX = 200;
export const TEXT_MAX = 10000;

/** How long a value is as the Rust side counts it: letters (code points) of the NFC text, trimmed. */
export function textLength(value) {
  return [...String(value ?? "").normalize("NFC").trim()].length;
}

/** 10000 → "10.000", as the Vietnamese messages write numbers. */
const grouped = (n) => n.toLocaleString("vi-VN");

/**
 * Show `message` under `input` (replacing its earlier error) and mark the field invalid; an
 * empty message clears it. The error goes as soon as the field is fixed: with `recheck`
 * (value → message or null), when it says so; without, at the next change of the field.
 */
export function fieldError(input, message, recheck) {
  clearFieldError(input);
  if (!message) return null;
  const id = `${input.id || "field"}-error`;
  const el = h("p", { class: "field-error", id, role: "alert" }, message);
  const counter = input.nextElementSibling && input.nextElementSibling.classList.contains("field-counter") ? input.nextElementSibling : null;
  (counter || input).after(el);
  input.classList.add("invalid");
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
  const onChange = () => {
    const still = recheck ? recheck(input.value) : null;
    if (still) el.textContent = still;
    else clearFieldError(input);
  };
  input.addEventListener("input", onChange);
  input.addEventListener("change", onChange);
  input._fieldError = { el, onChange };
  return el;
}

/** Remove the error `fieldError` put under `input`, if any. */
export function clearFieldError(input) {
  const e = input._fieldError;
  if (!e) return;
  e.el.remove();
  input.removeEventListener("input", e.onChange);
  input.removeEventListener("change", e.onChange);
  input.classList.remove("invalid");
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
  input._fieldError = null;
}

/** Clear every field error inside `root` (before a form checks itself again). */
export function clearFieldErrors(root) {
  for (const input of root.querySelectorAll("[aria-invalid]")) clearFieldError(input);
}

/**
 * A "180/200" counter for `input`, placed right after it, shown once the text passes `from`
 * of `max` (80 % by default) and marked when over. Returns the counter (a caller building the
 * field before it is in the page places it after the input itself).
 */
export function lengthCounter(input, max, { from = 0.8 } = {}) {
  const el = h("span", { class: "field-counter", "aria-live": "polite" });
  const update = () => {
    const n = textLength(input.value);
    el.hidden = n < max * from;
    el.textContent = `${grouped(n)}/${grouped(max)}`;
    el.classList.toggle("over", n > max);
  };
  input.addEventListener("input", update);
  update();
  input.after(el);
  return el;
}

/** Whether `input`'s text is over `max` characters; if so, its error says so. */
export function tooLong(input, max) {
  const n = textLength(input.value);
  if (n <= max) return false;
  fieldError(input, t("field.too_long", { n: grouped(n), max: grouped(max) }));
  return true;
}
