//! What every request passes through, outside the routes.

pub mod compress;
pub mod head;
pub mod metrics;
pub mod security;
