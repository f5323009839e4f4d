//! The layer rules of ARCHITECTURE.md, checked on the source so they cannot drift: crates
//! depend one way and never on Tauri below the shell, no crate's modules import each other in
//! a circle, the engine names no domain kind, a language is chosen only where a message is put
//! into words (`impl Localize`), and no source file grows past what one person reads at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    files(dir, "rs", &mut v);
    v.sort();
    v
}

/// The library crates, lowest layer first, with the crates of ours each may use.
const LAYERS: &[(&str, &[&str])] = &[
    ("crates/kiemtra-store", &[]),
    ("crates/kiemtra-domain", &["kiemtra-store"]),
    ("crates/kiemtra-core", &["kiemtra-store", "kiemtra-domain"]),
    (
        "crates/kiemtra-render",
        &["kiemtra-store", "kiemtra-domain", "kiemtra-core"],
    ),
    (
        "crates/kiemtra-cli",
        &[
            "kiemtra-store",
            "kiemtra-domain",
            "kiemtra-core",
            "kiemtra-render",
        ],
    ),
];

/// Dependency names in the `[dependencies]` tables of a manifest (not dev-dependencies:
/// tests may reach further).
fn dependencies(manifest: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut on = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            on =
                t == "[dependencies]" || t.starts_with("[target.") && t.ends_with(".dependencies]");
            continue;
        }
        if on {
            if let Some((name, _)) = t.split_once('=') {
                let name = name.trim().trim_end_matches(".workspace").trim();
                if !name.is_empty() && !name.starts_with('#') {
                    out.insert(name.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn crates_depend_one_way_and_only_the_shell_on_tauri() {
    let mut bad = Vec::new();
    for (dir, allowed) in LAYERS {
        let manifest = fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
        let deps = dependencies(&manifest);
        assert!(deps.len() > 2, "{dir}: manifest not read ({deps:?})");
        for d in &deps {
            if d.starts_with("tauri") || d == "wry" || d == "tao" {
                bad.push(format!("{dir} depends on {d}"));
            }
            if d.starts_with("kiemtra-") && !allowed.contains(&d.as_str()) {
                bad.push(format!("{dir} depends on {d}, a layer above or beside it"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The top-level module of `crate::x` paths in a file, test modules left out.
fn crate_paths(src: &str) -> BTreeSet<String> {
    let src = match src.find("#[cfg(test)]\nmod tests") {
        Some(i) => &src[..i],
        None => src,
    };
    let mut out = BTreeSet::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while let Some(at) = src[i..].find("crate::") {
        let start = i + at;
        let ok_before =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let rest = &src[start + "crate::".len()..];
        if ok_before {
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for part in group[..end].split(',') {
                    let name: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.insert(name);
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
        i = start + "crate::".len();
    }
    out
}

/// The module graph of a crate's `src/` (top-level modules: a file or a directory).
fn module_graph(src_dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in rust_files(src_dir) {
        let rel = f.strip_prefix(src_dir).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = fs::read_to_string(&f).unwrap();
        graph
            .entry(top.clone())
            .or_default()
            .extend(crate_paths(&text));
    }
    let names: BTreeSet<String> = graph.keys().cloned().collect();
    for (m, deps) in graph.iter_mut() {
        deps.retain(|d| names.contains(d) && d != m);
    }
    graph
}

/// Every circle of modules (Tarjan's strongly connected components of more than one).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'g> {
        g: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'g>(t: &mut T<'g>, v: &'g str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in &t.g[v] {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(circles(&g), vec![vec!["a", "b", "c"]]);
    assert_eq!(
        crate_paths("use crate::{x, y::Z};\nfn f() { crate::w::g(); kcrate::no(); }"),
        ["w", "x", "y"].into_iter().map(String::from).collect()
    );
}

#[test]
fn no_crate_has_modules_in_a_circle() {
    let mut dirs: Vec<PathBuf> = LAYERS
        .iter()
        .map(|(d, _)| root().join(d).join("src"))
        .collect();
    dirs.push(root().join("src-tauri/src"));
    let mut found = Vec::new();
    for d in &dirs {
        let g = module_graph(d);
        assert!(g.len() > 2, "{}: modules not found", d.display());
        for c in circles(&g) {
            found.push(format!("{}: {}", d.display(), c.join(" → ")));
        }
    }
    assert!(
        found.is_empty(),
        "modules in a circle:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_engine_names_no_domain_kind() {
    let kinds = [
        "\"campaign\"",
        "\"unit\"",
        "\"visit\"",
        "\"finding\"",
        "\"recommendation\"",
        "\"attachment\"",
        "\"team\"",
        "\"inspector\"",
        "\"criteria_set\"",
        "visit_id",
        "campaign_id",
    ];
    let mut bad = Vec::new();
    for f in rust_files(&root().join("crates/kiemtra-store/src")) {
        let text = fs::read_to_string(&f).unwrap();
        let text = match text.find("#[cfg(test)]") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        for k in kinds {
            if text.contains(k) {
                bad.push(format!("{} names {k}", f.display()));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The top-level item a line belongs to: the last line above it that starts at column 0
/// with `impl`, `fn`, `pub`, `struct` or `enum`.
fn enclosing_item(lines: &[&str], at: usize) -> &'static str {
    for l in lines[..=at].iter().rev() {
        if l.starts_with("impl") {
            return if l.contains("Localize for ") {
                "localize"
            } else {
                "other impl"
            };
        }
        if l.starts_with("fn ")
            || l.starts_with("pub(crate) fn ")
            || l.starts_with("pub(super) fn ")
        {
            return "private fn";
        }
        if l.starts_with("pub fn ")
            || l.starts_with("pub ")
            || l.starts_with("struct ")
            || l.starts_with("enum ")
        {
            return "other";
        }
    }
    "other"
}

#[test]
fn a_language_is_chosen_only_where_a_message_is_put_into_words() {
    let mut dirs: Vec<PathBuf> = LAYERS
        .iter()
        .map(|(d, _)| root().join(d).join("src"))
        .collect();
    dirs.push(root().join("src-tauri/src"));
    let choosing = [
        ".pick(",
        "Lang::Vi =>",
        "(Lang::Vi,",
        "Lang::En =>",
        "(Lang::En,",
    ];
    let mut bad = Vec::new();
    let mut seen = 0;
    for d in &dirs {
        for f in rust_files(d) {
            // The mechanism itself (`Lang::pick`, `Bilingual::get`) is where choosing is defined.
            if f.components().any(|c| c.as_os_str() == "tests")
                || f.ends_with("kiemtra-domain/src/lang.rs")
            {
                continue;
            }
            let text = fs::read_to_string(&f).unwrap();
            let text = match text.find("#[cfg(test)]\nmod tests") {
                Some(i) => &text[..i],
                None => &text[..],
            };
            let has_impl = text.contains("Localize for ");
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if !choosing.iter().any(|c| l.contains(c)) || l.contains("pub fn pick") {
                    continue;
                }
                seen += 1;
                match enclosing_item(&lines, i) {
                    "localize" => {}
                    // A private helper of a file's messages (a list cut short, a field's name).
                    "private fn" if has_impl => {}
                    _ => bad.push(format!("{}:{}: {}", f.display(), i + 1, l.trim())),
                }
            }
        }
    }
    assert!(seen > 50, "language choices not found ({seen})");
    assert!(
        bad.is_empty(),
        "a language chosen outside a Localize impl:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_source_file_is_over_a_thousand_lines() {
    let r = root();
    let mut all = Vec::new();
    for (d, _) in LAYERS {
        files(&r.join(d).join("src"), "rs", &mut all);
        files(&r.join(d).join("benches"), "rs", &mut all);
    }
    files(&r.join("src-tauri/src"), "rs", &mut all);
    files(&r.join("ui"), "js", &mut all);
    files(&r.join("ui"), "css", &mut all);
    let mut long = Vec::new();
    for f in &all {
        if f.components().any(|c| c.as_os_str() == "tests") || f.ends_with("tests.rs") {
            continue;
        }
        let n = fs::read_to_string(f).unwrap().lines().count();
        if n > 1000 {
            long.push(format!("{} has {n} lines", f.display()));
        }
    }
    assert!(all.len() > 50, "sources not found");
    assert!(long.is_empty(), "{}", long.join("\n"));
}
