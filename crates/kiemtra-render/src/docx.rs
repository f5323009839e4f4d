//! DOCX (WordprocessingML) written directly into a ZIP: a handful of XML parts is all Word
//! and LibreOffice need, and writing them ourselves keeps the layout (borderless heading and
//! signature tables, A4 margins, Times New Roman) exactly as the Union's rule asks.

use std::io::Write;

use zip::write::SimpleFileOptions;

use kiemtra_core::Result;

use crate::layout::{Align, Block, Doc, Para, Span, Style};
use crate::markup::escape;

/// A4 in twentieths of a point, and the margins of the rule: top 20, bottom 20, left 30,
/// right 20 mm.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_TOP: u32 = 1134;
const MARGIN_BOTTOM: u32 = 1134;
const MARGIN_LEFT: u32 = 1701;
const MARGIN_RIGHT: u32 = 1134;
const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
/// Body text size in half-points (13 pt).
const BODY_HALF_PT: u32 = 26;
const EMU_PER_MM: u64 = 36_000;

fn para_xml(p: &Para, cell: bool) -> String {
    let jc = match p.align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Justify => "both",
    };
    let style = match p.style {
        Style::Body => "",
        Style::Title => "<w:pStyle w:val=\"Title\"/>",
        Style::Subtitle => "<w:pStyle w:val=\"Subtitle\"/>",
        Style::Heading1 => "<w:pStyle w:val=\"Heading1\"/>",
        Style::Heading2 => "<w:pStyle w:val=\"Heading2\"/>",
    };
    let mut s = format!(
        "<w:p><w:pPr>{style}<w:spacing w:before=\"0\" w:after=\"{}\" w:line=\"276\" w:lineRule=\"auto\"/>",
        if cell { 0 } else { 80 }
    );
    if p.keep_next {
        s.push_str("<w:keepNext/>");
    }
    if p.indent {
        s.push_str("<w:ind w:firstLine=\"567\"/>");
    }
    s.push_str(&format!("<w:jc w:val=\"{jc}\"/></w:pPr>"));
    for r in &p.runs {
        let mut rpr = String::new();
        if r.bold {
            rpr.push_str("<w:b/>");
        }
        if r.italic {
            rpr.push_str("<w:i/>");
        }
        if r.underline {
            rpr.push_str("<w:u w:val=\"single\"/>");
        }
        if let Some(z) = p.size {
            rpr.push_str(&format!(
                "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>",
                z * 2
            ));
        }
        for (i, line) in r.text.split('\n').enumerate() {
            s.push_str(&format!("<w:r><w:rPr>{rpr}</w:rPr>"));
            if i > 0 {
                s.push_str("<w:br/>");
            }
            s.push_str(&format!(
                "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape(line)
            ));
        }
    }
    s.push_str("</w:p>");
    s
}

fn cell_xml(width: u32, content: &str, shade: bool) -> String {
    merged_cell_xml(width, content, shade, Span::Single)
}

fn merged_cell_xml(width: u32, content: &str, shade: bool, span: Span) -> String {
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{}{}</w:tcPr>{content}</w:tc>",
        match span {
            Span::Single => "",
            Span::Start(_) => "<w:vMerge w:val=\"restart\"/>",
            Span::Covered => "<w:vMerge/>",
        },
        if shade {
            "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>"
        } else {
            ""
        }
    )
}

