// A field's own error, shown under it in words and gone as soon as the field is edited; and a
// counter that appears as a text nears its limit (the store refuses beyond it).
import { h } from "./dom.js";
import { t } from "../i18n.js";

/** The limits the store checks (kiemtra-domain's NAME_MAX and TEXT_MAX). */
export const NAME_MAX = 200;
export const TEXT_MAX = 10000;

let serial = 0;

function errorOf(input) {
  const id = input.getAttribute("aria-describedby");
  return id ? document.getElementById(id) : null;
}

/** Show `message` under `input`; an empty message clears it. Editing the field clears it too. */
export function fieldError(input, message) {
  let el = errorOf(input);
  if (!message) {
    if (el) el.remove();
    input.removeAttribute("aria-describedby");
    input.removeAttribute("aria-invalid");
    input.classList.remove("invalid");
    return;
  }
  if (!el) {
    el = h("p", { class: "field-error", id: `field-error-${++serial}`, role: "alert" });
    input.after(el);
    input.setAttribute("aria-describedby", el.id);
    const clear = () => {
      fieldError(input, "");
      input.removeEventListener("input", clear);
    };
    input.addEventListener("input", clear);
  }
  el.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.classList.add("invalid");
}

/** Clears every field error inside `root` (before a form checks itself again). */
export function clearFieldErrors(root) {
  for (const input of root.querySelectorAll("[aria-describedby][aria-invalid]")) fieldError(input, "");
}

/** "9.500/10.000 ký tự" under a text field once it holds more than 80% of `max`; red beyond. */
export function lengthCounter(input, max) {
  const el = h("span", { class: "char-count", "aria-live": "polite", hidden: true });
  const update = () => {
    const n = [...input.value].length;
    el.hidden = n <= max * 0.8;
    el.classList.toggle("over", n > max);
    el.textContent = t("field.count", { n: n.toLocaleString("vi-VN"), max: max.toLocaleString("vi-VN") });
  };
  input.addEventListener("input", update);
  queueMicrotask(update);
  return el;
}

/** Whether `input`'s text is over `max` characters; if so, its error says so. */
export function tooLong(input, max) {
  const n = [...input.value].length;
  if (n <= max) return false;
  fieldError(input, t("field.too_long", { n: n.toLocaleString("vi-VN"), max: max.toLocaleString("vi-VN") }));
  return true;
}
