//! The campaign as a spreadsheet: one row per unit × item ("Dữ liệu") and the counts per
//! item and per overall result ("Tổng hợp"), for the secretariat to sort and filter.

use kiemtra_core::Localize;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use kiemtra_core::model::{Rating, Scale};
use kiemtra_core::report::{date_vi, CampaignReport};
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

/// The summary sheet's item table columns.
pub const SUMMARY_COLUMNS: [&str; 8] = [
    "Mã tiêu chí",
    "Tiêu chí",
    "Đạt",
    "Chưa đạt",
    "Chấm điểm",
    "Chưa đánh giá",
    "Điểm trung bình",
    "Tổng số lượt",
];

fn build(r: &CampaignReport) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
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
            ws.write_string(row, 3, date_vi(f.date))?;
            ws.write_string(row, 4, &f.status_label)?;
            ws.write_string(row, 5, &f.topic)?;
            ws.write_string(row, 6, &f.item_code)?;
            ws.write_string(row, 7, &f.item_title)?;
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
        }
        if !r.findings.is_empty() {
            ws.autofilter(0, 0, r.findings.len() as u32, DATA_COLUMNS.len() as u16 - 1)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Tổng hợp")?;
        let widths = [11.0, 60.0, 8.0, 10.0, 11.0, 14.0, 15.0, 12.0];
        let cols: Vec<(&str, f64)> = SUMMARY_COLUMNS.iter().copied().zip(widths).collect();
        header(ws, &cols, &bold, r.draft)?;
        let mut row = 1u32;
        for t in &r.topics {
            for i in &t.items {
                ws.write_string(row, 0, &i.code)?;
                ws.write_string_with_format(row, 1, &i.title, &wrap)?;
                ws.write_number(row, 2, i.all.dat as f64)?;
                ws.write_number(row, 3, i.all.chua_dat as f64)?;
                ws.write_number(row, 4, i.all.scored as f64)?;
                ws.write_number(row, 5, i.all.not_rated as f64)?;
                if let Some(a) = i.all.points_avg {
                    ws.write_number(row, 6, (a * 100.0).round() / 100.0)?;
                }
                ws.write_number(row, 7, i.all.total() as f64)?;
                row += 1;
            }
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
