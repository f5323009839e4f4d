//! A document as blocks (paragraphs, tables, charts, borderless columns) that both the
//! HTML and the DOCX renderer draw, so the two formats say the same thing in the same order.

use kiemtra_core::report::*;

use crate::chart;

mod campaign;
mod minutes;

pub(crate) use campaign::topics_chart;
pub use campaign::{annex_cells, report_doc, ANNEX_COLUMNS};
pub use minutes::minutes_doc;
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Center,
    Justify,
}

#[derive(Debug, Clone, Default)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
}

#[derive(Debug, Clone)]
pub struct Para {
    pub runs: Vec<Run>,
    pub align: Align,
    /// First-line indent of body text (about 1 cm).
    pub indent: bool,
    /// Points; none: the body size.
    pub size: Option<u32>,
    /// Kept on the page of what follows (a section title above its table).
    pub keep_next: bool,
    /// A named style (Word's navigation pane and the HTML's headings follow them).
    pub style: Style,
}

/// The paragraph styles a document uses, named as Word names its built-in ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    #[default]
    Body,
    Title,
    Subtitle,
    /// "I. CÔNG TÁC TỔ CHỨC KIỂM TRA".
    Heading1,
    /// "1. Ưu điểm", a topic of the criteria set.
    Heading2,
}

impl Para {
    fn new(align: Align, runs: Vec<Run>) -> Para {
        Para {
            runs,
            align,
            indent: false,
            size: None,
            keep_next: false,
            style: Style::Body,
        }
    }
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

fn run(t: impl Into<String>) -> Run {
    Run {
        text: t.into(),
        ..Default::default()
    }
}
fn bold(t: impl Into<String>) -> Run {
    Run {
        text: t.into(),
        bold: true,
        ..Default::default()
    }
}
fn italic(t: impl Into<String>) -> Run {
    Run {
        text: t.into(),
        italic: true,
        ..Default::default()
    }
}

fn body(t: impl Into<String>) -> Block {
    Block::Para(Para {
        indent: true,
        ..Para::new(Align::Justify, vec![run(t)])
    })
}
fn labelled(label: &str, t: &str) -> Block {
    Block::Para(Para {
        indent: true,
        ..Para::new(Align::Justify, vec![bold(format!("{label}: ")), run(t)])
    })
}
fn section(t: impl Into<String>) -> Block {
    Block::Para(Para {
        keep_next: true,
        style: Style::Heading2,
        ..Para::new(Align::Left, vec![bold(t)])
    })
}
/// A part of the document: "I. …", "II. …".
fn part(t: impl Into<String>) -> Block {
    Block::Para(Para {
        keep_next: true,
        style: Style::Heading1,
        ..Para::new(Align::Left, vec![bold(t)])
    })
}
fn centred(runs: Vec<Run>) -> Para {
    Para::new(Align::Center, runs)
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Column widths, in percent of the text width.
    pub widths: Vec<u32>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns holding numbers (right-aligned).
    pub numeric: Vec<bool>,
    /// Columns where a blank cell continues the one above it (one merged cell: the code and
    /// title of an item over its rows per level).
    pub merged: Vec<bool>,
}

/// How one body cell of a table is drawn, given `Table::merged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Single,
    /// The first of `n` rows merged into one cell.
    Start(usize),
    /// Covered by the cell above.
    Covered,
}

impl Table {
    pub fn span(&self, row: usize, col: usize) -> Span {
        if !self.merged.get(col).copied().unwrap_or(false) {
            return Span::Single;
        }
        let blank = |r: usize| self.rows[r].get(col).is_none_or(|c| c.is_empty());
        if blank(row) {
            // Covered when a non-blank cell above starts the run.
            let above = (0..row).rev().find(|&r| !blank(r));
            return if above.is_some() {
                Span::Covered
            } else {
                Span::Single
            };
        }
        let n = 1 + (row + 1..self.rows.len()).take_while(|&r| blank(r)).count();
        if n > 1 {
            Span::Start(n)
        } else {
            Span::Single
        }
    }
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    Table(Table),
    /// A chart 160 mm wide, its caption below it.
    Chart {
        chart: chart::Chart,
        caption: String,
    },
    /// A borderless table of two columns (heading, signatures): each row a pair of cells.
    Columns(Vec<[Vec<Para>; 2]>),
    PageBreak,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub title: String,
    /// Document properties: what it is about and who issues it.
    pub subject: String,
    pub author: String,
    pub blocks: Vec<Block>,
    /// Shown on screen above the document, never printed (HTML only).
    pub warnings: Vec<String>,
    /// Not final: "DỰ THẢO" under the heading and in every page's header.
    pub draft: bool,
}

