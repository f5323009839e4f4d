// The campaign's setup on its own screen: teams with their members and roles, and planning
// visits (units without a visit yet, a team and a day for each).
import { h } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { dateInput } from "../lib/widgets.js";
import { formatDate } from "../lib/format.js";
import { outsideCampaign, campaignSpan } from "./replan.js";
import { treeView, tCount } from "./unittree.js";
import { t, tEnum } from "../i18n.js";

const ROLES = ["head", "member", "secretary"];
const ROLE_ORDER = { head: 0, member: 1, secretary: 2 };

/** ctx: {app, data (campaign overview), reload()} → the teams card's content */
export function teamsEditor(ctx) {
  const { app, data } = ctx;
  const host = h("div", { class: "teams-editor" });
  let editing = null; // team id, "new", or null
  let draft = null;
  let error = null;

  function startEdit(team) {
    editing = team ? team.id : "new";
    draft = {
      name: team ? team.name : t("team.default_name", { n: (data.teams || []).length + 1 }),
      members: team ? [...team.members].sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9)).map((m) => ({ inspector_id: m.inspector_id, full_name: m.full_name, role: m.role, title: m.title || "" })) : [{ full_name: "", role: "head", title: "" }],
    };
    error = null;
    render();
  }

  async function save() {
    const members = draft.members
      .filter((m) => (m.full_name || "").trim())
      .map((m) => {
        const byId = m.inspector_id && m.unchanged !== false;
        const title = (m.title || "").trim();
        // A member by id shows their title, so a blank one was cleared on purpose; a name
        // typed with no position leaves a known inspector's title alone.
        return { ...(byId ? { inspector_id: m.inspector_id } : { full_name: m.full_name.trim() }), role: m.role, ...(byId || title ? { title } : {}) };
      });
    try {
      if (editing === "new") await app.api.teamCreate({ campaign_id: data.campaign.id, name: draft.name, members });
      else await app.api.teamUpdate(editing, { name: draft.name, members });
      editing = null;
      await ctx.reload();
    } catch (err) {
      error = toError(err).message;
      render();
    }
  }

  async function remove(team) {
    if (!window.confirm(t("team.delete_confirm", { name: team.name }))) return;
    try {
      await app.api.teamDelete(team.id);
      await ctx.reload();
    } catch (err) {
      app.notify(toError(err).message, "error");
    }
  }

  function form() {
    const name = h("input", { type: "text", class: "text-input", id: "team-name", value: draft.name, "aria-label": t("team.name") });
    name.addEventListener("input", () => (draft.name = name.value));
    const rows = draft.members.map((m, i) => {
      const who = h("input", { type: "text", class: "text-input member-input", value: m.full_name || "", placeholder: t("team.member_ph"), "aria-label": t("team.member") });
      who.addEventListener("input", () => {
        m.full_name = who.value;
        m.unchanged = false;
      });
      // The position the minutes print beside the name ("Phó Bí thư Tỉnh đoàn").
      const title = h("input", { type: "text", class: "text-input member-title-input", value: m.title || "", placeholder: t("team.title_ph"), "aria-label": t("team.title") });
      title.addEventListener("input", () => (m.title = title.value));
      const role = h("select", { class: "text-input role-select", "aria-label": t("team.role") }, ROLES.map((r) => h("option", { value: r }, tEnum("role", r))));
      role.value = m.role;
      role.addEventListener("change", () => (m.role = role.value));
      return h("div", { class: "team-member-row" }, who, title, role, h("button", { type: "button", class: "btn btn-small btn-ghost", "aria-label": t("att.remove"), onClick: () => (draft.members.splice(i, 1), render()) }, "✕"));
    });
    return h(
      "div",
      { class: "team-form", id: "team-form" },
      h("label", { class: "field-label", for: "team-name" }, t("team.name")),
      name,
      h("span", { class: "field-label" }, t("team.members")),
      rows,
      h("button", { type: "button", class: "btn btn-small", id: "team-add-member", onClick: () => (draft.members.push({ full_name: "", role: "member", title: "" }), render(), host.querySelectorAll(".member-input")[draft.members.length - 1].focus()) }, "+ ", t("team.add_member")),
      error ? h("p", { class: "form-error", role: "alert" }, error) : null,
      h("div", { class: "sign-actions" }, h("button", { type: "button", class: "btn btn-primary btn-small", id: "team-save", onClick: save }, t("team.save")), h("button", { type: "button", class: "btn btn-small", onClick: () => ((editing = null), render()) }, t("action.cancel"))),
    );
  }

  function teamView(team) {
    if (editing === team.id) return form();
    const members = [...(team.members || [])].sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9));
    const count = (data.visits || []).filter((v) => String(v.team_id) === String(team.id)).length;
    return h(
      "div",
      { class: "team", dataset: { id: team.id } },
      h(
        "div",
        { class: "team-head" },
        h("h3", { class: "team-name" }, team.name),
        h("span", { class: "team-visits" }, t("campaign.visits_count", { n: count })),
        h("button", { type: "button", class: "btn btn-small btn-quiet team-edit", onClick: () => startEdit(team) }, t("team.edit")),
        count ? null : h("button", { type: "button", class: "btn btn-small btn-ghost", onClick: () => remove(team) }, t("rec.delete")),
      ),
      h(
        "ul",
        { class: "members" },
        members.map((m) => h("li", { class: ["member", `role-${m.role}`] }, h("span", { class: "member-name" }, m.full_name, m.title ? h("span", { class: "member-title" }, m.title) : null), h("span", { class: `role-tag role-${m.role}` }, tEnum("role", m.role)))),
      ),
      // The laptops this team writes its visits on (enrolled by the secretariat).
      (team.laptops || []).length
        ? h(
            "ul",
            { class: "team-laptops", "aria-label": t("team.laptops") },
            team.laptops.map((l) =>
              h(
                "li",
                { class: ["team-laptop", l.revoked && "revoked"], title: l.revoked ? t("laptops.revoked_because", { reason: l.revoked }) : null },
                l.name,
                l.revoked ? h("span", { class: "badge badge-refused" }, t("team.laptop_revoked")) : null,
              ),
            ),
          )
        : h("p", { class: "muted small team-laptops-none" }, t("team.no_laptops")),
    );
  }

  function render() {
    const teams = data.teams || [];
    host.replaceChildren(
      ...(teams.length ? teams.map(teamView) : [h("p", { class: "muted small" }, t("campaign.no_teams"))]),
      editing === "new" ? form() : h("button", { type: "button", class: "btn btn-small", id: "team-new", onClick: () => startEdit(null) }, "+ ", t("team.new")),
    );
  }
  render();
  return host;
}

