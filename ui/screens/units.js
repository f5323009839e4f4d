// The unit directory: the tree of units (any depth), and import from Excel, ODS or CSV with a
// preview that names every bad row and column, and every line that is no unit, before anything
// is written. `#/units/<id>` opens it at that unit. What of the tree is drawn is unittree.js's.
import { h } from "../lib/dom.js";
import { fold, formatDate, fromViDate } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { dateInput } from "../lib/widgets.js";
import { fieldError, clearFieldError, lengthCounter, textLength } from "../lib/fields.js";
import { t, tEnum, getLang } from "../i18n.js";
import { showHistory } from "./history.js";
import { treeView, tCount, unitKey } from "./unittree.js";

// As the domain's UNIT_NAME_MAX and UNIT_CODE_MAX: the form says so before Rust refuses.
const NAME_MAX = 200;
const CODE_MAX = 50;
/** A parent or merge-target select lists every candidate up to this many… */
const PICK_ALL = 300;
/** …and beyond, a filter box and at most this many matches (a national directory has 20,000). */
const PICK_MAX = 50;

// Kept while the app runs: someone looking at ended units keeps seeing them after an edit.
let showEnded = false;

const todayIso = () => new Date().toISOString().slice(0, 10);
const ended = (u) => !!u.valid_to && u.valid_to < todayIso();

