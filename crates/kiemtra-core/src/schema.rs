//! Versioned migrations, applied in order at open. `PRAGMA user_version` holds how many
//! have run; an app that knows fewer refuses the file instead of guessing.

/// Each entry is one migration; never edit a released one, append a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: revisions, the materialised current state, devices and local settings.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    -- Every laptop ever seen (this one has is_self = 1). public_key is filled when bundles
    -- are signed; it is here now so that needs no migration.
    CREATE TABLE devices (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        public_key  TEXT,
        first_seen  TEXT NOT NULL,
        is_self     INTEGER NOT NULL DEFAULT 0 CHECK (is_self IN (0, 1))
    ) WITHOUT ROWID;

    -- The audit trail and the unit of sync. Immutable once written. rev = '<generation>-<hash>'
    -- where the hash covers record id, kind, parents, deleted, body, device and hlc, so the
    -- same revision has the same id on every laptop.
    CREATE TABLE revisions (
        rev         TEXT PRIMARY KEY,
        record_id   TEXT NOT NULL,
        kind        TEXT NOT NULL,
        generation  INTEGER NOT NULL CHECK (generation >= 1),
        parents     TEXT NOT NULL,            -- JSON array of rev ids, sorted
        device_id   TEXT NOT NULL,
        hlc         TEXT NOT NULL,
        deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        body        TEXT NOT NULL,            -- canonical JSON
        seq         INTEGER NOT NULL UNIQUE,  -- local arrival order (for incremental export)
        source      TEXT NOT NULL DEFAULT 'local'  -- 'local' or the import that brought it
    );
    CREATE INDEX revisions_record ON revisions(record_id, generation);

    -- Parent edges, so heads (revisions nobody names as parent) are one indexed query.
    CREATE TABLE rev_parents (
        rev     TEXT NOT NULL REFERENCES revisions(rev),
        parent  TEXT NOT NULL,
        PRIMARY KEY (rev, parent)
    ) WITHOUT ROWID;
    CREATE INDEX rev_parents_parent ON rev_parents(parent);

    -- The current state of each record. rev is the winning head (CouchDB rule: live before
    -- deleted, then the longest history, then the highest rev id). heads = live heads; when
    -- several heads changed different fields, body is their three-way merge and conflict = 0;
    -- when they changed the same field, body is the winner's and conflict = 1 until a person
    -- resolves it.
    CREATE TABLE records (
        id       TEXT PRIMARY KEY,
        kind     TEXT NOT NULL,
        rev      TEXT NOT NULL REFERENCES revisions(rev),
        deleted  INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        body     TEXT NOT NULL,
        heads    INTEGER NOT NULL DEFAULT 1,
        conflict INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1))
    ) WITHOUT ROWID;
    CREATE INDEX records_kind ON records(kind, deleted);
    CREATE INDEX records_visit ON records(json_extract(body, '$.visit_id'))
        WHERE kind IN ('finding', 'recommendation');
    CREATE INDEX records_campaign ON records(json_extract(body, '$.campaign_id'))
        WHERE kind IN ('visit', 'team');
    CREATE INDEX records_conflicts ON records(conflict) WHERE conflict = 1;

    -- Bundles this laptop imported (local history, never synced).
    CREATE TABLE imports (
        id            TEXT PRIMARY KEY,
        at            TEXT NOT NULL,
        file_name     TEXT NOT NULL,
        file_sha256   TEXT NOT NULL,
        device_id     TEXT NOT NULL,
        device_name   TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        revisions     INTEGER NOT NULL,
        new_revisions INTEGER NOT NULL,
        conflicts     INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 2: a lighter write path for imports. The parent edges live only in `revisions.parents`
    // (a record's revisions are few, so heads and ancestors are worked out from them in
    // memory), and the current state no longer copies every body: `record_state` names the
    // winning revision and keeps a body only where heads merged automatically. `owner` (a
    // finding's visit, a visit's campaign, ...) replaces the two JSON expression indexes.
    // `records` stays, as a view, for every reader.
    r#"
    CREATE TABLE record_state (
        id       TEXT PRIMARY KEY,
        kind     TEXT NOT NULL,
        rev      TEXT NOT NULL,
        deleted  INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        heads    INTEGER NOT NULL DEFAULT 1,
        conflict INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1)),
        merged   TEXT,   -- canonical JSON of the merged live heads; NULL: the winner's body
        owner    TEXT    -- the parent record lists are read by (model::owner_field)
    );
    INSERT INTO record_state(id, kind, rev, deleted, heads, conflict, merged, owner)
    SELECT r.id, r.kind, r.rev, r.deleted, r.heads, r.conflict,
           CASE WHEN r.body = v.body THEN NULL ELSE r.body END,
           CASE WHEN r.kind IN ('finding', 'recommendation') THEN json_extract(r.body, '$.visit_id')
                WHEN r.kind IN ('visit', 'team') THEN json_extract(r.body, '$.campaign_id') END
    FROM records r JOIN revisions v ON v.rev = r.rev
    ORDER BY r.id;
    DROP TABLE records;
    DROP TABLE rev_parents;
    CREATE INDEX record_state_kind ON record_state(kind, deleted);
    CREATE INDEX record_state_owner ON record_state(owner) WHERE owner IS NOT NULL;
    CREATE INDEX record_state_conflicts ON record_state(conflict) WHERE conflict = 1;
    CREATE VIEW records(id, kind, rev, deleted, body, heads, conflict, owner) AS
        SELECT s.id, s.kind, s.rev, s.deleted, COALESCE(s.merged, v.body), s.heads, s.conflict,
               s.owner
        FROM record_state s JOIN revisions v ON v.rev = s.rev;
    "#,
    // 3: full-text search (search.rs), local like `meta`: never exported, and rebuilt from the
    // records whenever `search_seq` is 0. Writes never touch it; searching first catches up
    // with the revisions that arrived after `search_seq`. One row per record: `body` holds the
    // record's own text, `context` what it is about (a finding's item title), both folded in
    // Rust (text::fold), so the tokenizer only meets lowercase words without diacritics;
    // `kind` is there to filter by. `search_doc` names the record behind each row (doc ids
    // grow as records are indexed, so higher is newer) and a hash of the text indexed.
    // Contentless: snippets are cut from the records themselves, so no copy of the text is
    // kept, and bm25 reads what it needs from the index. detail=column: the queries use no
    // phrases or NEAR, and the index is smaller and faster without positions. The prefix
    // indexes answer a word being typed (its first one to four letters) without merging the
    // lists of every word that starts so.
    r#"
    CREATE TABLE search_doc (
        doc        INTEGER PRIMARY KEY,   -- the rowid in search_fts
        record_id  TEXT NOT NULL UNIQUE,
        kind       TEXT NOT NULL,
        hash       INTEGER NOT NULL
    );
    CREATE VIRTUAL TABLE search_fts USING fts5(
        kind, body, context,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61',
        detail = column,
        prefix = '1 2 3 4'
    );
    INSERT INTO meta(key, value) VALUES ('search_seq', '0');
    "#,
    // 4: the search index keeps positions (detail=full). A contentless FTS5 table without
    // them cannot count a word's occurrences in a row, so bm25 scored every match 0 and
    // results came newest first whatever they said. Rebuilt on the next search (mark 0).
    r#"
    DROP TABLE search_fts;
    DELETE FROM search_doc;
    CREATE VIRTUAL TABLE search_fts USING fts5(
        kind, body, context,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61',
        detail = full,
        prefix = '1 2 3 4'
    );
    UPDATE meta SET value = '0' WHERE key = 'search_seq';
    "#,
    // 5: trust (TRUST.md). Every revision carries its author's signature (`sig`, NULL only
    // on revisions made before this migration: this laptop signs its own at the next open,
    // others' stay unsigned and are never accepted again from a bundle) and the person who
    // made it (hashed into new rev ids only when not empty, so old ids stay). Devices learn
    // their people, whether this laptop's user trusts them as a campaign owner, and whether
    // they are only candidates: seen in a refused bundle, waiting to be enrolled.
    r#"
    ALTER TABLE revisions ADD COLUMN person TEXT NOT NULL DEFAULT '';
    ALTER TABLE revisions ADD COLUMN sig TEXT;
    ALTER TABLE devices ADD COLUMN people TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE devices ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0 CHECK (trusted IN (0, 1));
    CREATE INDEX revisions_device ON revisions(device_id);
    "#,
    // 6: who may read a bundle (TRUST.md). Each laptop's age recipient, learnt from its card
    // or its enrolment; this laptop's own identity is made at the next open.
    r#"
    ALTER TABLE devices ADD COLUMN age_recipient TEXT;
    "#,
    // 7: a few fields of the current body beside the state (model::SUMMARY_FIELDS), so the
    // campaign list counts a national campaign's visits without reading their bodies.
    // Filled by the engine at the next open; local, so bundles are unchanged.
    // The owner index carries kind, deleted and the summary, so a campaign's visit counts
    // and a visit's rated findings are read from the index alone. (Its condition stays
    // `owner IS NOT NULL`: one on `kind` would make SQLite prepare again every statement
    // that binds a kind.)
    r#"
    ALTER TABLE record_state ADD COLUMN summary TEXT;
    DROP INDEX record_state_owner;
    CREATE INDEX record_state_owner ON record_state(owner, kind, deleted, summary)
        WHERE owner IS NOT NULL;
    "#,
];

/// The schema version bundles declare and accept: the last migration that changed what
/// travels between laptops (the revisions). Local tables such as the search index change
/// `latest()` only, so laptops on builds that differ in them still exchange bundles.
pub const DATA_VERSION: i64 = 5;

/// What the engine is opened with: these migrations, and each kind's owner field.
pub static SCHEMA: kiemtra_store::Schema = kiemtra_store::Schema {
    migrations: MIGRATIONS,
    owner_field: crate::model::owner_field,
    sealed: crate::model::sealed,
    summary_fields: crate::model::SUMMARY_FIELDS,
};

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}
