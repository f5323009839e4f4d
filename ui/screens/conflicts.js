// Conflicts: records that two computers changed before syncing. Every version side by side,
// with the value before the edits (their common ancestor's) where there is one; keep one
// version, or pick the value of each differing field and merge. A text field can also be
// combined or rewritten by hand in a box under its row, and that text is what is saved.
import { h } from "../lib/dom.js";
import { formatDate, formatDateTime, formatNumber } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { t, tEnum } from "../i18n.js";

const ENUM_FIELDS = { rating: "rating", authority: "authority", raised_by: "raised_by", role: "role", overall_result: "result" };
const DATE_FIELD = /(^|_)date$|^valid_(from|to)$/;
// Fields in the order a person reads the record (Rust sends them sorted by name); others follow.
const FIELD_ORDER = [
  "name", "full_name", "short_name", "title", "code", "year", "theme", "date", "start_date", "end_date",
  "rating", "points", "note", "explanation",
  "text", "raised_by", "authority", "status", "due_date",
  "report_summary", "difficulties", "strengths", "shortcomings", "assessment", "overall_result",
];

function orderedFields(fields) {
  const rank = (f) => {
    const i = FIELD_ORDER.indexOf(f.field);
    return i < 0 ? FIELD_ORDER.length : i;
  };
  return [...fields].sort((a, b) => rank(a) - rank(b));
}

