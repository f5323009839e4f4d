// The secretariat's own words in the campaign's results report: its overall assessment,
// strengths and shortcomings, their causes and its proposals. Blank ones leave the report
// to what the visits recorded; a suggestion from the signed visits fills only blank fields.
import { h } from "../lib/dom.js";
import { lengthCounter, TEXT_MAX } from "../lib/fields.js";
import { toError } from "../lib/errors.js";
import { t } from "../i18n.js";

export const TEXT_FIELDS = ["assessment", "strengths", "shortcomings", "causes_objective", "causes_subjective", "proposals"];

/** The panel for campaign `id`, starting from `texts`; `onSaved()` after a save. */
export function reportTextsPanel(app, id, texts, onSaved) {
  const value = Object.fromEntries(TEXT_FIELDS.map((k) => [k, (texts && texts[k]) || ""]));
  const areas = {};
  const note = h("p", { class: "muted small", id: "rt-note", role: "status" });
  const error = h("p", { class: "form-error", id: "rt-error", role: "alert", hidden: true });
  const fields = TEXT_FIELDS.map((k) => {
    const area = h("textarea", { id: `rt-${k}`, rows: k === "assessment" ? "3" : "4", placeholder: t(`rt.${k}_ph`) });
    area.value = value[k];
    area.addEventListener("input", () => (value[k] = area.value));
    areas[k] = area;
    return h("div", { class: "form-field" }, h("label", { class: "field-label", for: `rt-${k}` }, t(`rt.${k}`)), area, lengthCounter(area, TEXT_MAX));
  });
  const save = h("button", { type: "submit", class: "btn btn-primary", id: "rt-save" }, t("rt.save"));
  const suggest = h("button", { type: "button", class: "btn", id: "rt-suggest" }, t("rt.suggest"));

  function fail(err) {
    error.textContent = toError(err).message;
    error.hidden = false;
  }

  suggest.addEventListener("click", async () => {
    error.hidden = true;
    suggest.disabled = true;
    try {
      const s = await app.api.reportTextsSuggest(id);
      let filled = 0;
      for (const k of TEXT_FIELDS) {
        if (!value[k].trim() && (s[k] || "").trim()) {
          value[k] = s[k];
          areas[k].value = s[k];
          filled++;
        }
      }
      note.textContent = filled ? t("rt.suggested", { n: filled }) : t("rt.nothing_to_suggest");
    } catch (err) {
      fail(err);
    } finally {
      suggest.disabled = false;
    }
  });

  async function submit(ev) {
    ev.preventDefault();
    error.hidden = true;
    save.disabled = true;
    try {
      await app.api.campaignUpdate(id, { texts: { ...value } });
      app.notify(t("rt.saved"), "ok");
      await onSaved();
    } catch (err) {
      fail(err);
      save.disabled = false;
    }
  }

  return h(
    "form",
    { class: "card form-card report-texts", id: "report-texts", onSubmit: submit },
    h("h2", { class: "section-title" }, t("rt.title")),
    h("p", { class: "muted small" }, t("rt.text")),
    h("div", { class: "report-texts-grid" }, fields),
    note,
    error,
    h("div", { class: "state-actions" }, save, suggest),
  );
}
