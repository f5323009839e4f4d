// The element builder. Everything is built with createElement + textContent: no HTML strings
// anywhere (strict CSP, and content may come from other laptops).

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

/** Resize a textarea to fit its content (CSSOM only). */
export function autosize(ta) {
  ta.style.height = "auto";
  ta.style.height = `${ta.scrollHeight + 2}px`;
}
