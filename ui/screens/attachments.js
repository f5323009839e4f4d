// A visit's photos and scanned documents: thumbnails, captions, adding through the open
// dialog or by dropping files on the window, a full view of photos, and saving a copy.
import { h } from "../lib/dom.js";
import { formatBytes } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { t } from "../i18n.js";

/** ctx: {app, visitId, locked, schedule(key, send)} → {section, dispose} */
export function attachmentsSection(ctx) {
  const { app, visitId, locked } = ctx;
  let list = [];
  const grid = h("ul", { class: "att-grid", id: "attachments" });
  const msg = h("div", { class: "att-message", role: "status", hidden: true });
  const drop = h("p", { class: "att-drop muted small" }, locked ? t("attach.locked") : t("attach.drop_hint"));

  function showOutcomes(outcomes) {
    const bad = (outcomes || []).filter((o) => !o.ok);
    const ok = (outcomes || []).length - bad.length;
    const lines = bad.map((o) => h("p", { class: "att-bad" }, h("strong", null, o.file), ": ", o.error ? o.error.message : ""));
    if (ok) lines.unshift(h("p", { class: "att-ok" }, t("attach.added", { n: ok })));
    msg.replaceChildren(...lines);
    msg.hidden = !ok && !bad.length;
  }

  async function refresh() {
    try {
      list = await app.api.attachmentsList(visitId);
    } catch (err) {
      app.notify(toError(err).message, "error");
      list = [];
    }
    render();
  }

  function viewer(a) {
    const img = h("img", { class: "att-full", src: app.api.blobUrl("file", a.sha256), alt: a.caption || a.file_name });
    const dialog = h(
      "dialog",
      { class: "history-dialog att-dialog", id: "attachment-viewer" },
      h("header", { class: "dialog-head" }, h("div", null, h("h2", { class: "dialog-title" }, a.caption || a.file_name), h("span", { class: "muted small" }, a.file_name)), h("button", { type: "button", class: "btn btn-small", onClick: () => dialog.close() }, t("action.close"))),
      h("div", { class: "att-full-wrap" }, img),
    );
    dialog.addEventListener("close", () => dialog.remove());
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  function tile(a) {
    const preview = !a.present
      ? h("div", { class: "att-thumb att-missing" }, t("attach.missing"))
      : a.is_image
        ? h("button", { type: "button", class: "att-thumb", title: t("attach.view"), onClick: () => viewer(a) }, h("img", { src: app.api.blobUrl("thumb", a.sha256), alt: a.caption || a.file_name, loading: "lazy" }))
        : h("div", { class: "att-thumb att-pdf" }, h("span", { class: "att-pdf-mark" }, "PDF"));
    const caption = h("input", { type: "text", class: "att-caption", value: a.caption || "", placeholder: t("attach.caption_ph"), disabled: locked, "aria-label": t("attach.caption") });
    caption.addEventListener("input", () => {
      a.caption = caption.value;
      ctx.schedule(`att:${a.id}`, () => app.api.attachmentCaption(a.id, a.caption));
    });
    const save = a.present
      ? h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            onClick: async () => {
              try {
                const path = await app.api.attachmentSaveCopy(a.id);
                if (path) app.notify(t("attach.saved_copy", { path }), "ok");
              } catch (err) {
                app.notify(toError(err).message, "error");
              }
            },
          },
          t("attach.save_copy"),
        )
      : null;
    const remove = locked
      ? null
      : h(
          "button",
          {
            type: "button",
            class: "btn btn-small btn-ghost",
            onClick: async () => {
              if (!window.confirm(t("attach.remove_confirm"))) return;
              try {
                await app.api.attachmentRemove(a.id);
                await refresh();
              } catch (err) {
                app.notify(toError(err).message, "error");
              }
            },
          },
          t("attach.remove"),
        );
    return h(
      "li",
      { class: "att-tile", dataset: { id: a.id, sha: a.sha256 } },
      preview,
      h("div", { class: "att-info" }, h("span", { class: "att-name", title: a.file_name }, a.file_name), h("span", { class: "muted small" }, [a.item_code ? `${t("attach.item")} ${a.item_code} · ` : "", formatBytes(a.size)])),
      caption,
      h("div", { class: "att-actions" }, save, remove),
    );
  }

  function render() {
    grid.replaceChildren(...(list.length ? list.map(tile) : [h("li", { class: "muted small empty-rows" }, t("attach.none"))]));
  }

  const add = locked
    ? null
    : h(
        "button",
        {
          type: "button",
          class: "btn btn-small",
          id: "att-pick",
          onClick: async () => {
            try {
              const outcomes = await app.api.attachmentPick(visitId, null);
              if (outcomes) {
                showOutcomes(outcomes);
                await refresh();
              }
            } catch (err) {
              app.notify(toError(err).message, "error");
            }
          },
        },
        "+ ",
        t("attach.add"),
      );

  let stop = () => {};
  let disposed = false;
  if (!locked) {
    app.api
      .onFilesDropped(async () => {
        if (disposed) return;
        try {
          showOutcomes(await app.api.attachmentAddDropped(visitId, null));
          await refresh();
        } catch (err) {
          app.notify(toError(err).message, "error");
        }
      })
      .then((fn) => (disposed ? fn() : (stop = fn)));
  }

  const section = h(
    "section",
    { class: "minutes card", id: "visit-attachments" },
    h("header", { class: "report-head" }, h("h2", { class: "section-title" }, t("attach.title")), add),
    drop,
    grid,
    msg,
  );
  render();
  refresh();
  return {
    section,
    dispose: () => {
      disposed = true;
      stop();
    },
  };
}
