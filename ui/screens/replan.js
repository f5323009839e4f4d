// Re-planning one visit from its screen: another day or team, with a reason the history keeps;
// a day outside the campaign's dates only after saying so; cancelling a visit not begun, with
// its reason. The store refuses what the rules forbid; this panel asks first where it can.
import { h, mount } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { formatDate } from "../lib/format.js";
import { dateInput } from "../lib/widgets.js";
import { fieldError, lengthCounter, tooLong, TEXT_MAX } from "../lib/fields.js";
import { t } from "../i18n.js";

/** Whether `date` (ISO) falls outside the campaign's dates; false when either is unknown. */
export function outsideCampaign(date, campaign) {
  if (!date || !campaign) return false;
  return (!!campaign.start_date && date < campaign.start_date) || (!!campaign.end_date && date > campaign.end_date);
}

/** The campaign's dates as a person reads them: "20/10/2026 – 25/10/2026". */
export function campaignSpan(campaign) {
  const s = formatDate(campaign?.start_date);
  const e = formatDate(campaign?.end_date);
  if (s && e) return `${s} – ${e}`;
  return s ? t("replan.from", { date: s }) : e ? t("replan.until", { date: e }) : "";
}

/** ctx: {app, data (visit detail), onDone(cancelled)} → {host, open()} (hidden until opened) */
export function replanPanel(ctx) {
  const { app, data } = ctx;
  const v = data.visit;
  const host = h("section", { class: "card replan", id: "replan", hidden: true, "aria-labelledby": "replan-title" });
  let teams = [];
  const draft = { date: v.date || null, team: v.team_id ? String(v.team_id) : "", reason: "" };
  let outsideAsked = false;
  let error = null;

  async function open() {
    host.hidden = false;
    try {
      teams = (await app.api.campaignOverview(data.campaign.id)).teams || [];
    } catch (err) {
      error = toError(err).message;
    }
    render();
    host.scrollIntoView({ block: "nearest" });
    host.querySelector("#replan-date")?.focus();
  }

  async function save(dateField, reasonField, outside) {
    error = null;
    if (dateField.dateInvalid) return dateField.focus();
    if (tooLong(reasonField, TEXT_MAX)) return reasonField.focus();
    if (draft.date === (v.date || null) && draft.team === (v.team_id ? String(v.team_id) : "")) {
      fieldError(dateField, t("replan.nothing"));
      return;
    }
    try {
      await app.api.visitReschedule(v.id, draft.team, draft.date, { reason: draft.reason, outside_campaign: !!outside });
      app.notify(t("replan.done"), "ok");
      ctx.onDone(false);
    } catch (err) {
      const e = toError(err);
      // The one refusal a person may overrule: a day outside the campaign, meant.
      outsideAsked = e.code === "visit_outside_campaign";
      error = e.message;
      render();
    }
  }

  async function cancelVisit(reasonField) {
    const reason = reasonField.value.trim();
    if (!reason) {
      fieldError(reasonField, t("replan.cancel_reason_needed"));
      return reasonField.focus();
    }
    if (tooLong(reasonField, TEXT_MAX)) return reasonField.focus();
    try {
      await app.api.visitCancel(v.id, reason);
      app.notify(t("replan.cancelled", { unit: data.unit?.name || "" }), "ok");
      ctx.onDone(true);
    } catch (err) {
      fieldError(reasonField, toError(err).message);
    }
  }

  function render() {
    const hint = h("p", { class: "form-warning", id: "replan-outside-hint", role: "status" });
    const showHint = (d) => {
      hint.textContent = outsideCampaign(d, data.campaign) ? t("replan.outside_hint", { span: campaignSpan(data.campaign) }) : "";
      hint.hidden = !hint.textContent;
    };
    const dateField = dateInput(draft.date, { id: "replan-date", class: "text-input short" }, (d) => {
      draft.date = d;
      outsideAsked = false;
      showHint(d);
    });
    showHint(draft.date);
    const teamSel = h("select", { id: "replan-team", class: "text-input" }, h("option", { value: "" }, t("visit.no_team")), teams.map((tm) => h("option", { value: String(tm.id) }, tm.name)));
    teamSel.value = draft.team;
    teamSel.addEventListener("change", () => (draft.team = teamSel.value));
    const reason = h("textarea", { id: "replan-reason", class: "text-input", rows: "2", placeholder: t("replan.reason_ph") });
    reason.value = draft.reason;
    reason.addEventListener("input", () => (draft.reason = reason.value));
    const cancelReason = h("textarea", { id: "cancel-reason", class: "text-input", rows: "2", placeholder: t("replan.cancel_reason_ph") });
    const planned = v.status === "planned";
    // mount, not replaceChildren: a part not shown (null) must not print as "null".
    mount(host, [
      h("header", { class: "report-head" }, h("h2", { class: "section-title", id: "replan-title" }, t("replan.title")), h("button", { type: "button", class: "btn btn-small", onClick: () => (host.hidden = true) }, t("action.close"))),
      data.campaign?.start_date || data.campaign?.end_date ? h("p", { class: "muted small" }, t("replan.campaign_dates", { span: campaignSpan(data.campaign) })) : null,
      h(
        "div",
        { class: "replan-grid" },
        h("div", { class: "form-field" }, h("label", { class: "field-label", for: "replan-date" }, t("visit.date")), dateField),
        h("div", { class: "form-field" }, h("label", { class: "field-label", for: "replan-team" }, t("visit.team")), teamSel),
        h("div", { class: "form-field wide" }, h("label", { class: "field-label", for: "replan-reason" }, t("replan.reason")), reason, lengthCounter(reason, TEXT_MAX)),
      ),
      hint,
      error ? h("p", { class: "form-error", role: "alert", id: "replan-error" }, error) : null,
      h(
        "div",
        { class: "sign-actions" },
        outsideAsked
          ? h("button", { type: "button", class: "btn btn-primary btn-small", id: "replan-outside-confirm", onClick: () => save(dateField, reason, true) }, t("replan.outside_confirm"))
          : h("button", { type: "button", class: "btn btn-primary btn-small", id: "replan-save", onClick: () => save(dateField, reason, false) }, t("replan.save")),
      ),
      planned
        ? h(
            "div",
            { class: "replan-cancel" },
            h("h3", null, t("replan.cancel_title")),
            h("p", { class: "muted small" }, t("replan.cancel_text")),
            h("div", { class: "form-field wide" }, h("label", { class: "field-label", for: "cancel-reason" }, t("replan.cancel_reason")), cancelReason, lengthCounter(cancelReason, TEXT_MAX)),
            h("div", { class: "sign-actions" }, h("button", { type: "button", class: "btn btn-danger btn-small", id: "cancel-visit", onClick: () => cancelVisit(cancelReason) }, t("replan.cancel_go"))),
          )
        : h("p", { class: "muted small", id: "replan-no-cancel" }, t("replan.cannot_cancel")),
    ]);
  }
  return { host, open };
}
