//! Search that ignores diacritics and case ("doan phi" finds "Đoàn phí") over campaigns,
//! units, visits, findings and recommendations, each result naming the place it links to.
//!
//! The index (migration 3: `search_fts`, `search_doc`, meta `search_seq`) is kept up to date
//! lazily: writes and imports never touch it, and `Store::search_catch_up` (run before every
//! search) re-indexes the records whose revisions arrived after `search_seq`, in one
//! transaction. Import speed is a goal of its own (README, benchmark), and a search after an
//! import pays once for everything that came in.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use unicode_normalization::char::is_combining_mark;

use crate::error::{Error, Result};
use crate::model::{CriteriaSet, Unit, Visit};
use crate::store::{get_in, Store};
use crate::text;

/// The kinds searched and the body fields whose text is indexed, in the order a result
/// prefers them when several match.
const KINDS: &[(&str, &[&str])] = &[
    ("campaign", &["name", "theme"]),
    ("unit", &["name", "short_name", "code"]),
    (
        "visit",
        &[
            "report_summary",
            "difficulties",
            "strengths",
            "shortcomings",
            "assessment",
        ],
    ),
    ("finding", &["note", "explanation"]),
    ("recommendation", &["text"]),
];

/// The text fields of a kind (none for a kind not searched).
pub(crate) fn text_fields(kind: &str) -> &'static [&'static str] {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, f)| *f)
        .unwrap_or(&[])
}

/// The field a finding's result names when only its item's title matched.
pub const ITEM_TITLE: &str = "item_title";

/// The kinds `SearchOptions::kind` accepts.
pub fn kinds() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|(k, _)| *k)
}

const DEFAULT_LIMIT: usize = 50;
const SEQ_KEY: &str = "search_seq";
/// How many of the newest matches are ranked. bm25 costs a few microseconds a row on an
/// index with positions, so ranking a word found in all of 100,000 findings would take far
/// too long; a query that matches more than this is ranked among the newest matches (highest
/// doc ids: indexed last).
const CANDIDATES: i64 = 1_000;
/// bm25 weights of the columns: the kind only filters; a word in the record's own text counts
/// four times one in its context.
const RANK: &str = "bm25(search_fts, 0.0, 1.0, 0.25)";

/// What to search. The defaults: every kind, the best 50.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SearchOptions {
    /// Only this kind (one of `kinds()`).
    pub kind: Option<String>,
    pub limit: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            kind: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// Where a result leads: the screen and, for a finding, the item within the visit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Place {
    Campaign {
        campaign_id: String,
    },
    Unit {
        unit_id: String,
    },
    Visit {
        visit_id: String,
        item_code: Option<String>,
    },
}

/// One result. `label` and `snippet` are the data's own words (names, codes, dates,
/// the text as typed), so they read the same whatever the UI language.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub kind: String,
    pub id: String,
    /// A unit's or campaign's name; for a finding "<unit> · <item code> <item title>"; for a
    /// visit or recommendation "<unit> · <visit date>".
    pub label: String,
    /// The body field the snippet comes from (or `item_title`).
    pub field: String,
    /// The original text (diacritics kept) around the first match, "…" where it is cut.
    pub snippet: String,
    pub place: Place,
}

