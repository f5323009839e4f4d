//! The command list is written once, as `COMMANDS` in build.rs; the four other places that
//! name the commands (the `generate_handler!` list, the capability file, `ui/api.js` and the
//! UI mock) are checked against it here. And: every command the app registers is allowed by
//! exactly its own permission, nothing else is, a command left out of the file is refused,
//! and every command is called by these tests (and its native part by the e2e suite).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use tauri::utils::acl::capability::Capability;
use tauri::utils::acl::manifest::Manifest;
use tauri::utils::acl::resolved::Resolved;
use tauri::utils::platform::Target;

use kiemtra_core::{Lang, Localize};

use super::{call_from, harness_in, harness_with, Harness};
use crate::messages::Message;

const BUILD_RS: &str = include_str!("../../build.rs");
const LIB_RS: &str = include_str!("../lib.rs");
const CAPABILITY: &str = include_str!("../../capabilities/default.json");
const API_JS: &str = include_str!("../../../ui/api.js");
/// The stand-in for api.js that the UI mock suite and the screenshots run against.
const MOCK_JS: &str = include_str!("../../../tests/ui-mock/mock-api.js");
/// What tauri-build made of build.rs and the capability files (the app embeds these).
const ACL_MANIFESTS: &str = include_str!(concat!(env!("OUT_DIR"), "/acl-manifests.json"));
const BUILT_CAPABILITIES: &str = include_str!(concat!(env!("OUT_DIR"), "/capabilities.json"));

/// The command tests' sources, where the coverage check looks for calls. Not this file:
/// its calls are mostly refusals.
const TEST_SOURCES: &[(&str, &str)] = &[
    ("tests.rs", include_str!("../tests.rs")),
    ("tests/files.rs", include_str!("files.rs")),
    ("tests/setup.rs", include_str!("setup.rs")),
    ("tests/window.rs", include_str!("window.rs")),
];

/// The command modules, where a command's body shows whether it opens a native dialog.
const COMMAND_SOURCES: &[&str] = &[
    include_str!("../lib.rs"),
    include_str!("../sync.rs"),
    include_str!("../visit.rs"),
    include_str!("../attachments.rs"),
    include_str!("../units.rs"),
    include_str!("../search.rs"),
    include_str!("../setup.rs"),
    include_str!("../report.rs"),
    include_str!("../trust.rs"),
];

const E2E_SOURCES: &[(&str, &str)] = &[
    ("main.rs", include_str!("../../../tests/e2e/main.rs")),
    ("sync.rs", include_str!("../../../tests/e2e/sync.rs")),
    ("visit.rs", include_str!("../../../tests/e2e/visit.rs")),
    ("setup.rs", include_str!("../../../tests/e2e/setup.rs")),
    ("reports.rs", include_str!("../../../tests/e2e/reports.rs")),
];

/// The text between `start` and the first `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let len = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not found"));
    &text[from..from + len]
}

