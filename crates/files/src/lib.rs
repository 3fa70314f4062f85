//! The parts of handling uploads and downloads that read untrusted input:
//! framing a multipart form, deciding a file's type from its bytes,
//! cleaning the name it came with, and reading `Range` headers. Pure functions, kept apart so they build in
//! seconds for the fuzzers.

pub mod byte_range;
pub mod file_name;
pub mod file_type;
pub mod multipart;
