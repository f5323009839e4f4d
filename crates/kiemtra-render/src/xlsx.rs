//! The campaign as a spreadsheet: one row per unit × item ("Dữ liệu") and the counts per
//! item and per overall result ("Tổng hợp"), for the secretariat to sort and filter.

use chrono::Datelike;
use kiemtra_core::Localize;
use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartDataLabel, ChartFormat, ChartSolidFill, ChartType,
    DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use kiemtra_core::model::{Rating, Scale};
use kiemtra_core::report::CampaignReport;
use kiemtra_core::{Error, Lang, Result};

fn err(e: XlsxError) -> Error {
    Error::Io(std::io::Error::other(e))
}

/// The header row, and a sheet that prints as a clerk expects: A4 landscape, as wide as the
/// page, the header row on every page, page numbers, and "DỰ THẢO" on every page of a draft.
fn header(
    ws: &mut Worksheet,
    cols: &[(&str, f64)],
    bold: &Format,
    draft: bool,
) -> std::result::Result<(), XlsxError> {
    for (i, (h, w)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, bold)?;
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(0, 0)?;
    if draft {
        ws.set_header(format!(
            "&R&\"Times New Roman,Bold\"&12{}",
            crate::layout::DRAFT
        ));
    }
    ws.set_footer("&CTrang &P/&N");
    Ok(())
}

/// The ranking sheet's columns.
pub const RANKING_COLUMNS: [&str; 10] = [
    "TT",
    "Đơn vị",
    "Cấp",
    "Ngày kiểm tra",
    "Tình trạng",
    "Đạt",
    "Chưa đạt",
    "Điểm",
    "Điểm tối đa",
    "Xếp loại",
];

/// The column headers of the data sheet, in order.
pub const DATA_COLUMNS: [&str; 13] = [
    "Đơn vị",
    "Cấp",
    "Đoàn kiểm tra",
    "Ngày kiểm tra",
    "Tình trạng",
    "Nội dung",
    "Mã tiêu chí",
    "Tiêu chí",
    "Hình thức đánh giá",
    "Kết quả",
    "Điểm",
    "Ghi nhận",
    "Giải trình",
];

/// The summary sheet's item table columns; then Đạt and Chưa đạt per level.
pub const SUMMARY_COLUMNS: [&str; 9] = [
    "Mã tiêu chí",
    "Tiêu chí",
    "Đạt",
    "Chưa đạt",
    "Chấm điểm",
    "Chưa đánh giá",
    "Điểm trung bình",
    "Điểm tối đa",
    "Tổng số lượt",
];

/// A row tall enough for its wrapped cells (`(text, column width)`): spreadsheets do not
/// all grow a row for wrapped text by themselves, and a note cut to one line is lost on paper.
fn fit_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[(&str, f64)],
) -> std::result::Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(t, w)| {
            let per_line = (w * 1.1).max(1.0) as usize;
            t.lines()
                .map(|l| l.chars().count().div_ceil(per_line).max(1))
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1)
        .max(1);
    if lines > 1 {
        ws.set_row_height(row, 15.0 * lines as f64)?;
    }
    Ok(())
}

/// A date as a real date cell (sorts and filters as a date), shown dd/mm/yyyy.
fn write_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: Option<chrono::NaiveDate>,
    f: &Format,
) -> std::result::Result<(), XlsxError> {
    if let Some(d) = d {
        ws.write_date_with_format(row, col, excel_date(d)?, f)?;
    }
    Ok(())
}