impl Store {
    /// Bring the search index up to date with every revision stored so far; returns how many
    /// records were looked at. Searching does this first; the app may call it after an
    /// import so the first search does not wait.
    pub fn search_catch_up(&mut self) -> Result<usize> {
        // Without a write lock first: most searches find nothing new.
        if indexed_seq(self.conn())? == last_seq(self.conn())? {
            return Ok(0);
        }
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read under the lock: another process may have caught up meanwhile.
        let (mark, last) = (indexed_seq(&tx)?, last_seq(&tx)?);
        let n = if mark == last {
            0
        } else if mark == 0 || last < mark {
            // Nothing indexed yet, or a mark from some other file's history: start over.
            rebuild(&tx)?
        } else {
            update(&tx, mark)?
        };
        tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![SEQ_KEY, last.to_string()],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// Whether the index holds every revision stored so far (no search would wait).
    pub fn search_is_current(&self) -> Result<bool> {
        Ok(indexed_seq(self.conn())? == last_seq(self.conn())?)
    }

    /// Records matching every word of `query` (the last word also as a prefix, so a word
    /// being typed already matches), best first (bm25, see `CANDIDATES`). Case, diacritics
    /// and đ/d do not matter; punctuation separates words and is never query syntax. A query
    /// without words finds nothing.
    pub fn search(&mut self, query: &str, opts: &SearchOptions) -> Result<Vec<SearchHit>> {
        if let Some(k) = &opts.kind {
            if kind_of(k).is_none() {
                return Err(Error::invalid_field(
                    "kind",
                    format!("\"{k}\" ({})", kinds().collect::<Vec<_>>().join(" | ")),
                ));
            }
        }
        if opts.limit == 0 {
            return Err(Error::invalid_field("limit", "0 (≥ 1)"));
        }
        let Some(q) = Query::parse(query) else {
            return Ok(Vec::new());
        };
        self.search_catch_up()?;
        let conn = self.conn();
        // One pass, newest first, scoring as it goes: bm25's fixed cost (it counts the rows
        // of every word for their weights) is paid once, and the pass stops at CANDIDATES.
        let mut st = conn.prepare_cached(&format!(
            "SELECT rowid, {RANK} FROM search_fts WHERE search_fts MATCH ?1
             ORDER BY rowid DESC LIMIT ?2"
        ))?;
        let mut ranked = st
            .query_map(params![q.fts(opts.kind.as_deref()), CANDIDATES], |r| {
                Ok((r.get::<_, f64>(1)?, r.get::<_, i64>(0)?))
            })?
            .collect::<rusqlite::Result<Vec<(f64, i64)>>>()?;
        // Lower bm25 is better; on a tie, the newer record.
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        ranked.truncate(opts.limit);
        let mut record = conn.prepare_cached(
            "SELECT r.id, r.kind, r.body FROM search_doc d JOIN records r ON r.id = d.record_id
             WHERE d.doc = ?1",
        )?;
        let mut ctx = Context::new(conn);
        let mut hits = Vec::with_capacity(ranked.len());
        for (_, doc) in ranked {
            let (id, kind, body): (String, String, String) =
                record.query_row([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            hits.push(ctx.hit(&q, id, kind, &serde_json::from_str(&body)?)?);
        }
        Ok(hits)
    }
}

/// A query as words for FTS5: folded like the index, split where the tokenizer splits, each
/// word quoted, so nothing typed (`"`, `*`, `-`, `OR`, `NEAR(`) is read as FTS syntax.
struct Query {
    words: Vec<String>,
}

impl Query {
    fn parse(query: &str) -> Option<Query> {
        let words: Vec<String> = text::fold(query)
            .split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        (!words.is_empty()).then_some(Query { words })
    }

    /// `{body context}: "doan" {body context}: "phi"*`: every word (FTS5 joins phrases with
    /// AND) in the record's text, never in its kind; the last as a prefix. A kind filter is
    /// one more phrase, in the kind column.
    fn fts(&self, kind: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(k) = kind {
            // A kind name is plain lowercase ASCII (`KINDS`).
            out.push_str(&format!("{{kind}}: \"{k}\" "));
        }
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            // Words hold no quote (see `is_word_char`), so none needs escaping.
            out.push_str("{body context}: \"");
            out.push_str(w);
            out.push('"');
        }
        out.push('*');
        out
    }

    /// Whether `word` (folded) matches query word `i`.
    fn matches(&self, i: usize, word: &str) -> bool {
        let q = &self.words[i];
        if i + 1 == self.words.len() {
            word.starts_with(q.as_str())
        } else {
            word == q
        }
    }
}

/// Letters and digits: characters unicode61 keeps inside a word ("L* N* Co"), so a quoted
/// query word is always one token for FTS5 (the query is a list of single words, never a
/// phrase). Rust, on a newer Unicode than SQLite's tables, calls a few more characters
/// alphabetic: combining marks (folded away anyway), enclosed letters (Ⓐ, 🄰) and some New
/// Tai Lue and Vedic signs. A test checks every character against FTS5 itself.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        && !is_combining_mark(c)
        && !matches!(
            c,
            '\u{19B0}'..='\u{19C9}'
                | '\u{1CF2}'..='\u{1CF3}'
                | '\u{2460}'..='\u{24FF}'
                | '\u{1F100}'..='\u{1F1FF}'
        )
}

fn indexed_seq(conn: &Connection) -> Result<i64> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [SEQ_KEY], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM revisions", [], |r| {
            r.get(0)
        })?,
    )
}

