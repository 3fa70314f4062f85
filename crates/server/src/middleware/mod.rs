//! What every request passes through, outside the routes.

pub mod head;
pub mod metrics;
pub mod security;