function sameValue(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function isEmpty(v) {
  return v === null || v === undefined || v === "";
}

/** Label of a body field: "field.<kind>.<field>", then "field.<field>", else the raw key. */
export function fieldLabel(kind, field) {
  for (const key of [`field.${kind}.${field}`, `field.${field}`]) {
    const text = t(key);
    if (text !== key) return text;
  }
  return field;
}

/** A field value as a person reads it (always plain text). */
export function formatValue(kind, field, value) {
  if (isEmpty(value)) return "—";
  if (field === "status") return tEnum(kind === "recommendation" ? "rec_status" : "status", value);
  if (ENUM_FIELDS[field] && typeof value === "string") return tEnum(ENUM_FIELDS[field], value);
  if (typeof value === "string" && DATE_FIELD.test(field)) return formatDate(value);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return t(value ? "value.yes" : "value.no");
  if (typeof value === "object") return JSON.stringify(value, null, 2);
  return String(value);
}

/** Where the record can be seen, when that is a working session. */
function visitOf(c) {
  const winner = (c.versions || []).find((v) => v.is_winner) || (c.versions || [])[0];
  const body = winner && winner.body;
  if (c.kind === "visit") return c.id;
  if ((c.kind === "finding" || c.kind === "recommendation") && body && body.visit_id) return body.visit_id;
  return null;
}

/** Rows enough for the text in a box (a joined text is long), within reason. */
function fitRows(box) {
  const lines = String(box.value).split("\n").reduce((n, l) => n + 1 + Math.floor(l.length / 80), 0);
  box.rows = Math.min(Math.max(lines, 3), 12);
}

/** The versions' different texts, in order, blank ones left out: a start for a merged text. */
function joinTexts(values) {
  const seen = [];
  for (const v of values) {
    const s = typeof v === "string" ? v.trim() : "";
    if (s && !seen.includes(s)) seen.push(s);
  }
  return seen.join("\n\n");
}

export function create(app) {
  let list = [];
  /** id → {field → version index} chosen by the person */
  const picks = new Map();
  /** id → {field → text} of the text fields' boxes, as the person left them */
  const drafts = new Map();
  const busy = new Set();
  const errors = new Map();
  let root = null;
  let countEl = null;

  async function load() {
    list = await app.api.conflictsList();
    app.setConflictCount(list.length);
  }

  function winnerIndex(c) {
    const i = (c.versions || []).findIndex((v) => v.is_winner);
    return i >= 0 ? i : 0;
  }

  function picksFor(c) {
    let p = picks.get(c.id);
    if (!p) {
      p = {};
      for (const f of c.fields || []) p[f.field] = winnerIndex(c);
      picks.set(c.id, p);
    }
    return p;
  }

  async function resolve(c, input, card) {
    if (busy.has(c.id)) return;
    busy.add(c.id);
    errors.delete(c.id);
    setBusy(card, true);
    try {
      await app.api.conflictResolve(input);
    } catch (err) {
      busy.delete(c.id);
      errors.set(c.id, toError(err).message);
      const next = conflictCard(c);
      card.replaceWith(next);
      const errEl = next.querySelector(".conflict-error");
      if (errEl) errEl.focus({ preventScroll: false });
      return;
    }
    busy.delete(c.id);
    picks.delete(c.id);
    drafts.delete(c.id);
    const index = list.findIndex((x) => x.id === c.id);
    list = list.filter((x) => x.id !== c.id);
    app.setConflictCount(list.length);
    app.notify(t("conflicts.resolved"), "ok");
    if (!list.length) {
      const old = root;
      if (old && old.isConnected) {
        const next = render(); // sets root
        old.replaceWith(next);
        const title = next.querySelector(".state-title");
        if (title) title.focus({ preventScroll: true });
      }
      return;
    }
    // Focus moves to the card that takes its place, so the keyboard stays in the list.
    const following = card.nextElementSibling || card.previousElementSibling;
    card.remove();
    if (countEl) countEl.textContent = t("conflicts.count", { n: list.length });
    if (following) following.focus({ preventScroll: index < 0 });
  }

  function setBusy(card, on) {
    card.setAttribute("aria-busy", String(on));
    card.classList.toggle("is-busy", on);
    for (const el of card.querySelectorAll("button, input, textarea")) el.disabled = on;
  }

  function versionHead(c, v) {
    const self = app.state && app.state.device && v.device_id === app.state.device.id;
    return h(
      "th",
      { scope: "col", class: ["cv-head", v.is_winner && "is-winner"], dataset: { rev: v.rev } },
      h(
        "div",
        { class: "cv-device" },
        h("span", { class: "cv-device-name" }, v.person ? `${v.person} — ${v.device_name || v.device_id}` : v.device_name || v.device_id || "—"),
        self ? h("span", { class: "cv-self" }, t("devices.self")) : null,
      ),
      h("div", { class: "cv-meta" }, h("span", { class: "cv-time" }, formatDateTime(v.hlc)), v.is_winner ? h("span", { class: "winner-tag", title: t("conflicts.shown_title") }, t("conflicts.shown")) : null),
    );
  }

  function draftsFor(c) {
    let d = drafts.get(c.id);
    if (!d) {
      d = {};
      const p = picksFor(c);
      for (const f of c.fields || []) if (f.text) d[f.field] = (f.values || [])[p[f.field]] ?? "";
      drafts.set(c.id, d);
    }
    return d;
  }

  /** The box under a text field's row: the picked version's text, to edit or combine. */
  function mergeRow(c, f, d, span) {
    const id = `merged-${c.id}-${f.field}`;
    const box = h("textarea", { class: "text-input cf-merged", id, rows: "3", maxlength: "20000" });
    box.value = d[f.field] ?? "";
    fitRows(box);
    box.addEventListener("input", () => {
      d[f.field] = box.value;
      fitRows(box);
    });
    const join = h(
      "button",
      {
        type: "button",
        class: "btn btn-small cf-join",
        onClick: () => {
          box.value = d[f.field] = joinTexts(f.values || []);
          fitRows(box);
          box.focus();
        },
      },
      t("conflicts.join"),
    );
    return h(
      "tr",
      { class: "cf-merge-row", dataset: { field: f.field } },
      h("th", { scope: "row", class: "cf-field cf-merge-label" }, h("label", { for: id }, t("conflicts.merged_text"))),
      h("td", { colspan: String(span), class: "cf-merge" }, box, h("div", { class: "cf-merge-tools" }, join, h("span", { class: "muted small" }, t("conflicts.merged_hint")))),
    );
  }

  function fieldRow(c, f, p) {
    const name = `pick-${c.id}-${f.field}`;
    const cells = [];
    const winnerValue = (f.values || [])[winnerIndex(c)];
    if (c.ancestor) {
      const before = formatValue(c.kind, f.field, f.ancestor);
      cells.push(h("td", { class: "cf-ancestor" }, h("span", { class: ["cf-before", isEmpty(f.ancestor) && "empty"] }, before)));
    }
    (c.versions || []).forEach((v, i) => {
      const value = (f.values || [])[i];
      const same = !v.is_winner && sameValue(value, winnerValue);
      const text = formatValue(c.kind, f.field, value);
      const input = h("input", { type: "radio", name, value: String(i), class: "pick-input", checked: p[f.field] === i });
      const cell = h(
        "td",
        { class: ["cf-cell", p[f.field] === i && "picked", v.is_winner && "is-winner", same && "same"], dataset: { version: i } },
        h(
          "label",
          { class: "pick" },
          input,
          h("span", { class: ["cf-value", isEmpty(value) && "empty", value !== null && typeof value === "object" && "json"] }, text),
        ),
      );
      input.addEventListener("change", () => {
        if (!input.checked) return;
        p[f.field] = i;
        for (const td of cell.parentElement.querySelectorAll(".cf-cell")) td.classList.toggle("picked", td === cell);
        // Picking a version starts the text box again from that version's text.
        const box = f.text && cell.closest("tbody").querySelector(`tr.cf-merge-row[data-field="${CSS.escape(f.field)}"] .cf-merged`);
        if (box) {
          box.value = draftsFor(c)[f.field] = value ?? "";
          fitRows(box);
        }
      });
      input.setAttribute("aria-label", `${fieldLabel(c.kind, f.field)} — ${v.device_name || v.device_id}: ${text}`);
      cells.push(cell);
    });
    return h("tr", { class: "cf-row", dataset: { field: f.field } }, h("th", { scope: "row", class: "cf-field" }, fieldLabel(c.kind, f.field)), cells);
  }

  function conflictCard(c) {
    const versions = c.versions || [];
    const fields = orderedFields(c.fields || []);
    const p = picksFor(c);
    const d = draftsFor(c);
    const visitId = visitOf(c);
    const error = errors.get(c.id);
    let card = null;

    const table = h(
      "table",
      { class: ["conflict-table", `versions-${Math.min(versions.length, 4)}`] },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col", class: "cf-field-head" }, t("conflicts.field")),
          c.ancestor ? h("th", { scope: "col", class: "cv-head cv-ancestor", title: t("conflicts.before_title") }, h("div", { class: "cv-device" }, h("span", { class: "cv-device-name" }, t("conflicts.before")))) : null,
          versions.map((v) => versionHead(c, v)),
        ),
      ),
      h(
        "tbody",
        null,
        fields.map((f) => [fieldRow(c, f, p), f.text ? mergeRow(c, f, d, versions.length + (c.ancestor ? 1 : 0)) : null]),
      ),
      h(
        "tfoot",
        null,
        h(
          "tr",
          null,
          h("td", { class: "cf-field" }),
          c.ancestor ? h("td", { class: "cf-keep" }) : null,
          versions.map((v) =>
            h(
              "td",
              { class: "cf-keep" },
              h(
                "button",
                {
                  type: "button",
                  class: "btn btn-small keep-version",
                  dataset: { rev: v.rev },
                  title: t("conflicts.keep_title", { device: v.device_name || v.device_id }),
                  onClick: () => resolve(c, { id: c.id, keep: v.rev }, card),
                },
                t("conflicts.keep"),
              ),
            ),
          ),
        ),
      ),
    );

    card = h(
      "article",
      { class: ["conflict", "card"], dataset: { id: c.id, kind: c.kind }, tabindex: "-1", "aria-labelledby": `conflict-${c.id}-label` },
      h(
        "header",
        { class: "conflict-head" },
        h(
          "div",
          { class: "conflict-titles" },
          h("span", { class: "kind-tag", dataset: { kind: c.kind } }, tEnum("kind", c.kind)),
          h("h2", { class: "conflict-label", id: `conflict-${c.id}-label` }, c.label || c.id),
          c.while_signing ? h("p", { class: "conflict-signing", role: "note" }, h("span", { class: "badge badge-refused" }, t("conflicts.while_signing")), " ", t("conflicts.while_signing_text")) : null,
          h("p", { class: "conflict-meta" }, `${t("conflicts.meta_versions", { n: versions.length })} · ${t("conflicts.meta_fields", { n: fields.length })}`),
        ),
        visitId !== null
          ? h(
              "a",
              {
                class: "conflict-open",
                href: `#/visit/${encodeURIComponent(String(visitId))}`,
                onClick: (ev) => {
                  ev.preventDefault();
                  app.navigate({ name: "visit", id: String(visitId) });
                },
              },
              t("conflicts.open_visit"),
              h("span", { "aria-hidden": "true" }, " ›"),
            )
          : null,
      ),
      h("div", { class: "table-wrap" }, table),
      h(
        "footer",
        { class: "conflict-foot" },
        error ? h("p", { class: "form-error conflict-error", role: "alert", tabindex: "-1" }, error) : h("p", { class: "conflict-hint" }, fields.length ? t("conflicts.hint") : t("conflicts.hint_keep")),
        fields.length
          ? h(
              "button",
              {
                type: "button",
                class: "btn btn-primary merge-selected",
                onClick: () => {
                  const chosen = {};
                  for (const f of fields) chosen[f.field] = f.text ? (d[f.field] ?? "") : ((f.values || [])[p[f.field] ?? winnerIndex(c)] ?? null);
                  resolve(c, { id: c.id, fields: chosen }, card);
                },
              },
              t("conflicts.merge"),
            )
          : null,
      ),
    );
    if (busy.has(c.id)) setBusy(card, true);
    return card;
  }

  function render() {
    countEl = list.length ? h("span", { class: "page-count", id: "conflicts-count" }, t("conflicts.count", { n: list.length })) : null;
    let body;
    if (!list.length) {
      body = h(
        "div",
        { class: "state-panel empty-state", id: "conflicts-empty" },
        h("div", { class: "empty-illustration ok", "aria-hidden": "true" }, "✓"),
        h("h2", { class: "state-title", tabindex: "-1" }, t("conflicts.empty_title")),
        h("p", { class: "state-text" }, t("conflicts.empty_text")),
        h("div", { class: "state-actions" }, h("button", { type: "button", class: "btn", onClick: () => app.navigate({ name: "sync" }) }, t("conflicts.back_sync"))),
      );
    } else {
      body = h("div", { class: "conflict-list" }, list.map(conflictCard));
    }
    root = h(
      "section",
      { id: "conflicts", class: "screen conflicts" },
      h("div", { class: "page-head" }, h("div", null, h("h1", { class: "page-title" }, t("conflicts.title")), h("p", { class: "page-sub" }, t("conflicts.subtitle"))), countEl),
      body,
    );
    return root;
  }

  return {
    load,
    render,
    backRoute: () => ({ name: "sync" }),
    breadcrumb: () => [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: t("nav.sync"), route: { name: "sync" } }, { label: t("nav.conflicts") }],
  };
}