/// The most of one field the index takes, in bytes: far more than anyone types (the store
/// refuses a paragraph over `TEXT_MAX` characters), so only a text that arrived oversized
/// from elsewhere is cut, and a megabyte note costs its first 64 KB, not a stalled search.
const INDEXED_FIELD_MAX: usize = 64 * 1024;

fn indexed_part(t: &str) -> &str {
    if t.len() <= INDEXED_FIELD_MAX {
        return t;
    }
    let mut end = INDEXED_FIELD_MAX;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    &t[..end]
}

/// 64 bits of the SHA-256 of a row's folded texts: enough to tell a changed row.
fn text_hash(own: &str, context: &str) -> i64 {
    let mut h = Sha256::new();
    h.update(own.as_bytes());
    h.update([0]);
    h.update(context.as_bytes());
    let d = h.finalize();
    i64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

fn kind_of(kind: &str) -> Option<&'static (&'static str, &'static [&'static str])> {
    KINDS.iter().find(|(k, _)| *k == kind)
}

/// Index every live record from scratch, in the order the records arrived here (so newer
/// records get higher doc ids).
fn rebuild(conn: &Connection) -> Result<usize> {
    conn.execute_batch(
        "DELETE FROM search_doc;
         INSERT INTO search_fts(search_fts) VALUES ('delete-all');",
    )?;
    let mut ctx = Context::new(conn);
    // The body as the `records` view gives it, in record_state's row order.
    let mut st = conn.prepare(
        "SELECT s.id, s.kind, COALESCE(s.merged, v.body)
         FROM record_state s JOIN revisions v ON v.rev = s.rev
         WHERE s.deleted = 0
         ORDER BY s.rowid",
    )?;
    let mut rows = st.query([])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let (id, kind): (String, String) = (r.get(0)?, r.get(1)?);
        if kind_of(&kind).is_none() {
            continue;
        }
        let body: Value =
            serde_json::from_str(r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?)?;
        if let Some((own, context)) = ctx.texts(&kind, &body)? {
            ctx.put(&id, &kind, &own, &context)?;
        }
        n += 1;
    }
    Ok(n)
}

/// Re-index the records with revisions after `mark`, and the findings whose item title may
/// have changed with them (their visit's, or its criteria set's).
fn update(conn: &Connection, mark: i64) -> Result<usize> {
    // Not DISTINCT: that would have SQLite scan every revision in record order instead of
    // reading the few new ones through the `seq` index.
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut st = conn.prepare_cached("SELECT record_id FROM revisions WHERE seq > ?1")?;
    for id in st.query_map([mark], |r| r.get(0))? {
        changed.insert(id?);
    }
    let mut ids = changed.clone();
    let mut visits: Vec<String> = Vec::new();
    for id in &changed {
        match conn
            .prepare_cached("SELECT kind FROM records WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, String>(0))
            .optional()?
            .as_deref()
        {
            Some("visit") => visits.push(id.clone()),
            Some("criteria_set") => {
                let mut st = conn.prepare_cached(
                    "SELECT id FROM records WHERE kind = 'visit' AND deleted = 0
                       AND json_extract(body, '$.criteria_set_id') = ?1",
                )?;
                for v in st.query_map([id], |r| r.get(0))? {
                    visits.push(v?);
                }
            }
            _ => {}
        }
    }
    for v in visits {
        let mut st = conn.prepare_cached(
            "SELECT id FROM record_state WHERE owner = ?1 AND kind = 'finding' AND deleted = 0",
        )?;
        for f in st.query_map([&v], |r| r.get(0))? {
            ids.insert(f?);
        }
    }
    let mut ctx = Context::new(conn);
    for id in &ids {
        let current: Option<(String, bool, String)> = conn
            .prepare_cached("SELECT kind, deleted, body FROM records WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let texts = match &current {
            Some((kind, false, body)) => ctx.texts(kind, &serde_json::from_str(body)?)?,
            _ => None,
        };
        match (current, texts) {
            (Some((kind, ..)), Some((own, context))) => ctx.put(id, &kind, &own, &context)?,
            _ => ctx.remove(id)?,
        }
    }
    Ok(ids.len())
}

/// What a visit contributes to its findings' and recommendations' labels and index rows.
struct VisitBits {
    unit_id: String,
    date: Option<chrono::NaiveDate>,
    criteria_set_id: String,
}

/// Lookups shared by the records of one catch-up or one search (a visit's many findings
/// need the same visit, unit and criteria set).
struct Context<'c> {
    conn: &'c Connection,
    visits: HashMap<String, Option<VisitBits>>,
    units: HashMap<String, Option<String>>,
    sets: HashMap<String, Option<CriteriaSet>>,
}

