// First run: explain the app, offer demo data or an empty start.
import { h } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { t } from "../i18n.js";

export function create(app) {
  let busy = null; // "demo" | "empty" | null
  let error = null;
  let root = null;

  function rerender() {
    if (root && root.isConnected) root.replaceWith(render());
  }

  async function run(kind) {
    if (busy) return;
    busy = kind;
    error = null;
    rerender();
    try {
      if (kind === "demo") {
        const res = await app.api.loadDemo();
        if (app.state) {
          app.state.onboarded = true;
          app.state.campaign_count = Math.max(1, app.state.campaign_count || 0);
        }
        busy = null;
        await app.navigate({ name: "campaign", id: res.campaign_id });
      } else {
        await app.api.startEmpty();
        if (app.state) app.state.onboarded = true;
        busy = null;
        // A team laptop usually starts from the secretariat's campaign bundle.
        await app.navigate(kind === "import" ? { name: "sync" } : { name: "campaigns" });
      }
    } catch (err) {
      busy = null;
      error = toError(err).message;
      rerender();
    }
  }

  function choice(id, kind, icon, title, text, primary) {
    const isBusy = busy === kind;
    return h(
      "button",
      { id, type: "button", class: ["choice", primary && "choice-primary", isBusy && "is-busy"], disabled: !!busy, "aria-busy": isBusy ? "true" : null, onClick: () => run(kind) },
      h("span", { class: "choice-icon", "aria-hidden": "true" }, icon),
      h("span", { class: "choice-body" }, h("span", { class: "choice-title" }, isBusy ? t("welcome.working") : title), h("span", { class: "choice-text" }, text)),
    );
  }

  function render() {
    const st = app.state || {};
    root = h(
      "div",
      { class: "screen welcome" },
      h(
        "section",
        { class: "welcome-card" },
        h("img", { class: "welcome-logo", src: "assets/logo.svg", alt: "", width: "64", height: "64" }),
        h("h1", { class: "welcome-title" }, t("welcome.title")),
        h("p", { class: "welcome-lead" }, t("welcome.lead")),
        h(
          "ul",
          { class: "welcome-points" },
          h("li", null, t("welcome.point_offline")),
          h("li", null, t("welcome.point_checklist")),
          h("li", null, t("welcome.point_autosave")),
        ),
        h(
          "div",
          { class: "choices" },
          choice("btn-demo", "demo", "★", t("welcome.demo"), t("welcome.demo_text"), true),
          choice("btn-import", "import", "↓", t("welcome.import"), t("welcome.import_text"), false),
          choice("btn-empty", "empty", "+", t("welcome.empty"), t("welcome.empty_text"), false),
        ),
        error ? h("p", { class: "form-error", role: "alert" }, error) : null,
        h(
          "p",
          { class: "welcome-foot" },
          st.device ? t("welcome.device", { name: st.device.name }) : null,
          st.version ? h("span", { class: "sep" }, " · ") : null,
          st.version ? t("app.version", { version: st.version }) : null,
        ),
      ),
    );
    return root;
  }

  return {
    render,
    breadcrumb: () => [{ label: t("welcome.crumb") }],
  };
}
