//! `cargo deny check`: advisories, licenses, bans and sources over the
//! whole dependency graph, as deny.toml sets them. The advisory database is
//! RustSec's git repository, fetched with the git command line, so a
//! machine that cannot reach GitHub can point git at a copy
//! (`url.<copy>.insteadOf`, as `.ci/run` does).

use std::process::Command;

use anyhow::Result;

use crate::{cmd, root};

pub(crate) fn available() -> bool {
    Command::new("cargo")
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Errors only: the duplicate versions deny.toml lets through would print
/// thousands of lines; `cargo deny check bans` by hand lists them.
pub(crate) fn run() -> Result<()> {
    cmd::run(
        cmd::cargo(["deny", "--log-level", "error", "--workspace", "--config"])
            .arg(root().join("deny.toml"))
            .arg("check"),
    )
}
