// One campaign: header, status summary, visits grouped by status, unit tree and teams.
import { h, activatable } from "../lib/dom.js";
import { formatDate, formatDateRange, formatDateTime, fold, compareVi } from "../lib/format.js";
import { statusBadge, statusChip, metaItem, progressBar, conflictBadge, VISIT_STATUSES } from "../lib/widgets.js";
import { t, tEnum } from "../i18n.js";
import { teamsEditor, planner } from "./planning.js";
import { outsideCampaign, campaignSpan } from "./replan.js";
import { showHistory } from "./history.js";

const SECTION_ORDER = ["in_progress", "planned", "completed", "signed"];

export function create(app, route) {
  let data = null;
  let filter = "";
  // Narrowing the visit list: by status, team and unit level ("" = all).
  const narrow = { status: "", team: "", level: "" };
  let listHost = null;

  async function load() {
    data = await app.api.campaignOverview(route.id);
  }

  function openVisit(v) {
    app.navigate({ name: "visit", id: v.id });
  }

  function visitRow(v) {
    const done = v.done ?? 0;
    const total = v.total ?? 0;
    const el = h(
      "div",
      { class: ["visit-row", v.conflict && "has-conflict"], dataset: { id: v.id, status: v.status }, role: "link" },
      h(
        "div",
        { class: "vr-unit" },
        h("div", { class: "vr-name" }, v.unit_name, v.conflict ? conflictBadge(() => app.navigate({ name: "conflicts" })) : null),
        v.unit_level_label ? h("div", { class: "vr-level" }, v.unit_level_label) : null,
      ),
      h(
        "div",
        { class: "vr-date" },
        h("span", { class: "vr-label" }, t("visit.date")),
        h("span", { class: "vr-value" }, formatDate(v.date) || "—"),
        outsideCampaign(v.date, data.campaign) ? h("span", { class: "badge badge-outside", title: t("replan.outside_hint", { span: campaignSpan(data.campaign) }) }, t("replan.outside_badge")) : null,
      ),
      h("div", { class: "vr-team" }, h("span", { class: "vr-label" }, t("visit.team")), h("span", { class: "vr-value" }, v.team_name || t("visit.no_team"))),
      h(
        "div",
        { class: "vr-progress" },
        h("span", { class: "vr-progress-text" }, t("progress.items", { done, total })),
        progressBar(done, total, t("progress.items", { done, total })),
      ),
      h("div", { class: "vr-status" }, statusBadge(v.status)),
    );
    return activatable(el, () => openVisit(v));
  }

  function visitSections() {
    const q = fold(filter);
    const visits = (data.visits || []).filter(
      (v) =>
        (!q || fold(`${v.unit_name} ${v.unit_level_label || ""} ${v.team_name || ""} ${formatDate(v.date)}`).includes(q)) &&
        (!narrow.status || v.status === narrow.status) &&
        (!narrow.team || String(v.team_id ?? "") === narrow.team) &&
        (!narrow.level || (v.unit_level_label || "") === narrow.level),
    );
    const known = new Set(SECTION_ORDER);
    const order = [...SECTION_ORDER, ...new Set(visits.map((v) => v.status).filter((s) => !known.has(s)))];
    const sections = [];
    for (const status of order) {
      const rows = visits
        .filter((v) => v.status === status)
        .sort((a, b) => compareVi(a.date, b.date) || compareVi(a.unit_name, b.unit_name));
      if (!rows.length) continue;
      sections.push(
        h(
          "section",
          { class: "visit-group", dataset: { status } },
          h("h2", { class: "group-title" }, h("span", { class: `dot status-${status}`, "aria-hidden": "true" }), tEnum("status", status), h("span", { class: "group-count" }, String(rows.length))),
          h("div", { class: "visit-list card" }, rows.map(visitRow)),
        ),
      );
    }
    if (!sections.length) {
      return h("div", { class: "state-panel empty-state compact" }, h("p", { class: "state-text" }, (data.visits || []).length ? t("campaign.no_match") : t("campaign.no_visits")));
    }
    return sections;
  }

  /** Visits taken off the plan, each with its reason, who and when, and its history. */
  function cancelledList() {
    const rows = data.cancelled || [];
    if (!rows.length) return null;
    return h(
      "details",
      { class: "visit-group cancelled-group", id: "cancelled-visits" },
      h("summary", { class: "group-title" }, h("span", { class: "dot status-cancelled", "aria-hidden": "true" }), t("replan.cancelled_group"), h("span", { class: "group-count" }, String(rows.length))),
      h(
        "ul",
        { class: "cancelled-list card" },
        rows.map((x) =>
          h(
            "li",
            { class: "cancelled-row", dataset: { id: x.id } },
            h("div", { class: "vr-name" }, x.unit_name),
            h("div", { class: "muted small" }, [formatDate(x.date), x.team_name].filter(Boolean).join(" · ")),
            h("div", { class: "cancelled-reason" }, h("span", { class: "muted" }, t("replan.reason_label") + ": "), x.reason),
            h("div", { class: "muted small" }, t("replan.cancelled_by", { at: formatDateTime(x.at), by: x.by })),
            h("button", { type: "button", class: "btn btn-small btn-quiet", onClick: () => showHistory(app, x.id, `${t("history.visit")} — ${x.unit_name}`) }, "⟲ ", t("history.short")),
          ),
        ),
      ),
    );
  }

  function refreshList() {
    if (listHost) listHost.replaceChildren(...[visitSections()].flat());
  }

  function unitTree() {
    const units = data.units || [];
    const visited = new Set((data.visits || []).map((v) => String(v.unit_id)));
    // Every unit's state in this campaign: its visit's status, or "not planned".
    const byUnit = new Map((data.visits || []).map((v) => [String(v.unit_id), v]));
    if (!units.length) return h("p", { class: "muted small" }, t("campaign.no_units"));
    return h(
      "ul",
      { class: "unit-tree" },
      units.map((u) => {
        const li = h(
          "li",
          { class: ["unit", `depth-${Math.min(u.depth ?? 0, 6)}`, visited.has(String(u.id)) && "has-visit"], dataset: { id: u.id, depth: u.depth ?? 0 } },
          h("span", { class: "unit-name" }, u.name),
          h("span", { class: "unit-meta" }, [u.level_label, u.code].filter(Boolean).join(" · ")),
          byUnit.has(String(u.id))
            ? h("span", { class: `unit-state s-${byUnit.get(String(u.id)).status}`, title: tEnum("status", byUnit.get(String(u.id)).status) }, tEnum("status", byUnit.get(String(u.id)).status))
            : h("span", { class: "unit-state unplanned" }, t("campaign.unplanned")),
        );
        li.style.setProperty("--depth", String(u.depth ?? 0));
        if (visited.has(String(u.id))) li.title = t("campaign.unit_has_visit");
        return li;
      }),
    );
  }

  function render() {
    const c = data.campaign;
    const counts = c.status_counts || {};
    const searchInput = h("input", {
      id: "visit-filter",
      class: "search",
      type: "search",
      value: filter,
      placeholder: t("campaign.filter_placeholder"),
      "aria-label": t("campaign.filter_placeholder"),
      autocomplete: "off",
      spellcheck: "false",
    });
    searchInput.addEventListener("input", () => {
      filter = searchInput.value;
      refreshList();
    });
    const pick = (id, key, label, options) => {
      const sel = h("select", { id, class: "narrow", "aria-label": label }, h("option", { value: "" }, label), options.map(([v, text]) => h("option", { value: v }, text)));
      sel.value = narrow[key];
      sel.addEventListener("change", () => {
        narrow[key] = sel.value;
        refreshList();
      });
      return sel;
    };
    const levels = [...new Set((data.visits || []).map((v) => v.unit_level_label).filter(Boolean))].sort(compareVi);
    const filters = h(
      "div",
      { class: "narrows" },
      pick("filter-status", "status", t("campaign.all_statuses"), VISIT_STATUSES.map((st) => [st, tEnum("status", st)])),
      pick("filter-team", "team", t("campaign.all_teams"), (data.teams || []).map((tm) => [String(tm.id), tm.name])),
      pick("filter-level", "level", t("campaign.all_levels"), levels.map((l) => [l, l])),
    );
    listHost = h("div", { class: "visit-groups" }, visitSections());
    const ctx = {
      app,
      data,
      reload: () => app.navigate({ name: "campaign", id: c.id }, { replace: true, force: true }),
    };
    const plan = planner(ctx);

    return h(
      "div",
      { class: "screen campaign" },
      h(
        "header",
        { class: "campaign-header card" },
        h(
          "div",
          { class: "ch-title" },
          c.year ? h("span", { class: "eyebrow" }, t("campaign.eyebrow", { year: c.year })) : null,
          h("h1", { class: "page-title", id: "campaign-name" }, c.name),
          c.theme ? h("p", { class: "campaign-theme big" }, h("span", { class: "muted" }, t("campaign.theme") + ": "), c.theme) : null,
        ),
        h(
          "div",
          { class: "ch-tools" },
          h("button", { type: "button", class: "btn btn-small", id: "btn-edit-campaign", onClick: () => app.navigate({ name: "campaign-edit", id: c.id }) }, t("campaign.edit")),
          c.criteria_set_id ? h("button", { type: "button", class: "btn btn-small", id: "btn-criteria", onClick: () => app.navigate({ name: "criteria", id: c.criteria_set_id, campaign: c.id }) }, t("campaign.criteria_edit")) : null,
          h("button", { type: "button", class: "btn btn-small btn-primary", id: "btn-report", onClick: () => app.navigate({ name: "reports", id: `campaign:${c.id}` }) }, t("reports.open_report")),
          h("button", { type: "button", class: "btn btn-small", id: "btn-campaign-history", onClick: () => showHistory(app, c.id, c.name) }, "⟲ ", t("history.short")),
        ),
        h(
          "div",
          { class: "meta" },
          metaItem(t("campaign.dates"), formatDateRange(c.start_date, c.end_date)),
          metaItem(t("campaign.decision"), c.decision_number),
          metaItem(t("campaign.issuing_body"), c.issuing_body, "meta-wide"),
        ),
        h(
          "div",
          { class: "ch-summary" },
          h("div", { class: "chips" }, VISIT_STATUSES.map((s) => statusChip(s, counts[s] ?? 0))),
          h("span", { class: "summary-totals" }, t("campaign.totals", { units: c.unit_count ?? 0, visits: c.visit_count ?? 0 })),
        ),
      ),
      h(
        "div",
        { class: "two-col" },
        h(
          "div",
          { class: "col-main" },
          plan.host,
          h("div", { class: "toolbar" }, h("h2", { class: "section-title" }, t("campaign.visits")), searchInput, h("button", { type: "button", class: "btn btn-small", id: "btn-plan", onClick: plan.open }, "+ ", t("plan.open"))),
          filters,
          listHost,
          cancelledList(),
        ),
        h(
          "aside",
          { class: "col-side", "aria-label": t("campaign.side_label") },
          h("section", { class: "side-card card", id: "teams" }, h("h2", { class: "side-title" }, t("campaign.teams"), h("span", { class: "side-count" }, String((data.teams || []).length))), teamsEditor(ctx)),
          h("section", { class: "side-card card" }, h("h2", { class: "side-title" }, t("campaign.units"), h("span", { class: "side-count" }, String((data.units || []).length))), unitTree()),
        ),
      ),
    );
  }

  return {
    load,
    render,
    backRoute: () => ({ name: "campaigns" }),
    breadcrumb: () => [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: data ? data.campaign.name : t("loading") }],
  };
}
