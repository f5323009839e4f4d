// Reports: the campaign's results report or a visit's minutes, previewed as the printable
// document, with what is not final yet (unsigned visits, conflicts) listed above it, and
// exported as DOCX (editable), XLSX (scores) or HTML (to print or save as PDF).
import { h, toError } from "../dom.js";
import { t, getLang } from "../i18n.js";

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

  async function load() {
    preview = await app.api.reportPreview(target, id);
  }

  async function exportAs(format) {
    busy = format;
    error = null;
    done = null;
    rerender();
    try {
      const path = await app.api.reportExport(target, id, format);
      if (path) done = path;
    } catch (err) {
      error = toError(err).message;
    } finally {
      busy = null;
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
      warnings.length
        ? h(
            // Folded: the list can be long (every unsigned visit), the preview matters more.
            "details",
            { class: "note-warn report-warnings", id: "report-warnings" },
            h("summary", null, h("strong", null, t("reports.warnings", { n: warnings.length })), " ", h("span", { class: "muted small" }, t("reports.show_all"))),
            h("ul", null, warnings.map((w) => h("li", { dataset: { code: w.code } }, getLang() === "en" ? w.en : w.vi))),
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