fn table_open(widths: &[u32], borders: bool) -> String {
    let b = if borders { "single" } else { "nil" };
    let style = if borders { "TableGrid" } else { "TableNormal" };
    let mut s = format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"{style}\"/><w:tblW w:w=\"{TEXT_W}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblBorders>"
    );
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        s.push_str(&format!(
            "<w:{side} w:val=\"{b}\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        ));
    }
    s.push_str("</w:tblBorders><w:tblCellMar><w:left w:w=\"70\" w:type=\"dxa\"/><w:right w:w=\"70\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
    for w in widths {
        s.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    s.push_str("</w:tblGrid>");
    s
}

fn small(text: &str, align: Align, bold: bool) -> Para {
    Para {
        runs: vec![crate::layout::Run {
            text: text.to_string(),
            bold,
            ..Default::default()
        }],
        align,
        indent: false,
        size: Some(11),
        keep_next: false,
        style: crate::layout::Style::Body,
    }
}

/// A chart drawn inline, `n`-th of the document, from its part `word/charts/chart{n}.xml`.
fn chart_xml(n: usize, w_mm: u32, h_mm: u32, title: &str) -> String {
    let cx = w_mm as u64 * EMU_PER_MM;
    let cy = h_mm as u64 * EMU_PER_MM;
    format!(
        "<w:p><w:pPr><w:keepNext/><w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{n}\" name=\"Biểu đồ {n}\" descr=\"{}\"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\"><c:chart xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" r:id=\"rIdChart{n}\"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
        escape(title)
    )
}

/// The document body (`word/document.xml`) and its charts' parts, in order.
pub fn document_xml(doc: &Doc) -> (String, Vec<String>) {
    let mut charts = Vec::new();
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>",
    );
    for b in &doc.blocks {
        match b {
            Block::Para(p) => s.push_str(&para_xml(p, false)),
            Block::Table(t) => {
                let total: u32 = t.widths.iter().sum::<u32>().max(1);
                let widths: Vec<u32> = t.widths.iter().map(|w| TEXT_W * w / total).collect();
                s.push_str(&table_open(&widths, true));
                // The header row repeats on every page the table runs over.
                s.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
                for (h, w) in t.header.iter().zip(&widths) {
                    s.push_str(&cell_xml(
                        *w,
                        &para_xml(&small(h, Align::Center, true), true),
                        true,
                    ));
                }
                s.push_str("</w:tr>");
                for (ri, r) in t.rows.iter().enumerate() {
                    s.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
                    // Rows of one merged cell stay on one page: each keeps with the next.
                    let held = ri + 1 < t.rows.len()
                        && (0..r.len()).any(|c| t.span(ri + 1, c) == Span::Covered);
                    for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
                        let align = if t.numeric.get(i).copied().unwrap_or(false) {
                            Align::Center
                        } else {
                            Align::Left
                        };
                        let mut p = small(c, align, false);
                        p.keep_next = held;
                        s.push_str(&merged_cell_xml(
                            *w,
                            &para_xml(&p, true),
                            false,
                            t.span(ri, i),
                        ));
                    }
                    s.push_str("</w:tr>");
                }
                s.push_str("</w:tbl><w:p><w:pPr><w:spacing w:after=\"60\"/></w:pPr></w:p>");
            }
            Block::Chart { chart, caption } => {
                charts.push(chart.drawingml());
                let n = charts.len();
                s.push_str(&chart_xml(n, 160, chart.height_mm(), &chart.title));
                let mut p = small(caption, Align::Center, false);
                p.runs[0].italic = true;
                s.push_str(&para_xml(&p, false));
            }
            Block::Columns(rows) => {
                let widths = [TEXT_W * 45 / 100, TEXT_W - TEXT_W * 45 / 100];
                s.push_str(&table_open(&widths, false));
                for (ri, [l, r]) in rows.iter().enumerate() {
                    // A signature block stays whole on one page: rows do not split and
                    // every row but the last keeps with the next.
                    s.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
                    let held = ri + 1 < rows.len();
                    for (cell, w) in [l, r].into_iter().zip(widths) {
                        let mut inner: String = cell
                            .iter()
                            .map(|p| {
                                let mut p = p.clone();
                                p.keep_next |= held;
                                para_xml(&p, true)
                            })
                            .collect();
                        if inner.is_empty() {
                            inner.push_str("<w:p/>");
                        }
                        s.push_str(&cell_xml(w, &inner, false));
                    }
                    s.push_str("</w:tr>");
                }
                s.push_str("</w:tbl><w:p/>");
            }
            Block::PageBreak => s.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
        }
    }
    // The draft mark in every page's header, the page number in every footer.
    let header = if doc.draft {
        "<w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>"
    } else {
        ""
    };
    s.push_str(&format!(
        "<w:sectPr>{header}<w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/><w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    ));
    (s, charts)
}

const HDR_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

fn header_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr {HDR_NS}><w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val=\"24\"/></w:rPr><w:t>{}</w:t></w:r></w:p></w:hdr>",
        crate::layout::DRAFT
    )
}

/// A centred PAGE field, so Word and LibreOffice number the pages themselves.
fn footer_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr {HDR_NS}><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:sz w:val=\"24\"/></w:rPr><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:rPr><w:sz w:val=\"24\"/></w:rPr><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:rPr><w:sz w:val=\"24\"/></w:rPr><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:rPr><w:sz w:val=\"24\"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:sz w:val=\"24\"/></w:rPr><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:ftr>"
    )
}

