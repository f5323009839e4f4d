// List of inspection campaigns: newest first, narrowed by a filter and drawn a page at a
// time, so a province's years of campaigns cost what the screen shows.
import { h, activatable, mount } from "../lib/dom.js";
import { formatDateRange, compareVi, fold } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { statusChip, VISIT_STATUSES } from "../lib/widgets.js";
import { t } from "../i18n.js";

/** Campaigns drawn at once; "Xem thêm" draws as many again. */
const PAGE = 20;

export function create(app) {
  let list = [];
  let filter = "";
  let shown = PAGE;
  let listHost = null;
  let demoBusy = false;
  let demoError = null;
  let root = null;

  async function load() {
    list = await app.api.campaignList();
    list = [...list].sort((a, b) => (b.year || 0) - (a.year || 0) || compareVi(b.start_date, a.start_date) || compareVi(a.name, b.name));
    if (app.state) app.state.campaign_count = list.length;
  }

  function open(c) {
    app.navigate({ name: "campaign", id: c.id });
  }

  async function loadDemo() {
    if (demoBusy) return;
    demoBusy = true;
    demoError = null;
    rerender();
    try {
      const res = await app.api.loadDemo();
      demoBusy = false;
      if (app.state) app.state.onboarded = true;
      await app.navigate({ name: "campaign", id: res.campaign_id });
    } catch (err) {
      demoBusy = false;
      demoError = toError(err).message;
      rerender();
    }
  }

  function rerender() {
    if (root && root.isConnected) root.replaceWith(render());
  }

  function row(c) {
    const counts = c.status_counts || {};
    const el = h(
      "article",
      { class: "campaign-row card", dataset: { id: c.id }, role: "link" },
      h(
        "div",
        { class: "campaign-main" },
        h("div", { class: "campaign-year", "aria-hidden": "true" }, String(c.year ?? "")),
        h(
          "div",
          { class: "campaign-text" },
          h("h2", { class: "campaign-name" }, c.name),
          c.theme ? h("p", { class: "campaign-theme" }, h("span", { class: "muted" }, t("campaign.theme") + ": "), c.theme) : null,
          h(
            "div",
            { class: "campaign-facts" },
            c.start_date || c.end_date ? h("span", { class: "fact" }, h("span", { class: "fact-label" }, t("campaign.dates") + ": "), formatDateRange(c.start_date, c.end_date)) : null,
            c.decision_number ? h("span", { class: "fact" }, h("span", { class: "fact-label" }, t("campaign.decision") + ": "), c.decision_number) : null,
            c.issuing_body ? h("span", { class: "fact" }, h("span", { class: "fact-label" }, t("campaign.issuing_body") + ": "), c.issuing_body) : null,
          ),
        ),
        h(
          "div",
          { class: "campaign-numbers" },
          h("div", { class: "number" }, h("span", { class: "number-value" }, String(c.unit_count ?? 0)), h("span", { class: "number-label" }, t("campaign.units_n", { n: c.unit_count ?? 0 }))),
          h("div", { class: "number" }, h("span", { class: "number-value" }, String(c.visit_count ?? 0)), h("span", { class: "number-label" }, t("campaign.visits_n", { n: c.visit_count ?? 0 }))),
        ),
        h("span", { class: "row-chevron", "aria-hidden": "true" }, "›"),
      ),
      h("div", { class: "campaign-status chips" }, VISIT_STATUSES.map((s) => statusChip(s, counts[s] ?? 0, { compact: true }))),
    );
    return activatable(el, () => open(c));
  }

  /** Name, theme, year, decision or issuing body; diacritics and case ignored. */
  function matches() {
    const q = fold(filter);
    if (!q) return list;
    return list.filter((c) => fold(`${c.name} ${c.theme || ""} ${c.year || ""} ${c.decision_number || ""} ${c.issuing_body || ""}`).includes(q));
  }

  function filterBox() {
    const input = h("input", { id: "campaign-filter", class: "search", type: "search", value: filter, placeholder: t("campaigns.filter_ph"), "aria-label": t("campaigns.filter_ph"), autocomplete: "off", spellcheck: "false" });
    input.addEventListener("input", () => {
      filter = input.value;
      shown = PAGE;
      drawList();
    });
    return input;
  }

  // Only the list is redrawn while filtering, so the box keeps its focus and caret.
  function drawList() {
    if (!listHost) return;
    const found = matches();
    const page = found.slice(0, shown);
    const more = found.length - page.length;
    mount(
      listHost,
      page.length ? h("div", { class: "campaign-list" }, page.map(row)) : h("div", { class: "state-panel empty-state compact" }, h("p", { class: "state-text" }, t("campaigns.no_match", { q: filter }))),
      found.length !== list.length || more ? h("p", { class: "muted small campaigns-shown", id: "campaigns-shown" }, t("campaigns.shown", { n: page.length, total: found.length })) : null,
      more
        ? h(
            "button",
            {
              type: "button",
              class: "btn campaigns-more",
              id: "campaigns-more",
              onClick: () => {
                shown += PAGE;
                drawList();
              },
            },
            t("campaigns.more", { n: Math.min(PAGE, more), left: more }),
          )
        : null,
    );
  }

  function render() {
    const st = app.state || {};
    let body;
    if (list.length === 0) {
      body = h(
        "div",
        { class: "state-panel empty-state" },
        h("div", { class: "empty-illustration", "aria-hidden": "true" }, "☰"),
        h("h2", { class: "state-title" }, t("campaigns.empty_title")),
        h("p", { class: "state-text" }, t("campaigns.empty_text")),
        h(
          "div",
          { class: "state-actions" },
          h("button", { id: "btn-demo", type: "button", class: "btn", disabled: demoBusy, onClick: loadDemo }, demoBusy ? t("welcome.working") : t("welcome.demo")),
          h("button", { type: "button", class: "btn btn-primary", onClick: () => app.navigate({ name: "campaign-new" }) }, "+ ", t("campaigns.new")),
        ),
        demoError ? h("p", { class: "form-error", role: "alert" }, demoError) : null,
      );
    } else {
      listHost = h("div", { class: "campaign-list-host" });
      drawList();
      body = listHost;
    }
    root = h(
      "div",
      { class: "screen campaigns" },
      h(
        "div",
        { class: "page-head" },
        h("div", null, h("h1", { class: "page-title" }, t("campaigns.title")), h("p", { class: "page-sub" }, t("campaigns.subtitle"))),
        h(
          "div",
          { class: "page-tools" },
          list.length > 1 ? filterBox() : null,
          list.length ? h("span", { class: "page-count", id: "campaigns-count" }, t("campaigns.count", { n: list.length })) : null,
          h("button", { type: "button", class: "btn btn-primary", id: "btn-new-campaign", onClick: () => app.navigate({ name: "campaign-new" }) }, "+ ", t("campaigns.new")),
        ),
      ),
      body,
      h(
        "footer",
        { class: "page-foot" },
        st.version ? h("span", null, t("app.version", { version: st.version })) : null,
        st.db_path ? h("span", { class: "foot-path", title: st.db_path }, t("app.db_path", { path: st.db_path })) : null,
      ),
    );
    return root;
  }

  return {
    load,
    render,
    breadcrumb: () => [{ label: t("nav.campaigns") }],
  };
}
