//! Shared fixtures for the end-to-end tests: a private X display (Xvfb), tauri-driver in
//! front of WebKitWebDriver, and a small synchronous WebDriver client. Every wait here polls
//! a condition with a deadline; nothing sleeps to synchronise.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Poll `f` until it returns `Some`, or panic with `what` after `TIMEOUT`.
pub fn wait_for<T>(what: &str, f: impl FnMut() -> Option<T>) -> T {
    try_wait_for(f).unwrap_or_else(|| panic!("timed out waiting for {what}"))
}

/// Poll `f` until it returns `Some`, or give up after `TIMEOUT`.
pub fn try_wait_for<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::yield_now();
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

fn require_tool(name: &str, package: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain(std::iter::once(dirs_home().join(".cargo/bin")))
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("end-to-end tests need `{name}` ({package}); run `make test`, which installs it")
    })
}

fn dirs_home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

/// The app binary built next to this test (`target/<profile>/kiemtra-app`), or `KIEMTRA_APP`.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("KIEMTRA_APP") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/e2e-<hash> → target/<profile>/kiemtra-app
    let profile_dir = exe.parent().and_then(Path::parent).expect("target dir");
    let app = profile_dir.join("kiemtra-app");
    assert!(
        app.is_file(),
        "{} is missing: build the app first (`cargo build -p kiemtra-app`, done by `make test`)",
        app.display()
    );
    app
}

/// A child started in its own process group; dropping it ends the whole group, so
/// WebKitWebDriver and the app (grandchildren of tauri-driver) never outlive the test.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child's process group id.
        unsafe {
            libc_kill(-(self.0.id() as i32), 15);
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Xvfb + tauri-driver, private to one test.
pub struct Driver {
    pub port: u16,
    pub display: String,
    // Dropped in field order: the driver before the X server it draws on.
    _driver: Killed,
    _xvfb: Killed,
    agent: ureq::Agent,
}

impl Driver {
    pub fn start() -> Driver {
        let xvfb_bin = require_tool("Xvfb", "Debian package xvfb");
        let driver_bin = require_tool("tauri-driver", "cargo install tauri-driver --locked");
        require_tool("WebKitWebDriver", "Debian package webkit2gtk-driver");

        // Let Xvfb pick a free display and tell us which one through a pipe.
        let (display, xvfb) = start_xvfb(&xvfb_bin);
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new(driver_bin)
            .process_group(0)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("GDK_BACKEND", "x11")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver starts");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let d = Driver {
            port,
            display,
            _driver: Killed(driver),
            _xvfb: xvfb,
            agent,
        };
        // Poll /status before opening a session.
        wait_for("tauri-driver /status", || {
            let mut r = d
                .agent
                .get(&format!("http://127.0.0.1:{}/status", d.port))
                .call()
                .ok()?;
            let v: Value = r.body_mut().read_json().ok()?;
            (v["value"]["ready"] == true || r.status().is_success()).then_some(())
        });
        d
    }

    /// Launch the app on `db` and open a WebDriver session on its window.
    pub fn launch(&self, db: &Path) -> Session {
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": {
                        "application": app_binary(),
                        "args": ["--db", db],
                    }
                }
            }
        });
        let base = format!("http://127.0.0.1:{}", self.port);
        // One app starting at a time in this test process: two WebKit start-ups at once on a
        // loaded 2-core machine have made a session request outlast its timeout. A start
        // that still times out is tried once more (its app, if any, dies with the driver).
        let v = {
            static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _one = STARTING.lock().unwrap_or_else(|p| p.into_inner());
            post(&self.agent, &format!("{base}/session"), &caps)
                .or_else(|first| {
                    if first.contains("timeout") {
                        post(&self.agent, &format!("{base}/session"), &caps)
                    } else {
                        Err(first)
                    }
                })
                .unwrap_or_else(|e| panic!("new session: {e}"))
        };
        let id = v["value"]["sessionId"]
            .as_str()
            .or_else(|| v["sessionId"].as_str())
            .unwrap_or_else(|| panic!("no session id in {v}"))
            .to_string();
        let s = Session {
            base: format!("{base}/session/{id}"),
            agent: self.agent.clone(),
            open: true,
        };
        s.post("timeouts", json!({ "implicit": 0, "script": 30_000 }))
            .expect("set timeouts");
        s
    }
}

