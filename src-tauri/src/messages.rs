//! What the shell itself says: the titles of the dialogs and windows it opens and their
//! filters' labels. Everything else the person reads comes from core or the UI.

use kiemtra_core::{Lang, Localize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Message {
    ExportBundle,
    ImportBundles,
    AttachFiles,
    /// The filter of `AttachFiles`.
    PhotosAndPdf,
    SaveAttachmentCopy,
    UnitList,
    /// The save dialog of a report; `ext` in capitals ("DOCX").
    SaveDocument {
        ext: String,
    },
    PrintWindow,
    SaveRecoveryKey,
    /// The filter of `SaveRecoveryKey`.
    KeyFile,
}

impl Localize for Message {
    fn message(&self, lang: Lang) -> String {
        let text = match self {
            Message::ExportBundle => {
                lang.pick("Xuất gói dữ liệu kiemtra", "Export a kiemtra bundle")
            }
            Message::ImportBundles => lang.pick(
                "Chọn gói dữ liệu kiemtra để nhập",
                "Choose kiemtra bundles to import",
            ),
            Message::AttachFiles => lang.pick(
                "Chọn ảnh hoặc tài liệu scan để đính kèm",
                "Choose photos or scanned documents to attach",
            ),
            Message::PhotosAndPdf => lang.pick("Ảnh và PDF", "Photos and PDF"),
            Message::SaveAttachmentCopy => {
                lang.pick("Lưu bản sao tệp đính kèm", "Save a copy of the attachment")
            }
            Message::UnitList => lang.pick(
                "Chọn tệp danh sách đơn vị (Excel, ODS hoặc CSV)",
                "Choose a unit list (Excel, ODS or CSV)",
            ),
            Message::SaveDocument { ext } => {
                return format!("{} ({ext})", lang.pick("Lưu văn bản", "Save the document"))
            }
            Message::PrintWindow => lang.pick("In văn bản", "Print the document"),
            Message::SaveRecoveryKey => lang.pick(
                "Lưu khóa khôi phục kiemtra (vào USB riêng)",
                "Save the kiemtra recovery key (to a separate USB stick)",
            ),
            Message::KeyFile => lang.pick("Tệp khóa", "Key file"),
        };
        text.to_string()
    }
}