impl<'c> Context<'c> {
    fn new(conn: &'c Connection) -> Context<'c> {
        Context {
            conn,
            visits: HashMap::new(),
            units: HashMap::new(),
            sets: HashMap::new(),
        }
    }

    fn visit(&mut self, id: &str) -> Result<Option<&VisitBits>> {
        if !self.visits.contains_key(id) {
            let v = get_in::<Visit>(self.conn, id)?.map(|v| VisitBits {
                unit_id: v.body.unit_id,
                date: v.body.date,
                criteria_set_id: v.body.criteria_set_id,
            });
            self.visits.insert(id.to_string(), v);
        }
        Ok(self.visits[id].as_ref())
    }

    fn unit_name(&mut self, id: &str) -> Result<String> {
        if !self.units.contains_key(id) {
            let name = get_in::<Unit>(self.conn, id)?.map(|u| u.body.name);
            self.units.insert(id.to_string(), name);
        }
        Ok(self.units[id].clone().unwrap_or_default())
    }

    /// The title of an item in a visit's criteria set, if both still exist.
    fn item_title(&mut self, visit_id: &str, code: &str) -> Result<Option<String>> {
        let Some(set_id) = self.visit(visit_id)?.map(|v| v.criteria_set_id.clone()) else {
            return Ok(None);
        };
        if !self.sets.contains_key(&set_id) {
            let set = get_in::<CriteriaSet>(self.conn, &set_id)?.map(|s| s.body);
            self.sets.insert(set_id.clone(), set);
        }
        Ok(self.sets[&set_id]
            .as_ref()
            .and_then(|s| s.item(code))
            .map(|i| i.title.clone()))
    }

    /// A record's folded index texts (its own, its context), None when it has no words.
    fn texts(&mut self, kind: &str, body: &Value) -> Result<Option<(String, String)>> {
        let Some((_, fields)) = kind_of(kind) else {
            return Ok(None);
        };
        let mut own = String::new();
        let mut seen: Vec<&str> = Vec::new();
        for f in *fields {
            let Some(t) = body[*f].as_str().filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            let t = indexed_part(t);
            // A unit's short name is often its name: one copy, so bm25 does not count it twice.
            if !seen.contains(&t) {
                seen.push(t);
                own.push_str(t);
                own.push('\n');
            }
        }
        let context = match (kind, body["visit_id"].as_str(), body["item_code"].as_str()) {
            ("finding", Some(v), Some(c)) => self.item_title(v, c)?.unwrap_or_default(),
            _ => String::new(),
        };
        let (own, context) = (text::fold(&own), text::fold(&context));
        Ok((!own.is_empty() || !context.is_empty()).then_some((own, context)))
    }

    /// Write a record's index row, replacing the one it had (nothing when its text is the
    /// same: a visit's edit re-indexes its findings, whose text seldom changes with it).
    fn put(&mut self, id: &str, kind: &str, own: &str, context: &str) -> Result<()> {
        let hash = text_hash(own, context);
        let old: Option<(i64, i64)> = self
            .conn
            .prepare_cached("SELECT doc, hash FROM search_doc WHERE record_id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let doc = match old {
            Some((_, h)) if h == hash => return Ok(()),
            Some((doc, _)) => {
                self.conn
                    .prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
                    .execute([doc])?;
                self.conn
                    .prepare_cached("UPDATE search_doc SET hash = ?2 WHERE doc = ?1")?
                    .execute([doc, hash])?;
                doc
            }
            None => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO search_doc(record_id, kind, hash) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![id, kind, hash])?;
                self.conn.last_insert_rowid()
            }
        };
        self.conn
            .prepare_cached(
                "INSERT INTO search_fts(rowid, kind, body, context) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![doc, kind, own, context])?;
        Ok(())
    }

