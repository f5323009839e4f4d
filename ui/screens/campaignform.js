// Create or edit a campaign: name, year, theme, dates, decision, issuing body, place, and
// the criteria-set version new visits start with.
import { h } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { dateInput } from "../lib/widgets.js";
import { fieldError, clearFieldErrors, lengthCounter, tooLong, NAME_MAX } from "../lib/fields.js";
import { t } from "../i18n.js";

export function create(app, route) {
  const editing = route.name === "campaign-edit";
  let body = { name: "", year: new Date().getFullYear(), theme: "", start_date: null, end_date: null, decision_number: "", issuing_body: "", place: "", criteria_set_id: null };
  let sets = [];
  let error = null;
  let busy = false;
  let root = null;

  async function load() {
    sets = await app.api.criteriaList();
    if (editing) body = { ...(await app.api.campaignGet(route.id)).body };
    else if (sets.length) body.criteria_set_id = sets[0].id;
  }

  function field(id, label, control, hint) {
    return h("div", { class: "form-field" }, h("label", { class: "field-label", for: id }, label), control, hint ? h("p", { class: "muted small" }, hint) : null);
  }

  /** A text field and, once it nears the store's limit, its counter. */
  function text(id, key, attrs = {}) {
    const input = h("input", { type: "text", id, class: "text-input", value: body[key] ?? "", ...attrs });
    input.addEventListener("input", () => (body[key] = input.value));
    return [input, lengthCounter(input, NAME_MAX)];
  }

  // The years the store takes (kiemtra-domain's CAMPAIGN_YEARS).
  const YEARS = [1950, 2100];

  /** Every mistake the form can see for itself, each under its field; the first one focused. */
  function checkFields(form) {
    clearFieldErrors(form);
    const el = (id) => form.querySelector(`#${id}`);
    const bad = [];
    const say = (input, message) => {
      fieldError(input, message);
      bad.push(input);
    };
    const name = el("cf-name");
    if (!name.value.trim()) say(name, t("cform.name_needed"));
    else if (tooLong(name, NAME_MAX)) bad.push(name);
    for (const id of ["cf-theme", "cf-decision", "cf-issuer", "cf-place"]) if (tooLong(el(id), NAME_MAX)) bad.push(el(id));
    const yearText = String(body.year ?? "").trim();
    const year = Number(yearText);
    const yearOk = /^\d{4}$/.test(yearText) && year >= YEARS[0] && year <= YEARS[1];
    if (!yearOk) say(el("cf-year"), t("cform.year_range", { min: YEARS[0], max: YEARS[1] }));
    const start = el("cf-start");
    const end = el("cf-end");
    // An impossible date keeps the error it already shows.
    for (const d of [start, end]) if (d.dateInvalid) say(d, t("date.invalid_typed", { text: d.value.trim() }));
    if (yearOk && !start.dateInvalid && body.start_date && Number(body.start_date.slice(0, 4)) !== year) say(start, t("cform.date_year", { year }));
    if (yearOk && !end.dateInvalid && body.end_date) {
      const y = Number(body.end_date.slice(0, 4));
      if (y !== year && !(y === year + 1 && body.start_date)) say(end, t("cform.date_year", { year }));
      else if (body.start_date && body.end_date < body.start_date) say(end, t("cform.end_before_start"));
    }
    if (bad.length) bad[0].focus();
    return !bad.length;
  }

  // The documents' headers, numbers and signers (edited once the campaign exists).
  const REPORT_FIELDS = ["parent_body", "issuer", "place", "report_number", "minutes_number", "signer_title", "signer_position", "signer_name"];

  function reportSettings() {
    const r = body.report || {};
    const inputs = REPORT_FIELDS.map((k) => {
      const el = h("input", { type: "text", id: `rs-${k}`, class: "text-input", value: r[k] || "", placeholder: t(`rs.${k}_ph`) });
      el.addEventListener("input", () => {
        body.report = { ...(body.report || {}), [k]: el.value };
      });
      return field(`rs-${k}`, t(`rs.${k}`), el);
    });
    const rec = h("textarea", { id: "rs-recipients", rows: "4", placeholder: t("rs.recipients_ph") });
    rec.value = (r.recipients || []).join("\n");
    rec.addEventListener("input", () => {
      body.report = { ...(body.report || {}), recipients: rec.value.split("\n").map((x) => x.trim()).filter(Boolean) };
    });
    const [parent, issuer, place, reportNo, minutesNo, title, position, name] = inputs;
    // What the report counts and the date it carries (defaults left out of the body).
    const patch = (k, v) => {
      const next = { ...(body.report || {}), [k]: v };
      if (v === null || v === false || v === "signed") delete next[k];
      body.report = next;
    };
    const basis = h("select", { id: "rs-basis", class: "text-input" }, ["signed", "completed"].map((b) => h("option", { value: b }, t(`rs.basis_${b}`))));
    basis.value = r.basis || "signed";
    basis.addEventListener("change", () => patch("basis", basis.value));
    const date = dateInput(r.report_date || null, { id: "rs-report-date", class: "text-input short" }, (d) => patch("report_date", d));
    const blank = h("input", { type: "checkbox", id: "rs-blank-date", checked: !!r.blank_date });
    blank.addEventListener("change", () => {
      patch("blank_date", blank.checked);
      date.disabled = blank.checked;
    });
    date.disabled = blank.checked;
    return h(
      "fieldset",
      { class: "form-fieldset", id: "report-settings" },
      h("legend", null, t("rs.title")),
      h("p", { class: "muted small" }, t("rs.text")),
      h("div", { class: "form-row" }, parent, issuer, place),
      h("div", { class: "form-row" }, reportNo, minutesNo),
      h("div", { class: "form-row" }, title, position, name),
      field("rs-recipients", t("rs.recipients"), rec),
      h(
        "div",
        { class: "form-row" },
        field("rs-basis", t("rs.basis"), basis, t("rs.basis_hint")),
        field("rs-report-date", t("rs.report_date"), date, t("rs.report_date_hint")),
      ),
      h("label", { class: "check-line" }, blank, t("rs.blank_date")),
    );
  }

  async function save(ev) {
    ev.preventDefault();
    // An old refusal goes as soon as the person tries again.
    root.querySelector("#cf-error")?.remove();
    error = null;
    if (!checkFields(ev.currentTarget)) return;
    busy = true;
    try {
      const input = { ...body, year: Number(body.year) };
      if (!editing) delete input.report;
      const res = editing ? await app.api.campaignUpdate(route.id, input) : await app.api.campaignCreate(input);
      app.notify(t(editing ? "cform.saved" : "cform.created"), "ok");
      await app.navigate({ name: "campaign", id: res.id }, { replace: true });
      return;
    } catch (err) {
      error = toError(err).message;
    }
    busy = false;
    root.replaceWith(render());
  }

  function render() {
    const year = h("input", { type: "text", inputmode: "numeric", id: "cf-year", class: "text-input short", maxlength: "4", value: String(body.year ?? "") });
    year.addEventListener("input", () => (body.year = year.value));
    const start = dateInput(body.start_date, { id: "cf-start", class: "text-input short" }, (d) => (body.start_date = d));
    const end = dateInput(body.end_date, { id: "cf-end", class: "text-input short" }, (d) => (body.end_date = d));
    // With no set yet, the first campaign gets the standard one (made by Rust on create).
    const setOptions = sets.length
      ? sets.map((c) => h("option", { value: c.id }, `${c.name} — ${t("criteria.version", { v: c.version })} (${t("criteria.items", { n: c.items })})`))
      : [h("option", { value: "" }, t("cform.standard_set"))];
    const setSel = h("select", { id: "cf-criteria", class: "text-input" }, setOptions);
    setSel.value = body.criteria_set_id || "";
    setSel.addEventListener("change", () => (body.criteria_set_id = setSel.value || null));
    root = h(
      "div",
      { class: "screen form-screen" },
      h("h1", { class: "page-title" }, editing ? t("cform.edit_title") : t("cform.new_title")),
      h(
        "form",
        // The form checks itself and says what is wrong in words (the browser's own check
        // would only move the focus).
        { class: "card form-card", id: "campaign-form", novalidate: true, onSubmit: save },
        field("cf-name", t("cform.name"), text("cf-name", "name", { required: true, "aria-required": "true", placeholder: t("cform.name_ph") })),
        h("div", { class: "form-row" }, field("cf-year", t("field.year"), year), field("cf-start", t("field.start_date"), start), field("cf-end", t("field.end_date"), end)),
        field("cf-theme", t("field.theme"), text("cf-theme", "theme", { placeholder: t("cform.theme_ph") })),
        h("div", { class: "form-row" }, field("cf-decision", t("field.decision_number"), text("cf-decision", "decision_number", { placeholder: "123-QĐ/TĐTN-BTC" })), field("cf-issuer", t("field.issuing_body"), text("cf-issuer", "issuing_body", { placeholder: t("cform.issuer_ph") }))),
        field("cf-place", t("field.place"), text("cf-place", "place", { placeholder: t("cform.place_ph") })),
        field("cf-criteria", t("field.criteria_set_id"), setSel, t("cform.criteria_hint")),
        editing ? reportSettings() : null,
        error ? h("p", { class: "form-error", role: "alert", id: "cf-error" }, error) : null,
        h(
          "div",
          { class: "state-actions" },
          h("button", { type: "submit", class: "btn btn-primary", id: "cf-save", disabled: busy }, editing ? t("cform.save") : t("cform.create")),
          h("button", { type: "button", class: "btn", onClick: () => app.navigate(editing ? { name: "campaign", id: route.id } : { name: "campaigns" }) }, t("action.cancel")),
        ),
      ),
    );
    return root;
  }

  return {
    load,
    render,
    backRoute: () => (editing ? { name: "campaign", id: route.id } : { name: "campaigns" }),
    breadcrumb: () => [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: editing ? t("cform.edit_title") : t("cform.new_title") }],
  };
}
