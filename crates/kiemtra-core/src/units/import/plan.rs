//! Matching a file's rows against the directory: which row is which unit, which parent each
//! names, and what each would change.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::read::{Cell, Table};
use super::*;
use crate::dates::{dmy, parse_sheet_date};
use crate::ids::new_id;
use crate::model::{Unit, UNIT_CODE_MAX, UNIT_NAME_MAX};
use crate::store::Stored;

/// A row as read, before it is matched.
pub(super) struct Parsed {
    line: usize,
    fields: UnitFields,
    errors: Vec<RowError>,
    /// A line that looked like no unit and was kept on purpose.
    not_unit: Option<NotUnit>,
}

/// Where a row's parent is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ParentRef {
    /// No parent column: keep the existing unit's parent (a new unit goes at the top).
    Keep,
    Top,
    Row(usize),
    Db(String),
    /// Not resolved (the row has an error for it).
    Unresolved,
}

/// `keep`: lines that look like no unit (a total, a note, a signature) to import as units all
/// the same; every other such line is left out.
pub(super) fn plan(
    path: &Path,
    table: Table,
    existing: &[Stored<Unit>],
    keep: &[usize],
) -> Result<UnitImportPlan> {
    let non_empty: Vec<&(usize, Vec<Cell>)> = table
        .rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_blank()))
        .collect();
    if non_empty.is_empty() {
        return Err(file_error(FileProblem::Empty));
    }
    let header_at = non_empty
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|c| header_column(c) == Some(UnitColumn::Name))
        })
        .ok_or_else(|| file_error(FileProblem::NoNameColumn))?;
    let (header_line, header_cells) = non_empty[header_at];

    let mut warnings = Vec::new();
    if header_at > 0 {
        warnings.push(ImportWarning::new(WarningKind::RowsAboveHeader {
            lines: non_empty[..header_at].iter().map(|(l, _)| *l).collect(),
        }));
    }
    let mut columns = Vec::new();
    let mut at: BTreeMap<UnitColumn, usize> = BTreeMap::new();
    for (i, cell) in header_cells.iter().enumerate() {
        if cell.is_blank() {
            continue;
        }
        let header = text::nfc(cell_text(cell).trim());
        let field = header_column(cell);
        let letter = column_letter(i);
        if let Some(f) = field {
            if let Some(first) = at.insert(f, columns.len()) {
                let first: &ColumnInfo = &columns[first];
                return Err(file_error(FileProblem::DuplicateColumn {
                    field: f,
                    first: format!("{} \"{}\"", first.column, first.header),
                    second: format!("{letter} \"{header}\""),
                }));
            }
        } else if !is_numbering(&header) {
            warnings.push(ImportWarning::new(WarningKind::UnknownColumn {
                column: letter.clone(),
                header: header.clone(),
            }));
        }
        columns.push(ColumnInfo {
            column: letter,
            header,
            field,
        });
    }
    // Cell index of each field's column (columns[] skips blank headers, so keep both).
    let index_of: HashMap<UnitColumn, usize> = header_cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| header_column(c).map(|f| (f, i)))
        .collect();
    let info: HashMap<UnitColumn, ColumnInfo> =
        at.iter().map(|(f, i)| (*f, columns[*i].clone())).collect();

    let mut parsed = Vec::new();
    let mut left_out = Vec::new();
    // Once a note or a signature has come, the table has ended: the signer's name below is
    // no unit either.
    let mut below_table = false;
    for (line, cells) in table.rows.iter().filter(|(l, _)| *l > *header_line) {
        let get = |f: UnitColumn| index_of.get(&f).and_then(|i| cells.get(*i));
        // Template rows with only a number in the STT column are not units.
        if UnitColumn::ALL
            .iter()
            .all(|f| get(*f).is_none_or(Cell::is_blank))
        {
            continue;
        }
        let mut errors = Vec::new();
        let mut fields = UnitFields::default();
        for f in UnitColumn::ALL {
            let Some(cell) = get(f) else { continue };
            let col = &info[&f];
            if let Cell::Error(e) = cell {
                errors.push(RowError::new(
                    *line,
                    col,
                    f,
                    RowProblem::CellError { value: e.clone() },
                ));
                continue;
            }
            match f {
                UnitColumn::ValidFrom | UnitColumn::ValidTo => {
                    let date = match cell {
                        Cell::Date(d) => Some(*d),
                        c if c.is_blank() => None,
                        c => {
                            let t = cell_text(c);
                            match parse_sheet_date(&t) {
                                Some(d) => Some(d),
                                None => {
                                    errors.push(RowError::new(
                                        *line,
                                        col,
                                        f,
                                        RowProblem::BadDate {
                                            value: t.trim().to_string(),
                                        },
                                    ));
                                    None
                                }
                            }
                        }
                    };
                    if f == UnitColumn::ValidFrom {
                        fields.valid_from = date;
                    } else {
                        fields.valid_to = date;
                    }
                }
                _ => {
                    let t = text::nfc(cell_text(cell).trim());
                    match f {
                        UnitColumn::Name => fields.name = t,
                        UnitColumn::Code => fields.code = t,
                        UnitColumn::ShortName => fields.short_name = t,
                        UnitColumn::LevelLabel => fields.level_label = t,
                        UnitColumn::Kind => fields.kind = t,
                        UnitColumn::Parent => fields.parent = t,
                        UnitColumn::ValidFrom | UnitColumn::ValidTo => {}
                    }
                }
            }
        }
        if fields.name.is_empty() && !matches!(get(UnitColumn::Name), Some(Cell::Error(_))) {
            errors.push(RowError::new(
                *line,
                &info[&UnitColumn::Name],
                UnitColumn::Name,
                RowProblem::MissingName,
            ));
        }
        for (f, value, max) in [
            (UnitColumn::Name, &fields.name, UNIT_NAME_MAX),
            (UnitColumn::Code, &fields.code, UNIT_CODE_MAX),
            (UnitColumn::ShortName, &fields.short_name, UNIT_NAME_MAX),
            (UnitColumn::LevelLabel, &fields.level_label, UNIT_NAME_MAX),
        ] {
            let length = value.chars().count();
            if length > max {
                let problem = RowProblem::TooLong { length, max };
                errors.push(RowError::new(*line, &info[&f], f, problem));
            }
        }
        let not_unit = not_unit_of(cells, get(UnitColumn::Name))
            .or(below_table.then_some(NotUnit::BelowTable));
        below_table |= matches!(not_unit, Some(NotUnit::Note | NotUnit::Signature));
        match not_unit {
            Some(kind) if !keep.contains(line) => left_out.push(UnitImportRow {
                line: *line,
                fields,
                action: RowAction::NotUnit,
                id: None,
                parent_id: None,
                parent_line: None,
                changed: Vec::new(),
                errors: Vec::new(),
                not_unit: Some(NotUnitLine::new(kind)),
                body: None,
            }),
            _ => parsed.push(Parsed {
                line: *line,
                fields,
                errors,
                not_unit,
            }),
        }
    }
    if parsed.is_empty() && left_out.is_empty() {
        return Err(file_error(FileProblem::Empty));
    }

    let mut by_id = HashMap::new();
    let mut by_code: HashMap<String, Vec<&Stored<Unit>>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<&Stored<Unit>>> = HashMap::new();
    for u in existing {
        by_id.insert(u.id.as_str(), u);
        if !u.body.code.is_empty() {
            by_code.entry(text::fold(&u.body.code)).or_default().push(u);
        }
        by_name.entry(text::fold(&u.body.name)).or_default().push(u);
    }
    let mut m = Matcher {
        rows: parsed,
        existing,
        by_id,
        by_code,
        by_name,
        info,
        has_parent: index_of.contains_key(&UnitColumn::Parent),
        parents: Vec::new(),
        ids: Vec::new(),
    };
    let mut rows = m.run();
    rows.append(&mut left_out);
    rows.sort_by_key(|r| r.line);
    let count = |a: RowAction| rows.iter().filter(|r| r.action == a).count();
    Ok(UnitImportPlan {
        file: path.to_path_buf(),
        format: table.format,
        sheet: table.sheet,
        header_line: *header_line,
        columns,
        warnings,
        create: count(RowAction::Create),
        update: count(RowAction::Update),
        unchanged: count(RowAction::Unchanged),
        bad: count(RowAction::Bad),
        not_unit: count(RowAction::NotUnit),
        rows,
    })
}