fn excel_date(d: chrono::NaiveDate) -> std::result::Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn build(r: &CampaignReport) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // Properties dated by the campaign, never by the clock: the same data, the same bytes.
    let made = match r.scope.end_date.or(r.scope.start_date) {
        Some(d) => excel_date(d)?,
        None => ExcelDateTime::from_ymd(r.year.clamp(1900, 9999) as u16, 1, 1)?,
    };
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Báo cáo kết quả — {}", r.campaign_name))
            .set_subject(&r.campaign_name)
            .set_author(&r.heading.issuer)
            .set_creation_datetime(&made),
    );
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let day = Format::new().set_num_format("dd/mm/yyyy");
    {
        let ws = wb.add_worksheet();
        ws.set_name("Dữ liệu")?;
        let widths = [
            34.0, 11.0, 20.0, 12.0, 15.0, 40.0, 9.0, 50.0, 12.0, 11.0, 8.0, 40.0, 40.0,
        ];
        let cols: Vec<(&str, f64)> = DATA_COLUMNS.iter().copied().zip(widths).collect();
        header(ws, &cols, &bold, r.draft)?;
        for (i, f) in r.findings.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, &f.unit)?;
            ws.write_string(row, 1, &f.level)?;
            ws.write_string(row, 2, &f.team)?;
            write_date(ws, row, 3, f.date, &day)?;
            ws.write_string(row, 4, &f.status_label)?;
            ws.write_string(row, 5, &f.topic)?;
            ws.write_string(row, 6, &f.item_code)?;
            ws.write_string_with_format(row, 7, &f.item_title, &wrap)?;
            ws.write_string(
                row,
                8,
                match f.scale {
                    Scale::PassFail => "Đạt/Chưa đạt",
                    Scale::Points => "Chấm điểm",
                },
            )?;
            if let Some(x) = f.rating {
                ws.write_string(row, 9, x.message(Lang::Vi))?;
            }
            if let Some(p) = f.points {
                ws.write_number(row, 10, p)?;
            }
            ws.write_string_with_format(row, 11, &f.note, &wrap)?;
            ws.write_string_with_format(row, 12, &f.explanation, &wrap)?;
            fit_row(
                ws,
                row,
                &[
                    (&f.item_title, widths[7]),
                    (&f.note, widths[11]),
                    (&f.explanation, widths[12]),
                ],
            )?;
        }
        if !r.findings.is_empty() {
            ws.autofilter(0, 0, r.findings.len() as u32, DATA_COLUMNS.len() as u16 - 1)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Tổng hợp")?;
        let widths = [11.0, 60.0, 8.0, 10.0, 11.0, 14.0, 15.0, 11.0, 12.0];
        let mut cols: Vec<(String, f64)> = SUMMARY_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .zip(widths)
            .collect();
        for l in &r.levels {
            cols.push((format!("Đạt ({})", l.to_lowercase()), 12.0));
            cols.push((format!("Chưa đạt ({})", l.to_lowercase()), 12.0));
        }
        let named: Vec<(&str, f64)> = cols.iter().map(|(c, w)| (c.as_str(), *w)).collect();
        header(ws, &named, &bold, r.draft)?;
        let mut row = 1u32;
        for t in &r.topics {
            for i in &t.items {
                ws.write_string(row, 0, &i.code)?;
                ws.write_string_with_format(row, 1, &i.title, &wrap)?;
                fit_row(ws, row, &[(&i.title, 60.0)])?;
                ws.write_number(row, 2, i.all.dat as f64)?;
                ws.write_number(row, 3, i.all.chua_dat as f64)?;
                ws.write_number(row, 4, i.all.scored as f64)?;
                ws.write_number(row, 5, i.all.not_rated as f64)?;
                if let Some(a) = i.all.points_avg {
                    ws.write_number(row, 6, (a * 100.0).round() / 100.0)?;
                }
                if let Some(m) = i.max_points {
                    ws.write_number(row, 7, m as f64)?;
                }
                ws.write_number(row, 8, i.all.total() as f64)?;
                for (li, c) in i.by_level.iter().enumerate() {
                    let col = (SUMMARY_COLUMNS.len() + 2 * li) as u16;
                    ws.write_number(row, col, c.dat as f64)?;
                    ws.write_number(row, col + 1, c.chua_dat as f64)?;
                }
                row += 1;
            }
        }
        if row > 1 {
            ws.autofilter(0, 0, row - 1, cols.len() as u16 - 1)?;
        }
        row += 1;
        ws.write_string_with_format(row, 0, "Xếp loại", &bold)?;
        ws.write_string_with_format(row, 2, "Số đơn vị", &bold)?;
        row += 1;
        for o in &r.overall {
            ws.write_string(row, 0, &o.label)?;
            ws.write_number(row, 2, o.count as f64)?;
            row += 1;
        }
    }
    {
        // The emulation ranking: the annex, numbers as numbers.
        let ws = wb.add_worksheet();
        ws.set_name("Xếp hạng")?;
        let widths = [5.0, 40.0, 11.0, 12.0, 16.0, 8.0, 10.0, 9.0, 10.0, 26.0];
        let cols: Vec<(&str, f64)> = RANKING_COLUMNS.iter().copied().zip(widths).collect();
        header(ws, &cols, &bold, r.draft)?;
        for (i, a) in r.annex.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_number(row, 0, a.no as f64)?;
            ws.write_string_with_format(row, 1, &a.unit, &wrap)?;
            fit_row(ws, row, &[(&a.unit, widths[1])])?;
            ws.write_string(row, 2, &a.level)?;
            write_date(ws, row, 3, a.date, &day)?;
            ws.write_string(row, 4, &a.status_label)?;
            if a.counted {
                ws.write_number(row, 5, a.met as f64)?;
                ws.write_number(row, 6, a.not_met as f64)?;
                if a.max_points > 0 {
                    ws.write_number(row, 7, (a.points * 100.0).round() / 100.0)?;
                    ws.write_number(row, 8, a.max_points as f64)?;
                }
                ws.write_string(row, 9, &a.overall_label)?;
            }
        }
        if !r.annex.is_empty() {
            ws.autofilter(0, 0, r.annex.len() as u32, RANKING_COLUMNS.len() as u16 - 1)?;
        }
    }
    {
        // Per unit and topic: how many of its items the unit met, and did not.
        let ws = wb.add_worksheet();
        ws.set_name("Theo đơn vị")?;
        let mut cols: Vec<(String, f64)> = vec![("Đơn vị".into(), 40.0), ("Cấp".into(), 11.0)];
        for t in &r.topics {
            cols.push((format!("{}. Đạt", t.code), 8.0));
            cols.push((format!("{}. Chưa đạt", t.code), 10.0));
            cols.push((format!("{}. Điểm", t.code), 8.0));
        }
        let named: Vec<(&str, f64)> = cols.iter().map(|(c, w)| (c.as_str(), *w)).collect();
        header(ws, &named, &bold, r.draft)?;
        let mut units: Vec<(&str, &str)> = Vec::new();
        // (unit, topic) → (met, not met, points)
        let mut sums: std::collections::HashMap<(&str, &str), (f64, f64, f64)> = Default::default();
        for f in &r.findings {
            if !units.contains(&(f.unit.as_str(), f.level.as_str())) {
                units.push((f.unit.as_str(), f.level.as_str()));
            }
            let e = sums
                .entry((f.unit.as_str(), f.topic_code.as_str()))
                .or_default();
            match f.rating {
                Some(Rating::Dat) => e.0 += 1.0,
                Some(Rating::ChuaDat) => e.1 += 1.0,
                None => {}
            }
            e.2 += f.points.unwrap_or(0.0);
        }
        for (i, (unit, level)) in units.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string_with_format(row, 0, *unit, &wrap)?;
            fit_row(ws, row, &[(unit, 40.0)])?;
            ws.write_string(row, 1, *level)?;
            for (ti, t) in r.topics.iter().enumerate() {
                let (met, not_met, points) = sums
                    .get(&(*unit, t.code.as_str()))
                    .copied()
                    .unwrap_or_default();
                let col = 2 + 3 * ti as u16;
                ws.write_number(row, col, met)?;
                ws.write_number(row, col + 1, not_met)?;
                ws.write_number(row, col + 2, (points * 100.0).round() / 100.0)?;
            }
        }
        if !units.is_empty() {
            ws.autofilter(0, 0, units.len() as u32, cols.len() as u16 - 1)?;
        }
    }
    {
        // The topics chart as an Excel chart over its own small table, so a clerk can
        // restyle it or copy it into a slide.
        let c = crate::layout::topics_chart(r);
        let ws = wb.add_worksheet();
        ws.set_name("Biểu đồ")?;
        let names: Vec<String> = c.series.iter().map(|s| format!("{} (%)", s.name)).collect();
        let mut cols = vec![("Nội dung", 50.0)];
        for n in &names {
            cols.push((n.as_str(), 12.0));
        }
        header(ws, &cols, &bold, r.draft)?;
        for (i, cat) in c.categories.iter().enumerate() {
            ws.write_string(i as u32 + 1, 0, cat)?;
            for (j, s) in c.series.iter().enumerate() {
                let v = s.values.get(i).copied().unwrap_or(0.0);
                ws.write_number(i as u32 + 1, j as u16 + 1, (v * 10.0).round() / 10.0)?;
            }
        }
        let n = c.categories.len().max(1) as u32;
        let mut chart = Chart::new(ChartType::BarStacked);
        chart.title().set_name(&c.title);
        for (j, s) in c.series.iter().enumerate() {
            let col = j as u16 + 1;
            chart
                .add_series()
                .set_name(("Biểu đồ", 0, col))
                .set_categories(("Biểu đồ", 1, 0, n, 0))
                .set_values(("Biểu đồ", 1, col, n, col))
                .set_format(ChartFormat::new().set_solid_fill(
                    ChartSolidFill::new().set_color(u32::from_str_radix(s.colour, 16).unwrap_or(0)),
                ))
                // A zero share gets no label.
                .set_data_label(ChartDataLabel::new().show_value().set_num_format("0.#;;"));
        }
        chart
            .x_axis()
            .set_min(0.0)
            .set_max(100.0)
            .set_num_format("0\"%\"");
        // Topics top to bottom in the tables' order, the value axis below them.
        chart
            .y_axis()
            .set_reverse()
            .set_crossing(ChartAxisCrossing::Max);
        chart.set_width(900).set_height(60 + 40 * n);
        ws.insert_chart(n + 2, 0, &chart)?;
    }
    wb.save_to_buffer()
}

/// The XLSX file's bytes.
pub fn render(r: &CampaignReport) -> Result<Vec<u8>> {
    build(r).map_err(err)
}

/// The label the data sheet writes for a rating (tests read it back).
pub fn rating_label(r: Rating) -> String {
    r.message(Lang::Vi)
}
