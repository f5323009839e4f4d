// One working session (visit): the checklist and the minutes, everything autosaved; sign-off
// locks the minutes until someone unlocks them with a reason.
import { h, autosize } from "../lib/dom.js";
import { lengthCounter, TEXT_MAX } from "../lib/fields.js";
import { formatDate } from "../lib/format.js";
import { autosave } from "../lib/autosave.js";
import { replanPanel, outsideCampaign, campaignSpan } from "./replan.js";
import { statusBadge, metaItem, progressBar, updateProgressBar, conflictBadge } from "../lib/widgets.js";
import { t, tEnum } from "../i18n.js";
import { minutes } from "./minutes.js";
import { showHistory } from "./history.js";
import { fieldLabel, formatValue } from "./conflicts.js";
import { toError } from "../lib/errors.js";

const DEBOUNCE_MS = 400;

function isDone(state) {
  return (state.rating !== null && state.rating !== undefined) || (state.points !== null && state.points !== undefined);
}

function fmtPoints(n) {
  if (n === null || n === undefined) return "";
  return String(n);
}

/** What changed in one record since signing, field by field, as plain text. */
function sealDiff(c) {
  const signed = c.signed || {};
  const now = c.now || {};
  if (c.change !== "changed") return [];
  return Object.keys({ ...signed, ...now })
    .filter((k) => k !== "visit_id" && JSON.stringify(signed[k] ?? null) !== JSON.stringify(now[k] ?? null))
    .map((k) =>
      h(
        "li",
        { class: "seal-diff" },
        h("span", { class: "seal-field" }, fieldLabel(c.kind, k)),
        ": ",
        h("span", { class: "seal-signed" }, formatValue(c.kind, k, signed[k] ?? null) || "—"),
        " → ",
        h("span", { class: "seal-now" }, formatValue(c.kind, k, now[k] ?? null) || "—"),
      ),
    );
}

/** Signed minutes whose records changed after signing: the documents keep the signed text;
 * the person keeps it for good, or unlocks the minutes to take the changes. */
function afterSigningNotice(app, changes, visitId, reload) {
  if (!changes.length) return null;
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const keep = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary btn-small",
      id: "keep-signed",
      onClick: async () => {
        keep.disabled = true;
        try {
          await app.api.visitKeepSigned(visitId);
          reload();
        } catch (e) {
          error.textContent = toError(e).message;
          error.hidden = false;
          keep.disabled = false;
        }
      },
    },
    t("seal.keep"),
  );
  return h(
    "section",
    { class: "after-signing card", id: "after-signing", role: "note" },
    h("h2", { class: "after-signing-title" }, h("span", { class: "badge badge-refused" }, t("seal.badge")), " ", t("seal.title", { n: changes.length })),
    h("p", { class: "small" }, t("seal.text")),
    h(
      "ul",
      { class: "after-signing-list" },
      changes.map((c) =>
        h(
          "li",
          { class: "after-signing-item", dataset: { id: c.id, change: c.change } },
          h("strong", null, c.label || c.id),
          " · ",
          t(`seal.change.${c.change}`),
          " · ",
          h("span", { class: "muted" }, c.person ? `${c.person} — ${c.device_name}` : c.device_name),
          c.change === "changed" ? h("ul", { class: "seal-diffs small" }, sealDiff(c)) : null,
        ),
      ),
    ),
    h("div", { class: "after-signing-actions" }, keep, h("span", { class: "small muted" }, t("seal.or_unlock"))),
    error,
  );
}

