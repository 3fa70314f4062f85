//! Pieces the pages share.

pub mod badges;
pub mod dialog;
pub mod fields;
pub mod icons;
pub mod paging;
pub mod states;

pub use dialog::Dialog;
pub use fields::FieldErrors;
pub use states::{Empty, ErrorNote, Loading};
