//! `cargo xtask soak`: minutes of mixed traffic (lists, sessions opened,
//! completions, notes, uploads and downloads) against a release server on
//! 10,000 sessions; fails on any 5xx, any error in the server's log, or
//! memory that keeps growing, and writes what it saw to docs/benchmarks.md.

use std::process::Command;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::bench::{self, Backend, DIRECTOR, Dataset, SMALL};
use crate::{cmd, report, root, server};

/// How much the resident set may grow from the second minute to the last
/// before it counts as a leak: caches and pools fill during the first.
const GROWTH_LIMIT: f64 = 1.25;

pub(crate) fn run(minutes: u64, clients: usize) -> Result<()> {
    let binaries = bench::build()?;
    let dataset = Dataset::prepare(&binaries, "soak", Backend::Sqlite, SMALL, true)?;
    let server = dataset.serve(&binaries)?;
    let output = cmd::output(
        Command::new(&binaries.bench)
            .arg("soak")
            .args(["--url", &server.url()])
            .args(["--email", DIRECTOR, "--password", server::DEMO_PASSWORD])
            .args(["--clients", &clients.to_string()])
            .args(["--seconds", &(minutes * 60).to_string()])
            .args(["--max-id", &dataset.max_id.to_string()])
            .args(["--pid", &server.pid().to_string()]),
    )?;
    let logged_errors = server.logged_errors()?.len();
    drop(server);
    let soak: Value = serde_json::from_slice(&output)?;

    let samples: Vec<(u64, u64)> = soak["rss_kib"]
        .as_array()
        .map(|samples| {
            samples
                .iter()
                .filter_map(|pair| Some((pair[0].as_u64()?, pair[1].as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    let end = samples.last().map_or(0, |(at, _)| *at);
    let median_between = |from: u64, to: u64| {
        let mut values: Vec<u64> = samples
            .iter()
            .filter(|(at, _)| (from..to).contains(at))
            .map(|(_, kib)| *kib)
            .collect();
        values.sort_unstable();
        values.get(values.len() / 2).copied().unwrap_or(0)
    };
    let settled = median_between(60, 120);
    let last = median_between(end.saturating_sub(60), end + 1);
    let growth = last as f64 / settled.max(1) as f64;

    let mut text = format!(
        "Soaked {}. {minutes} minutes, {clients} concurrent clients signed in as the super \
         admin, against a release build on SQLite with 10,000 sessions.\n\n\
         | request | answers |\n|---|---|\n",
        report::machine()
    );
    let mut total = 0;
    if let Some(kinds) = soak["requests"].as_object() {
        for (kind, statuses) in kinds {
            let mut cells = Vec::new();
            for (status, count) in statuses.as_object().into_iter().flatten() {
                let count = count.as_u64().unwrap_or(0);
                total += count;
                cells.push(format!("{count} × {status}"));
            }
            text.push_str(&format!("| {kind} | {} |\n", cells.join(", ")));
        }
    }
    let server_errors = soak["server_errors"].as_u64().unwrap_or(u64::MAX);
    let transport_errors = soak["transport_errors"].as_u64().unwrap_or(u64::MAX);
    text.push_str(&format!(
        "\n{total} requests; **{server_errors} answers of 5xx**, {transport_errors} without an \
         answer, {logged_errors} errors in the server's log.\n\n\
         Resident memory (MiB) by minute:\n\n| minute | RSS |\n|---:|---:|\n"
    ));
    for minute in 1..=minutes {
        let kib = median_between((minute - 1) * 60, minute * 60);
        text.push_str(&format!("| {minute} | {:.1} |\n", kib as f64 / 1024.0));
    }
    text.push_str(&format!(
        "\nFrom the second minute to the last the resident set went from {:.1} to {:.1} MiB \
         (×{growth:.2}; the soak fails above ×{GROWTH_LIMIT}).\n",
        settled as f64 / 1024.0,
        last as f64 / 1024.0
    ));
    report::replace_between(&root().join("docs").join("benchmarks.md"), "soak", &text)?;

    if server_errors > 0 || transport_errors > 0 || logged_errors > 0 {
        bail!(
            "the soak saw {server_errors} 5xx, {transport_errors} requests without an answer \
             and {logged_errors} logged errors"
        );
    }
    if minutes >= 3 && growth > GROWTH_LIMIT {
        bail!("the server's memory grew ×{growth:.2} during the soak");
    }
    // Thousands of uploads leave gigabytes behind; a failed soak keeps them
    // for a look.
    std::fs::remove_dir_all(&dataset.data_dir)?;
    println!("xtask: the soak passed: {total} requests, no 5xx, memory ×{growth:.2}");
    Ok(())
}
