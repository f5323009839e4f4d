// The criteria-set editor: topics and items, pass/fail or points, guidance, required marks.
// A set that visits already use is never changed underneath them: saving it makes a new
// version (the screen says so before and after).
import { h, autosize } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { t } from "../i18n.js";

export function create(app, route) {
  let id = route.id;
  let set = null;
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
        h("button", { type: "button", class: "btn btn-small btn-ghost", onClick: () => (set.topics.splice(ti, 1), rerender()) }, t("ce.remove_topic")),
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
      const res = await app.api.criteriaSave(id, set);
      info = res.new_version ? t("ce.saved_new", { v: res.version, n: inUse }) : t("ce.saved");
      if (res.id !== id) {
        id = res.id;
        history.replaceState(null, "", `#/criteria/${encodeURIComponent(id)}`);
      }
      await load();
    } catch (err) {
      error = toError(err).message;
    }
    rerender();
  }

  function render() {
    root = h(
      "div",
      { class: "screen criteria-editor" },
      h(
        "header",
        { class: "page-head" },
        h("div", null, h("h1", { class: "page-title" }, t("ce.title")), h("p", { class: "muted" }, `${set.name} — ${t("criteria.version", { v: set.version })}`)),
        h("button", { type: "button", class: "btn btn-primary", id: "ce-save", onClick: save }, t("ce.save")),
      ),
      inUse ? h("p", { class: "note-warn", id: "ce-in-use" }, t("ce.in_use", { n: inUse, v: set.version + 1 })) : null,
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
    backRoute: () => ({ name: "campaigns" }),
    breadcrumb: () => [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: t("ce.title") }],
  };
}
