// The unit directory: the tree of units (any depth), and import from Excel or CSV with a
// preview that names every bad row and column before anything is written.
import { h } from "../lib/dom.js";
import { formatDate } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { dateInput } from "../lib/widgets.js";
import { t, tEnum, getLang } from "../i18n.js";
import { showHistory } from "./history.js";

export function create(app) {
  let units = [];
  let plan = null; // the previewed import
  let skipBad = false;
  let busy = false;
  let error = null;
  let result = null;
  let root = null;
  let editing = null; // unit id, "new", or null
  let draft = null;
  let editError = null;

  async function load() {
    units = await app.api.unitsTree();
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
      result = await app.api.unitImportApply(skipBad);
      plan = null;
      units = await app.api.unitsTree();
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

  async function saveEdit(u) {
    editError = null;
    try {
      if (draft.mode === "new") {
        await app.api.unitCreate({ name: draft.name, short_name: draft.short_name, code: draft.code, kind: "", level_label: draft.level_label, parent_id: draft.parent_id || null, valid_from: null, valid_to: null });
      } else if (draft.mode === "edit") {
        await app.api.unitUpdate(u.id, { name: draft.name, short_name: draft.short_name, code: draft.code, level_label: draft.level_label });
        if ((draft.parent_id || null) !== (u.parent_id || null)) await app.api.unitMove(u.id, draft.parent_id || null);
      } else if (draft.mode === "merge") {
        if (!draft.into || !draft.date) throw { message: t("units.merge_need") };
        await app.api.unitMerge([u.id], draft.into, draft.date);
      } else if (draft.mode === "dissolve") {
        if (!draft.date) throw { message: t("units.date_need") };
        await app.api.unitDissolve(u.id, draft.date);
      }
      editing = null;
      units = await app.api.unitsTree();
    } catch (err) {
      editError = toError(err).message;
    }
    rerender();
  }

  function unitOptions(exclude) {
    return units.filter((x) => x.id !== exclude).map((x) => h("option", { value: x.id }, `${"— ".repeat(x.depth)}${x.name}`));
  }

  function editForm(u) {
    const text = (key, label, attrs = {}) => {
      const el = h("input", { type: "text", class: "text-input", value: draft[key] || "", "aria-label": label, placeholder: label, ...attrs });
      el.addEventListener("input", () => (draft[key] = el.value));
      return h("label", { class: "form-field" }, h("span", { class: "field-label" }, label), el);
    };
    let fields;
    if (draft.mode === "merge") {
      const into = h("select", { class: "text-input", id: "unit-merge-into" }, h("option", { value: "" }, "—"), unitOptions(u.id));
      into.value = draft.into;
      into.addEventListener("change", () => (draft.into = into.value));
      fields = [
        h("p", { class: "muted small" }, t("units.merge_text", { name: u.name })),
        h("div", { class: "form-row" }, h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.merge_into")), into), h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.last_day")), dateInput(draft.date, { class: "text-input short", id: "unit-date" }, (d) => (draft.date = d)))),
      ];
    } else if (draft.mode === "dissolve") {
      fields = [h("p", { class: "muted small" }, t("units.dissolve_text", { name: u.name })), h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.last_day")), dateInput(draft.date, { class: "text-input short", id: "unit-date" }, (d) => (draft.date = d)))];
    } else {
      const parent = h("select", { class: "text-input", id: "unit-parent" }, h("option", { value: "" }, t("units.no_parent")), unitOptions(u ? u.id : null));
      parent.value = draft.parent_id;
      parent.addEventListener("change", () => (draft.parent_id = parent.value));
      fields = [
        h("div", { class: "form-row" }, text("name", t("units.col_name"), { id: "unit-name" }), text("code", t("units.col_code"), { id: "unit-code" })),
        h("div", { class: "form-row" }, text("short_name", t("field.short_name")), text("level_label", t("units.col_level"), { id: "unit-level" }), h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("units.col_parent")), parent)),
      ];
    }
    return h(
      "li",
      { class: "unit-edit", id: "unit-form" },
      fields,
      editError ? h("p", { class: "form-error", role: "alert" }, editError) : null,
      h(
        "div",
        { class: "sign-actions" },
        h("button", { type: "button", class: ["btn btn-small", draft.mode === "dissolve" ? "btn-danger" : "btn-primary"], id: "unit-save", onClick: () => saveEdit(u) }, t(`units.do_${draft.mode}`)),
        h("button", { type: "button", class: "btn btn-small", onClick: () => ((editing = null), rerender()) }, t("action.cancel")),
      ),
    );
  }

  function unitRow(u) {
    const past = u.valid_to && u.valid_to < new Date().toISOString().slice(0, 10);
    const row = h(
      "li",
      { class: ["unit-row", past && "is-past"], dataset: { id: u.id, depth: u.depth } },
      h("span", { class: `unit-indent depth-${Math.min(u.depth, 6)}`, "aria-hidden": "true" }),
      h("span", { class: "unit-name" }, u.name),
      u.code ? h("span", { class: "unit-code" }, u.code) : null,
      u.level_label ? h("span", { class: "badge unit-level" }, u.level_label) : null,
      u.valid_to ? h("span", { class: "muted small" }, t("units.valid_to", { date: formatDate(u.valid_to) })) : null,
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
    const rows = plan.rows.map((r) =>
      h(
        "tr",
        { class: ["imp-row", `imp-${r.action}`], dataset: { line: r.line } },
        h("td", { class: "num" }, String(r.line)),
        h("td", null, h("span", { class: `badge imp-badge imp-${r.action}` }, tEnum("imp", r.action))),
        h("td", null, r.fields.code),
        h("td", null, r.fields.name, r.errors.length ? h("ul", { class: "imp-errors" }, r.errors.map((e) => h("li", null, msg(e.message)))) : null),
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
        h("header", { class: "report-head" }, h("h2", { class: "section-title" }, t("units.tree", { n: units.length })), h("button", { type: "button", class: "btn btn-small", id: "unit-new", onClick: () => startEdit(null, "new") }, "+ ", t("units.add"))),
        editing === "new" ? h("ul", { class: "unit-tree" }, editForm(null)) : null,
        units.length ? h("ul", { class: "unit-tree", id: "unit-tree" }, units.flatMap((u) => [unitRow(u)].flat())) : h("p", { class: "muted" }, t("units.empty")),
      ),
    );
    return root;
  }

  return {
    load,
    render,
    backRoute: () => ({ name: "campaigns" }),
    breadcrumb: () => [{ label: t("units.title") }],
  };
}