fn start_xvfb(bin: &Path) -> (String, Killed) {
    use std::io::BufRead;
    use std::os::fd::{AsRawFd, FromRawFd};
    // A pipe Xvfb writes its display number to (-displayfd) once it is ready for clients.
    // Made with pipe(2) rather than std's (close-on-exec) so Xvfb inherits the write end.
    let mut fds = [0i32; 2];
    // SAFETY: pipe(2) with a valid two-element buffer.
    let rc = unsafe { libc_pipe(fds.as_mut_ptr()) };
    assert_eq!(rc, 0, "pipe()");
    // SAFETY: both fds were just created by pipe() and are owned here.
    let reader = unsafe { std::fs::File::from_raw_fd(fds[0]) };
    let writer = unsafe { std::fs::File::from_raw_fd(fds[1]) };
    let child = Command::new(bin)
        .args([
            "-displayfd",
            &writer.as_raw_fd().to_string(),
            "-screen",
            "0",
            "1366x768x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("Xvfb starts");
    drop(writer);
    let mut buf = String::new();
    std::io::BufReader::new(reader)
        .read_line(&mut buf)
        .expect("Xvfb display number");
    let n = buf.trim();
    assert!(!n.is_empty(), "Xvfb did not report a display");
    (format!(":{n}"), Killed(child))
}

extern "C" {
    #[link_name = "pipe"]
    fn libc_pipe(fds: *mut i32) -> i32;
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Result<Value, String> {
    let mut r = agent.post(url).send_json(body).map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.body_mut().read_json().map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(v)
    } else {
        Err(format!("{status}: {}", v["value"]))
    }
}

pub struct Session {
    base: String,
    agent: ureq::Agent,
    open: bool,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver key codes.
pub mod keys {
    pub const NULL: &str = "\u{E000}";
    pub const ALT: &str = "\u{E00A}";
    pub const ARROW_DOWN: &str = "\u{E015}";
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl Session {
    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        post(&self.agent, &self.url(path), &body).map(|v| v["value"].clone())
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        let mut r = self
            .agent
            .get(&self.url(path))
            .call()
            .map_err(|e| e.to_string())?;
        let status = r.status();
        let v: Value = r.body_mut().read_json().map_err(|e| e.to_string())?;
        if status.is_success() {
            Ok(v["value"].clone())
        } else {
            Err(format!("{status}: {}", v["value"]))
        }
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        self.post("elements", json!({ "using": "css selector", "value": css }))
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e[ELEMENT].as_str().map(|s| Element(s.to_string())))
            .collect()
    }

    /// Look for elements once; an error means the session (or the app) is gone.
    pub fn try_find(&self, css: &str) -> Result<Vec<Value>, String> {
        self.post("elements", json!({ "using": "css selector", "value": css }))
            .map(|v| v.as_array().cloned().unwrap_or_default())
    }

    /// Wait until an element matching `css` exists and return it.
    pub fn wait(&self, css: &str) -> Element {
        try_wait_for(|| self.find_all(css).into_iter().next())
            .unwrap_or_else(|| self.fail(&format!("element {css}")))
    }

    /// Wait until some element matching `css` has text containing `text`.
    pub fn wait_text(&self, css: &str, text: &str) -> Element {
        self.wait_text_where(css, &format!("containing {text:?}"), |t| t.contains(text))
            .0
    }

    /// Wait until some element matching `css` has (rendered) text for which `ok` holds;
    /// `what` says what was expected, for the failure. Returns the element and its text.
    pub fn wait_text_where(
        &self,
        css: &str,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> (Element, String) {
        let mut seen = Vec::new();
        try_wait_for(|| {
            seen.clear();
            self.find_all(css).into_iter().find_map(|e| {
                let t = self.text(&e);
                let hit = ok(&t);
                seen.push(t.clone());
                hit.then_some((e, t))
            })
        })
        .unwrap_or_else(|| self.fail(&format!("{css} {what} (last seen: {seen:?})")))
    }

    /// Wait until some element matching `css` has a DOM property (`value`, `disabled`,
    /// `textContent`...) for which `ok` holds; `what` says what was expected, for the
    /// failure. Returns the element and the value.
    pub fn wait_property(
        &self,
        css: &str,
        name: &str,
        what: &str,
        ok: impl Fn(&Value) -> bool,
    ) -> (Element, Value) {
        let mut seen = Vec::new();
        try_wait_for(|| {
            seen.clear();
            self.find_all(css).into_iter().find_map(|e| {
                let v = self.property(&e, name);
                let hit = ok(&v);
                seen.push(v.clone());
                hit.then_some((e, v))
            })
        })
        .unwrap_or_else(|| self.fail(&format!("{css} with {name} {what} (last seen: {seen:?})")))
    }

    /// Wait until a DOM property of some element matching `css` equals `value`.
    pub fn wait_property_eq(&self, css: &str, name: &str, value: Value) -> Element {
        self.wait_property(css, name, &format!("= {value}"), |v| *v == value)
            .0
    }

    /// Wait until some element matching `css` has attribute `name` equal to `value`.
    pub fn wait_attr(&self, css: &str, name: &str, value: &str) -> Element {
        let mut seen = Vec::new();
        try_wait_for(|| {
            seen.clear();
            self.find_all(css).into_iter().find(|e| {
                let v = self.attr(e, name);
                let hit = v.as_deref() == Some(value);
                seen.push(v);
                hit
            })
        })
        .unwrap_or_else(|| {
            self.fail(&format!(
                "{css} with {name}={value:?} (last seen: {seen:?})"
            ))
        })
    }

    /// Wait until exactly `n` elements match `css` and return them.
    pub fn wait_count(&self, css: &str, n: usize) -> Vec<Element> {
        let mut last = 0;
        try_wait_for(|| {
            let all = self.find_all(css);
            last = all.len();
            (last == n).then_some(all)
        })
        .unwrap_or_else(|| self.fail(&format!("{n} elements {css} (last seen: {last})")))
    }

    /// Poll `f` until it returns `Some`; on timeout fail with the screen and page text.
    pub fn wait_until<T>(&self, what: &str, f: impl FnMut() -> Option<T>) -> T {
        try_wait_for(f).unwrap_or_else(|| self.fail(what))
    }

    /// Give up: keep a screenshot and the page text for whoever reads the failure.
    pub fn fail(&self, what: &str) -> ! {
        let shot = screenshot_dir().join("failure.png");
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.screenshot(&shot)));
        let text = self
            .post(
                "execute/sync",
                json!({ "script": "return document.body ? document.body.innerText : document.documentElement.outerHTML", "args": [] }),
            )
            .unwrap_or_default();
        panic!(
            "timed out waiting for {what}; screenshot {}; page text:\n{}",
            shot.display(),
            text.as_str().unwrap_or_default()
        );
    }

    /// Click once the element can take it (a screen may still be laying itself out, or a
    /// button be disabled while a command runs).
    pub fn click(&self, e: &Element) {
        let mut last = String::new();
        let done = try_wait_for(
            || match self.post(&format!("element/{}/click", e.0), json!({})) {
                Ok(_) => Some(()),
                Err(err) if err.contains("not interactable") || err.contains("intercepted") => {
                    // Scrolled to the top edge, a sticky header may cover it: centre it.
                    let _ = self.post(
                        "execute/sync",
                        json!({
                            "script": "arguments[0].scrollIntoView({block: 'center'})",
                            "args": [{ ELEMENT: e.0 }],
                        }),
                    );
                    last = err;
                    None
                }
                Err(err) => panic!("click: {err}"),
            },
        );
        if done.is_none() {
            self.fail(&format!("the element to take a click ({last})"));
        }
    }

    /// Click what `css` finds, finding it again if the screen redrew it in between (a
    /// screen that reloads its data after an action replaces its buttons).
    pub fn click_on(&self, css: &str) {
        let mut last = String::new();
        let done = try_wait_for(|| {
            let e = self.find_all(css).into_iter().next()?;
            match self.post(&format!("element/{}/click", e.0), json!({})) {
                Ok(_) => Some(()),
                Err(err) if err.contains("stale element") => {
                    last = err;
                    None
                }
                Err(_) => {
                    // Covered or not yet interactable: the patient click says why if it stays so.
                    self.click(&e);
                    Some(())
                }
            }
        });
        if done.is_none() {
            self.fail(&format!("{css} to take a click ({last})"));
        }
    }

    pub fn type_text(&self, e: &Element, text: &str) {
        self.post(&format!("element/{}/value", e.0), json!({ "text": text }))
            .unwrap_or_else(|err| panic!("type: {err}"));
    }

    /// Look inside a frame (an `iframe` element) until `leave_frame`.
    pub fn enter_frame(&self, frame: &Element) {
        self.post("frame", json!({ "id": { ELEMENT: frame.0 } }))
            .unwrap_or_else(|e| panic!("switch to frame: {e}"));
    }

    pub fn leave_frame(&self) {
        self.post("frame/parent", json!({}))
            .unwrap_or_else(|e| panic!("switch to parent frame: {e}"));
    }

    /// The element that has the keyboard focus.
    pub fn active(&self) -> Element {
        let v = self.get("element/active").expect("active element");
        Element(v[ELEMENT].as_str().expect("an element").to_string())
    }

    /// Keys to whatever has the focus, as a person typing would (WebDriver key codes such
    /// as `keys::ALT` work; modifiers stay down until `keys::NULL` or the end).
    pub fn keys(&self, text: &str) {
        let e = self.active();
        self.type_text(&e, text);
    }

    pub fn text(&self, e: &Element) -> String {
        self.get(&format!("element/{}/text", e.0))
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    pub fn attr(&self, e: &Element, name: &str) -> Option<String> {
        self.get(&format!("element/{}/attribute/{name}", e.0))
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    }

    pub fn property(&self, e: &Element, name: &str) -> Value {
        self.get(&format!("element/{}/property/{name}", e.0))
            .unwrap_or(Value::Null)
    }

    pub fn is_selected(&self, e: &Element) -> bool {
        self.get(&format!("element/{}/selected", e.0))
            .map(|v| v == true)
            .unwrap_or(false)
    }

    /// Run JavaScript in the page (synchronously) and return its result.
    pub fn script(&self, js: &str, args: Value) -> Value {
        self.post("execute/sync", json!({ "script": js, "args": args }))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Run async JavaScript; the script calls `arguments[arguments.length - 1](result)`.
    pub fn script_async(&self, js: &str, args: Value) -> Value {
        self.post("execute/async", json!({ "script": js, "args": args }))
            .unwrap_or_else(|e| panic!("async script failed: {e}"))
    }

    /// Save a screenshot of the window as PNG.
    pub fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let b64 = self.get("screenshot").expect("screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("base64 string"))
            .expect("valid base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    /// End the session; the app exits with it.
    pub fn quit(mut self) {
        self.close();
    }

    fn close(&mut self) {
        if self.open {
            self.open = false;
            let _ = self.agent.delete(&self.base).call();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.close();
    }
}

/// Crash the app running on `db`: SIGKILL, so no close hand-shake and nothing of the app's
/// own runs again. Not a power cut: what the process had written stays in the OS page cache
/// and reaches the file, so this proves that committed work survives the app dying, not that
/// it survives the machine losing power. Returns how many processes were killed.
pub fn kill_app(db: &Path) -> usize {
    let bin = app_binary();
    let (bin, db) = (bin.to_string_lossy(), db.to_string_lossy());
    let mut killed = 0;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.first().map(String::as_str) == Some(bin.as_ref()) && args.iter().any(|a| *a == db) {
            let pid = entry.file_name().to_string_lossy().into_owned();
            let ok = Command::new("kill")
                .args(["-KILL", &pid])
                .status()
                .is_ok_and(|s| s.success());
            killed += usize::from(ok);
        }
    }
    killed
}

/// Where screenshots go: `KIEMTRA_SCREENSHOTS` or `target/e2e-screenshots`.
pub fn screenshot_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("KIEMTRA_SCREENSHOTS") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .map(|p| p.join("e2e-screenshots"))
        .unwrap_or_else(|| PathBuf::from("e2e-screenshots"))
}

/// Ask the app's window to close the way a window manager does (WM_DELETE_WINDOW), as when
/// the person clicks ×. Returns how many windows were asked.
pub fn close_app_windows(display: &str, title_prefix: &str) -> usize {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{
        ClientMessageEvent, ConnectionExt, EventMask, CLIENT_MESSAGE_EVENT,
    };
    let (conn, screen) = x11rb::connect(Some(display)).expect("connect to the X display");
    let root = conn.setup().roots[screen].root;
    let atom = |name: &[u8]| {
        conn.intern_atom(false, name)
            .expect("intern_atom")
            .reply()
            .expect("atom")
            .atom
    };
    let (protocols, delete, net_name, utf8) = (
        atom(b"WM_PROTOCOLS"),
        atom(b"WM_DELETE_WINDOW"),
        atom(b"_NET_WM_NAME"),
        atom(b"UTF8_STRING"),
    );
    let children = conn
        .query_tree(root)
        .expect("query_tree")
        .reply()
        .expect("tree")
        .children;
    let mut asked = 0;
    for w in children {
        let name = conn
            .get_property(false, w, net_name, utf8, 0, 1024)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|r| String::from_utf8_lossy(&r.value).into_owned())
            .unwrap_or_default();
        if !name.starts_with(title_prefix) {
            continue;
        }
        let msg = ClientMessageEvent {
            response_type: CLIENT_MESSAGE_EVENT,
            format: 32,
            sequence: 0,
            window: w,
            type_: protocols,
            data: [delete, 0, 0, 0, 0].into(),
        };
        conn.send_event(false, w, EventMask::NO_EVENT, msg)
            .expect("send WM_DELETE_WINDOW");
        asked += 1;
    }
    conn.flush().expect("flush X requests");
    asked
}

/// Which native file dialog the app opened.
#[derive(Clone, Copy, Debug)]
pub enum Dialog {
    Save,
    Open,
}

/// Answer a native file dialog (GTK, opened by the app) whose title contains `title`: type
/// `path` into it and press Return, as a person would. GTK's completion popup may swallow the
/// first Return, so Return is pressed again until the dialog is gone.
/// Wait (bounded, like every wait here) for a visible window whose title contains `title`;
/// returns its X window id.
pub fn wait_for_window(display: &str, title: &str) -> u64 {
    let xdotool = require_tool("xdotool", "Debian package xdotool");
    wait_for(&format!("a window named {title:?}"), || {
        let out = Command::new(&xdotool)
            .env("DISPLAY", display)
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
    })
}

/// Send one key (xdotool's name for it, e.g. "Escape") to a visible window whose title
/// contains `title`, trying each such window until xdotool manages (one may not be viewable
/// the instant it is mapped).
pub fn key_to_window(display: &str, title: &str, key: &str) {
    let xdotool = require_tool("xdotool", "Debian package xdotool");
    let run = |args: &[&str]| {
        Command::new(&xdotool)
            .env("DISPLAY", display)
            .args(args)
            .output()
            .ok()
    };
    // What xdotool said last, for the message if it never manages.
    let mut said = String::new();
    let mut tried = false;
    let sent = try_wait_for(|| {
        let found = run(&["search", "--onlyvisible", "--name", title])?;
        let ids = String::from_utf8_lossy(&found.stdout).to_string();
        // The key can close the window before xdotool is done with it: xdotool then fails
        // on a window that is gone, and the key was delivered after all.
        if ids.trim().is_empty() {
            return tried.then_some(());
        }
        tried = true;
        ids.lines()
            .map(str::trim)
            .find(|id| {
                // Focus it and wait for the focus; else set the focus and type; else (no
                // window manager: the keyboard follows the pointer) point at it and type.
                [
                    vec!["windowfocus", "--sync", id, "key", "--window", id, key],
                    vec!["windowfocus", id, "key", key],
                    vec!["mousemove", "--window", id, "20", "20", "key", key],
                ]
                .iter()
                .any(|args| match run(args) {
                    Some(o) if o.status.success() => true,
                    Some(o) => {
                        let name = run(&["getwindowname", id])
                            .map(|n| String::from_utf8_lossy(&n.stdout).trim().to_string())
                            .unwrap_or_default();
                        said = format!(
                            "{id} {name:?} {}: {}",
                            args[0],
                            String::from_utf8_lossy(&o.stderr).trim()
                        );
                        false
                    }
                    None => false,
                })
            })
            .map(|_| ())
    });
    assert!(
        sent.is_some(),
        "timed out waiting for xdotool to send {key} to {title:?} (xdotool: {said:?})"
    );
}

/// Wait until no visible window's title contains `title`.
pub fn wait_window_gone(display: &str, title: &str) {
    let xdotool = require_tool("xdotool", "Debian package xdotool");
    wait_for(&format!("the {title:?} window to close"), || {
        let out = Command::new(&xdotool)
            .env("DISPLAY", display)
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .is_empty()
            .then_some(())
    });
}

pub fn answer_file_dialog(display: &str, title: &str, kind: Dialog, path: &Path) {
    let xdotool = require_tool("xdotool", "Debian package xdotool");
    let run = |args: &[&str]| {
        Command::new(&xdotool)
            .env("DISPLAY", display)
            .args(args)
            .output()
            .expect("xdotool runs")
    };
    let path = path.to_str().expect("a UTF-8 path");
    // An open dialog needs its location entry first (ctrl+L); typing "/" would open it too,
    // but GTK drops the keys typed while that entry appears.
    let keys: &[&str] = match kind {
        Dialog::Save => &["ctrl+a"],
        Dialog::Open => &["ctrl+l", "ctrl+a"],
    };
    let mut args = vec![
        "search",
        "--sync",
        "--onlyvisible",
        "--name",
        title,
        "windowfocus",
        "--sync",
        "%1",
        "key",
    ];
    args.extend_from_slice(keys);
    args.extend_from_slice(&["type", "--delay", "2", path]);
    let out = run(&args);
    assert!(
        out.status.success(),
        "xdotool could not type into the {title:?} dialog: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let open = || {
        run(&["search", "--onlyvisible", "--name", title])
            .status
            .success()
    };
    wait_for(&format!("the {title:?} dialog to close"), || {
        if !open() {
            return Some(());
        }
        run(&[
            "search",
            "--onlyvisible",
            "--name",
            title,
            "windowfocus",
            "%1",
            "key",
            "Return",
        ]);
        // Give GTK a moment's worth of polls to close before pressing again.
        try_wait_for_short(|| (!open()).then_some(()))
    });
}

/// Poll briefly (up to a second); for steps that may need repeating.
fn try_wait_for_short<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::park_timeout(Duration::from_millis(50));
    }
}
