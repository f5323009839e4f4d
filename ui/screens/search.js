// Search results: every word must match, diacritics ignored ("doan phi" finds "đoàn phí").
// Each result opens its place: the visit (scrolled to the item), the unit list at the unit, the campaign.
import { h } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { t, tEnum } from "../i18n.js";

const KINDS = ["", "unit", "visit", "finding", "recommendation", "campaign"];

export function create(app, route) {
  const query = route.id || "";
  let kind = "";
  let hits = [];
  let error = null;
  let root = null;

  async function run() {
    error = null;
    try {
      hits = query.trim() ? await app.api.search(query, kind) : [];
    } catch (err) {
      error = toError(err).message;
      hits = [];
    }
  }

  function open(hit) {
    const p = hit.place || {};
    if (p.to === "visit") {
      app.navigate({ name: "visit", id: p.visit_id }).then((ok) => {
        if (!ok || !p.item_code) return;
        const item = document.querySelector(`.item[data-code="${CSS.escape(p.item_code)}"]`);
        if (item) {
          item.scrollIntoView({ block: "center" });
          item.classList.add("flash");
          const field = item.querySelector(`textarea.${hit.field === "explanation" ? "explanation" : "note"}`);
          if (field) field.focus({ preventScroll: true });
        }
      });
    } else if (p.to === "campaign") app.navigate({ name: "campaign", id: p.campaign_id });
    else app.navigate(p.unit_id ? { name: "units", id: p.unit_id } : { name: "units" });
  }

  function render() {
    const sel = h("select", { id: "search-kind", class: "narrow", "aria-label": t("search.kind") }, KINDS.map((k) => h("option", { value: k }, k ? tEnum("kind", k) : t("search.all_kinds"))));
    sel.value = kind;
    sel.addEventListener("change", async () => {
      kind = sel.value;
      await run();
      root.replaceWith(render());
    });
    root = h(
      "div",
      { class: "screen search-screen" },
      h("header", { class: "page-head" }, h("div", null, h("h1", { class: "page-title" }, t("search.title", { q: query })), h("p", { class: "muted", id: "search-count" }, t("search.count", { n: hits.length }))), sel),
      error ? h("p", { class: "form-error", role: "alert" }, error) : null,
      hits.length
        ? h(
            "ol",
            { class: "hits card", id: "search-results" },
            hits.map((hit) =>
              h(
                "li",
                { class: "hit", dataset: { kind: hit.kind, id: hit.id } },
                h(
                  "button",
                  { type: "button", class: "hit-open", onClick: () => open(hit) },
                  h("span", { class: `badge hit-kind kind-${hit.kind}` }, tEnum("kind", hit.kind)),
                  h("span", { class: "hit-label" }, hit.label),
                  hit.field ? h("span", { class: "muted small hit-field" }, t(`field.${hit.field}`) === `field.${hit.field}` ? hit.field : t(`field.${hit.field}`)) : null,
                ),
                hit.snippet ? h("p", { class: "hit-snippet" }, hit.snippet) : null,
              ),
            ),
          )
        : h("div", { class: "state-panel empty-state compact" }, h("p", { class: "state-text" }, query.trim() ? t("search.none", { q: query }) : t("search.empty"))),
    );
    return root;
  }

  return {
    load: run,
    render,
    backRoute: () => ({ name: "campaigns" }),
    breadcrumb: () => [{ label: t("search.crumb") }],
  };
}
