//! Pieces the pages share.

pub mod badges;
pub mod chart;
pub mod dialog;
pub mod download_button;
pub mod export;
pub mod fields;
pub mod icons;
pub mod loaded;
pub mod paging;
pub mod pick;
pub mod save;
pub mod states;

pub use dialog::Dialog;
pub use fields::{FieldErrors, TextField};
pub use loaded::loaded;
pub use save::{SaveButtons, Saver};
pub use states::{Empty, ErrorNote, Loading};