/// What a row is if it is no unit, from its name; without one, from its first text ("Người
/// lập biểu" under the codes, the date under the parents). A unit's code ("TM") is never read
/// while the row has a name.
fn not_unit_of(cells: &[Cell], name: Option<&Cell>) -> Option<NotUnit> {
    let text = match name.filter(|c| !c.is_blank()) {
        Some(c) => cell_text(c),
        None => cells
            .iter()
            .find(|c| matches!(c, Cell::Text(t) if !t.trim().is_empty()))
            .map(cell_text)?,
    };
    NotUnit::of_text(&text)
}

pub(super) fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) | Cell::Number(s) | Cell::Error(s) => s.clone(),
        Cell::Date(d) => dmy(*d),
    }
}

pub(super) fn header_column(c: &Cell) -> Option<UnitColumn> {
    match c {
        Cell::Text(s) => column_of(s),
        _ => None,
    }
}

/// Matches rows to parents and existing units, one stage at a time; each stage may find
/// errors, and a row under a bad row becomes bad too.
pub(super) struct Matcher<'a> {
    rows: Vec<Parsed>,
    existing: &'a [Stored<Unit>],
    /// Existing units by id, folded code and folded name (a province has thousands).
    by_id: HashMap<&'a str, &'a Stored<Unit>>,
    by_code: HashMap<String, Vec<&'a Stored<Unit>>>,
    by_name: HashMap<String, Vec<&'a Stored<Unit>>>,
    info: HashMap<UnitColumn, ColumnInfo>,
    has_parent: bool,
    parents: Vec<ParentRef>,
    /// The id each good row writes (existing or new).
    ids: Vec<Option<String>>,
}

