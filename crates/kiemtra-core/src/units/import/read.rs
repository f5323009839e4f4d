//! Reading a clerk's file into a table of cells: a workbook's first worksheet (XLSX, Excel
//! 97–2003 XLS, OpenDocument ODS) or CSV in UTF-8 with whichever delimiter it uses.

use std::path::Path;

use chrono::NaiveDate;

use super::{file_error, FileProblem};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    /// A number cell, with its text as shown.
    Number(String),
    Date(NaiveDate),
    Error(String),
}

impl Cell {
    pub(super) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

pub(super) struct Table {
    pub(super) format: &'static str,
    pub(super) sheet: Option<String>,
    /// (line as the clerk sees it, cells from column A).
    pub(super) rows: Vec<(usize, Vec<Cell>)>,
}

pub(super) fn read_table(path: &Path) -> Result<Table> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let kind = match ext.as_str() {
        "xlsx" | "xlsm" => "xlsx",
        // Offices still save "Excel 97–2003" files, and LibreOffice saves ODS.
        "xls" => "xls",
        "ods" => "ods",
        "csv" | "tsv" => "csv",
        _ => return Err(file_error(FileProblem::Unsupported { extension: ext })),
    };
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            what: "file",
            id: path.display().to_string(),
        },
        _ => Error::Io(e),
    })?;
    match kind {
        "csv" => read_csv(&bytes),
        _ => read_workbook(kind, bytes),
    }
}

pub(super) fn read_csv(bytes: &[u8]) -> Result<Table> {
    // Excel's "CSV UTF-8" starts with a byte-order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| file_error(FileProblem::NotUtf8))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            file_error(FileProblem::Unreadable {
                detail: e.to_string(),
            })
        })?;
        let line = record
            .position()
            .map(|p| line_at(text, p.byte() as usize))
            .unwrap_or(0);
        rows.push((
            line,
            record.iter().map(|f| Cell::Text(f.to_string())).collect(),
        ));
    }
    Ok(Table {
        format: "csv",
        sheet: None,
        rows,
    })
}

/// The line a record starts on. The reader's own line count starts a record at the blank
/// lines it skipped before it, so one under a blank line would be named a line too early.
fn line_at(text: &str, byte: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = byte.min(bytes.len());
    while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|b| **b == b'\n').count()
}

/// Excel writes `;` where the decimal comma is local (Vietnamese settings do), `,` elsewhere;
/// a tab comes from copy-paste. The one seen most outside quotes in the first lines wins.
pub(super) fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(10) {
        let mut quoted = false;
        for b in line.bytes() {
            if b == b'"' {
                quoted = !quoted;
            } else if !quoted {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
        }
    }
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    CANDIDATES[best]
}

fn unreadable(e: impl std::fmt::Display) -> Error {
    file_error(FileProblem::Unreadable {
        detail: e.to_string(),
    })
}

/// The first worksheet of a workbook, as `kind` ("xlsx", "xls" or "ods") says to read it.
pub(super) fn read_workbook(kind: &'static str, bytes: Vec<u8>) -> Result<Table> {
    use calamine::{Ods, Reader, Xls, Xlsx};
    let data = std::io::Cursor::new(bytes);
    let (sheet, range, merges) = match kind {
        "xls" => {
            let mut book = Xls::new(data).map_err(unreadable)?;
            let sheet = first_sheet(book.sheet_names())?;
            let range = book.worksheet_range(&sheet).map_err(unreadable)?;
            // Merges are presentation, so a sheet whose merges can't be read still imports.
            let merges = book.merge_cells_by_sheet_name(&sheet).unwrap_or_default();
            (sheet, range, merges)
        }
        // calamine reads no merges from ODS: a parent merged down fills its first row only.
        "ods" => {
            let mut book = Ods::new(data).map_err(unreadable)?;
            let sheet = first_sheet(book.sheet_names())?;
            let range = book.worksheet_range(&sheet).map_err(unreadable)?;
            (sheet, range, Vec::new())
        }
        _ => {
            let mut book = Xlsx::new(data).map_err(unreadable)?;
            let sheet = first_sheet(book.sheet_names())?;
            let range = book.worksheet_range(&sheet).map_err(unreadable)?;
            let merges = book.merge_cells_by_sheet_name(&sheet).unwrap_or_default();
            (sheet, range, merges)
        }
    };
    Ok(grid_table(kind, sheet, &range, &merges))
}

fn first_sheet(names: Vec<String>) -> Result<String> {
    names
        .into_iter()
        .next()
        .ok_or_else(|| file_error(FileProblem::Empty))
}

fn grid_table(
    kind: &'static str,
    sheet: String,
    range: &calamine::Range<calamine::Data>,
    merges: &[calamine::Dimensions],
) -> Table {
    let (row0, col0) = range
        .start()
        .map(|(r, c)| (r as usize, c as usize))
        .unwrap_or((0, 0));
    let mut grid: Vec<Vec<Cell>> = range
        .rows()
        .map(|r| {
            let mut cells = vec![Cell::Empty; col0];
            cells.extend(r.iter().map(cell_of));
            cells
        })
        .collect();
    // A parent written once in a cell merged down over its units means "all of these".
    for m in merges {
        let (top, col) = (m.start.0 as usize, m.start.1 as usize);
        let Some(value) = top
            .checked_sub(row0)
            .and_then(|r| grid.get(r))
            .and_then(|r| r.get(col))
            .cloned()
        else {
            continue;
        };
        for r in top + 1..=m.end.0 as usize {
            if let Some(cell) = r
                .checked_sub(row0)
                .and_then(|r| grid.get_mut(r))
                .and_then(|r| r.get_mut(col))
            {
                *cell = value.clone();
            }
        }
    }
    Table {
        format: kind,
        sheet: Some(sheet),
        rows: grid
            .into_iter()
            .enumerate()
            .map(|(i, cells)| (row0 + i + 1, cells))
            .collect(),
    }
}

pub(super) fn cell_of(d: &calamine::Data) -> Cell {
    use calamine::Data;
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(i.to_string()),
        // A code typed as 101 is stored as 101.0; show it as typed.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cell::Number(format!("{}", *f as i64))
        }
        Data::Float(f) => Cell::Number(f.to_string()),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Number(dt.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse().ok()) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(s.clone()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_under_blank_lines_keeps_the_line_excel_shows() {
        let t = read_csv("Tên\nA\n\n\nB\r\n\r\nC\n".as_bytes()).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 2, 5, 7]);
    }

    #[test]
    fn delimiter_is_the_one_used_outside_quotes() {
        assert_eq!(sniff_delimiter("Mã;Tên\nA;\"B, C\"\n"), b';');
        assert_eq!(sniff_delimiter("Mã,Tên\nA,\"B; C; D\"\n"), b',');
        assert_eq!(sniff_delimiter("Mã\tTên\nA\tB\n"), b'\t');
        assert_eq!(sniff_delimiter("Tên\nA\n"), b',');
    }
}