/** Why a unit cannot be visited on `day` (ISO), in words; "" when it can. */
function unavailable(unit, day) {
  if (unit.valid_to && unit.valid_to < day) return t("plan.ended", { date: formatDate(unit.valid_to) });
  if (unit.valid_from && unit.valid_from > day) return t("plan.not_yet", { date: formatDate(unit.valid_from) });
  return "";
}

/** ctx: {app, data, reload()} → the planner panel (hidden until opened). Its units are a tree
 * with a filter and a window of rows (unittree.js): a national campaign's 20,000 units draw a page. */
export function planner(ctx) {
  const { app, data } = ctx;
  const host = h("section", { class: "card planner", id: "planner", hidden: true });
  let units = []; // units without a visit yet and their ancestors, in tree order
  let open_ = 0; // how many of them can still be planned
  let planned = new Set(); // the ancestors shown that have a visit already
  let counted = () => {};
  const tree = treeView((u, { toggle, under }) => row(u, toggle, under), { prefix: "plan" });
  const chosen = new Set();
  let team = (data.teams || [])[0] ? String(data.teams[0].id) : "";
  let date = null;
  let error = null;
  let outsideAsked = false;
  const c = data.campaign;
  // The day the units must exist on: the one chosen, else the campaign's.
  const dayOf = () => date || c.start_date || c.end_date || new Date().toISOString().slice(0, 10);

  async function open() {
    host.hidden = false;
    try {
      const all = await app.api.unitsState(c.id);
      // The units without a visit, and their ancestors so the tree keeps its shape (one
      // already planned shows, without a box).
      const byId = new Map(all.map((s) => [s.unit.id, s]));
      const keep = new Set();
      for (const s of all) {
        if (s.visit) continue;
        for (let u = s.unit; u && !keep.has(u.id); u = byId.get(u.parent_id)?.unit) keep.add(u.id);
      }
      planned = new Set(all.filter((s) => s.visit && keep.has(s.unit.id)).map((s) => s.unit.id));
      units = all.filter((s) => keep.has(s.unit.id)).map((s) => s.unit);
      open_ = units.length - planned.size;
      tree.setUnits(units, { fresh: true });
    } catch (err) {
      error = toError(err).message;
    }
    render();
    host.scrollIntoView({ block: "start" });
  }

  async function plan(outside) {
    error = null;
    outsideAsked = false;
    try {
      const entries = [...chosen].map((unit_id) => ({ unit_id, team_id: team || null, date, ...(outside ? { outside_campaign: true } : {}) }));
      const done = await app.api.visitsPlan(c.id, entries);
      app.notify(t("plan.done", { n: done.length }), "ok");
      await ctx.reload();
    } catch (err) {
      const e = toError(err);
      // A day outside the campaign may be meant; the person says so with a second click.
      outsideAsked = e.code === "visit_outside_campaign";
      error = e.message;
      render();
    }
  }

  function render() {
    const teamSel = h("select", { id: "plan-team", class: "text-input" }, h("option", { value: "" }, t("visit.no_team")), (data.teams || []).map((tm) => h("option", { value: String(tm.id) }, tm.name)));
    teamSel.value = team;
    teamSel.addEventListener("change", () => (team = teamSel.value));
    const go = h("button", { type: "button", class: "btn btn-primary", id: "plan-go", disabled: !chosen.size, onClick: () => plan(false) }, t("plan.go", { n: chosen.size }));
    counted = () => {
      go.disabled = !chosen.size;
      const label = t("plan.go", { n: chosen.size });
      if (go.textContent !== label) go.textContent = label;
    };
    const hint = h("p", { class: "form-warning", id: "plan-outside-hint" });
    const errorHost = h("div", { class: "plan-error-host" });
    // What depends on the day: which units may be chosen, and the outside-campaign warning.
    // The rows are rebuilt only when that choice changes, so a click that ends the date's
    // editing lands on a page that did not move under it.
    let shown = null;
    const refresh = () => {
      const now = units.map((u) => unavailable(u, dayOf())).join("|");
      if (now !== shown) tree.redraw();
      shown = now;
      hint.textContent = outsideCampaign(date, c) ? t("replan.outside_hint", { span: campaignSpan(c) }) : "";
      hint.hidden = !hint.textContent;
      errorHost.replaceChildren(
        ...(error ? [h("p", { class: "form-error", role: "alert", id: "plan-error" }, error)] : []),
        ...(outsideAsked ? [h("div", { class: "sign-actions" }, h("button", { type: "button", class: "btn btn-small", id: "plan-outside-confirm", onClick: () => plan(true) }, t("plan.outside_confirm")))] : []),
      );
      counted();
    };
    const day = dateInput(date, { id: "plan-date", class: "text-input short" }, (d) => {
      date = d;
      // Units that did not exist on the new day leave the choice.
      for (const u of units) if (unavailable(u, dayOf())) chosen.delete(u.id);
      error = null;
      outsideAsked = false;
      refresh();
    });
    host.replaceChildren(
      h("header", { class: "report-head" }, h("h2", { class: "section-title" }, t("plan.title")), h("button", { type: "button", class: "btn btn-small", onClick: () => (host.hidden = true) }, t("action.close"))),
      h("p", { class: "muted small" }, t("plan.text")),
      ...(open_ ? [units.length > 1 ? tree.tools() : null, h("div", { class: "plan-list" }, tree.body())] : [h("p", { class: "muted" }, t("plan.none"))]),
      h("div", { class: "plan-controls" }, h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("visit.team")), teamSel), h("label", { class: "form-field" }, h("span", { class: "field-label" }, t("visit.date")), day), go),
      hint,
      errorHost,
    );
    refresh();
  }

  function row(u, toggle, under) {
    // An ended unit, or one planned already, stays in the tree to keep its shape, but cannot be chosen.
    const why = planned.has(u.id) ? t("plan.planned") : unavailable(u, dayOf());
    const box = why ? null : h("input", { type: "checkbox", class: "plan-check", checked: chosen.has(u.id), dataset: { id: u.id } });
    box?.addEventListener("change", () => {
      if (box.checked) chosen.add(u.id);
      else chosen.delete(u.id);
      counted();
    });
    return h(
      "li",
      { class: ["plan-row", why && "unavailable"], dataset: { id: u.id, depth: u.depth } },
      h("span", { class: `unit-indent depth-${Math.min(u.depth, 6)}` }),
      toggle,
      h(
        "label",
        { class: "check" },
        box || h("span", { class: "plan-check-none", "aria-hidden": "true" }),
        " ",
        h("span", { class: "unit-name" }, u.name),
        u.level_label ? h("span", { class: "muted small" }, ` · ${u.level_label}`) : null,
        why ? h("span", { class: "muted small plan-why" }, ` · ${why}`) : null,
        under ? h("span", { class: "muted small unit-under" }, ` · ${tCount("units.under", under)}`) : null,
      ),
    );
  }
  return { host, open };
}