impl Matcher<'_> {
    fn bad(&self, i: usize) -> bool {
        !self.rows[i].errors.is_empty()
    }

    fn error(&mut self, i: usize, field: UnitColumn, problem: RowProblem) {
        let col = self
            .info
            .get(&field)
            .or_else(|| self.info.get(&UnitColumn::Name))
            .expect("the name column exists");
        let e = RowError::new(self.rows[i].line, col, field, problem);
        self.rows[i].errors.push(e);
    }

    /// A row whose parent row is bad can't be placed: mark it, until nothing changes.
    fn cascade(&mut self) {
        loop {
            let mut changed = false;
            for i in 0..self.rows.len() {
                if let ParentRef::Row(p) = self.parents[i] {
                    if !self.bad(i) && self.bad(p) {
                        let parent_line = self.rows[p].line;
                        self.error(
                            i,
                            UnitColumn::Parent,
                            RowProblem::ParentRowBad { parent_line },
                        );
                        changed = true;
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }

    fn run(&mut self) -> Vec<UnitImportRow> {
        self.duplicate_codes();
        self.resolve_parents();
        self.row_cycles();
        self.cascade();
        self.match_existing();
        self.cascade();
        self.database_cycles();
        self.cascade();
        self.duplicate_names();
        self.cascade();
        let bodies = self.bodies();
        self.cascade();
        self.finish(bodies)
    }

    fn duplicate_codes(&mut self) {
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            if !r.fields.code.is_empty() {
                by_code
                    .entry(text::fold(&r.fields.code))
                    .or_default()
                    .push(i);
            }
        }
        let mut groups: Vec<Vec<usize>> = by_code.into_values().filter(|v| v.len() > 1).collect();
        groups.sort();
        for g in groups {
            for (k, &i) in g.iter().enumerate() {
                // The first names the second; every later one names the first.
                let other = if k == 0 { g[1] } else { g[0] };
                let problem = RowProblem::DuplicateCode {
                    code: self.rows[i].fields.code.clone(),
                    other_line: self.rows[other].line,
                };
                self.error(i, UnitColumn::Code, problem);
            }
        }
    }

    fn resolve_parents(&mut self) {
        let mut index = Index::default();
        for (i, r) in self.rows.iter().enumerate() {
            index.add_row(i, &r.fields);
        }
        for u in self.existing {
            index.add_db(&u.id, &u.body);
        }
        let mut parents = Vec::with_capacity(self.rows.len());
        for i in 0..self.rows.len() {
            let written = self.rows[i].fields.parent.clone();
            let p = if !self.has_parent {
                ParentRef::Keep
            } else if written.is_empty() {
                ParentRef::Top
            } else {
                let key = text::fold(&written);
                // Code first (unique), then full name, then short name ("Huyện đoàn Nho
                // Quan" is how a clerk names a parent); the file before the database.
                let found = [&index.code, &index.name, &index.short]
                    .iter()
                    .map(|tier| tier.get(&key).cloned().unwrap_or_default())
                    .find(|(rows, db)| !rows.is_empty() || !db.is_empty());
                match found {
                    None => {
                        self.error(
                            i,
                            UnitColumn::Parent,
                            RowProblem::UnknownParent { parent: written },
                        );
                        ParentRef::Unresolved
                    }
                    Some((rows, _)) if rows.len() == 1 => ParentRef::Row(rows[0]),
                    Some((rows, db)) if rows.is_empty() && db.len() == 1 => {
                        ParentRef::Db(db[0].clone())
                    }
                    Some((rows, db)) => {
                        let lines = rows.iter().map(|r| self.rows[*r].line).collect();
                        // Units in the file stand for their database match: count only
                        // database units when the file has none of that name.
                        let in_database = if rows.is_empty() { db.len() } else { 0 };
                        self.error(
                            i,
                            UnitColumn::Parent,
                            RowProblem::AmbiguousParent {
                                parent: written,
                                lines,
                                in_database,
                            },
                        );
                        ParentRef::Unresolved
                    }
                }
            };
            parents.push(p);
        }
        self.parents = parents;
    }

    /// Loops made only of rows of the file.
    fn row_cycles(&mut self) {
        let n = self.rows.len();
        let loops_back = |start: usize| {
            let mut seen = Vec::new();
            let mut cur = start;
            while let ParentRef::Row(p) = self.parents[cur] {
                seen.push(cur);
                if p == start {
                    return true;
                }
                if seen.contains(&p) || seen.len() > n {
                    return false;
                }
                cur = p;
            }
            false
        };
        let in_cycle: Vec<bool> = (0..n).map(loops_back).collect();
        for i in (0..n).filter(|i| in_cycle[*i]) {
            let mut path = vec![self.rows[i].fields.name.clone()];
            let mut cur = i;
            while let ParentRef::Row(p) = self.parents[cur] {
                path.push(self.rows[p].fields.name.clone());
                if p == i || path.len() > n + 1 {
                    break;
                }
                cur = p;
            }
            self.error(i, UnitColumn::Parent, RowProblem::ParentCycle { path });
        }
    }

    /// The parent id a good row ends up with (`None`: top level); `Keep` gives the existing
    /// unit's parent.
    fn parent_id(&self, i: usize) -> Option<String> {
        match &self.parents[i] {
            ParentRef::Top | ParentRef::Unresolved => None,
            ParentRef::Db(id) => Some(id.clone()),
            ParentRef::Row(p) => self.ids[*p].clone(),
            ParentRef::Keep => self.ids[i]
                .as_deref()
                .and_then(|id| self.by_id.get(id))
                .and_then(|u| u.body.parent_id.clone()),
        }
    }

    /// Give each good row the id it writes: an existing unit's by code, else by name under
    /// the same parent, else a new one. Parents are done before their children.
    fn match_existing(&mut self) {
        let n = self.rows.len();
        self.ids = vec![None; n];
        let mut done = vec![false; n];
        let mut claimed: HashMap<String, usize> = HashMap::new();
        for start in 0..n {
            // Walk up to the first row whose parent is settled, then come back down.
            let mut chain = vec![start];
            while let ParentRef::Row(p) = self.parents[*chain.last().expect("non-empty")] {
                if done[p] || chain.contains(&p) {
                    break;
                }
                chain.push(p);
            }
            for &i in chain.iter().rev() {
                if done[i] {
                    continue;
                }
                done[i] = true;
                if self.bad(i) {
                    continue;
                }
                if let ParentRef::Row(p) = self.parents[i] {
                    if self.bad(p) {
                        continue; // cascade marks it
                    }
                }
                match self.existing_match(i) {
                    Ok(Some(id)) => {
                        if let Some(&other) = claimed.get(&id) {
                            let other_line = self.rows[other].line;
                            self.error(i, UnitColumn::Name, RowProblem::SameUnit { other_line });
                        } else {
                            claimed.insert(id.clone(), i);
                            self.ids[i] = Some(id);
                        }
                    }
                    Ok(None) => self.ids[i] = Some(new_id()),
                    Err((field, problem)) => self.error(i, field, problem),
                }
            }
        }
    }

    fn existing_match(
        &self,
        i: usize,
    ) -> std::result::Result<Option<String>, (UnitColumn, RowProblem)> {
        let f = &self.rows[i].fields;
        if !f.code.is_empty() {
            let by_code = self
                .by_code
                .get(&text::fold(&f.code))
                .map(Vec::as_slice)
                .unwrap_or_default();
            match by_code.len() {
                0 => {}
                1 => return Ok(Some(by_code[0].id.clone())),
                count => {
                    return Err((
                        UnitColumn::Code,
                        RowProblem::AmbiguousMatch {
                            name: f.code.clone(),
                            count,
                        },
                    ))
                }
            }
        }
        // By name: only units without a code can be the same as a row with one (the file
        // gives them their code); a unit with another code is another unit.
        let parent = match self.parents[i] {
            ParentRef::Keep => None,
            _ => Some(self.parent_id(i)),
        };
        let by_name: Vec<&Stored<Unit>> = self
            .by_name
            .get(&text::fold(&f.name))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|u| f.code.is_empty() || u.body.code.is_empty())
            .filter(|u| parent.as_ref().is_none_or(|p| &u.body.parent_id == p))
            .collect();
        match by_name.len() {
            0 => Ok(None),
            1 => Ok(Some(by_name[0].id.clone())),
            count => Err((
                UnitColumn::Name,
                RowProblem::AmbiguousMatch {
                    name: f.name.clone(),
                    count,
                },
            )),
        }
    }

    /// Loops through units already in the database: the file makes A a child of B while
    /// the database has B under A.
    fn database_cycles(&mut self) {
        let mut parent_of: HashMap<String, Option<String>> = self
            .existing
            .iter()
            .map(|u| (u.id.clone(), u.body.parent_id.clone()))
            .collect();
        let mut name_of: HashMap<String, String> = self
            .existing
            .iter()
            .map(|u| (u.id.clone(), u.body.name.clone()))
            .collect();
        for i in 0..self.rows.len() {
            if let (false, Some(id)) = (self.bad(i), self.ids[i].clone()) {
                parent_of.insert(id.clone(), self.parent_id(i));
                name_of.insert(id, self.rows[i].fields.name.clone());
            }
        }
        for i in 0..self.rows.len() {
            let Some(id) = self.ids[i].clone().filter(|_| !self.bad(i)) else {
                continue;
            };
            let mut path = vec![name_of[&id].clone()];
            let mut seen = HashSet::new();
            let mut cur = parent_of.get(&id).cloned().flatten();
            while let Some(p) = cur {
                path.push(name_of.get(&p).cloned().unwrap_or_else(|| p.clone()));
                if p == id {
                    self.error(i, UnitColumn::Parent, RowProblem::ParentCycle { path });
                    break;
                }
                if !seen.insert(p.clone()) {
                    break; // a loop above this unit, among units the file doesn't touch
                }
                cur = parent_of.get(&p).cloned().flatten();
            }
        }
    }

    /// Rows without codes naming the same unit twice under one parent.
    fn duplicate_names(&mut self) {
        let mut first: HashMap<(Option<String>, String), usize> = HashMap::new();
        for i in 0..self.rows.len() {
            if self.bad(i) || self.ids[i].is_none() {
                continue;
            }
            let key = (self.parent_id(i), text::fold(&self.rows[i].fields.name));
            match first.get(&key) {
                Some(&j)
                    if self.rows[i].fields.code.is_empty()
                        || self.rows[j].fields.code.is_empty() =>
                {
                    let problem = RowProblem::DuplicateName {
                        name: self.rows[i].fields.name.clone(),
                        other_line: self.rows[j].line,
                    };
                    self.error(i, UnitColumn::Name, problem);
                }
                Some(_) => {}
                None => {
                    first.insert(key, i);
                }
            }
        }
    }

    /// The unit each good row would write, with the date order checked on the result
    /// (a column left out keeps its existing date).
    fn bodies(&mut self) -> Vec<Option<Unit>> {
        let mut out = Vec::with_capacity(self.rows.len());
        for i in 0..self.rows.len() {
            let Some(id) = self.ids[i].clone().filter(|_| !self.bad(i)) else {
                out.push(None);
                continue;
            };
            let current = self.by_id.get(id.as_str());
            let mut u = current.map(|c| c.body.clone()).unwrap_or(Unit {
                name: String::new(),
                short_name: String::new(),
                code: String::new(),
                kind: String::new(),
                level_label: String::new(),
                parent_id: None,
                valid_from: None,
                valid_to: None,
                merged_into: None,
            });
            let f = &self.rows[i].fields;
            let has = |c: UnitColumn| self.info.contains_key(&c);
            u.name = f.name.clone();
            if has(UnitColumn::Code) {
                u.code = f.code.clone();
            }
            if has(UnitColumn::ShortName) {
                u.short_name = f.short_name.clone();
            }
            if has(UnitColumn::LevelLabel) {
                u.level_label = f.level_label.clone();
            }
            if has(UnitColumn::Kind) {
                u.kind = f.kind.clone();
            }
            if has(UnitColumn::ValidFrom) {
                u.valid_from = f.valid_from;
            }
            if has(UnitColumn::ValidTo) {
                u.valid_to = f.valid_to;
            }
            u.parent_id = self.parent_id(i);
            if let (Some(valid_from), Some(valid_to)) = (u.valid_from, u.valid_to) {
                if valid_to < valid_from {
                    let field = if has(UnitColumn::ValidTo) {
                        UnitColumn::ValidTo
                    } else {
                        UnitColumn::ValidFrom
                    };
                    self.error(
                        i,
                        field,
                        RowProblem::EndsBeforeStart {
                            valid_from,
                            valid_to,
                        },
                    );
                    out.push(None);
                    continue;
                }
            }
            out.push(Some(u));
        }
        out
    }

    fn finish(&mut self, bodies: Vec<Option<Unit>>) -> Vec<UnitImportRow> {
        let rows = std::mem::take(&mut self.rows);
        let mut out = Vec::with_capacity(rows.len());
        for (i, (r, body)) in rows.into_iter().zip(bodies).enumerate() {
            let parent_line = match self.parents[i] {
                ParentRef::Row(p) => Some(p),
                _ => None,
            };
            let good = r.errors.is_empty() && body.is_some();
            let id = self.ids[i].clone().filter(|_| good);
            let current = id.as_ref().and_then(|id| self.by_id.get(id.as_str()));
            let (action, changed) = match (good, current, &body) {
                (false, _, _) => (RowAction::Bad, Vec::new()),
                (true, None, _) => (RowAction::Create, Vec::new()),
                (true, Some(c), Some(b)) => {
                    let changed = changed_fields(&c.body, b);
                    if changed.is_empty() {
                        (RowAction::Unchanged, changed)
                    } else {
                        (RowAction::Update, changed)
                    }
                }
                (true, Some(_), None) => (RowAction::Bad, Vec::new()),
            };
            out.push(UnitImportRow {
                line: r.line,
                parent_id: body.as_ref().and_then(|b| b.parent_id.clone()),
                fields: r.fields,
                action,
                id,
                parent_line,
                changed,
                errors: r.errors,
                not_unit: r.not_unit.map(NotUnitLine::new),
                body: body.filter(|_| good),
            });
        }
        // Parent lines were kept as row indexes until every row was moved out.
        let lines: Vec<usize> = out.iter().map(|r| r.line).collect();
        for r in &mut out {
            r.parent_line = r.parent_line.map(|p| lines[p]);
        }
        out
    }
}

pub(super) fn changed_fields(old: &Unit, new: &Unit) -> Vec<UnitColumn> {
    let mut c = Vec::new();
    let mut check = |differs: bool, col: UnitColumn| {
        if differs {
            c.push(col);
        }
    };
    check(old.name != new.name, UnitColumn::Name);
    check(old.code != new.code, UnitColumn::Code);
    check(old.short_name != new.short_name, UnitColumn::ShortName);
    check(old.level_label != new.level_label, UnitColumn::LevelLabel);
    check(old.kind != new.kind, UnitColumn::Kind);
    check(old.parent_id != new.parent_id, UnitColumn::Parent);
    check(old.valid_from != new.valid_from, UnitColumn::ValidFrom);
    check(old.valid_to != new.valid_to, UnitColumn::ValidTo);
    c
}

/// Folded code, name and short name → (rows of the file, ids in the database).
#[derive(Default)]
pub(super) struct Index {
    code: HashMap<String, (Vec<usize>, Vec<String>)>,
    name: HashMap<String, (Vec<usize>, Vec<String>)>,
    short: HashMap<String, (Vec<usize>, Vec<String>)>,
}

impl Index {
    fn add_row(&mut self, i: usize, f: &UnitFields) {
        for (map, value) in [
            (&mut self.code, &f.code),
            (&mut self.name, &f.name),
            (&mut self.short, &f.short_name),
        ] {
            if !value.is_empty() {
                map.entry(text::fold(value)).or_default().0.push(i);
            }
        }
    }

    fn add_db(&mut self, id: &str, u: &Unit) {
        for (map, value) in [
            (&mut self.code, &u.code),
            (&mut self.name, &u.name),
            (&mut self.short, &u.short_name),
        ] {
            if !value.is_empty() {
                map.entry(text::fold(value))
                    .or_default()
                    .1
                    .push(id.to_string());
            }
        }
    }
}
