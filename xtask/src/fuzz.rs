//! `cargo xtask fuzz`: every fuzz target of `fuzz/` for a while each, on
//! the nightly toolchain cargo-fuzz needs.

use std::process::Command;

use anyhow::{Result, bail};

use crate::{cmd, root};

pub(crate) const TARGETS: [&str; 7] = [
    "completion_code",
    "times",
    "weekdays",
    "file_name",
    "byte_range",
    "upload_sniffing",
    "multipart",
];

/// Whether the nightly toolchain is installed.
pub(crate) fn nightly_available() -> bool {
    Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|output| output.status.success())
}

pub(crate) fn run(seconds: u64) -> Result<()> {
    if !nightly_available() {
        bail!("the fuzzers need the nightly toolchain: rustup toolchain install nightly");
    }
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        cmd::run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    for target in TARGETS {
        cmd::run(
            Command::new("cargo")
                .args([
                    "+nightly",
                    "fuzz",
                    "run",
                    target,
                    "--",
                    &format!("-max_total_time={seconds}"),
                ])
                .current_dir(root().join("fuzz")),
        )?;
    }
    println!(
        "xtask: {} fuzz targets ran {seconds} s each without a finding",
        TARGETS.len()
    );
    Ok(())
}
