// Reports: the campaign's results report or a visit's minutes, previewed as the printable
// document, with what is not final yet (unsigned visits, conflicts) listed above it, and
// exported as DOCX (editable), XLSX (scores) or HTML (to print or save as PDF).
import { h } from "../lib/dom.js";
import { compareVi } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { progressBar, updateProgressBar } from "../lib/widgets.js";
import { t, tEnum, getLang } from "../i18n.js";
import { reportTextsPanel } from "./reporttexts.js";

/** Route id: "campaign:<id>" or "visit:<id>". */
function parse(routeId) {
  const i = String(routeId || "").indexOf(":");
  return i < 0 ? { target: "campaign", id: routeId } : { target: routeId.slice(0, i), id: routeId.slice(i + 1) };
}

export function create(app, route) {
  const { target, id } = parse(route.id);
  let preview = null;
  let busy = null; // the format being exported
  let done = null;
  let error = null;
  let root = null;

  let visits = []; // for the campaign report: its visits, to open one's minutes
  let texts = null; // the campaign's own words in its report
  let editing = false; // the words' panel is open

  async function load() {
    preview = await app.api.reportPreview(target, id);
    if (target === "campaign") {
      visits = (await app.api.campaignOverview(id)).visits || [];
      texts = (await app.api.campaignGet(id)).body.texts || null;
    }
  }

  async function textsSaved() {
    editing = false;
    await load();
    rerender();
  }

  function minutesPicker() {
    if (target !== "campaign" || !visits.length) return null;
    const sel = h(
      "select",
      { id: "report-visit", class: "text-input", "aria-label": t("reports.pick_visit") },
      h("option", { value: "" }, t("reports.pick_visit")),
      [...visits].sort((a, b) => compareVi(a.unit_name, b.unit_name)).map((v) => h("option", { value: v.id }, `${v.unit_name} — ${tEnum("status", v.status)}`)),
    );
    sel.addEventListener("change", () => {
      if (sel.value) app.navigate({ name: "reports", id: `visit:${sel.value}` });
    });
    return h("label", { class: "report-pick" }, h("span", { class: "field-label" }, t("reports.minutes_of")), sel);
  }

  const STEPS = ["reports.step_figures", "reports.step_document", "reports.step_file", "reports.step_file"];
  let step = null; // {done, total} while exporting

  async function exportAs(format) {
    busy = format;
    error = null;
    done = null;
    step = { done: 0, total: 3 };
    rerender();
    const stop = await app.api.onReportProgress((p) => {
      step = p;
      const bar = document.getElementById("report-progress-bar");
      const label = document.getElementById("report-progress-label");
      if (bar) updateProgressBar(bar, p.done, p.total);
      if (label) label.textContent = t(STEPS[Math.min(p.done, 3)]);
    });
    try {
      const path = await app.api.reportExport(target, id, format);
      if (path) done = path;
    } catch (err) {
      error = toError(err).message;
    } finally {
      stop();
      busy = null;
      step = null;
      rerender();
    }
  }

  function rerender() {
    if (root && root.isConnected) root.replaceWith(render());
  }

  function render() {
    const formats = target === "campaign" ? ["docx", "xlsx", "html"] : ["docx", "html"];
    const warnings = preview.warnings || [];
    const frame = h("iframe", { class: "report-frame", id: "report-frame", src: preview.url, sandbox: "", title: t(`reports.${target}_title`) });
    root = h(
      "div",
      { class: "screen reports" },
      h(
        "header",
        { class: "page-head" },
        h("div", null, h("h1", { class: "page-title" }, t(`reports.${target}_title`)), h("p", { class: "muted" }, t("reports.subtitle"))),
        h(
          "div",
          { class: "page-tools" },
          h(
            "button",
            {
              type: "button",
              class: "btn",
              id: "report-print",
              onClick: async () => {
                try {
                  await app.api.reportPrint();
                } catch (err) {
                  app.notify(toError(err).message, "error");
                }
              },
            },
            t("reports.print"),
          ),
          formats.map((f) =>
            h(
              "button",
              { type: "button", class: ["btn", f === "docx" && "btn-primary"], id: `report-${f}`, disabled: !!busy, onClick: () => exportAs(f) },
              busy === f ? t("reports.working") : t(`reports.as_${f}`),
            ),
          ),
        ),
      ),
      // The minutes of one visit, and the secretariat's words, beside the document's tools.
      target === "campaign"
        ? h(
            "div",
            { class: "report-bar" },
            minutesPicker(),
            h(
              "button",
              {
                type: "button",
                class: "btn",
                id: "report-texts-toggle",
                "aria-expanded": String(editing),
                onClick: () => {
                  editing = !editing;
                  rerender();
                },
              },
              t("rt.open"),
            ),
          )
        : null,
      editing ? reportTextsPanel(app, id, texts, textsSaved) : null,
      warnings.length
        ? h(
            // Folded: the list can be long (every unsigned visit), the preview matters more.
            "details",
            { class: "note-warn report-warnings", id: "report-warnings" },
            h("summary", null, h("strong", null, t("reports.warnings", { n: warnings.length })), " ", h("span", { class: "muted small" }, t("reports.show_all"))),
            h("ul", null, warnings.map((w) => h("li", { dataset: { code: w.code } }, getLang() === "en" ? w.en : w.vi))),
          )
        : null,
      step
        ? h(
            "div",
            { class: "report-progress", role: "status", id: "report-progress" },
            h("span", { id: "report-progress-label" }, t(STEPS[Math.min(step.done, 3)])),
            (() => {
              const bar = progressBar(step.done, step.total, t("reports.working"));
              bar.id = "report-progress-bar";
              return bar;
            })(),
          )
        : null,
      done ? h("p", { class: "import-done", role: "status", id: "report-done" }, t("reports.saved", { path: done })) : null,
      error ? h("p", { class: "form-error", role: "alert" }, error) : null,
      h("div", { class: "report-paper" }, frame),
    );
    return root;
  }

  return {
    load,
    render,
    backRoute: () => (target === "visit" ? { name: "visit", id } : { name: "campaign", id }),
    breadcrumb: () => [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: t(`reports.${target}_title`) }],
  };
}
