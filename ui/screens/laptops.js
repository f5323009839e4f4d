// Máy và người dùng (laptop & people): this laptop's name and the people who use it (signed
// into every revision it writes), its fingerprint to read aloud, the campaigns it is enrolled
// in, the office's recovery key, every laptop it knows, with trust and revocation, and the backups
// (this is the app's settings screen). At first run it is the first screen: a laptop is named by
// its people, never after its hostname.
import { h } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { peopleText } from "../lib/format.js";
import { t } from "../i18n.js";
import { backupsPart } from "./backups.js";

function roleText(m) {
  if (m.owner) return t("laptops.role_owner");
  if (m.role === "team") return m.team_name ? t("laptops.role_team_of", { team: m.team_name }) : t("laptops.role_team");
  return t("laptops.role_secretariat");
}

export function create(app, route) {
  const firstRun = !!(app.state && app.state.device_named === false);
  let profile = null;
  let laptops = [];
  let draft = null; // {name, people:[{name, position}], person}
  let error = null;
  let busy = false;
  let revoking = null; // {device, campaign, reason, error}
  let recovery = null; // the office's recovery key (public part) or null
  let recoveryAsk = null; // {busy, error} while the person reads the warning before making it
  let root = null;
  const backups = backupsPart(app);

  async function load() {
    [profile, laptops, recovery] = await Promise.all([app.api.trustProfile(), app.api.trustLaptops(), firstRun ? null : app.api.trustRecoveryKey(), firstRun ? null : backups.load()]);
    draft = {
      name: profile.named ? profile.name : "",
      people: profile.people.length ? profile.people.map((p) => ({ ...p })) : [{ name: "", position: "" }],
      person: profile.person || "",
    };
  }

  function rerender() {
    if (root && root.isConnected) root.replaceWith(render());
  }

  async function save(ev) {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    error = null;
    rerender();
    try {
      const people = draft.people.filter((p) => p.name.trim() || p.position.trim());
      const person = people.some((p) => p.name.trim() === draft.person.trim()) ? draft.person : null;
      profile = await app.api.trustProfileSave({ name: draft.name, people, person });
      if (app.state) {
        app.state.device = { ...app.state.device, name: profile.name };
        app.state.device_named = true;
      }
      app.refreshHeader();
      app.notify(t("laptops.saved"), "ok");
      busy = false;
      if (firstRun) {
        const next = !app.state.onboarded && app.state.campaign_count === 0 ? { name: "welcome" } : { name: "campaigns" };
        await app.navigate(next, { replace: true });
        return;
      }
      laptops = await app.api.trustLaptops();
    } catch (err) {
      busy = false;
      error = toError(err).message;
    }
    rerender();
  }

  async function setTrusted(l, trusted) {
    try {
      await app.api.trustSet(l.id, trusted);
      laptops = await app.api.trustLaptops();
      rerender();
    } catch (err) {
      app.notify(toError(err).message, "error");
    }
  }

  async function revoke(ev) {
    ev.preventDefault();
    if (!revoking) return;
    try {
      await app.api.trustRevoke(revoking.device, revoking.campaign, revoking.reason);
      revoking = null;
      laptops = await app.api.trustLaptops();
      app.notify(t("laptops.revoked"), "ok");
    } catch (err) {
      revoking.error = toError(err).message;
    }
    rerender();
  }

  async function createRecovery() {
    if (!recoveryAsk || recoveryAsk.busy) return;
    recoveryAsk.busy = true;
    recoveryAsk.error = null;
    rerender();
    try {
      const made = await app.api.trustRecoveryKeyCreate();
      if (made) {
        recovery = made;
        recoveryAsk = null;
        app.notify(t("laptops.recovery_made", { n: made.campaigns }), "ok");
      } else recoveryAsk.busy = false; // the save dialog was cancelled: nothing made
    } catch (err) {
      recoveryAsk.busy = false;
      recoveryAsk.error = toError(err).message;
    }
    rerender();
  }

  // The key is made on a laptop that runs campaigns (it is added to those); a team laptop
  // only reads what its secretariat sends.
  function recoverySection() {
    const runs = profile.memberships.some((m) => !m.revoked && (m.owner || m.role === "secretariat"));
    const teamOnly = !runs && profile.memberships.length > 0;
    let body;
    if (recovery) {
      body = [
        h("p", { id: "lp-recovery-state" }, t("laptops.recovery_state", { at: recovery.created_at, n: recovery.campaigns })),
        h("p", { class: "muted small" }, t("laptops.recovery_public")),
        h("p", { class: "mono small recovery-recipient", id: "lp-recovery-recipient" }, recovery.recipient),
        h("p", { class: "muted small" }, t("laptops.recovery_no_secret")),
      ];
    } else if (teamOnly) {
      body = [h("p", { class: "muted", id: "lp-recovery-state" }, t("laptops.recovery_team"))];
    } else if (!recoveryAsk) {
      body = [
        h("p", { id: "lp-recovery-state" }, t("laptops.recovery_none")),
        h("button", { type: "button", class: "btn btn-small", id: "lp-recovery-create", onClick: () => ((recoveryAsk = { busy: false, error: null }), rerender()) }, t("laptops.recovery_create")),
      ];
    } else {
      body = [
        h("p", { class: "form-warning", id: "lp-recovery-warning", role: "note" }, t("laptops.recovery_warning")),
        recoveryAsk.error ? h("p", { class: "form-error", role: "alert", id: "lp-recovery-error" }, recoveryAsk.error) : null,
        h(
          "div",
          { class: "state-actions" },
          h("button", { type: "button", class: "btn btn-small btn-primary", id: "lp-recovery-save", disabled: recoveryAsk.busy, onClick: createRecovery }, t("laptops.recovery_save")),
          h("button", { type: "button", class: "btn btn-small", disabled: recoveryAsk.busy, onClick: () => ((recoveryAsk = null), rerender()) }, t("action.cancel")),
        ),
      ];
    }
    return [h("h2", { class: "sub-title" }, t("laptops.recovery")), h("div", { class: "recovery", id: "lp-recovery" }, body)];
  }

  function personRow(p, i) {
    const name = h("input", { type: "text", class: "text-input", id: `lp-person-${i}`, value: p.name, maxlength: "120", placeholder: t("laptops.person_ph"), autocomplete: "off" });
    name.setAttribute("aria-label", t("laptops.person"));
    name.addEventListener("input", () => {
      if (draft.person === p.name) draft.person = name.value;
      p.name = name.value;
    });
    const position = h("input", { type: "text", class: "text-input", id: `lp-position-${i}`, value: p.position, maxlength: "120", placeholder: t("laptops.position_ph"), autocomplete: "off" });
    position.setAttribute("aria-label", t("laptops.position"));
    position.addEventListener("input", () => (p.position = position.value));
    const current = h("input", { type: "radio", name: "lp-current", id: `lp-current-${i}`, checked: draft.person ? draft.person === p.name : i === 0 });
    current.addEventListener("change", () => (draft.person = p.name));
    const remove = h(
      "button",
      {
        type: "button",
        class: "btn btn-small btn-ghost",
        disabled: draft.people.length === 1,
        title: t("laptops.remove_person"),
        onClick: () => {
          draft.people.splice(i, 1);
          rerender();
        },
      },
      "✕",
    );
    remove.setAttribute("aria-label", t("laptops.remove_person"));
    return h(
      "div",
      { class: "person-row" },
      name,
      position,
      h("label", { class: "person-current", for: `lp-current-${i}` }, current, t("laptops.using_now")),
      remove,
    );
  }

  function profileForm() {
    const name = h("input", { type: "text", id: "lp-name", class: "text-input", value: draft.name, required: true, maxlength: "120", placeholder: t("laptops.name_ph"), autocomplete: "off" });
    name.addEventListener("input", () => (draft.name = name.value));
    return h(
      "form",
      { class: "card form-card", id: "laptop-form", onSubmit: save },
      h("div", { class: "form-field" }, h("label", { class: "field-label", for: "lp-name" }, t("laptops.name")), name, h("p", { class: "muted small" }, t("laptops.name_hint"))),
      h(
        "fieldset",
        { class: "form-fieldset" },
        h("legend", null, t("laptops.people")),
        h("p", { class: "muted small" }, t("laptops.people_hint")),
        h("div", { class: "people-list" }, draft.people.map(personRow)),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            id: "lp-add-person",
            onClick: () => {
              draft.people.push({ name: "", position: "" });
              rerender();
            },
          },
          "+ " + t("laptops.add_person"),
        ),
      ),
      error ? h("p", { class: "form-error", role: "alert", id: "lp-error" }, error) : null,
      h(
        "div",
        { class: "state-actions" },
        h("button", { type: "submit", class: "btn btn-primary", id: "lp-save", disabled: busy }, firstRun ? t("laptops.save_first") : t("laptops.save")),
      ),
    );
  }

  function identityCard() {
    return h(
      "section",
      { class: "card laptop-identity" },
      h("h2", { class: "sub-title" }, t("laptops.fingerprint")),
      h("p", { class: "fingerprint-big mono", id: "lp-fingerprint" }, profile.fingerprint || "—"),
      h("p", { class: "muted small" }, t("laptops.fingerprint_hint")),
      h("h2", { class: "sub-title" }, t("laptops.memberships")),
      profile.memberships.length
        ? h(
            "ul",
            { class: "membership-list", id: "lp-memberships" },
            profile.memberships.map((m) =>
              h(
                "li",
                { class: ["membership", m.revoked && "revoked"] },
                h("span", { class: "membership-campaign" }, m.campaign_name),
                h("span", { class: "badge" }, roleText(m)),
                m.revoked ? h("span", { class: "badge badge-refused" }, t("laptops.revoked_because", { reason: m.revoked.reason })) : null,
              ),
            ),
          )
        : h("p", { class: "muted", id: "lp-memberships" }, t("laptops.no_memberships")),
      firstRun ? null : recoverySection(),
    );
  }

  function revokeForm(l, m) {
    const reason = h("input", { type: "text", class: "text-input", id: "lp-revoke-reason", value: revoking.reason, required: true, maxlength: "2000", placeholder: t("laptops.revoke_reason_ph") });
    reason.setAttribute("aria-label", t("laptops.revoke_reason"));
    reason.addEventListener("input", () => (revoking.reason = reason.value));
    return h(
      "form",
      { class: "revoke-form", onSubmit: revoke },
      reason,
      h("button", { type: "submit", class: "btn btn-small btn-warn", id: "lp-revoke-confirm" }, t("laptops.revoke_confirm", { campaign: m.campaign_name })),
      h("button", { type: "button", class: "btn btn-small", onClick: () => ((revoking = null), rerender()) }, t("action.cancel")),
      revoking.error ? h("p", { class: "form-error", role: "alert" }, revoking.error) : null,
    );
  }

  function laptopRow(l) {
    // This laptop revokes enrolments of campaigns it is the secretariat of.
    const mine = new Set(profile.memberships.filter((m) => m.owner || m.role === "secretariat").map((m) => m.campaign_id));
    return h(
      "tr",
      { class: ["laptop-row", l.is_self && "self"], dataset: { id: l.id } },
      h("td", null, h("div", { class: "laptop-name" }, l.name, l.is_self ? h("span", { class: "badge" }, t("laptops.this_laptop")) : null), l.people.length ? h("div", { class: "pv-sub" }, peopleText(l.people)) : null),
      h("td", { class: "mono nowrap" }, l.fingerprint || "—"),
      h(
        "td",
        null,
        l.memberships.length
          ? l.memberships.map((m) =>
              h(
                "div",
                { class: ["membership", m.revoked && "revoked"] },
                h("span", { class: "membership-campaign" }, m.campaign_name),
                " ",
                h("span", { class: "badge" }, roleText(m)),
                m.revoked ? h("span", { class: "badge badge-refused" }, t("laptops.revoked_because", { reason: m.revoked.reason })) : null,
                !l.is_self && !m.owner && !m.revoked && mine.has(m.campaign_id)
                  ? revoking && revoking.device === l.id && revoking.campaign === m.campaign_id
                    ? revokeForm(l, m)
                    : h("button", { type: "button", class: "btn btn-small btn-ghost lp-revoke", onClick: () => ((revoking = { device: l.id, campaign: m.campaign_id, reason: "", error: null }), rerender()) }, t("laptops.revoke"))
                  : null,
              ),
            )
          : h("span", { class: "muted" }, t("laptops.not_enrolled")),
      ),
      h(
        "td",
        null,
        l.is_self
          ? null
          : h("label", { class: "trust-toggle", title: t("laptops.trusted_hint") }, h("input", { type: "checkbox", class: "lp-trusted", checked: !!l.trusted, onChange: (ev) => setTrusted(l, ev.target.checked) }), t("laptops.trusted")),
      ),
    );
  }

  function laptopsTable() {
    return h(
      "section",
      { class: "card laptops-known" },
      h("h2", { class: "sub-title" }, t("laptops.known")),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "sync-table", id: "laptops-table" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, t("laptops.col_laptop")), h("th", { scope: "col" }, t("laptops.fingerprint")), h("th", { scope: "col" }, t("laptops.col_roles")), h("th", { scope: "col" }, t("laptops.col_trust")))),
          h("tbody", null, laptops.map(laptopRow)),
        ),
      ),
    );
  }

  function render() {
    root = h(
      "div",
      { class: ["screen", "form-screen", "laptops-screen", firstRun && "first-run"] },
      h("h1", { class: "page-title" }, firstRun ? t("laptops.first_title") : t("laptops.title")),
      firstRun ? h("p", { class: "welcome-lead" }, t("laptops.first_lead")) : null,
      h("div", { class: "laptops-grid" }, profileForm(), identityCard()),
      firstRun ? null : laptopsTable(),
      firstRun ? null : backups.render(),
    );
    return root;
  }

  return {
    load,
    render,
    backRoute: () => (firstRun ? null : { name: "campaigns" }),
    breadcrumb: () => (firstRun ? [{ label: t("laptops.first_title") }] : [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: t("laptops.title") }]),
  };
}
