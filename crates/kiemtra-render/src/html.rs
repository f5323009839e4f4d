//! Printable HTML: one standalone document (A4 print CSS inside, no script, nothing
//! fetched), charts as inline SVG. Every piece of text goes through `escape`.

use crate::layout::{Align, Block, Doc, Para, Span, Style, DRAFT};

pub use crate::markup::escape;

const CSS: &str = "@page{size:A4;margin:20mm 20mm 20mm 30mm}
body{font-family:'Times New Roman',Times,serif;font-size:13pt;line-height:1.3;color:#000;max-width:160mm;margin:10mm auto}
p,h1,h2,h3{margin:0 0 4pt;font-size:inherit;font-weight:normal}
.j{text-align:justify}.c{text-align:center}.l{text-align:left}.i{text-indent:1cm}
table{border-collapse:collapse;width:100%;margin:4pt 0 8pt;page-break-inside:auto}
tr{page-break-inside:avoid}
table.grid th,table.grid td{border:1px solid #000;padding:2pt 4pt;font-size:11pt;vertical-align:top}
table.grid th{font-weight:bold;text-align:center}
table.grid td.n{text-align:right}
table.cols td{border:none;vertical-align:top;padding:0}
figure{margin:6pt 0;text-align:center;page-break-inside:avoid}figure svg{width:160mm;max-width:100%;height:auto}
figcaption{font-style:italic;font-size:11pt}
.pb{page-break-after:always}.k{page-break-after:avoid}
.warn{border:1px solid #b26a00;background:#fff4e0;padding:4pt 8pt;margin-bottom:10pt;font-size:11pt}
.warn ul{margin:2pt 0 0;padding-left:16pt}
@media print{.warn{display:none}}
";

fn para(p: &Para) -> String {
    let class = match p.align {
        Align::Left => "l",
        Align::Center => "c",
        Align::Justify => "j",
    };
    // Headings are headings for screen readers and outlines; they look as the rule asks.
    let tag = match p.style {
        Style::Title => "h1",
        Style::Heading1 => "h2",
        Style::Heading2 => "h3",
        Style::Body | Style::Subtitle => "p",
    };
    let mut s = format!(
        "<{tag} class=\"{class}{}{}\"{}>",
        if p.indent { " i" } else { "" },
        if p.keep_next { " k" } else { "" },
        p.size
            .map(|z| format!(" style=\"font-size:{z}pt\""))
            .unwrap_or_default()
    );
    if p.runs.iter().all(|r| r.text.is_empty()) {
        s.push_str("&nbsp;");
    }
    for r in &p.runs {
        let mut t = escape(&r.text).replace('\n', "<br>");
        if r.underline {
            t = format!("<u>{t}</u>");
        }
        if r.italic {
            t = format!("<i>{t}</i>");
        }
        if r.bold {
            t = format!("<b>{t}</b>");
        }
        s.push_str(&t);
    }
    s.push_str(&format!("</{tag}>\n"));
    s
}

/// The whole document.
pub fn render(doc: &Doc) -> String {
    let mut s =
        String::from("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str(&format!("<title>{}</title>\n", escape(&doc.title)));
    // No remote content and no script even if a field held markup: the CSP says so too.
    s.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n");
    s.push_str(&format!("<style>\n{CSS}"));
    if doc.draft {
        // Every printed page's header (a page margin box; the mark under the heading is
        // there for the screen and for browsers without them).
        s.push_str(&format!(
            "@page{{@top-right{{content:\"{DRAFT}\";font-family:'Times New Roman',Times,serif;font-size:12pt;font-weight:bold}}}}\n"
        ));
    }
    s.push_str("</style>\n</head>\n<body>\n");
    if !doc.warnings.is_empty() {
        s.push_str("<div class=\"warn\"><b>Số liệu chưa hoàn chỉnh (không in ra):</b>\n<ul>\n");
        for w in &doc.warnings {
            s.push_str(&format!("<li>{}</li>\n", escape(w)));
        }
        s.push_str("</ul></div>\n");
    }
    for b in &doc.blocks {
        match b {
            Block::Para(p) => s.push_str(&para(p)),
            Block::Table(t) => {
                s.push_str("<table class=\"grid\">\n<colgroup>");
                for w in &t.widths {
                    s.push_str(&format!("<col style=\"width:{w}%\">"));
                }
                s.push_str("</colgroup>\n<thead><tr>");
                for h in &t.header {
                    s.push_str(&format!("<th>{}</th>", escape(h)));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for (ri, r) in t.rows.iter().enumerate() {
                    s.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        let n = t.numeric.get(i).copied().unwrap_or(false);
                        let span = match t.span(ri, i) {
                            Span::Covered => continue,
                            Span::Start(k) => format!(" rowspan=\"{k}\""),
                            Span::Single => String::new(),
                        };
                        s.push_str(&format!(
                            "<td{}{span}>{}</td>",
                            if n { " class=\"n\"" } else { "" },
                            escape(c).replace('\n', "<br>")
                        ));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody></table>\n");
            }
            Block::Chart { chart, caption } => {
                s.push_str(&format!(
                    "<figure>{}<figcaption>{}</figcaption></figure>\n",
                    chart.svg(),
                    escape(caption)
                ));
            }
            Block::Columns(rows) => {
                s.push_str("<table class=\"cols\">\n");
                for [l, r] in rows {
                    s.push_str("<tr><td style=\"width:45%\">");
                    for p in l {
                        s.push_str(&para(p));
                    }
                    s.push_str("</td><td style=\"width:55%\">");
                    for p in r {
                        s.push_str(&para(p));
                    }
                    s.push_str("</td></tr>\n");
                }
                s.push_str("</table>\n");
            }
            Block::PageBreak => s.push_str("<div class=\"pb\"></div>\n"),
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}