fn without_line_comments(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every "quoted" string in `text`.
fn quoted(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// `COMMANDS` in build.rs, in order.
fn build_commands() -> Vec<String> {
    let code = without_line_comments(BUILD_RS);
    quoted(between(&code, "const COMMANDS: &[&str] = &[", "];"))
}

/// The commands in `generate_handler!`, without their module paths.
fn handler_commands() -> Vec<String> {
    let code = without_line_comments(LIB_RS);
    between(&code, "tauri::generate_handler![", "]")
        .split(',')
        .map(|p| p.trim().rsplit("::").next().unwrap().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The command names `ui/api.js` invokes through `call(...)`.
fn api_commands() -> Vec<String> {
    called_commands(API_JS)
}

/// The command names a JS module passes to its `call("name", ...)` (api.js's and the
/// mock's have the same shape).
fn called_commands(js: &str) -> Vec<String> {
    js.split("call(\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// A JS module's exported functions as `name(params)`, whitespace left out, sorted. Any other
/// kind of export fails here, so none goes unchecked.
fn exports(what: &str, js: &str) -> Vec<String> {
    let mut out: Vec<String> = js
        .lines()
        .filter(|l| l.starts_with("export "))
        .map(|l| {
            let rest = l
                .strip_prefix("export async function ")
                .or_else(|| l.strip_prefix("export function "))
                .unwrap_or_else(|| panic!("{what}: an export that is not a function: {l}"));
            let sig = &rest[..rest.find(')').expect("a parameter list") + 1];
            sig.split_whitespace().collect()
        })
        .collect();
    out.sort();
    no_duplicates(what, &out);
    out
}

fn capability() -> Capability {
    serde_json::from_str(CAPABILITY).expect("capabilities/default.json parses")
}

fn permission_names(cap: &Capability) -> Vec<String> {
    cap.permissions
        .iter()
        .map(|p| p.identifier().get().to_string())
        .collect()
}

/// `finding_set` → `allow-finding-set`, as tauri-build names a command's permission.
fn allow(command: &str) -> String {
    format!("allow-{}", command.replace('_', "-"))
}

fn acl() -> BTreeMap<String, Manifest> {
    serde_json::from_str(ACL_MANIFESTS).expect("the ACL manifests parse")
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

/// What one set has that the other lacks, both ways, for a readable failure.
fn diff(a_name: &str, a: &BTreeSet<String>, b_name: &str, b: &BTreeSet<String>) -> String {
    format!(
        "only in {a_name}: {:?}; only in {b_name}: {:?}",
        a.difference(b).collect::<Vec<_>>(),
        b.difference(a).collect::<Vec<_>>()
    )
}

/// The two sets are equal, or a failure that says only what each has that the other lacks
/// (not both lists of some fifty names).
fn agree(a_name: &str, a: &BTreeSet<String>, b_name: &str, b: &BTreeSet<String>) {
    assert!(
        a == b,
        "{a_name} and {b_name} disagree: {}",
        diff(a_name, a, b_name, b)
    );
}

fn no_duplicates(what: &str, v: &[String]) {
    let mut seen = BTreeSet::new();
    for x in v {
        assert!(seen.insert(x), "{x} twice in {what}");
    }
}

#[test]
fn the_command_list_in_build_rs_is_the_one_the_handler_capability_api_js_and_mock_follow() {
    let built = build_commands();
    let handled = handler_commands();
    let api = api_commands();
    // Not an empty match: the app has dozens of commands and these are among them.
    assert!(built.len() >= 50, "{built:?}");
    for c in ["app_close", "finding_set", "report_print"] {
        assert!(built.contains(&c.to_string()), "{c} in build.rs");
    }
    no_duplicates("build.rs", &built);
    no_duplicates("generate_handler!", &handled);
    no_duplicates("ui/api.js", &api);
    let commands = set(&built);
    agree(
        "build.rs COMMANDS",
        &commands,
        "generate_handler!",
        &set(&handled),
    );

    // What the build generated from build.rs: one allow- permission per command.
    let acl = acl();
    let app = &acl["__app-acl__"];
    let generated: BTreeSet<String> = app
        .permissions
        .values()
        .filter(|p| p.identifier.starts_with("allow-"))
        .flat_map(|p| p.commands.allow.iter().cloned())
        .collect();
    agree("build.rs COMMANDS", &commands, "generated", &generated);

    // The capability allows each command by its own permission, plus listening to events.
    let cap = capability();
    let names = permission_names(&cap);
    no_duplicates("the capability", &names);
    let (own, other): (Vec<String>, Vec<String>) =
        names.into_iter().partition(|p| !p.contains(':'));
    let wanted: BTreeSet<String> = commands.iter().map(|c| allow(c)).collect();
    agree(
        "capabilities/default.json",
        &set(&own),
        "build.rs COMMANDS",
        &wanted,
    );
    assert_eq!(
        set(&other),
        set(&[
            "core:event:allow-listen".into(),
            "core:event:allow-unlisten".into()
        ]),
        "no plugin access beyond events"
    );
    assert_eq!(cap.windows, vec!["main".to_string()]);
    assert!(cap.webviews.is_empty() && cap.remote.is_none());

    // No other capability file is built into the app.
    let built_caps: BTreeMap<String, Capability> =
        serde_json::from_str(BUILT_CAPABILITIES).unwrap();
    assert_eq!(built_caps.keys().collect::<Vec<_>>(), vec![&cap.identifier]);
    assert_eq!(
        permission_names(&built_caps[&cap.identifier]),
        permission_names(&cap)
    );

    // The page calls exactly these commands, each through api.js's `call`.
    let used = set(&api);
    agree("ui/api.js", &used, "build.rs COMMANDS", &commands);
    assert_eq!(
        API_JS.matches("invoke(").count(),
        1,
        "api.js invokes only inside call()"
    );
    for (path, text) in ui_sources() {
        if !path.ends_with("ui/api.js") {
            assert!(
                !text.contains("__TAURI__") && !text.contains("invoke("),
                "{path} talks to Rust directly; only api.js may"
            );
        }
    }

    // The UI mock stands in for every command, each once, and for every export of api.js
    // with the same parameters, so a screen checked against it calls what the app has.
    let mocked = called_commands(MOCK_JS);
    no_duplicates("tests/ui-mock/mock-api.js", &mocked);
    let mocked = set(&mocked);
    agree(
        "tests/ui-mock/mock-api.js",
        &mocked,
        "build.rs COMMANDS",
        &commands,
    );
    let (real, mock) = (
        set(&exports("ui/api.js", API_JS)),
        set(&exports("tests/ui-mock/mock-api.js", MOCK_JS)),
    );
    assert!(real.len() > commands.len(), "{real:?}");
    agree(
        "ui/api.js exports",
        &real,
        "tests/ui-mock/mock-api.js exports",
        &mock,
    );
}

/// Every .js file under ui/.
fn ui_sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "js") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p.display().to_string(), text));
            }
        }
    }
    assert!(out.len() > 5, "the UI's modules are found");
    out
}