    /// Drop a record's index row, if it has one.
    fn remove(&mut self, id: &str) -> Result<()> {
        let doc: Option<i64> = self
            .conn
            .prepare_cached("DELETE FROM search_doc WHERE record_id = ?1 RETURNING doc")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(doc) = doc {
            self.conn
                .prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
                .execute([doc])?;
        }
        Ok(())
    }

    /// A result: label, the field that matched with a snippet of it, and the place.
    fn hit(&mut self, q: &Query, id: String, kind: String, body: &Value) -> Result<SearchHit> {
        let str_of = |f: &str| body[f].as_str().unwrap_or_default().to_string();
        let mut texts: Vec<(&str, String)> = kind_of(&kind)
            .map_or(&[][..], |k| k.1)
            .iter()
            .map(|f| (*f, str_of(f)))
            .collect();
        let (label, place) = match kind.as_str() {
            "campaign" => (
                str_of("name"),
                Place::Campaign {
                    campaign_id: id.clone(),
                },
            ),
            "unit" => (
                str_of("name"),
                Place::Unit {
                    unit_id: id.clone(),
                },
            ),
            "visit" => (
                self.visit_label(&id)?,
                Place::Visit {
                    visit_id: id.clone(),
                    item_code: None,
                },
            ),
            "finding" => {
                let (visit_id, code) = (str_of("visit_id"), str_of("item_code"));
                let title = self.item_title(&visit_id, &code)?.unwrap_or_default();
                let unit = match self.visit(&visit_id)?.map(|v| v.unit_id.clone()) {
                    Some(u) => self.unit_name(&u)?,
                    None => String::new(),
                };
                let label = join_label(&unit, format!("{code} {title}").trim());
                texts.push((ITEM_TITLE, title));
                (
                    label,
                    Place::Visit {
                        visit_id,
                        item_code: Some(code),
                    },
                )
            }
            _ => {
                let visit_id = str_of("visit_id");
                (
                    self.visit_label(&visit_id)?,
                    Place::Visit {
                        visit_id,
                        item_code: None,
                    },
                )
            }
        };
        let (field, snippet) = best_field(q, &texts);
        Ok(SearchHit {
            kind,
            id,
            label,
            field: field.to_string(),
            snippet,
            place,
        })
    }

    fn visit_label(&mut self, visit_id: &str) -> Result<String> {
        let Some((unit_id, date)) = self.visit(visit_id)?.map(|v| (v.unit_id.clone(), v.date))
        else {
            return Ok(String::new());
        };
        let unit = self.unit_name(&unit_id)?;
        Ok(join_label(&unit, &crate::dates::dmy_opt(date)))
    }
}

fn join_label(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (false, false) => format!("{a} · {b}"),
        (true, _) => b.to_string(),
        (false, true) => a.to_string(),
    }
}

