// The unit directory: the tree of units (any depth), and import from Excel or CSV with a
// preview that names every bad row and column before anything is written.
import { h, formatDate, toError } from "../dom.js";
import { t, tEnum, getLang } from "../i18n.js";

export function create(app) {
  let units = [];
  let plan = null; // the previewed import
  let skipBad = false;
  let busy = false;
  let error = null;
  let result = null;
  let root = null;

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

  function unitRow(u) {
    const past = u.valid_to && u.valid_to < new Date().toISOString().slice(0, 10);
    return h(
      "li",
      { class: ["unit-row", past && "is-past"], dataset: { id: u.id, depth: u.depth } },
      h("span", { class: `unit-indent depth-${Math.min(u.depth, 6)}`, "aria-hidden": "true" }),
      h("span", { class: "unit-name" }, u.name),
      u.code ? h("span", { class: "unit-code" }, u.code) : null,
      u.level_label ? h("span", { class: "badge unit-level" }, u.level_label) : null,
      u.valid_to ? h("span", { class: "muted small" }, t("units.valid_to", { date: formatDate(u.valid_to) })) : null,
    );
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
        h("h2", { class: "section-title" }, t("units.tree", { n: units.length })),
        units.length ? h("ul", { class: "unit-tree", id: "unit-tree" }, units.map(unitRow)) : h("p", { class: "muted" }, t("units.empty")),
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
