// The minutes beyond the checklist: who attended, the unit's report, difficulties, questions
// and answers, conclusions, recommendations, and sign-off / unlock. Everything autosaves
// through the visit screen's autosave (one key for the visit's own fields, one per recommendation).
import { h, autosize } from "../lib/dom.js";
import { lengthCounter, TEXT_MAX } from "../lib/fields.js";
import { formatDateTime } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { conflictBadge, dateInput } from "../lib/widgets.js";
import { t, tEnum } from "../i18n.js";
import { attachmentsSection } from "./attachments.js";
import { showHistory } from "./history.js";

const RESULTS = ["xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"];
const AUTHORITIES = ["unit", "team", "union", "party"];
const RAISERS = ["unit", "team"];
const REC_STATUSES = ["received", "forwarded", "answered", "done"];
const SIDES = ["unit", "guest"];

function select(options, value, attrs) {
  const el = h("select", attrs, options);
  el.value = value ?? "";
  return el;
}

/**
 * ctx: {app, data, locked, schedule(key, send, {followUp}), flushAll(), reload(), setStatus(s)}
 * Returns {opening, closing, nav}: the sections before the checklist, after it, and the side
 * navigation entries [{id, label}].
 */
export function minutes(ctx) {
  const { app, data, locked } = ctx;
  const v = data.visit;
  const m = {
    report_summary: v.report_summary || "",
    difficulties: v.difficulties || "",
    strengths: v.strengths || "",
    shortcomings: v.shortcomings || "",
    assessment: v.assessment || "",
    overall_result: v.overall_result ?? null,
    attendees: (v.attendees || []).map((a) => ({ ...a })),
    questions: (v.questions || []).map((q) => ({ ...q })),
    start_time: v.start_time || "",
    place: v.place || "",
  };

  const saveVisit = async () => {
    const res = await app.api.visitUpdate(v.id, {
      report_summary: m.report_summary,
      difficulties: m.difficulties,
      strengths: m.strengths,
      shortcomings: m.shortcomings,
      assessment: m.assessment,
      overall_result: m.overall_result,
      attendees: m.attendees,
      questions: m.questions,
      start_time: m.start_time,
      place: m.place,
    });
    if (res && res.status) ctx.setStatus(res.status);
  };
  const changed = () => ctx.schedule("visit", saveVisit);

  function area(field, labelKey, placeholderKey, rows = 3) {
    const id = `minutes-${field}`;
    const ta = h("textarea", { id, class: `minutes-text ${field}`, rows: String(rows), disabled: locked, placeholder: locked ? "" : t(placeholderKey) });
    ta.value = m[field];
    ta.addEventListener("input", () => {
      m[field] = ta.value;
      autosize(ta);
      changed();
    });
    return h("div", { class: "field minutes-field", dataset: { field } }, h("label", { class: "field-label", for: id }, t(labelKey)), ta, lengthCounter(ta, TEXT_MAX));
  }

  // ---------- attendees ----------

  const attendeeHost = h("div", { class: "rows attendees", id: "attendees" });
  function renderAttendees() {
    const rows = m.attendees.map((a, i) => {
      const name = h("input", { type: "text", class: "att-name", value: a.name || "", disabled: locked, placeholder: t("att.name_ph"), "aria-label": t("att.name") });
      const position = h("input", { type: "text", class: "att-position", value: a.position || "", disabled: locked, placeholder: t("att.position_ph"), "aria-label": t("att.position") });
      const side = select(SIDES.map((s) => h("option", { value: s }, tEnum("side", s))), a.side || "unit", { class: "att-side", disabled: locked, "aria-label": t("att.side") });
      name.addEventListener("input", () => ((a.name = name.value), changed()));
      position.addEventListener("input", () => ((a.position = position.value), changed()));
      side.addEventListener("change", () => ((a.side = side.value), changed()));
      const remove = locked
        ? null
        : h("button", { type: "button", class: "btn btn-small btn-ghost row-remove", title: t("att.remove"), "aria-label": t("att.remove"), onClick: () => (m.attendees.splice(i, 1), renderAttendees(), changed()) }, "✕");
      return h("div", { class: "row attendee", dataset: { index: i } }, name, position, side, remove);
    });
    attendeeHost.replaceChildren(...(rows.length ? rows : [h("p", { class: "muted small empty-rows" }, t("att.none"))]));
  }
  renderAttendees();

  function addAttendee() {
    m.attendees.push({ name: "", position: "", side: "unit" });
    renderAttendees();
    const inputs = attendeeHost.querySelectorAll(".att-name");
    if (inputs.length) inputs[inputs.length - 1].focus();
  }

  const team = data.team;
  const teamLine = team
    ? h(
        "p",
        { class: "team-line" },
        h("span", { class: "muted" }, t("att.team") + ": "),
        (team.members || []).map((mb, i) => [i ? "; " : "", h("span", { class: "team-member" }, mb.full_name), h("span", { class: "muted" }, ` (${tEnum("role", mb.role)})`)]),
      )
    : null;

  // When and where the meeting began, printed at the head of the minutes.
  const startTime = h("input", { type: "time", id: "minutes-start_time", class: "text-input short", value: m.start_time, disabled: locked });
  startTime.addEventListener("input", () => ((m.start_time = startTime.value), changed()));
  const place = h("input", { type: "text", id: "minutes-place", class: "text-input", value: m.place, disabled: locked, placeholder: locked ? "" : t("minutes.place_ph") });
  place.addEventListener("input", () => ((m.place = place.value), changed()));
  const whenWhere = h(
    "div",
    { class: "form-row minutes-when" },
    h("div", { class: "field" }, h("label", { class: "field-label", for: "minutes-start_time" }, t("minutes.start_time")), startTime),
    h("div", { class: "field grow" }, h("label", { class: "field-label", for: "minutes-place" }, t("minutes.place")), place),
  );

  const opening = h(
    "section",
    { class: "minutes card", id: "visit-opening" },
    h("header", { class: "report-head" }, h("h2", { class: "section-title" }, t("minutes.opening"))),
    whenWhere,
    h(
      "div",
      { class: "minutes-block" },
      h("h3", { class: "block-title" }, t("att.title")),
      teamLine,
      attendeeHost,
      locked ? null : h("button", { type: "button", class: "btn btn-small", id: "att-add", onClick: addAttendee }, "+ ", t("att.add")),
    ),
    area("report_summary", "report.report_summary", "report.report_summary_ph", 4),
  );

  // ---------- questions and answers ----------

  const qaHost = h("div", { class: "rows questions", id: "questions" });
  function renderQuestions() {
    const rows = m.questions.map((q, i) => {
      const qa = h("textarea", { class: "qa-question", rows: "2", disabled: locked, placeholder: t("qa.question_ph"), "aria-label": t("qa.question") });
      qa.value = q.question || "";
      const an = h("textarea", { class: "qa-answer", rows: "2", disabled: locked, placeholder: t("qa.answer_ph"), "aria-label": t("qa.answer") });
      an.value = q.answer || "";
      qa.addEventListener("input", () => ((q.question = qa.value), autosize(qa), changed()));
      an.addEventListener("input", () => ((q.answer = an.value), autosize(an), changed()));
      const remove = locked
        ? null
        : h("button", { type: "button", class: "btn btn-small btn-ghost row-remove", title: t("qa.remove"), "aria-label": t("qa.remove"), onClick: () => (m.questions.splice(i, 1), renderQuestions(), changed()) }, "✕");
      return h("div", { class: "row qa", dataset: { index: i } }, h("span", { class: "qa-num" }, String(i + 1) + "."), h("div", { class: "qa-pair" }, qa, an), remove);
    });
    qaHost.replaceChildren(...(rows.length ? rows : [h("p", { class: "muted small empty-rows" }, t("qa.none"))]));
  }
  renderQuestions();

  // ---------- recommendations ----------

  const recHost = h("ol", { class: "recs", id: "recs" });
  function recSaver(rec) {
    return async () => {
      const res = await app.api.recommendationUpdate(rec.id, { text: rec.text, raised_by: rec.raised_by, authority: rec.authority, status: rec.status, due_date: rec.due_date || null });
      if (res && res.rev) rec.rev = res.rev;
    };
  }
  function renderRecs() {
    const recs = data.recommendations || [];
    const items = recs.map((rec) => {
      const key = `rec:${rec.id}`;
      const text = h("textarea", { class: "rec-text-input", rows: "2", disabled: locked, "aria-label": t("rec.text") });
      text.value = rec.text || "";
      text.addEventListener("input", () => ((rec.text = text.value), autosize(text), ctx.schedule(key, recSaver(rec))));
      const raised = select(RAISERS.map((r) => h("option", { value: r }, tEnum("raised_by", r))), rec.raised_by, { class: "rec-raised", disabled: locked, "aria-label": t("rec.raised_by") });
      const auth = select(AUTHORITIES.map((a) => h("option", { value: a }, tEnum("authority", a))), rec.authority, { class: "rec-authority", disabled: locked, "aria-label": t("rec.authority") });
      // The follow-up goes on after signing: status and due date stay editable.
      const status = select(REC_STATUSES.map((s) => h("option", { value: s }, tEnum("rec_status", s))), rec.status, { class: "rec-status-select", "aria-label": t("rec.status") });
      const due = dateInput(rec.due_date, { class: "rec-due", "aria-label": t("rec.due_date") }, (d) => {
        rec.due_date = d;
        ctx.schedule(key, recSaver(rec), { followUp: true });
      });
      raised.addEventListener("change", () => ((rec.raised_by = raised.value), ctx.schedule(key, recSaver(rec))));
      auth.addEventListener("change", () => ((rec.authority = auth.value), root.dataset.authority = auth.value, ctx.schedule(key, recSaver(rec))));
      status.addEventListener("change", () => ((rec.status = status.value), (root.dataset.status = status.value), ctx.schedule(key, recSaver(rec), { followUp: true })));
      const remove = locked
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-ghost rec-delete",
              onClick: async () => {
                if (!window.confirm(t("rec.delete_confirm"))) return;
                try {
                  await ctx.flushAll();
                  await app.api.recommendationDelete(rec.id);
                  data.recommendations = recs.filter((r) => r !== rec);
                  renderRecs();
                } catch (err) {
                  app.notify(toError(err).message, "error");
                }
              },
            },
            t("rec.delete"),
          );
      const root = h(
        "li",
        { class: "rec rec-edit", dataset: { id: rec.id, status: rec.status, authority: rec.authority } },
        h(
          "div",
          { class: "rec-main" },
          text,
          rec.conflict ? conflictBadge(() => app.navigate({ name: "conflicts" })) : null,
          h("button", { type: "button", class: "history-btn", title: t("history.title"), "aria-label": t("history.title"), onClick: async () => (await ctx.flushAll(), showHistory(app, rec.id, rec.text)) }, "⟲"),
        ),
        h(
          "div",
          { class: "rec-fields" },
          h("label", { class: "mini-field" }, h("span", { class: "mini-label" }, t("rec.raised_by")), raised),
          h("label", { class: "mini-field" }, h("span", { class: "mini-label" }, t("rec.authority")), auth),
          h("label", { class: "mini-field" }, h("span", { class: "mini-label" }, t("rec.status")), status),
          h("label", { class: "mini-field" }, h("span", { class: "mini-label" }, t("rec.due_date")), due),
          remove,
        ),
      );
      return root;
    });
    recHost.replaceChildren(...(items.length ? items : [h("li", { class: "muted small empty-rows" }, t("rec.none"))]));
    for (const ta of recHost.querySelectorAll("textarea")) autosize(ta);
  }
  renderRecs();

  function recForm() {
    const text = h("textarea", { id: "rec-new-text", class: "rec-text-input", rows: "2", placeholder: t("rec.new_ph"), "aria-label": t("rec.text") });
    const raised = select(RAISERS.map((r) => h("option", { value: r }, tEnum("raised_by", r))), "unit", { id: "rec-new-raised", "aria-label": t("rec.raised_by") });
    const auth = select(AUTHORITIES.map((a) => h("option", { value: a }, tEnum("authority", a))), "unit", { id: "rec-new-authority", "aria-label": t("rec.authority") });
    let newDue = null;
    const due = dateInput(null, { id: "rec-new-due", "aria-label": t("rec.due_date") }, (d) => (newDue = d));
    const err = h("p", { class: "form-error", role: "alert", hidden: true });
    const add = h("button", { type: "submit", class: "btn btn-primary btn-small", id: "rec-add" }, t("rec.add"));
    text.addEventListener("input", () => autosize(text));
    const form = h(
      "form",
      {
        class: "rec-new",
        onSubmit: async (ev) => {
          ev.preventDefault();
          if (!text.value.trim()) {
            err.textContent = t("rec.text_required");
            err.hidden = false;
            text.focus();
            return;
          }
          add.disabled = true;
          try {
            const res = await app.api.recommendationAdd({ visit_id: v.id, text: text.value, raised_by: raised.value, authority: auth.value, due_date: newDue });
            data.recommendations = [...(data.recommendations || []), { id: res.id, rev: res.rev, conflict: false, ...res.body }];
            text.value = "";
            due.value = "";
            newDue = null;
            err.hidden = true;
            renderRecs();
            text.focus();
          } catch (e) {
            err.textContent = toError(e).message;
            err.hidden = false;
          } finally {
            add.disabled = false;
          }
        },
      },
      h("h3", { class: "block-title" }, t("rec.new")),
      text,
      h(
        "div",
        { class: "rec-fields" },
        h("label", { class: "mini-field" }, h("span", { class: "mini-label" }, t("rec.raised_by")), raised),
        h("label", { class: "mini-field" }, h("span", { class: "mini-label" }, t("rec.authority")), auth),
        h("label", { class: "mini-field" }, h("span", { class: "mini-label" }, t("rec.due_date")), due),
        add,
      ),
      err,
    );
    return form;
  }

  // ---------- sign-off ----------

  function signBar() {
    const msg = h("p", { class: "sign-message", id: "sign-message", role: "alert", hidden: true });
    if (!locked) {
      const btn = h(
        "button",
        {
          type: "button",
          class: "btn btn-primary",
          id: "btn-sign",
          onClick: async () => {
            btn.disabled = true;
            msg.hidden = true;
            try {
              if (!(await ctx.flushAll())) throw { message: t("sign.unsaved") };
              await app.api.visitSign(v.id);
              app.notify(t("sign.done"), "ok");
              ctx.reload();
            } catch (e) {
              const err = toError(e);
              // Each missing item is a link to it in the checklist.
              const links = err.items.map((code) =>
                h(
                  "button",
                  {
                    type: "button",
                    class: "link-btn sign-missing-item",
                    dataset: { code },
                    onClick: () => {
                      // As the checklist's own Alt+↓ does: its rating control, else its note.
                      const item = document.querySelector(`.item[data-code="${CSS.escape(code)}"]`);
                      if (!item) return;
                      item.scrollIntoView({ block: "center" });
                      const target = item.querySelector("input:checked, input.seg-input, input.points, textarea");
                      (target || item).focus({ preventScroll: true });
                    },
                  },
                  code,
                ),
              );
              msg.replaceChildren(err.message, links.length ? h("span", { class: "sign-missing" }, " ", t("sign.go_to"), " ", links) : "");
              msg.hidden = false;
              btn.disabled = false;
            }
          },
        },
        t("sign.button"),
      );
      return h("section", { class: "sign-bar card", id: "visit-sign" }, h("div", { class: "sign-text" }, h("h2", { class: "section-title" }, t("sign.title")), h("p", { class: "small muted" }, t("sign.text"))), h("div", { class: "sign-actions" }, btn), msg);
    }
    const reason = h("textarea", { id: "unlock-reason", rows: "2", placeholder: t("unlock.reason_ph"), "aria-label": t("unlock.reason") });
    const confirm = h(
      "button",
      {
        type: "submit",
        class: "btn btn-danger",
        id: "btn-unlock-confirm",
      },
      t("unlock.confirm"),
    );
    const form = h(
      "form",
      {
        class: "unlock-form",
        hidden: true,
        onSubmit: async (ev) => {
          ev.preventDefault();
          msg.hidden = true;
          confirm.disabled = true;
          try {
            await app.api.visitUnlock(v.id, reason.value);
            app.notify(t("unlock.done"), "ok");
            ctx.reload();
          } catch (e) {
            msg.textContent = toError(e).message;
            msg.hidden = false;
            confirm.disabled = false;
          }
        },
      },
      h("label", { class: "field-label", for: "unlock-reason" }, t("unlock.reason")),
      reason,
      h("div", { class: "sign-actions" }, confirm, h("button", { type: "button", class: "btn", onClick: () => ((form.hidden = true), (open.hidden = false)) }, t("action.cancel"))),
    );
    const open = h(
      "button",
      {
        type: "button",
        class: "btn",
        id: "btn-unlock",
        onClick: () => {
          form.hidden = false;
          open.hidden = true;
          reason.focus();
        },
      },
      t("unlock.button"),
    );
    const signedAt = v.signed_at ? t("sign.signed_at", { at: formatDateTime(v.signed_at) }) : t("visit.locked");
    return h("section", { class: "sign-bar card is-signed", id: "visit-sign" }, h("div", { class: "sign-text" }, h("h2", { class: "section-title" }, signedAt), h("p", { class: "small muted" }, t("unlock.text"))), h("div", { class: "sign-actions" }, open), form, msg);
  }

  const unlocks = v.unlocks || [];
  const unlockLog = unlocks.length
    ? h(
        "div",
        { class: "unlock-log" },
        h("h3", { class: "block-title" }, t("unlock.log")),
        h("ul", null, unlocks.map((u) => h("li", null, h("span", { class: "muted" }, `${formatDateTime(u.at)} · ${u.by}: `), u.reason))),
      )
    : null;

  const resultSel = select([h("option", { value: "" }, t("report.no_result")), ...RESULTS.map((r) => h("option", { value: r }, tEnum("result", r)))], m.overall_result || "", { id: "minutes-overall_result", class: "result-select", disabled: locked });
  resultSel.addEventListener("change", () => {
    m.overall_result = resultSel.value || null;
    changed();
  });

  const attachments = attachmentsSection({ app, visitId: v.id, locked, schedule: ctx.schedule });

  const closing = [
    h(
      "section",
      { class: "minutes card", id: "visit-discussion" },
      h("header", { class: "report-head" }, h("h2", { class: "section-title" }, t("minutes.discussion"))),
      area("difficulties", "report.difficulties", "report.difficulties_ph"),
      h("div", { class: "minutes-block" }, h("h3", { class: "block-title" }, t("qa.title")), qaHost, locked ? null : h("button", { type: "button", class: "btn btn-small", id: "qa-add", onClick: () => { m.questions.push({ question: "", answer: "" }); renderQuestions(); const qs = qaHost.querySelectorAll(".qa-question"); if (qs.length) qs[qs.length - 1].focus(); } }, "+ ", t("qa.add"))),
    ),
    h(
      "section",
      { class: "minutes card", id: "visit-conclusion" },
      h("header", { class: "report-head" }, h("h2", { class: "section-title" }, t("minutes.conclusion"))),
      area("strengths", "report.strengths", "report.strengths_ph"),
      area("shortcomings", "report.shortcomings", "report.shortcomings_ph"),
      area("assessment", "report.assessment", "report.assessment_ph"),
      h("div", { class: "field minutes-field" }, h("label", { class: "field-label", for: "minutes-overall_result" }, t("report.overall_result")), resultSel),
    ),
    attachments.section,
    h(
      "section",
      { class: "minutes card", id: "visit-recommendations" },
      h("header", { class: "report-head" }, h("h2", { class: "section-title" }, t("rec.title"))),
      recHost,
      locked ? null : recForm(),
    ),
    signBar(),
    unlockLog,
  ];

  const nav = [
    { id: "visit-opening", label: t("minutes.opening") },
    { id: "visit-discussion", label: t("minutes.discussion") },
    { id: "visit-conclusion", label: t("minutes.conclusion") },
    { id: "visit-attachments", label: t("attach.title") },
    { id: "visit-recommendations", label: t("rec.title") },
    { id: "visit-sign", label: locked ? t("sign.signed_short") : t("sign.title") },
  ];
  return { opening, closing, nav, dispose: attachments.dispose };
}