export function create(app, route) {
  let data = null;
  let locked = false;
  /** code → {item, topic, state:{rating,points,note,explanation}, id, rev, localError} */
  const entries = new Map();
  /** Keys: an item code (its finding), "visit" (the minutes' own fields), "rec:<id>", "att:<id>". */
  const saves = autosave({
    delay: DEBOUNCE_MS,
    onChange: (key) => {
      updateItemState(key);
      updateGlobalState();
    },
  });
  /** DOM references of the current render (rebuilt on every render). */
  let refs = null;
  let blockedRoute = null; // route we could not leave to because saves failed
  let minsDispose = null; // stops the minutes' listeners (files dropped on the window)

  // ---------- data ----------

  async function load() {
    data = await app.api.visitGet(route.id);
    locked = !!data.locked;
    entries.clear();
    const findings = data.findings || {};
    for (const topic of data.criteria?.topics || []) {
      for (const item of topic.items || []) {
        const f = findings[item.code] || {};
        entries.set(item.code, {
          item,
          topic,
          id: f.id ?? null,
          rev: f.rev ?? null,
          conflict: !!f.conflict,
          localError: null,
          // What the database holds: progress counts this, never what is only typed.
          saved: { rating: f.rating ?? null, points: f.points ?? null },
          state: {
            rating: f.rating ?? null,
            points: f.points ?? null,
            note: f.note ?? "",
            explanation: f.explanation ?? "",
          },
        });
      }
    }
  }

  // ---------- autosave ----------

  /** Save `code` (an item, or any key with its `send`) after a pause in typing.
   * Signed minutes only take follow-up edits (a recommendation's status and due date). */
  function schedule(code, send, { followUp = false } = {}) {
    if (locked && !followUp) return;
    saves.schedule(code, send || (() => sendItem(code)));
  }

  async function sendItem(code) {
    const e = entries.get(code);
    const sent = { rating: e.state.rating, points: e.state.points };
    const res = await app.api.findingSet({
      visit_id: data.visit.id,
      item_code: code,
      rating: sent.rating,
      points: sent.points,
      note: e.state.note,
      explanation: e.state.explanation,
    });
    e.saved = sent;
    updateProgress(code);
    if (res) {
      if (res.id !== undefined) e.id = res.id;
      if (res.rev !== undefined) e.rev = res.rev;
      if (res.visit_status) setVisitStatus(res.visit_status);
    }
  }

  // ---------- live UI updates ----------

  function itemStateText(s) {
    switch (s.status) {
      case "pending":
      case "saving":
        return t("save.saving");
      case "saved":
        return t("save.saved");
      case "error":
        return t("save.item_error");
      default:
        return "";
    }
  }

  function updateItemState(code) {
    if (!refs) return;
    const r = refs.items.get(code);
    if (!r) return;
    const s = saves.state(code);
    const e = entries.get(code);
    const st = s.status === "pending" ? "saving" : s.status;
    r.stateEl.dataset.state = st;
    r.stateEl.textContent = itemStateText(s);
    const message = e.localError || (s.status === "error" && s.error ? s.error.message : "");
    r.errorEl.textContent = message;
    r.errorEl.hidden = !message;
    r.root.classList.toggle("has-error", !!message);
  }

  function updateGlobalState() {
    if (!refs || !refs.saveState) return;
    let state = "saved";
    let text = t("save.saved");
    const err = saves.shownError();
    if (err) {
      state = "error";
      text = err.message;
    } else if (saves.pending()) {
      state = "saving";
      text = t("save.saving");
    }
    refs.saveState.dataset.state = state;
    refs.saveStateText.textContent = text;
    refs.saveState.title = text;
    if (state !== "error" && blockedRoute && !saves.pending()) {
      blockedRoute = null;
      renderLeaveWarning();
    }
  }

  function countDone(items) {
    let done = 0;
    for (const it of items) if (isDone(entries.get(it.code).saved)) done++;
    return done;
  }

  function totals() {
    let done = 0;
    for (const e of entries.values()) if (isDone(e.saved)) done++;
    return { done, total: entries.size };
  }

  function updateProgress(code) {
    if (!refs) return;
    const e = entries.get(code);
    const r = refs.items.get(code);
    if (r) {
      r.root.dataset.done = String(isDone(e.saved));
      if (r.clearBtn) r.clearBtn.hidden = e.state.rating === null;
    }
    const tr = refs.topics.get(e.topic.code);
    if (tr) {
      const done = countDone(e.topic.items);
      const total = e.topic.items.length;
      for (const el of tr.texts) el.textContent = t("progress.items", { done, total });
      for (const bar of tr.bars) updateProgressBar(bar, done, total);
      tr.nav.classList.toggle("complete", done === total && total > 0);
    }
    const { done, total } = totals();
    for (const el of refs.overallTexts) el.textContent = t("progress.items", { done, total });
    for (const bar of refs.overallBars) updateProgressBar(bar, done, total);
  }

  function setVisitStatus(status) {
    if (!data || data.visit.status === status) return;
    data.visit.status = status;
    if (refs && refs.statusHost) refs.statusHost.replaceChildren(statusBadge(status));
  }

  // ---------- leaving ----------

  async function beforeLeave(target) {
    if (!saves.pending()) return true;
    updateGlobalState();
    const ok = await saves.flush();
    if (ok) return true;
    blockedRoute = target;
    renderLeaveWarning();
    return false;
  }

  function renderLeaveWarning() {
    if (!refs) return;
    if (!blockedRoute) {
      refs.leaveHost.replaceChildren();
      refs.leaveHost.hidden = true;
      return;
    }
    const target = blockedRoute;
    refs.leaveHost.hidden = false;
    refs.leaveHost.replaceChildren(
      h("p", { class: "leave-text" }, h("strong", null, t("leave.title")), " ", t("leave.text")),
      h(
        "div",
        { class: "leave-actions" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-primary",
            id: "leave-retry",
            onClick: async () => {
              if (await saves.flush()) {
                blockedRoute = null;
                app.navigate(target, { force: true });
              }
            },
          },
          t("action.retry"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-danger",
            id: "leave-discard",
            onClick: () => {
              blockedRoute = null;
              app.navigate(target, { force: true });
            },
          },
          t("leave.discard"),
        ),
      ),
    );
    refs.leaveHost.scrollIntoView({ block: "nearest" });
  }

  // ---------- rendering ----------

  function ratingControl(e, r, idx) {
    const { item, state } = e;
    const code = item.code;
    if (item.scale === "points") {
      const max = item.max_points;
      const input = h("input", {
        type: "number",
        class: "points",
        id: `item-${idx}-points`,
        min: "0",
        max: max !== null && max !== undefined ? String(max) : null,
        step: "any",
        inputmode: "decimal",
        value: fmtPoints(state.points),
        disabled: locked,
        "aria-label": t("item.points_label", { code }),
      });
      const onInput = () => {
        if (input.validity.badInput) {
          e.localError = t("item.points_invalid");
          updateItemState(code);
          return;
        }
        e.localError = null;
        const raw = input.value.trim();
        const value = raw === "" ? null : Number(raw);
        const out = value !== null && (value < 0 || (max !== null && max !== undefined && value > max));
        input.classList.toggle("invalid", out);
        input.setAttribute("aria-invalid", String(out));
        if (value === e.state.points) {
          updateItemState(code);
          return;
        }
        e.state.points = value;
        updateProgress(code);
        schedule(code);
      };
      input.addEventListener("input", onInput);
      input.addEventListener("change", onInput);
      r.pointsInput = input;
      return h(
        "div",
        { class: "points-field" },
        h("label", { class: "points-label", for: `item-${idx}-points` }, t("item.points")),
        input,
        h("span", { class: "points-max" }, max !== null && max !== undefined ? t("item.points_max", { max }) : t("item.points_unit")),
      );
    }

    // pass / fail as a segmented pair of radios
    const name = `rating-${code}`;
    const radios = [];
    const opt = (value) => {
      const input = h("input", { type: "radio", name, value, class: "seg-input", checked: state.rating === value, disabled: locked });
      radios.push(input);
      input.addEventListener("change", () => {
        if (!input.checked) return;
        e.state.rating = value;
        updateProgress(code);
        schedule(code);
      });
      return h("label", { class: `seg-opt seg-${value}` }, input, h("span", { class: "seg-face" }, h("span", { class: "seg-icon", "aria-hidden": "true" }, value === "dat" ? "✓" : "✕"), tEnum("rating", value)));
    };
    const clearBtn = h(
      "button",
      {
        type: "button",
        class: "rating-clear",
        hidden: state.rating === null || locked,
        disabled: locked,
        title: t("item.clear_rating"),
        onClick: () => {
          for (const rd of radios) rd.checked = false;
          e.state.rating = null;
          updateProgress(code);
          schedule(code);
          radios[0].focus();
        },
      },
      t("item.clear"),
    );
    r.clearBtn = clearBtn;
    return h(
      "fieldset",
      { class: "rating", disabled: locked },
      h("legend", { class: "sr-only" }, t("item.rating_label", { code })),
      h("div", { class: "seg", role: "presentation" }, opt("dat"), opt("chua_dat")),
    );
  }

  function textField(e, idx, field, labelKey) {
    const id = `item-${idx}-${field}`;
    const ta = h("textarea", { id, class: field, rows: locked ? "1" : "2", disabled: locked, placeholder: locked ? "" : t(`item.${field}_placeholder`) });
    ta.value = e.state[field] || "";
    ta.addEventListener("input", () => {
      e.state[field] = ta.value;
      autosize(ta);
      schedule(e.item.code);
    });
    return h("div", { class: "field" }, h("label", { class: "field-label", for: id }, t(labelKey)), ta, lengthCounter(ta, TEXT_MAX));
  }

  function itemBlock(e, idx) {
    const { item } = e;
    const r = { root: null, stateEl: null, errorEl: null, clearBtn: null, pointsInput: null };
    const stateEl = h("span", { class: "item-state", dataset: { state: "idle" }, "aria-live": "polite" });
    const errorEl = h("p", { class: "item-error", role: "alert", hidden: true });
    const root = h(
      "div",
      { class: ["item", `scale-${item.scale}`, e.conflict && "has-conflict"], dataset: { code: item.code, scale: item.scale, done: String(isDone(e.state)) } },
      h(
        "div",
        { class: "item-head" },
        h("span", { class: "item-code" }, item.code),
        h(
          "div",
          { class: "item-titles" },
          h(
            "h3",
            { class: "item-title" },
            e.conflict ? conflictBadge(() => app.navigate({ name: "conflicts" })) : null,
            item.title,
            item.required ? h("span", { class: "required-mark" }, t("item.required")) : null,
            h(
              "button",
              {
                type: "button",
                class: "history-btn",
                title: t("history.item_title", { code: item.code }),
                "aria-label": t("history.item_title", { code: item.code }),
                onClick: async () => {
                  await saves.flush();
                  showHistory(app, e.id, `${item.code}. ${item.title}`);
                },
                hidden: !e.id,
              },
              "⟲",
            ),
          ),
          item.guidance ? h("p", { class: "guidance" }, item.guidance) : null,
        ),
        h("div", { class: "item-control" }, ratingControl(e, r, idx), h("div", { class: "control-foot" }, r.clearBtn, stateEl)),
      ),
      h("div", { class: "item-texts" }, textField(e, idx, "note", "item.note"), textField(e, idx, "explanation", "item.explanation")),
      errorEl,
    );
    r.root = root;
    r.stateEl = stateEl;
    r.errorEl = errorEl;
    refs.items.set(item.code, r);
    return root;
  }

  function topicSection(topic, counter) {
    const done = countDone(topic.items || []);
    const total = (topic.items || []).length;
    const text = h("span", { class: "topic-progress-text" }, t("progress.items", { done, total }));
    const bar = progressBar(done, total, t("progress.items", { done, total }));
    const tr = refs.topics.get(topic.code);
    tr.texts.push(text);
    tr.bars.push(bar);
    return h(
      "section",
      { class: "topic card", id: `topic-${counter.topic}`, dataset: { topic: topic.code } },
      h(
        "header",
        { class: "topic-head" },
        h("span", { class: "topic-code" }, topic.code),
        h("h2", { class: "topic-title" }, topic.title),
        h("div", { class: "topic-progress" }, text, bar),
      ),
      h("div", { class: "items" }, (topic.items || []).map((it) => itemBlock(entries.get(it.code), counter.item++))),
    );
  }

  function topicNav(topics) {
    return h(
      "ol",
      { class: "topic-nav" },
      topics.map((topic, i) => {
        const done = countDone(topic.items || []);
        const total = (topic.items || []).length;
        const text = h("span", { class: "tn-progress" }, t("progress.items", { done, total }));
        const bar = progressBar(done, total, null);
        const btn = h(
          "button",
          {
            type: "button",
            class: ["tn-btn", done === total && total > 0 && "complete"],
            onClick: () => {
              const target = document.getElementById(`topic-${i}`);
              if (target) target.scrollIntoView({ behavior: "smooth", block: "start" });
            },
          },
          h("span", { class: "tn-code" }, topic.code),
          h("span", { class: "tn-body" }, h("span", { class: "tn-title" }, topic.title), h("span", { class: "tn-meta" }, text, bar)),
        );
        refs.topics.set(topic.code, { texts: [text], bars: [bar], nav: btn });
        return h("li", null, btn);
      }),
    );
  }

  function extraNav(entries) {
    return h(
      "ul",
      { class: "topic-nav extra-nav" },
      entries.map(({ id, label }) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "tn-btn tn-extra",
              onClick: () => {
                const el = document.getElementById(id);
                if (el) el.scrollIntoView({ behavior: "smooth", block: "start" });
              },
            },
            h("span", { class: "tn-code tn-code-extra", "aria-hidden": "true" }, "≡"),
            h("span", { class: "tn-body" }, h("span", { class: "tn-title" }, label)),
          ),
        ),
      ),
    );
  }

  // ---------- keyboard ----------
  // Alt+↓ / Alt+↑ move between items (from anywhere, text fields included); on an item,
  // outside its text fields, 1 = Đạt, 2 = Chưa đạt, 0 = clear.

  function itemOf(el) {
    return el && el.closest ? el.closest(".item[data-code]") : null;
  }

  function focusItem(itemEl) {
    if (!itemEl) return;
    const target = itemEl.querySelector("input:checked, input.seg-input, input.points, textarea");
    itemEl.scrollIntoView({ block: "center" });
    (target || itemEl).focus({ preventScroll: true });
  }

  function onKey(ev) {
    if (!refs) return;
    const all = [...document.querySelectorAll(".visit .item[data-code]")];
    const current = itemOf(document.activeElement);
    if (ev.altKey && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      ev.preventDefault();
      const i = current ? all.indexOf(current) : -1;
      const next = ev.key === "ArrowDown" ? all[Math.min(i + 1, all.length - 1)] : all[Math.max(i - 1, 0)];
      focusItem(next);
      return;
    }
    if (!current || locked || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tag = document.activeElement.tagName;
    if (tag === "TEXTAREA" || (tag === "INPUT" && document.activeElement.type !== "radio")) return;
    const code = current.dataset.code;
    const e = entries.get(code);
    if (!e || e.item.scale !== "pass_fail") return;
    const value = { 1: "dat", 2: "chua_dat", 0: null }[ev.key];
    if (value === undefined) return;
    ev.preventDefault();
    for (const rd of current.querySelectorAll("input.seg-input")) rd.checked = rd.value === value;
    e.state.rating = value;
    updateProgress(code);
    schedule(code);
    const checked = current.querySelector("input.seg-input:checked") || current.querySelector("input.seg-input");
    if (checked) checked.focus();
  }
  document.addEventListener("keydown", onKey);

  function render() {
    refs = { items: new Map(), topics: new Map(), overallTexts: [], overallBars: [], statusHost: null, saveState: null, saveStateText: null, leaveHost: null };
    const v = data.visit;
    const unit = data.unit || {};
    const topics = data.criteria?.topics || [];
    const { done, total } = totals();

    const overallText = h("span", { class: "progress-text" }, t("progress.items", { done, total }));
    const overallBar = progressBar(done, total, t("progress.overall"));
    refs.overallTexts.push(overallText);
    refs.overallBars.push(overallBar);
    const sideText = h("span", { class: "side-progress-text" }, t("progress.items", { done, total }));
    const sideBar = progressBar(done, total, t("progress.overall"));
    refs.overallTexts.push(sideText);
    refs.overallBars.push(sideBar);

    const statusHost = h("span", { class: "status-host", id: "visit-status" }, statusBadge(v.status));
    refs.statusHost = statusHost;

    const saveStateText = h("span", { class: "save-text" });
    const saveState = h("div", { id: "save-state", class: "save-state", dataset: { state: "saved" }, role: "status", "aria-live": "polite" }, h("span", { class: "save-icon", "aria-hidden": "true" }), saveStateText);
    refs.saveState = saveState;
    refs.saveStateText = saveStateText;
    const leaveHost = h("div", { class: "leave-warning", id: "leave-warning", role: "alert", hidden: true });
    refs.leaveHost = leaveHost;

    const header = h(
      "header",
      { class: "visit-header card" },
      h(
        "div",
        { class: "vh-main" },
        data.campaign ? h("span", { class: "eyebrow" }, data.campaign.name) : null,
        h("h1", { class: "page-title", id: "visit-unit" }, unit.name || ""),
        h(
          "div",
          { class: "meta" },
          metaItem(t("visit.level"), unit.level_label),
          metaItem(t("visit.date"), formatDate(v.date)),
          outsideCampaign(v.date, data.campaign) ? h("span", { class: "badge badge-outside", id: "visit-outside", title: t("replan.outside_hint", { span: campaignSpan(data.campaign) }) }, t("replan.outside_badge")) : null,
          metaItem(t("visit.team"), data.team ? data.team.name : t("visit.no_team")),
          metaItem(t("visit.unit_code"), unit.code),
        ),
      ),
      h(
        "div",
        { class: "vh-side" },
        h(
          "div",
          { class: "vh-tools" },
          statusHost,
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              id: "btn-minutes",
              onClick: async () => {
                await saves.flush();
                app.navigate({ name: "reports", id: `visit:${v.id}` });
              },
            },
            t("reports.open_minutes"),
          ),
          locked
            ? null
            : h(
                "button",
                { type: "button", class: "btn btn-small", id: "btn-replan", onClick: () => replan.open() },
                t("replan.open"),
              ),
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              id: "btn-visit-history",
              onClick: async () => {
                await saves.flush();
                showHistory(app, v.id, `${t("history.visit")} — ${unit.name || ""}`);
              },
            },
            "⟲ ",
            t("history.short"),
          ),
        ),
        h("div", { class: "vh-progress", id: "visit-progress" }, h("span", { class: "muted small" }, t("progress.overall")), overallText, overallBar),
      ),
    );

    // Another day or team, or taking the visit off the plan (not once signed).
    const replan = replanPanel({
      app,
      data,
      onDone: (cancelled) =>
        cancelled ? app.navigate({ name: "campaign", id: data.campaign.id }, { replace: true }) : app.navigate({ name: "visit", id: v.id }, { replace: true, force: true }),
    });
    const lockedNotice = locked
      ? h(
          "div",
          { class: "locked-notice", id: "locked-notice", role: "note" },
          h("img", { class: "lock-icon", src: "assets/lock.svg", alt: "", width: "24", height: "24" }),
          h("div", null, h("strong", null, t("visit.locked")), h("p", { class: "small" }, t("visit.locked_text"))),
        )
      : null;

    const afterNotice = afterSigningNotice(app, data.after_signing || [], v.id, () =>
      app.navigate({ name: "visit", id: v.id }, { replace: true, force: true }),
    );

    if (minsDispose) minsDispose();
    const mins = minutes({
      app,
      data,
      locked,
      schedule,
      flushAll: saves.flush,
      setStatus: setVisitStatus,
      reload: () => app.navigate({ name: "visit", id: v.id }, { replace: true, force: true }),
    });

    minsDispose = mins.dispose;
    const counter = { topic: 0, item: 0 };
    const nav = topicNav(topics);
    const topicEls = topics.map((tp) => {
      const el = topicSection(tp, counter);
      counter.topic++;
      return el;
    });

    const root = h(
      "div",
      { class: ["screen", "visit", locked && "is-locked"], dataset: { visitId: v.id } },
      h(
        "div",
        { class: "visit-layout" },
        h(
          "aside",
          { class: "visit-side", "aria-label": t("visit.side_label") },
          h(
            "div",
            { class: "side-sticky card" },
            h("div", { class: "side-progress" }, h("span", { class: "side-progress-label" }, t("progress.overall")), sideText, sideBar),
            locked ? h("div", { class: "readonly-chip" }, t("visit.readonly_short")) : null,
            saveState,
            h("h2", { class: "side-title small-caps" }, t("visit.topics")),
            nav,
            extraNav(mins.nav),
            h("p", { class: "kbd-hint small muted" }, t("visit.keyboard")),
          ),
        ),
        h(
          "div",
          { class: "visit-main" },
          header,
          replan.host,
          leaveHost,
          lockedNotice,
          afterNotice,
          mins.opening,
          topics.length ? topicEls : h("div", { class: "state-panel empty-state compact" }, h("p", { class: "state-text" }, t("visit.no_criteria"))),
          mins.closing,
        ),
      ),
    );
    for (const code of entries.keys()) updateItemState(code);
    updateGlobalState();
    renderLeaveWarning();
    return root;
  }

  function afterRender() {
    if (!refs) return;
    for (const r of refs.items.values()) {
      for (const ta of r.root.querySelectorAll("textarea")) autosize(ta);
    }
  }

  return {
    load,
    render,
    afterRender,
    beforeLeave,
    flush: () => (saves.pending() ? saves.flush() : Promise.resolve(true)),
    dispose: () => {
      document.removeEventListener("keydown", onKey);
      if (minsDispose) minsDispose();
    },
    backRoute: () => (data ? { name: "campaign", id: data.visit.campaign_id } : null),
    breadcrumb: () => {
      const crumbs = [{ label: t("nav.campaigns"), route: { name: "campaigns" } }];
      if (data) {
        crumbs.push({ label: data.campaign ? data.campaign.name : t("nav.campaign"), route: { name: "campaign", id: data.visit.campaign_id } });
        crumbs.push({ label: data.unit ? data.unit.name : "" });
      } else crumbs.push({ label: t("loading") });
      return crumbs;
    },
  };
}
