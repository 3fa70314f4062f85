//! One module per page of the app.

pub mod admin;
mod dashboard;
mod login;
mod not_found;
mod password;
mod review;
mod session_view;
pub mod sessions;
pub mod settings;
mod shell;

pub use dashboard::Dashboard;
pub use login::Login;
pub use not_found::NotFound;
pub use password::ChangePassword;
pub use session_view::SessionView;
pub use settings::Settings;
pub use shell::{Home, Shell};