/// The app's real context with the capability file as given, minus some permissions and
/// plus others: what `generate_context!` resolves at build time, resolved here instead.
fn context_with(remove: &[&str], add: &[&str]) -> tauri::Context<tauri::test::MockRuntime> {
    let mut cap = capability();
    let before = cap.permissions.len();
    cap.permissions
        .retain(|p| !remove.contains(&p.identifier().get()));
    assert_eq!(
        cap.permissions.len(),
        before - remove.len(),
        "every permission to remove is in the file: {remove:?}"
    );
    for p in add {
        cap.permissions
            .push(serde_json::from_value(json!(p)).expect("a permission identifier"));
    }
    let acl = acl();
    let resolved = Resolved::resolve(
        &acl,
        BTreeMap::from([(cap.identifier.clone(), cap)]),
        Target::current(),
    )
    .expect("the capability resolves");
    let mut context = tauri::generate_context!();
    *context.runtime_authority_mut() = tauri::runtime_authority!(acl, resolved);
    context
}

fn harness_without(remove: &[&str]) -> Harness {
    harness_with(
        tempfile::tempdir().unwrap(),
        context_with(remove, &[]),
        |_| {},
    )
}

/// Tauri's refusal: a string naming the command (`plugin.command` for a plugin's), not the
/// command's own `{code, message}`.
pub(super) fn assert_acl_refusal(cmd: &str, r: Result<serde_json::Value, serde_json::Value>) {
    let err = r.expect_err(cmd);
    let msg = err
        .as_str()
        .unwrap_or_else(|| panic!("{cmd}: not Tauri's ACL refusal: {err}"));
    assert!(msg.contains(&format!("{cmd} not allowed")), "{cmd}: {msg}");
}

#[test]
fn a_command_left_out_of_the_capability_is_refused_and_changes_nothing() {
    let h = harness_without(&["allow-finding-set"]);
    let visit = super::demo_planned_visit(&h);
    let before = h.dump();
    let input = json!({ "input": { "visit_id": visit, "item_code": "5.2", "rating": "dat" } });
    let refused = h.call("finding_set", input.clone());
    assert_acl_refusal("finding_set", refused.clone());
    if cfg!(debug_assertions) {
        // Debug builds also say which permission would allow it.
        assert!(
            refused
                .unwrap_err()
                .as_str()
                .unwrap()
                .contains("allow-finding-set"),
            "the refusal names the permission"
        );
    }
    assert_eq!(h.dump(), before, "nothing was written");
    let detail = h.call("visit_get", json!({ "id": visit })).unwrap();
    assert_eq!(detail["findings"].get("5.2"), None);

    // The same call on the same database under the real capability file goes through.
    let Harness { dir, .. } = h;
    let h = harness_in(dir);
    let saved = h.call("finding_set", input).unwrap();
    assert_eq!(saved["visit_status"], "in_progress");
    let detail = h.call("visit_get", json!({ "id": visit })).unwrap();
    assert_eq!(detail["findings"]["5.2"]["rating"], "dat");
}

#[test]
fn every_command_is_refused_without_its_own_permission() {
    let commands = build_commands();
    for cmd in &commands {
        let h = harness_without(&[allow(cmd).as_str()]);
        // The ACL answers before the arguments are read, so none are needed.
        assert_acl_refusal(cmd, h.call(cmd, json!({})));
        // Only this one is missing: another command still answers.
        let other = if cmd == "app_state" {
            "campaign_list"
        } else {
            "app_state"
        };
        assert!(
            call_from(&h.webview, other, json!({})).is_ok(),
            "{other} without {cmd}"
        );
        assert!(h.asked().is_empty(), "{cmd} opened no dialog");
    }
}

#[test]
fn plugin_commands_need_a_permission_too() {
    // A plugin that is registered (core:app), so only the capability can refuse it.
    let h = harness_in(tempfile::tempdir().unwrap());
    assert_acl_refusal("app.version", h.call("plugin:app|version", json!({})));
    let h = harness_with(
        tempfile::tempdir().unwrap(),
        context_with(&[], &["core:app:allow-version"]),
        |_| {},
    );
    let version = h.call("plugin:app|version", json!({})).unwrap();
    assert_eq!(version, json!(h.app.package_info().version.to_string()));
}

/// A command's name and body in the command modules.
fn command_bodies() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for src in COMMAND_SOURCES {
        for part in src.split("#[tauri::command").skip(1) {
            let name = between(part, "fn ", "(")
                .split('<')
                .next()
                .unwrap()
                .trim()
                .to_string();
            out.insert(name, part.to_string());
        }
    }
    out
}

