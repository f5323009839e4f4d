//! Windows: the close hand-shake (through the mock runtime's event loop, which turns a close
//! into `CloseRequested` and ends when the last window goes) and the print window. The
//! print dialog itself and a real window manager's close button are e2e's (acl.rs checks
//! that e2e still drives them).

use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use tauri::{Manager, RunEvent};

use super::{app_with, call_from, harness_with, listen_on};
use crate::AppState;

/// Long enough that only `app_close` can end the app within a test.
const FOREVER: Duration = Duration::from_secs(3600);
const LIMIT: Duration = Duration::from_secs(30);

type Webview = tauri::WebviewWindow<tauri::test::MockRuntime>;

/// Destroys the main window when dropped, so a failed check on the worker thread still
/// ends the event loop instead of hanging the test.
struct EndsTheLoop(Webview);

impl Drop for EndsTheLoop {
    fn drop(&mut self) {
        let _ = self.0.destroy();
    }
}

/// Run the app's event loop here, with the main window of tauri.conf.json, while `person`
/// acts on another thread with a receiver that hears when the loop is asked to exit (its
/// last window gone).
fn run_until_closed(
    close_grace: Duration,
    person: impl FnOnce(Webview, mpsc::Receiver<()>) + Send + 'static,
) {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app_with(&dir, tauri::generate_context!(), |s| {
        s.close_grace = close_grace
    });
    let (exit_tx, exit_rx) = mpsc::channel();
    let mut person = Some((person, exit_rx));
    let worker = std::sync::Arc::new(std::sync::Mutex::new(None));
    let slot = worker.clone();
    app.run(move |handle, event| match event {
        RunEvent::Ready => {
            let webview = handle
                .get_webview_window("main")
                .expect("the main window of tauri.conf.json");
            let (person, exit_rx) = person.take().unwrap();
            let guard = EndsTheLoop(webview.clone());
            *slot.lock().unwrap() = Some(std::thread::spawn(move || {
                let _guard = guard;
                person(webview, exit_rx);
            }));
        }
        // The mock runtime hands window events to this callback only; the real one also
        // hands them to the builder's handler, so pass them on as it would.
        RunEvent::WindowEvent { label, event, .. } => {
            if let Some(w) = handle.get_webview_window(&label) {
                crate::on_window_event(&w.as_ref().window(), &event);
            }
        }
        RunEvent::ExitRequested { .. } => {
            let _ = exit_tx.send(());
        }
        _ => {}
    });
    let worker = worker.lock().unwrap().take().expect("the loop got ready");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
    drop(dir);
}

/// Wait until the event loop has handled everything sent to it before now: a task queued
/// behind them runs (and so the loop is still running).
fn loop_still_runs_after_pending(webview: &Webview) {
    let (tx, rx) = mpsc::channel();
    webview
        .app_handle()
        .run_on_main_thread(move || {
            let _ = tx.send(());
        })
        .unwrap();
    rx.recv_timeout(LIMIT)
        .expect("the event loop is still running");
}

#[test]
fn a_close_waits_for_the_ui_and_app_close_ends_the_app() {
    run_until_closed(FOREVER, move |webview, exited| {
        let asked = listen_on(webview.app_handle(), "app://close-requested");
        // The window manager's close button.
        webview.close().unwrap();
        asked
            .recv_timeout(LIMIT)
            .expect("the UI is asked to write its last edits");
        // The loop handled the close and goes on: the window was kept open.
        loop_still_runs_after_pending(&webview);
        assert!(exited.try_recv().is_err(), "the close is held for the UI");
        let state = webview.state::<AppState>();
        assert!(!state.closing.load(Ordering::SeqCst));
        // The UI has flushed and says so.
        assert_eq!(
            call_from(&webview, "app_close", json!({})).unwrap(),
            Value::Null
        );
        assert!(state.closing.load(Ordering::SeqCst));
        exited
            .recv_timeout(LIMIT)
            .expect("the app ends with its window");
    });
}

#[test]
fn a_close_goes_through_after_the_grace_time_when_the_ui_never_answers() {
    run_until_closed(Duration::from_millis(50), move |webview, exited| {
        let asked = listen_on(webview.app_handle(), "app://close-requested");
        webview.close().unwrap();
        asked.recv_timeout(LIMIT).expect("the UI is asked first");
        // No app_close: the window goes by itself once the grace time is over.
        exited
            .recv_timeout(LIMIT)
            .expect("the app ends without the UI");
        assert!(webview.state::<AppState>().closing.load(Ordering::SeqCst));
    });
}

#[test]
fn print_opens_the_preview_in_a_window_that_may_call_nothing() {
    let h = harness_with(
        tempfile::tempdir().unwrap(),
        tauri::generate_context!(),
        |_| {},
    );
    // Nothing previewed: nothing to print.
    let err = h.call("report_print", json!({})).unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(h.app.get_webview_window("print").is_none());

    let campaign = h.call("load_demo", json!({})).unwrap()["campaign_id"].clone();
    let preview = h
        .call(
            "report_preview",
            json!({ "target": "campaign", "id": campaign }),
        )
        .unwrap();
    assert_eq!(h.call("report_print", json!({})).unwrap(), Value::Null);
    let print = h.app.get_webview_window("print").expect("a print window");
    assert_eq!(
        print.url().unwrap().as_str(),
        preview["url"].as_str().unwrap()
    );
    // Its page is Rust's printable HTML; it gets no command, not even a harmless one.
    super::acl::assert_acl_refusal("app_state", call_from(&print, "app_state", json!({})));
    // The main window keeps its access.
    assert!(h.call("app_state", json!({})).is_ok());

    // Printing again, another document, while the window is open: the same window shows it.
    let visit = h
        .call("campaign_overview", json!({ "id": campaign }))
        .unwrap()["visits"][0]["id"]
        .clone();
    let minutes = h
        .call("report_preview", json!({ "target": "visit", "id": visit }))
        .unwrap();
    assert_ne!(minutes["url"], preview["url"]);
    assert_eq!(h.call("report_print", json!({})).unwrap(), Value::Null);
    let again = h.app.get_webview_window("print").expect("the print window");
    assert_eq!(
        again.url().unwrap().as_str(),
        minutes["url"].as_str().unwrap()
    );
    assert_eq!(
        h.app.webview_windows().len(),
        2,
        "main and one print window"
    );
}