/// The mark of a document that is not final, as Vietnamese offices write it.
pub const DRAFT: &str = "DỰ THẢO";

fn draft_block() -> Block {
    Block::Para(Para {
        size: Some(14),
        ..centred(vec![bold(format!("[{DRAFT}]"))])
    })
}

fn heading_block(h: &Heading) -> Block {
    let left = vec![
        centred(vec![run(h.parent_body.clone())]),
        centred(vec![bold(h.issuer.clone())]),
        centred(vec![run("***")]),
        centred(vec![run(format!("Số: {}", h.number))]),
    ];
    let right = vec![
        Para {
            size: Some(15),
            ..centred(vec![Run {
                text: "ĐOÀN TNCS HỒ CHÍ MINH".into(),
                bold: true,
                underline: true,
                ..Default::default()
            }])
        },
        centred(vec![run("")]),
        centred(vec![run("")]),
        centred(vec![italic(h.place_date.clone())]),
    ];
    Block::Columns(vec![[left, right]])
}

/// A document's head: the heading, the draft mark if it is one, its kind and subject.
fn opening(h: &Heading, draft: bool, kind: &str, summary: &str) -> Vec<Block> {
    let mut b = vec![heading_block(h)];
    if draft {
        b.push(draft_block());
    }
    b.extend(title_block(kind, summary));
    b
}

fn title_block(kind: &str, summary: &str) -> Vec<Block> {
    vec![
        Block::Para(Para {
            size: Some(15),
            style: Style::Title,
            ..centred(vec![bold(kind)])
        }),
        Block::Para(Para {
            style: Style::Subtitle,
            ..centred(vec![bold(summary)])
        }),
    ]
}

/// A signature: captions, room to sign (and seal), the name. Minutes ask each signer to write
/// their name; a report is signed by the office-holder named under it.
fn sign_box(caption: &[&str], name: &str, hint: bool) -> Vec<Para> {
    let mut v: Vec<Para> = caption.iter().map(|c| centred(vec![bold(*c)])).collect();
    if hint {
        v.push(centred(vec![italic("(Ký, ghi rõ họ tên)")]));
    }
    for _ in 0..4 {
        v.push(centred(vec![run("")]));
    }
    v.push(centred(vec![bold(name)]));
    v
}

fn recipients_cell(list: &[String]) -> Vec<Para> {
    let mut v = vec![Para {
        size: Some(12),
        ..Para::new(
            Align::Left,
            vec![Run {
                text: "Nơi nhận:".into(),
                bold: true,
                italic: true,
                ..Default::default()
            }],
        )
    }];
    for (i, r) in list.iter().enumerate() {
        // Each line ends with ";", the last with "." (as in "- Lưu VP, XDĐ.").
        let r = r.trim().trim_end_matches([';', '.']);
        let end = if i + 1 == list.len() { "." } else { ";" };
        v.push(Para {
            size: Some(11),
            ..Para::new(Align::Left, vec![run(format!("- {r}{end}"))])
        });
    }
    v
}

fn or_dots(s: &str) -> String {
    if s.trim().is_empty() {
        "…………".to_string()
    } else {
        s.to_string()
    }
}

/// "Kiểm tra …" as the campaign's name says it, without doubling the word.
fn inspection_of(name: &str) -> String {
    if kiemtra_core::text::fold(name).starts_with("kiem tra") {
        name.to_string()
    } else {
        format!("Kiểm tra {}", lower_first(name))
    }
}
