// The criteria-set editor: topics and items, pass/fail or points, guidance, required marks.
// A set that visits already use is never changed underneath them: saving it makes a new
// version (the screen says so before and after). Opened from a campaign, only that campaign
// and its visits not rated yet follow the new version; other campaigns keep theirs. "New set
// from a copy" starts a set with its own code and name.
import { h, autosize } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { t } from "../i18n.js";

export function create(app, route) {
  let id = route.id;
  const campaign = route.campaign ?? null;
  let set = null;
  let copying = null; // {code, name, error} while the copy form is open
  let inUse = 0;
  let error = null;
  let info = null;
  let root = null;

  async function load() {
    const [stored, list] = await Promise.all([app.api.criteriaGet(id), app.api.criteriaList()]);
    set = JSON.parse(JSON.stringify(stored.body));
    const row = list.find((r) => r.id === id);
    inUse = row ? row.in_use : 0;
  }

  function rerender() {
    const y = window.scrollY;
    root.replaceWith(render());
    window.scrollTo(0, y);
  }

  function input(obj, key, attrs = {}) {
    const el = h("input", { type: "text", class: "text-input", value: obj[key] ?? "", ...attrs });
    el.addEventListener("input", () => (obj[key] = el.value));
    return el;
  }

  function itemRow(topic, item, i) {
    const scale = h("select", { class: "text-input ce-scale", "aria-label": t("ce.scale") }, h("option", { value: "pass_fail" }, t("ce.pass_fail")), h("option", { value: "points" }, t("ce.points")));
    scale.value = item.scale;
    const max = h("input", { type: "number", class: "text-input ce-max", min: "1", value: item.max_points ?? "", disabled: item.scale !== "points", "aria-label": t("ce.max_points") });
    scale.addEventListener("change", () => {
      item.scale = scale.value;
      if (item.scale === "points" && !item.max_points) item.max_points = 10;
      if (item.scale !== "points") item.max_points = null;
      rerender();
    });
    max.addEventListener("input", () => (item.max_points = max.value ? Number(max.value) : null));
    const req = h("input", { type: "checkbox", class: "ce-required", checked: !!item.required });
    req.addEventListener("change", () => (item.required = req.checked));
    const guidance = h("textarea", { class: "ce-guidance", rows: "1", placeholder: t("ce.guidance_ph"), "aria-label": t("ce.guidance") });
    guidance.value = item.guidance || "";
    guidance.addEventListener("input", () => ((item.guidance = guidance.value), autosize(guidance)));
    return h(
      "li",
      { class: "ce-item", dataset: { code: item.code } },
      h(
        "div",
        { class: "ce-item-main" },
        input(item, "code", { class: "text-input ce-code", "aria-label": t("ce.code") }),
        input(item, "title", { class: "text-input ce-title", placeholder: t("ce.item_title_ph"), "aria-label": t("ce.item_title") }),
        scale,
        max,
        h("label", { class: "check" }, req, " ", t("ce.required")),
        h("button", { type: "button", class: "btn btn-small btn-ghost", title: t("ce.remove_item"), onClick: () => (topic.items.splice(i, 1), rerender()) }, "✕"),
      ),
      guidance,
    );
  }

  function topicBlock(topic, ti) {
    return h(
      "section",
      { class: "card ce-topic", dataset: { topic: topic.code } },
      h(
        "header",
        { class: "ce-topic-head" },
        input(topic, "code", { class: "text-input ce-code", "aria-label": t("ce.code") }),
        input(topic, "title", { class: "text-input ce-topic-title", placeholder: t("ce.topic_title_ph"), "aria-label": t("ce.topic_title") }),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small btn-ghost ce-remove-topic",
            onClick: () => {
              // A whole topic and its items go at once: asked first.
              if (!window.confirm(t("ce.remove_topic_confirm", { code: topic.code, title: topic.title, n: topic.items.length }))) return;
              set.topics.splice(ti, 1);
              rerender();
            },
          },
          t("ce.remove_topic"),
        ),
      ),
      h("ol", { class: "ce-items" }, topic.items.map((it, i) => itemRow(topic, it, i))),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small ce-add-item",
          onClick: () => {
            topic.items.push({ code: `${topic.code}.${topic.items.length + 1}`, title: "", scale: "pass_fail", max_points: null, guidance: "", required: false });
            rerender();
          },
        },
        "+ ",
        t("ce.add_item"),
      ),
    );
  }

  async function save() {
    error = null;
    info = null;
    try {
      const res = await app.api.criteriaSave(id, set, campaign);
      info = res.new_version ? t("ce.saved_new", { v: res.version, m: res.visits_moved, c: res.campaigns_moved.length }) : t("ce.saved");
      if (res.id !== id) show(res.id);
      await load();
    } catch (err) {
      error = toError(err).message;
    }
    rerender();
  }

  function show(newId) {
    id = newId;
    // The same hash app.js's routeHash makes for this route.
    const tail = campaign ? `/${encodeURIComponent(campaign)}` : "";
    history.replaceState(null, "", `#/criteria/${encodeURIComponent(id)}${tail}`);
  }

  async function copy(ev) {
    ev.preventDefault();
    if (!copying) return;
    copying.error = null;
    try {
      const res = await app.api.criteriaCopy(id, copying.code, copying.name, campaign);
      info = t("ce.copied", { code: copying.code.trim(), m: res.visits_moved, c: res.campaigns_moved.length });
      error = null;
      copying = null;
      show(res.id);
      await load();
    } catch (err) {
      copying.error = toError(err).message;
    }
    rerender();
  }

  function copyForm() {
    const code = h("input", { type: "text", class: "text-input short", id: "ce-copy-code", value: copying.code, required: true, maxlength: "40", placeholder: t("ce.copy_code_ph") });
    code.setAttribute("aria-label", t("ce.code"));
    code.addEventListener("input", () => (copying.code = code.value));
    const name = h("input", { type: "text", class: "text-input", id: "ce-copy-name", value: copying.name, required: true, maxlength: "300", placeholder: t("ce.copy_name_ph") });
    name.setAttribute("aria-label", t("ce.name"));
    name.addEventListener("input", () => (copying.name = name.value));
    return h(
      "form",
      { class: "card form-card ce-copy-form", id: "ce-copy-form", onSubmit: copy },
      h("p", { class: "muted small" }, campaign ? t("ce.copy_hint_campaign") : t("ce.copy_hint")),
      h("div", { class: "form-row" }, code, name),
      copying.error ? h("p", { class: "form-error", role: "alert", id: "ce-copy-error" }, copying.error) : null,
      h(
        "div",
        { class: "state-actions" },
        h("button", { type: "submit", class: "btn btn-primary btn-small", id: "ce-copy-save" }, t("ce.copy_save")),
        h("button", { type: "button", class: "btn btn-small", onClick: () => ((copying = null), rerender()) }, t("action.cancel")),
      ),
    );
  }

  function render() {
    root = h(
      "div",
      { class: "screen criteria-editor" },
      h(
        "header",
        { class: "page-head" },
        h("div", null, h("h1", { class: "page-title" }, t("ce.title")), h("p", { class: "muted" }, `${set.name} — ${t("criteria.version", { v: set.version })}`)),
        h(
          "div",
          { class: "ce-actions" },
          h("button", { type: "button", class: "btn", id: "ce-copy", disabled: !!copying, onClick: () => ((copying = { code: "", name: "", error: null }), rerender()) }, t("ce.copy")),
          h("button", { type: "button", class: "btn btn-primary", id: "ce-save", onClick: save }, t("ce.save")),
        ),
      ),
      copying ? copyForm() : null,
      inUse ? h("p", { class: "note-warn", id: "ce-in-use" }, t("ce.in_use", { n: inUse, v: set.version + 1 }), " ", campaign ? t("ce.in_use_campaign") : t("ce.in_use_nowhere")) : null,
      info ? h("p", { class: "import-done", role: "status", id: "ce-info" }, info) : null,
      error ? h("p", { class: "form-error", role: "alert", id: "ce-error" }, error) : null,
      h("div", { class: "card form-card" }, h("div", { class: "form-row" }, h("div", { class: "form-field" }, h("label", { class: "field-label" }, t("ce.name")), input(set, "name", { id: "ce-name" })), h("div", { class: "form-field" }, h("label", { class: "field-label" }, t("ce.code")), input(set, "code", { id: "ce-set-code", class: "text-input short" })))),
      set.topics.map(topicBlock),
      h(
        "button",
        {
          type: "button",
          class: "btn",
          id: "ce-add-topic",
          onClick: () => {
            set.topics.push({ code: String(set.topics.length + 1), title: "", items: [] });
            rerender();
          },
        },
        "+ ",
        t("ce.add_topic"),
      ),
    );
    return root;
  }

  return {
    load,
    render,
    afterRender: () => document.querySelectorAll(".ce-guidance").forEach(autosize),
    backRoute: () => (campaign ? { name: "campaign", id: campaign } : { name: "campaigns" }),
    breadcrumb: () => [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: t("ce.title") }],
  };
}