export function create(app, route = {}) {
  let units = [];
  let focusId = route.id === undefined ? null : String(route.id); // the unit to open the screen at
  const targetId = focusId; // stays marked through the tree's redraws
  let plan = null; // the previewed import
  let keep = []; // lines taken for no unit that the person keeps as units
  let skipBad = false;
  let busy = false;
  let error = null;
  let result = null;
  let root = null;
  let editing = null; // unit id, "new", or null
  let draft = null;
  let editError = null;
  let byId = new Map();
  const tree = treeView(unitRow);

  function take(list, fresh = false) {
    units = list;
    byId = new Map(units.map((u) => [u.id, u]));
    tree.setUnits(units, { fresh });
  }

  async function load() {
    units = await app.api.unitsTree(showEnded);
    // A unit opened from a search may have ended: show ended units rather than the top.
    if (focusId && !showEnded && !units.some((u) => u.id === focusId)) {
      const all = await app.api.unitsTree(true);
      if (all.some((u) => u.id === focusId)) {
        showEnded = true;
        units = all;
      }
    }
    take(units, true);
    if (focusId) tree.reveal(focusId);
  }

  async function reload() {
    take(await app.api.unitsTree(showEnded));
  }

  /** Scroll the unit the route names into view, once. */
  function afterRender() {
    if (!focusId) return;
    const row = document.querySelector(`.unit-row[data-id="${CSS.escape(focusId)}"]`);
    focusId = null;
    if (row) row.scrollIntoView({ block: "center" });
  }

  function rerender() {
    if (root && root.isConnected) root.replaceWith(render());
  }

  async function pick() {
    busy = true;
    error = null;
    result = null;
    rerender();
    try {
      const p = await app.api.unitImportPick();
      if (p) {
        plan = p;
        keep = [];
        skipBad = false;
      }
    } catch (err) {
      error = toError(err).message;
    } finally {
      busy = false;
      rerender();
    }
  }

  async function apply() {
    busy = true;
    error = null;
    rerender();
    try {
      result = await app.api.unitImportApply(skipBad, keep);
      plan = null;
      keep = [];
      await reload();
    } catch (err) {
      error = toError(err).message;
    } finally {
      busy = false;
      rerender();
    }
  }

  /** Tick or untick a line taken for no unit: the preview is made again with it kept. */
  async function toggleKeep(line, on) {
    busy = true;
    error = null;
    const next = on ? [...keep, line] : keep.filter((l) => l !== line);
    rerender();
    try {
      plan = await app.api.unitImportKeep(next);
      keep = next;
    } catch (err) {
      error = toError(err).message;
    } finally {
      busy = false;
      rerender();
    }
  }

  const msg = (m) => (m ? (getLang() === "en" ? m.en : m.vi) : "");

  function startEdit(u, mode) {
    editing = u ? u.id : "new";
    editError = null;
    draft = u
      ? { mode, name: u.name, short_name: u.short_name, code: u.code, level_label: u.level_label, parent_id: u.parent_id || "", into: "", date: null }
      : { mode: "new", name: "", short_name: "", code: "", level_label: "", parent_id: "", into: "", date: null };
    rerender();
  }

  /** The field errors of the draft, checked before any call: [[input id, message]]. */
  function draftErrors() {
    const out = [];
    const long = (v, max) => (textLength(v) > max ? t("units.err_too_long", { n: textLength(v), max }) : null);
    if (draft.mode === "new" || draft.mode === "edit") {
      const name = !textLength(draft.name) ? t("units.err_name_empty") : long(draft.name, NAME_MAX);
      if (name) out.push(["unit-name", name]);
      const code = long(draft.code, CODE_MAX);
      if (code) out.push(["unit-code", code]);
      const short = long(draft.short_name, NAME_MAX);
      if (short) out.push(["unit-short", short]);
      const level = long(draft.level_label, NAME_MAX);
      if (level) out.push(["unit-level", level]);
    } else {
      if (draft.mode === "merge" && !draft.into) out.push(["unit-merge-into", t("units.err_into_need")]);
      const typed = document.getElementById("unit-date");
      const text = typed ? typed.value.trim() : "";
      // Read from the field itself: Enter may submit before the field's change event has run.
      const typedDate = fromViDate(text);
      if (typedDate === undefined) out.push(["unit-date", t("units.err_date_bad", { value: text })]);
      else if (!typedDate) out.push(["unit-date", t("units.date_need")]);
      else draft.date = typedDate;
    }
    return out;
  }

  /** Put each error beside its field; each goes once its field is right. */
  function showFieldErrors(errors) {
    const recheck = {
      "unit-name": (v) => (!textLength(v) ? t("units.err_name_empty") : textLength(v) > NAME_MAX ? t("units.err_too_long", { n: textLength(v), max: NAME_MAX }) : null),
      "unit-code": (v) => (textLength(v) > CODE_MAX ? t("units.err_too_long", { n: textLength(v), max: CODE_MAX }) : null),
      "unit-short": (v) => (textLength(v) > NAME_MAX ? t("units.err_too_long", { n: textLength(v), max: NAME_MAX }) : null),
      "unit-level": (v) => (textLength(v) > NAME_MAX ? t("units.err_too_long", { n: textLength(v), max: NAME_MAX }) : null),
      "unit-date": (v) => (!v.trim() ? t("units.date_need") : fromViDate(v) === undefined ? t("units.err_date_bad", { value: v.trim() }) : null),
      "unit-merge-into": (v) => (v ? null : t("units.err_into_need")),
    };
    let first = null;
    for (const [id, message] of errors) {
      const input = document.getElementById(id);
      if (!input) continue;
      fieldError(input, message, recheck[id]);
      first = first || input;
    }
    if (first) first.focus();
  }

  // Refusals that belong to one field of the form (by their stable code, never their words).
  const FIELD_OF_CODE = { unit_code_taken: "unit-code", unit_name_taken: "unit-name" };

  async function saveEdit(u) {
    editError = null;
    const form = document.getElementById("unit-form");
    if (form) form.querySelectorAll("input, select").forEach(clearFieldError);
    const local = draftErrors();
    if (local.length) {
      const box = document.querySelector("#unit-form > .form-error");
      if (box) box.remove();
      showFieldErrors(local);
      return;
    }
    try {
      let shown = u && u.id; // drawn after the save, even under a collapsed parent
      if (draft.mode === "new") {
        shown = (await app.api.unitCreate({ name: draft.name, short_name: draft.short_name, code: draft.code, kind: "", level_label: draft.level_label, parent_id: draft.parent_id || null, valid_from: null, valid_to: null })).id;
      } else if (draft.mode === "edit") {
        await app.api.unitUpdate(u.id, { name: draft.name, short_name: draft.short_name, code: draft.code, level_label: draft.level_label });
        if ((draft.parent_id || null) !== (u.parent_id || null)) await app.api.unitMove(u.id, draft.parent_id || null);
      } else if (draft.mode === "merge") {
        await app.api.unitMerge([u.id], draft.into, draft.date);
      } else if (draft.mode === "dissolve") {
        await app.api.unitDissolve(u.id, draft.date);
      }
      editing = null;
      await reload();
      if (shown) tree.reveal(shown);
    } catch (err) {
      const e = toError(err);
      const field = FIELD_OF_CODE[e.code] && document.getElementById(FIELD_OF_CODE[e.code]);
      if (field) {
        const box = document.querySelector("#unit-form > .form-error");
        if (box) box.remove();
        fieldError(field, e.message);
        field.focus();
        return;
      }
      editError = e.message;
    }
    rerender();
  }

  /** The units `self` may be placed under or merged into: live ones, never itself or below it. */
  function unitChoices(self, { merge = false } = {}) {
    const below = new Set(self ? [self] : []);
    for (const x of units) if (x.parent_id && below.has(x.parent_id)) below.add(x.id); // tree order: parents first
    return units.filter((x) => !below.has(x.id) && !ended(x) && !(merge && x.valid_to));
  }

  /**
   * A select of units that stays small: a directory of more than PICK_ALL candidates gets a
   * filter box (diacritics ignored) and lists at most PICK_MAX matches, the chosen one always.
   */
  function unitSelect(id, choices, value, empty, onChange) {
    const select = h("select", { class: "text-input", id });
    const keyed = choices.length > PICK_ALL ? choices.map((x) => [x, unitKey(x)]) : null;
    const draw = (q) => {
      let list = choices;
      if (keyed) {
        const f = fold(q.trim());
        list = keyed.filter(([x, k]) => x.id === value || (f && k.includes(f))).slice(0, PICK_MAX).map(([x]) => x);
        const chosen = choices.find((x) => x.id === value);
        if (chosen && !list.includes(chosen)) list.unshift(chosen);
      }
      // Indented as in the tree while the whole list shows; a filtered list names each one's level.
      const label = (x) => (keyed ? `${x.name}${x.code ? ` (${x.code})` : ""}${x.level_label ? ` · ${x.level_label}` : ""}` : `${"— ".repeat(x.depth)}${x.name}`);
      select.replaceChildren(h("option", { value: "" }, empty), ...list.map((x) => h("option", { value: x.id }, label(x))));
      select.value = value || "";
    };
    select.addEventListener("change", () => {
      value = select.value;
      onChange(value);
    });
    draw("");
    if (!keyed) return select;
    const filter = h("input", { type: "search", class: "text-input", id: `${id}-filter`, placeholder: t("units.pick_ph"), "aria-label": t("units.pick_ph"), autocomplete: "off", spellcheck: "false" });
    filter.addEventListener("input", () => draw(filter.value));
    return h("div", { class: "unit-pick" }, filter, select);
  }

  function editForm(u) {
    const text = (key, label, attrs = {}, max = null) => {
      const el = h("input", { type: "text", class: "text-input", value: draft[key] || "", "aria-label": label, placeholder: label, ...attrs });
      el.addEventListener("input", () => (draft[key] = el.value));
      const field = h("label", { class: "form-field" }, h("span", { class: "field-label" }, label), el);
      if (max) lengthCounter(el, max);
      return field;
    };
    let fields;
    if (draft.mode === "merge") {
      const into = unitSelect("unit-merge-into", unitChoices(u.id, { merge: true }), draft.into, "—", (v) => (draft.into = v));
      fields = [
        h("p", { class: "muted small" }, t("units.merge_text", { name: u.name })),
        h("div", { class: "form-row" }, h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.merge_into")), into), h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.last_day")), dateInput(draft.date, { class: "text-input short", id: "unit-date" }, (d) => (draft.date = d)))),
      ];
    } else if (draft.mode === "dissolve") {
      fields = [h("p", { class: "muted small" }, t("units.dissolve_text", { name: u.name })), h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.last_day")), dateInput(draft.date, { class: "text-input short", id: "unit-date" }, (d) => (draft.date = d)))];
    } else {
      const parent = unitSelect("unit-parent", unitChoices(u ? u.id : null), draft.parent_id, t("units.no_parent"), (v) => (draft.parent_id = v));
      fields = [
        h("div", { class: "form-row" }, text("name", t("units.col_name"), { id: "unit-name" }, NAME_MAX), text("code", t("units.col_code"), { id: "unit-code" }, CODE_MAX)),
        h("div", { class: "form-row" }, text("short_name", t("field.short_name"), { id: "unit-short" }, NAME_MAX), text("level_label", t("units.col_level"), { id: "unit-level" }, NAME_MAX), h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.col_parent")), parent)),
      ];
    }
    // A form, so Enter in any field submits it; the browser's own checks stay off (ours speak Vietnamese).
    const form = h(
      "form",
      { class: "unit-edit", id: "unit-form", novalidate: true },
      fields,
      editError ? h("p", { class: "form-error", role: "alert" }, editError) : null,
      h(
        "div",
        { class: "sign-actions" },
        h("button", { type: "submit", class: ["btn btn-small", draft.mode === "dissolve" ? "btn-danger" : "btn-primary"], id: "unit-save" }, t(`units.do_${draft.mode}`)),
        h("button", { type: "button", class: "btn btn-small", onClick: () => ((editing = null), rerender()) }, t("action.cancel")),
      ),
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      saveEdit(u);
    });
    return h("li", { class: "unit-edit-item" }, form);
  }

  /** A unit's row; `toggle`, `under` (sub-units folded away) and `match` come from the tree's view. */
  function unitRow(u, { toggle = null, under = null, match = null } = {}) {
    const past = ended(u);
    const into = past && u.merged_into ? byId.get(u.merged_into) : null;
    const until = past ? t("units.ended_on", { date: formatDate(u.valid_to) }) : t("units.valid_to", { date: formatDate(u.valid_to) });
    const row = h(
      "li",
      { class: ["unit-row", past && "is-past", u.id === targetId && "is-target", match === true && "is-match", match === false && "is-context"], dataset: { id: u.id, depth: u.depth } },
      h("span", { class: `unit-indent depth-${Math.min(u.depth, 6)}`, "aria-hidden": "true" }),
      toggle,
      h("span", { class: "unit-name" }, u.name),
      u.code ? h("span", { class: "unit-code" }, u.code) : null,
      u.level_label ? h("span", { class: "badge unit-level" }, u.level_label) : null,
      under ? h("span", { class: "muted small unit-under" }, tCount("units.under", under)) : null,
      u.valid_to ? h("span", { class: "muted small unit-until" }, into ? `${until} · ${t("units.merged_into", { name: into.name })}` : until) : null,
      past
        ? null
        : h(
            "span",
            { class: "unit-actions" },
            h("button", { type: "button", class: "btn btn-small btn-quiet unit-edit-btn", onClick: () => startEdit(u, "edit") }, t("team.edit")),
            h("button", { type: "button", class: "btn btn-small btn-quiet", onClick: () => startEdit(u, "merge") }, t("units.merge")),
            h("button", { type: "button", class: "btn btn-small btn-ghost", onClick: () => startEdit(u, "dissolve") }, t("units.dissolve")),
            h("button", { type: "button", class: "history-btn", title: t("history.title"), "aria-label": t("history.title"), onClick: () => showHistory(app, u.id, u.name) }, "⟲"),
          ),
    );
    return editing === u.id ? [row, editForm(u)] : row;
  }

  function previewPanel() {
    if (!plan) return null;
    const canImport = plan.create + plan.update > 0 && (plan.bad === 0 || skipBad);
    // A line taken for no unit says why, with a tick to import it as a unit all the same.
    const notUnit = (r) =>
      r.not_unit
        ? h(
            "div",
            { class: "imp-not-unit" },
            h("span", { class: "imp-not-unit-why" }, t("units.not_unit", { what: msg(r.not_unit.message) })),
            h(
              "label",
              { class: "check small" },
              h("input", { type: "checkbox", class: "imp-keep", checked: r.action !== "not_unit", disabled: busy, onChange: (ev) => toggleKeep(r.line, ev.target.checked) }),
              " ",
              t("units.keep_line"),
            ),
          )
        : null;
    const rows = plan.rows.map((r) =>
      h(
        "tr",
        { class: ["imp-row", `imp-${r.action}`], dataset: { line: r.line } },
        h("td", { class: "num" }, String(r.line)),
        h("td", null, h("span", { class: `badge imp-badge imp-${r.action}` }, tEnum("imp", r.action))),
        h("td", null, r.fields.code),
        h("td", null, r.fields.name, notUnit(r), r.errors.length ? h("ul", { class: "imp-errors" }, r.errors.map((e) => h("li", null, msg(e.message)))) : null),
        h("td", null, r.fields.level_label),
        h("td", null, r.fields.parent),
      ),
    );
    return h(
      "section",
      { class: "card import-preview", id: "unit-import-preview" },
      h("h2", { class: "section-title" }, t("units.preview_title", { file: String(plan.file).split(/[\\/]/).pop() })),
      h(
        "p",
        { class: "imp-tally", id: "unit-import-tally" },
        t("units.tally", { create: plan.create, update: plan.update, unchanged: plan.unchanged, bad: plan.bad }),
        plan.not_unit ? ` · ${t("units.tally_not_unit", { n: plan.not_unit })}` : "",
      ),
      plan.warnings.length ? h("ul", { class: "imp-warnings" }, plan.warnings.map((w) => h("li", null, msg(w.message)))) : null,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "imp-table" },
          h("thead", null, h("tr", null, [t("units.col_line"), t("units.col_action"), t("units.col_code"), t("units.col_name"), t("units.col_level"), t("units.col_parent")].map((c) => h("th", null, c)))),
          h("tbody", null, rows),
        ),
      ),
      plan.bad
        ? h(
            "label",
            { class: "check" },
            h("input", {
              type: "checkbox",
              id: "unit-import-skip",
              checked: skipBad,
              onChange: (ev) => {
                skipBad = ev.target.checked;
                rerender();
              },
            }),
            " ",
            t("units.skip_bad", { n: plan.bad }),
          )
        : null,
      h(
        "div",
        { class: "state-actions" },
        h("button", { type: "button", class: "btn btn-primary", id: "unit-import-apply", disabled: !canImport || busy, onClick: apply }, t("units.apply", { n: plan.create + plan.update })),
        h("button", { type: "button", class: "btn", onClick: () => ((plan = null), rerender()) }, t("action.cancel")),
      ),
    );
  }

  function render() {
    root = h(
      "div",
      { class: "screen units" },
      h(
        "header",
        { class: "page-head" },
        h("div", null, h("h1", { class: "page-title" }, t("units.title")), h("p", { class: "muted" }, t("units.subtitle"))),
        h("button", { type: "button", class: "btn btn-primary", id: "btn-unit-import", disabled: busy, onClick: pick }, busy ? t("units.working") : t("units.import")),
      ),
      error ? h("p", { class: "form-error", role: "alert", id: "unit-import-error" }, error) : null,
      result
        ? h("p", { class: "import-done", role: "status", id: "unit-import-result" }, t("units.done", { created: result.created, updated: result.updated, unchanged: result.unchanged, skipped: result.skipped }))
        : null,
      previewPanel(),
      h(
        "section",
        { class: "card unit-tree-card" },
        h(
          "header",
          { class: "report-head" },
          h("h2", { class: "section-title" }, tCount("units.tree", units.length)),
          h(
            "label",
            { class: "check small unit-show-ended" },
            h("input", {
              type: "checkbox",
              id: "unit-show-ended",
              checked: showEnded,
              onChange: async (ev) => {
                showEnded = ev.target.checked;
                await reload();
                rerender();
              },
            }),
            " ",
            t("units.show_ended"),
          ),
          h("button", { type: "button", class: "btn btn-small", id: "unit-new", onClick: () => startEdit(null, "new") }, "+ ", t("units.add")),
        ),
        units.length > 1 ? tree.tools() : null,
        editing === "new" ? h("ul", { class: "unit-tree" }, editForm(null)) : null,
        units.length ? tree.body() : h("p", { class: "muted" }, t("units.empty")),
      ),
    );
    return root;
  }

  return {
    load,
    render,
    afterRender,
    backRoute: () => ({ name: "campaigns" }),
    breadcrumb: () => [{ label: t("units.title") }],
  };
}