/// The field that matches the most query words (the earlier on a tie), and a snippet of it
/// around its first match. Falls back to the first non-empty field from its start.
fn best_field<'a>(q: &Query, texts: &[(&'a str, String)]) -> (&'a str, String) {
    let mut best: Option<(usize, &'a str, &str, usize)> = None;
    for (field, t) in texts {
        // Only what the index holds can have matched.
        let (folded, from) = text::fold_mapped(indexed_part(t));
        let mut matched = vec![false; q.words.len()];
        let mut first: Option<usize> = None;
        for (at, word) in words_of(&folded) {
            for (i, m) in matched.iter_mut().enumerate() {
                if q.matches(i, word) {
                    *m = true;
                    first.get_or_insert(from[at]);
                }
            }
        }
        let count = matched.iter().filter(|m| **m).count();
        if let Some(at) = first {
            if best.is_none_or(|(c, ..)| count > c) {
                best = Some((count, field, t, at));
            }
        }
    }
    match best {
        Some((_, field, t, at)) => (field, snippet(indexed_part(t), at)),
        None => texts
            .iter()
            .find(|(_, t)| !t.trim().is_empty())
            .map(|(f, t)| (*f, snippet(indexed_part(t), 0)))
            .unwrap_or(("", String::new())),
    }
}

/// The words of a folded text with their byte offsets.
fn words_of(folded: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    let mut out = Vec::new();
    for (i, c) in folded.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &folded[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &folded[s..]));
    }
    out.into_iter()
}

/// Characters of context before the match, and the most a snippet shows.
const SNIPPET_BEFORE: usize = 40;
const SNIPPET_CHARS: usize = 160;

