// The unit directory's tree as drawn: a filter, units collapsed below a depth when the directory
// is large, and a window of at most a page of rows, so a national directory (20,000 units) costs
// what the screen shows. The rows themselves are the units screen's (`rowOf`).
import { h, mount } from "../lib/dom.js";
import { fold, formatNumber } from "../lib/format.js";
import { t } from "../i18n.js";

/** Rows drawn at once; the buttons above and below draw as many again. */
export const PAGE = 200;
/** A directory larger than this starts with depths 0 and 1 expanded, deeper units collapsed. */
const LARGE = 300;
const OPEN_DEPTH = 2;

/** What a unit is found by: its name, short name and code, folded (no diacritics, đ → d). */
export const unitKey = (u) => fold(`${u.name} ${u.short_name || ""} ${u.code || ""}`);

/** t() with a count written the language's way ("20.000"); 1 stays a number, for the "_one" words. */
export const tCount = (key, n, params = {}) => t(key, { ...params, n: n === 1 ? 1 : formatNumber(n) });

/**
 * @param rowOf (unit, {toggle, under, match}) → the unit's row (and its form while edited)
 * @param prefix the element ids' start ("unit": #unit-filter, #unit-tree, #unit-more…), so two
 *   screens' trees never share an id
 */
export function treeView(rowOf, { prefix = "unit" } = {}) {
  const id = (name) => `${prefix}-${name}`;
  let units = [];
  let below = []; // how many units follow each one in tree order under it
  let keys = []; // each unit's name, short name and code, folded
  let byId = new Map();
  let openDepth = OPEN_DEPTH;
  const opened = new Map(); // id → true/false, a person's own toggles over openDepth
  let filter = "";
  let from = 0; // the window of visible rows drawn
  let count = PAGE;
  let host = null;
  let status = null;
  let expandAll = null;
  let collapseAll = null;

  /** Take a newly loaded tree (in tree order, with depths); toggles and the window stay. */
  function setUnits(list, { fresh = false } = {}) {
    if (fresh) openDepth = list.length > LARGE ? OPEN_DEPTH : Infinity;
    units = list;
    byId = new Map(units.map((u, i) => [u.id, i]));
    keys = units.map(unitKey);
    // Tree order keeps each unit's sub-units right after it: a stack of open ancestors counts them.
    below = new Array(units.length).fill(0);
    const stack = [];
    units.forEach((u, i) => {
      while (stack.length && units[stack[stack.length - 1]].depth >= u.depth) {
        const top = stack.pop();
        below[top] = i - top - 1;
      }
      stack.push(i);
    });
    for (const top of stack) below[top] = units.length - top - 1;
  }

  const isOpen = (u) => (opened.has(u.id) ? opened.get(u.id) : u.depth < openDepth);

  /** The rows the tree shows, as indexes into `units`, and which of them matched the filter. */
  function visible() {
    const q = fold(filter);
    if (q) {
      const shown = new Set();
      const matched = new Set();
      keys.forEach((k, i) => {
        if (!k.includes(q)) return;
        matched.add(i);
        // A match keeps its ancestors, so it sits where it belongs in the tree.
        for (let j = i; j !== undefined && !shown.has(j); j = byId.get(units[j].parent_id)) shown.add(j);
      });
      return { rows: [...shown].sort((a, b) => a - b), matched };
    }
    const rows = [];
    for (let i = 0; i < units.length; i++) {
      rows.push(i);
      if (below[i] && !isOpen(units[i])) i += below[i];
    }
    return { rows, matched: null };
  }

  /** Make the unit drawn: its ancestors expanded, its part of the list in the window. */
  function reveal(id) {
    let i = byId.get(id);
    if (i === undefined) return;
    if (filter && !keys[i].includes(fold(filter))) filter = "";
    for (let p = byId.get(units[i].parent_id); p !== undefined; p = byId.get(units[p].parent_id)) if (!isOpen(units[p])) opened.set(units[p].id, true);
    const at = visible().rows.indexOf(i);
    if (at < from || at >= from + count) {
      from = Math.floor(at / PAGE) * PAGE;
      count = PAGE;
    }
  }

  function toggle(u) {
    const open = isOpen(u);
    return h(
      "button",
      {
        type: "button",
        class: "unit-toggle",
        "aria-expanded": String(open),
        "aria-label": t(open ? "units.fold_one" : "units.unfold_one", { name: u.name }),
        dataset: { toggle: u.id },
        onClick: () => {
          opened.set(u.id, !open);
          draw();
        },
      },
      open ? "▾" : "▸",
    );
  }

  function rowsOf(list, matched) {
    return list.map((i) => {
      const u = units[i];
      const folds = !matched && below[i] > 0;
      return rowOf(u, {
        toggle: folds ? toggle(u) : h("span", { class: "unit-toggle-gap", "aria-hidden": "true" }),
        under: folds && !isOpen(u) ? below[i] : null,
        match: matched ? matched.has(i) : null,
      });
    });
  }

  function pageButton(elementId, label, onClick) {
    return h("li", { class: "unit-page" }, h("button", { type: "button", class: "btn btn-small", id: elementId, onClick }, label));
  }

  /** (Re)draw the tree only, so the filter box keeps its focus and a toggle its place. */
  function draw() {
    if (!host) return;
    const again = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.toggle : undefined;
    const { rows, matched } = visible();
    if (from >= rows.length) from = 0;
    const page = rows.slice(from, from + count);
    const left = rows.length - from - page.length;
    if (expandAll) expandAll.disabled = collapseAll.disabled = !!matched;
    if (status) status.textContent = matched ? tCount("units.found", matched.size) : "";
    if (!page.length) {
      mount(host, h("p", { class: "muted", id: id("no-match") }, t("units.no_match", { q: filter })));
      return;
    }
    mount(
      host,
      h(
        "ul",
        { class: "unit-tree", id: id("tree") },
        from
          ? pageButton(id("before"), tCount("units.before", Math.min(PAGE, from)), () => {
              const n = Math.min(PAGE, from);
              from -= n;
              count += n;
              draw();
            })
          : null,
        rowsOf(page, matched),
        left > 0
          ? pageButton(id("more"), tCount("units.more", Math.min(PAGE, left), { left: formatNumber(left) }), () => {
              count += PAGE;
              draw();
            })
          : null,
      ),
    );
    if (again) {
      const back = host.querySelector(`[data-toggle="${CSS.escape(again)}"]`);
      if (back) back.focus();
    }
  }

  /** The filter and the expand/collapse buttons, above the tree. */
  function tools() {
    const input = h("input", { id: id("filter"), class: "search", type: "search", value: filter, placeholder: t("units.filter_ph"), "aria-label": t("units.filter_ph"), autocomplete: "off", spellcheck: "false" });
    input.addEventListener("input", () => {
      filter = input.value;
      from = 0;
      count = PAGE;
      draw();
    });
    const all = (depth) => () => {
      openDepth = depth;
      opened.clear();
      from = 0;
      count = PAGE;
      draw();
    };
    const branches = below.some((n) => n > 0);
    expandAll = branches ? h("button", { type: "button", class: "btn btn-small", id: id("expand-all"), onClick: all(Infinity) }, t("units.expand_all")) : null;
    collapseAll = branches ? h("button", { type: "button", class: "btn btn-small", id: id("collapse-all"), onClick: all(1) }, t("units.collapse_all")) : null;
    status = h("span", { class: "muted small unit-found", id: id("found"), role: "status" });
    return h("div", { class: "unit-tree-tools" }, input, expandAll, collapseAll, status);
  }

  /** The tree's place in the card, drawn at once. */
  function body() {
    host = h("div", { class: "unit-tree-host" });
    draw();
    return host;
  }

  return { setUnits, reveal, tools, body, redraw: draw };
}
