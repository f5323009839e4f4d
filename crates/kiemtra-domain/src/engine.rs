//! The revision engine's refusals in words: the engine names what is wrong, this layer
//! says it to people.

use kiemtra_store::RevisionProblem;

use crate::lang::{Lang, Localize};

impl Localize for RevisionProblem {
    fn message(&self, lang: Lang) -> String {
        use RevisionProblem as P;
        match self {
            P::BadId { rev } => lang.pick(
                format!("mã phiên bản {rev} không hợp lệ"),
                format!("revision id {rev} is not valid"),
            ),
            P::ContentMismatch { rev, id } => lang.pick(
                format!("phiên bản {rev} của {id}: nội dung không khớp mã"),
                format!("revision {rev} of {id}: content does not match its id"),
            ),
            P::BadTime { rev, hlc } => lang.pick(
                format!("phiên bản {rev}: thời điểm \"{hlc}\" không hợp lệ"),
                format!("revision {rev}: time \"{hlc}\" is not valid"),
            ),
            P::MissingParent { rev, parent } => lang.pick(
                format!("phiên bản {rev} thiếu phiên bản trước {parent}"),
                format!("revision {rev} lacks its parent {parent}"),
            ),
            P::WrongGeneration { rev } => lang.pick(
                format!("phiên bản {rev} có thế hệ sai"),
                format!("revision {rev} has a wrong generation"),
            ),
            P::OtherKind {
                rev,
                id,
                kind,
                other,
            } => lang.pick(
                format!("phiên bản {rev} ghi {id} là \"{kind}\" nhưng bản ghi này là \"{other}\""),
                format!("revision {rev} makes {id} a \"{kind}\" but it is a \"{other}\""),
            ),
        }
    }
}