/// Up to `SNIPPET_CHARS` characters of `text` around byte `at`, cut between words, with
/// whitespace (line breaks too) shown as single spaces and "…" where text was left out.
fn snippet(text: &str, at: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let pos = chars.partition_point(|(i, _)| *i < at);
    let mut start = pos.saturating_sub(SNIPPET_BEFORE);
    // Begin at a word: move forward past the partial one (never past the match).
    while start > 0 && start < pos && !chars[start - 1].1.is_whitespace() {
        start += 1;
    }
    let mut end = (start + SNIPPET_CHARS).min(chars.len());
    if end < chars.len() {
        // End after a whole word, when one ends after the match.
        let mut e = end;
        while e > pos + 1 && !chars[e].1.is_whitespace() {
            e -= 1;
        }
        if e > pos + 1 {
            end = e;
        }
    }
    let byte = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
    let shown = text[byte(start)..byte(end)]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let lead = if text[..byte(start)].trim().is_empty() {
        ""
    } else {
        "…"
    };
    let tail = if text[byte(end)..].trim().is_empty() {
        ""
    } else {
        "…"
    };
    format!("{lead}{shown}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[test]
    fn queries_are_words_never_syntax() {
        let q = Query::parse("  Đoàn-PHÍ \"OR\" NEAR(x* ").unwrap();
        assert_eq!(q.words, ["doan", "phi", "or", "near", "x"]);
        assert_eq!(
            q.fts(None),
            "{body context}: \"doan\" {body context}: \"phi\" {body context}: \"or\" \
             {body context}: \"near\" {body context}: \"x\"*"
        );
        assert_eq!(
            Query::parse("ph").unwrap().fts(Some("finding")),
            "{kind}: \"finding\" {body context}: \"ph\"*"
        );
        assert!(Query::parse(" \"*-() ").is_none());
        assert!(Query::parse("").is_none());
    }

    /// A quoted query word must be one FTS5 token: checked for every character there is, by
    /// the tokenizer of the real schema.
    #[test]
    fn every_word_character_stays_inside_an_fts5_token() {
        let conn = Connection::open_in_memory().unwrap();
        for m in crate::schema::MIGRATIONS {
            conn.execute_batch(m).unwrap();
        }
        conn.execute_batch(
            "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, search_fts, 'row')",
        )
        .unwrap();
        let mut body = String::new();
        let mut n = 0;
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| is_word_char(*c))
        {
            body.push('q');
            body.push(c);
            body.push_str("q ");
            n += 1;
        }
        assert!(n > 100_000, "{n}");
        conn.execute(
            "INSERT INTO search_fts(rowid, kind, body, context) VALUES (1, 'unit', ?1, '')",
            [&body],
        )
        .unwrap();
        // A character FTS5 splits on would leave a bare "q" behind.
        let split: i64 = conn
            .query_row(
                "SELECT count(*) FROM temp.terms WHERE term = 'q'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(split, 0);
    }

    #[test]
    fn only_the_last_word_matches_as_a_prefix() {
        let q = Query::parse("doan ph").unwrap();
        assert!(q.matches(1, "phi") && q.matches(1, "ph"));
        assert!(q.matches(0, "doan") && !q.matches(0, "doanh"));
    }

    #[test]
    fn snippets_keep_diacritics_and_cut_between_words() {
        let long = format!(
            "{}Thu đoàn phí đạt 94% {}",
            "Mở đầu dài dòng ".repeat(10),
            "rồi còn nhiều chữ nữa ".repeat(20)
        );
        let q = Query::parse("doan phi").unwrap();
        let (field, s) = best_field(&q, &[("note", long.clone())]);
        assert_eq!(field, "note");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("Thu đoàn phí đạt 94%"), "{s}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 2, "{s}");
        assert!(!s.contains("  "), "{s}");
        // Whole words at both ends.
        let inner = s.trim_matches('…');
        assert!(long.contains(&format!(" {inner} ")), "{s}");
    }

    #[test]
    fn the_field_with_more_words_wins_and_a_short_text_is_whole() {
        let q = Query::parse("so doan").unwrap();
        let texts = [
            ("note", "Đoàn viên tham gia đầy đủ.".to_string()),
            ("explanation", "Sổ đoàn viên đã bổ sung.".to_string()),
        ];
        let (field, s) = best_field(&q, &texts);
        assert_eq!(
            (field, s.as_str()),
            ("explanation", "Sổ đoàn viên đã bổ sung.")
        );
    }

    /// The indexed field names must be the model's: a renamed field would silently stop
    /// being searched.
    #[test]
    fn indexed_fields_exist_in_the_model() {
        fn keys<T: Serialize>(v: &T) -> Vec<String> {
            match serde_json::to_value(v).unwrap() {
                Value::Object(m) => m.keys().cloned().collect(),
                _ => unreachable!(),
            }
        }
        let visit = crate::setup::new_visit("", "", None, None, "");
        let campaign = Campaign {
            name: String::new(),
            year: 2023,
            theme: String::new(),
            start_date: None,
            end_date: None,
            decision_number: String::new(),
            issuing_body: String::new(),
            place: String::new(),
            criteria_set_id: None,
            report: None,
            recovery_recipient: String::new(),
            texts: Default::default(),
        };
        let unit = Unit {
            name: String::new(),
            short_name: String::new(),
            code: String::new(),
            kind: String::new(),
            level_label: String::new(),
            parent_id: None,
            valid_from: None,
            valid_to: None,
            merged_into: None,
        };
        let finding = Finding {
            visit_id: String::new(),
            item_code: String::new(),
            rating: None,
            points: None,
            note: String::new(),
            explanation: String::new(),
        };
        let rec = Recommendation {
            visit_id: String::new(),
            text: String::new(),
            raised_by: RaisedBy::Unit,
            authority: Authority::Unit,
            status: RecStatus::Received,
            due_date: None,
        };
        let all = [
            (Campaign::KIND, keys(&campaign)),
            (Unit::KIND, keys(&unit)),
            (Visit::KIND, keys(&visit)),
            (Finding::KIND, keys(&finding)),
            (Recommendation::KIND, keys(&rec)),
        ];
        assert_eq!(all.len(), super::KINDS.len());
        for (kind, keys) in all {
            for f in kind_of(kind).unwrap().1 {
                assert!(keys.iter().any(|k| k == f), "{kind}.{f}");
            }
        }
        // Every free-text field of a visit is searched.
        let text_fields = keys(&visit)
            .into_iter()
            .filter(|k| {
                !k.ends_with("_id") && !["date", "status", "overall_result"].contains(&k.as_str())
            })
            .count();
        assert_eq!(text_fields, kind_of("visit").unwrap().1.len());
    }
}