/// One paragraph style based on Normal: bold, kept with what follows, at `size` half-points.
fn para_style(id: &str, name: &str, outline: Option<u8>, size: u32, centred: bool) -> String {
    let outline = outline
        .map(|l| format!("<w:outlineLvl w:val=\"{l}\"/>"))
        .unwrap_or_default();
    let jc = if centred {
        "<w:jc w:val=\"center\"/>"
    } else {
        ""
    };
    format!(
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"120\" w:after=\"80\"/>{jc}{outline}</w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr></w:style>"
    )
}

/// Word's own style names (Title, heading 1, heading 2, Table Grid), so its navigation pane,
/// table of contents and style gallery work on the document as on one typed in Word.
fn styles_xml() -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/><w:sz w:val=\"{BODY_HALF_PT}\"/><w:szCs w:val=\"{BODY_HALF_PT}\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
    );
    s.push_str(&para_style("Title", "Title", None, 30, true));
    s.push_str(&para_style(
        "Subtitle",
        "Subtitle",
        None,
        BODY_HALF_PT,
        true,
    ));
    s.push_str(&para_style(
        "Heading1",
        "heading 1",
        Some(0),
        BODY_HALF_PT,
        false,
    ));
    s.push_str(&para_style(
        "Heading2",
        "heading 2",
        Some(1),
        BODY_HALF_PT,
        false,
    ));
    s.push_str("<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>");
    s.push_str("<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders></w:tblPr></w:style>");
    s.push_str("</w:styles>");
    s
}

/// The document's properties (File › Properties): its title, subject and who made it. No
/// dates, so the same data always gives the same bytes.
fn core_xml(doc: &Doc) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:keywords>{}</cp:keywords><dc:language>vi-VN</dc:language></cp:coreProperties>",
        escape(&doc.title),
        escape(&doc.subject),
        escape(&doc.author),
        if doc.draft { crate::layout::DRAFT } else { "" }
    )
}

const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>Kiểm tra</Application></Properties>";

/// The DOCX file's bytes.
pub fn render(doc: &Doc) -> Result<Vec<u8>> {
    let (document, charts) = document_xml(doc);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, bytes: &[u8], o: SimpleFileOptions| -> Result<()> {
        zip.start_file(name, o)
            .map_err(|e| kiemtra_core::Error::Io(std::io::Error::other(e)))?;
        zip.write_all(bytes)?;
        Ok(())
    };
    let chart_types: String = (1..=charts.len())
        .map(|i| format!("<Override PartName=\"/word/charts/chart{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.drawingml.chart+xml\"/>"))
        .collect();
    // A part named here must exist: the header override only for a draft.
    let header = if doc.draft {
        "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    } else {
        ""
    };
    put(
        "[Content_Types].xml",
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>{header}<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>{chart_types}</Types>").as_bytes(),
        opts,
    )?;
    put(
        "_rels/.rels",
        b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>",
        opts,
    )?;
    let mut rels = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>");
    for i in 1..=charts.len() {
        rels.push_str(&format!("<Relationship Id=\"rIdChart{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart\" Target=\"charts/chart{i}.xml\"/>"));
    }
    rels.push_str("<Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>");
    if doc.draft {
        rels.push_str("<Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>");
    }
    rels.push_str("</Relationships>");
    put("word/_rels/document.xml.rels", rels.as_bytes(), opts)?;
    put("word/document.xml", document.as_bytes(), opts)?;
    put("word/styles.xml", styles_xml().as_bytes(), opts)?;
    put("word/footer1.xml", footer_xml().as_bytes(), opts)?;
    put("docProps/core.xml", core_xml(doc).as_bytes(), opts)?;
    put("docProps/app.xml", APP_XML.as_bytes(), opts)?;
    if doc.draft {
        put("word/header1.xml", header_xml().as_bytes(), opts)?;
    }
    for (i, chart) in charts.iter().enumerate() {
        put(
            &format!("word/charts/chart{}.xml", i + 1),
            chart.as_bytes(),
            opts,
        )?;
    }
    let out = zip
        .finish()
        .map_err(|e| kiemtra_core::Error::Io(std::io::Error::other(e)))?;
    Ok(out.into_inner())
}
