//! One module per page of the app.

pub mod admin;
mod login;
mod not_found;
mod password;
mod review;
mod session_view;
pub mod sessions;
mod shell;

pub use login::Login;
pub use not_found::NotFound;
pub use password::ChangePassword;
pub use session_view::SessionView;
pub use shell::Shell;