/// Native dialogs the mock runtime answers from a script; e2e answers the real ones with
/// xdotool: (command, e2e file, a word of the dialog's title, Open | Save, how the command
/// makes the title (whitespace left out), that title as e2e sees it).
fn e2e_dialogs() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Message,
)> {
    vec![
        (
            "bundle_export",
            "sync.rs",
            "kiemtra",
            "Save",
            "Message::ExportBundle.message(lang)",
            Message::ExportBundle,
        ),
        (
            "bundle_pick",
            "sync.rs",
            "kiemtra",
            "Open",
            "Message::ImportBundles.message(lang)",
            Message::ImportBundles,
        ),
        (
            "attachment_pick",
            "visit.rs",
            "scan",
            "Open",
            "Message::AttachFiles.message(lang)",
            Message::AttachFiles,
        ),
        (
            "unit_import_pick",
            "setup.rs",
            "Excel",
            "Open",
            "Message::UnitList.message(lang)",
            Message::UnitList,
        ),
        (
            "trust_recovery_key_create",
            "sync.rs",
            "kiemtra",
            "Save",
            "Message::SaveRecoveryKey.message(lang)",
            Message::SaveRecoveryKey,
        ),
        // The title ends with the format in capitals: "Lưu văn bản (DOCX)".
        (
            "report_export",
            "reports.rs",
            "DOCX",
            "Save",
            "Message::SaveDocument{ext:ext.to_uppercase(),}.message(lang)",
            Message::SaveDocument { ext: "DOCX".into() },
        ),
    ]
}

/// Opens a native dialog that no e2e test drives yet (the code after it runs in
/// `files.rs`).
const DIALOG_NOT_IN_E2E: &[&str] = &["attachment_save_copy"];

#[test]
fn every_command_is_called_here_and_every_native_part_in_e2e() {
    let commands = set(&build_commands());
    let mut called = BTreeSet::new();
    for (_, text) in TEST_SOURCES {
        // rustfmt may break a call over lines: compare without any whitespace.
        let text: String = text.split_whitespace().collect();
        for pattern in [".call(\"", "call_from(&webview,\"", "ok(&h,\""] {
            for rest in text.split(pattern).skip(1) {
                called.insert(rest.split('"').next().unwrap().to_string());
            }
        }
    }
    let missing: Vec<_> = commands.difference(&called).collect();
    assert!(missing.is_empty(), "commands no test calls: {missing:?}");

    // Which commands open a native dialog, read from their code.
    let bodies = command_bodies();
    assert_eq!(set(&bodies.keys().cloned().collect::<Vec<_>>()), commands);
    let with_dialog: BTreeSet<String> = bodies
        .iter()
        .filter(|(_, b)| b.contains("file_dialog"))
        .map(|(n, _)| n.clone())
        .collect();
    let dialogs = e2e_dialogs();
    let listed: BTreeSet<String> = dialogs
        .iter()
        .map(|d| d.0.to_string())
        .chain(DIALOG_NOT_IN_E2E.iter().map(|c| c.to_string()))
        .collect();
    agree(
        "commands with a dialog",
        &with_dialog,
        "the lists here",
        &listed,
    );
    let e2e: BTreeMap<&str, String> = E2E_SOURCES
        .iter()
        .map(|(n, t)| (*n, t.split_whitespace().collect::<String>()))
        .collect();
    for (cmd, file, word, kind, made, title) in &dialogs {
        let body = &bodies[*cmd];
        let code: String = body.split_whitespace().collect();
        assert!(
            code.contains(made) && title.message(Lang::Vi).contains(word),
            "{cmd}'s dialog title has {word:?}"
        );
        let pick = if *kind == "Save" {
            "Pick::SaveAs"
        } else {
            "Pick::Files"
        };
        assert!(
            body.contains(pick) || (*kind == "Open" && body.contains("Pick::OneFile")),
            "{cmd} opens a {kind} dialog"
        );
        // `answer_file_dialog(display, "<title word>", Dialog::<kind>, path)`
        let answered = format!("\"{word}\",Dialog::{kind},");
        assert!(
            e2e[file].contains("answer_file_dialog(") && e2e[file].contains(&answered),
            "e2e/{file} answers the {kind} dialog titled with {word:?} ({cmd})"
        );
    }
    // The parts of two commands the mock runtime cannot show: the print dialog of the
    // print window, and a real window manager's close button before `app_close`.
    assert!(e2e["reports.rs"].contains("s.click(&s.wait(\"#report-print\"));"));
    assert!(e2e["reports.rs"].contains("wait_for_window(&driver.display,\"Print\")"));
    assert!(e2e["main.rs"].contains("close_app_windows(&driver.display"));
}
