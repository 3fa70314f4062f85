//! The generated parts of docs/benchmarks.md: each lives between its own
//! markers, so the prose around them (what the ratios mean, how to
//! reproduce them) is written by hand and kept.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};

use crate::bench::Load;
use crate::{cmd, root};

/// The machine and the moment, for the heading of generated figures.
pub(crate) fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = cpuinfo
        .lines()
        .filter(|line| line.starts_with("processor"))
        .count();
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|value| value.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let text = |program: &str, args: &[&str]| {
        cmd::output(Command::new(program).args(args).current_dir(root()))
            .map(|output| String::from_utf8_lossy(&output).trim().to_owned())
            .unwrap_or_default()
    };
    format!(
        "{date}, commit `{commit}`, {model} ({cores} cores), {memory_gib:.0} GiB RAM, \
         Linux {kernel}, {rustc}",
        date = text("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        commit = text("git", &["describe", "--always", "--dirty"]),
        kernel = text("uname", &["-r"]),
        rustc = text("rustc", &["--version"]),
    )
}

/// Replaces what lies between `<!-- name:begin -->` and `<!-- name:end -->`.
pub(crate) fn replace_between(path: &Path, name: &str, content: &str) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let start = text
        .find(&begin)
        .with_context(|| format!("{} has no {begin} marker", path.display()))?
        + begin.len();
    let stop = text
        .find(&end)
        .with_context(|| format!("{} has no {end} marker", path.display()))?;
    let updated = format!("{}\n{}\n{}", &text[..start], content.trim(), &text[stop..]);
    std::fs::write(path, updated)?;
    println!("xtask: wrote the {name} figures to {}", path.display());
    Ok(())
}

/// `1000000` as `1,000,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn ratio(ours: f64, anchor: f64) -> String {
    format!("{:.2}", ours / anchor)
}

fn mib(bytes: f64) -> f64 {
    bytes / 1024.0 / 1024.0
}

/// The figures of one `cargo xtask bench` run, as Markdown.
/// The dashboard's reads at one size of one database.
pub(crate) struct Dashboard {
    pub(crate) backend: &'static str,
    pub(crate) sessions: usize,
    pub(crate) list: Load,
    pub(crate) summary: Load,
    pub(crate) breakdown: Load,
    pub(crate) search: Load,
}

#[derive(Default)]
pub(crate) struct Section {
    heading: String,
    reads: Vec<String>,
    rest: Vec<String>,
}

impl Section {
    pub(crate) fn new(runs: usize, seconds: u64) -> Result<Self> {
        Ok(Self {
            heading: format!(
                "Measured {}. Medians of {runs} runs of {seconds} s; 64 connections; the \
                 server (or anchor) on core 0, the load generator on core 1.",
                machine()
            ),
            reads: Vec::new(),
            rest: Vec::new(),
        })
    }

    pub(crate) fn reads(&mut self, backend: &str, read: &str, ours: &Load, sql: &Load) {
        self.reads.push(format!(
            "| {backend} | {read} | {:.0} | {:.0} | **{}** | {:.1} | {:.1} | **{}** |",
            ours.rps,
            sql.rps,
            ratio(ours.rps, sql.rps),
            ours.p99_ms,
            sql.p99_ms,
            ratio(ours.p99_ms, sql.p99_ms),
        ));
    }

    pub(crate) fn scale(&mut self, large: usize, rows: &[(&str, Load, Load)]) {
        let large = thousands(large);
        let mut table = format!(
            "### 2. The list at 10,000 and {large} sessions\n\n\
             | database | p50 at 10,000 (ms) | p50 at {large} (ms) | ratio |\n|---|---:|---:|---:|\n"
        );
        for (backend, small, big) in rows {
            table.push_str(&format!(
                "| {backend} | {:.2} | {:.2} | **{}** |\n",
                small.p50_ms,
                big.p50_ms,
                ratio(big.p50_ms, small.p50_ms)
            ));
        }
        self.rest.push(table);
    }

    /// The list with the account read through the cache (as served) and
    /// read on every request: what the cache saves.
    pub(crate) fn account_reads(&mut self, rows: &[(&str, Load, Load)]) {
        let mut table = String::from(
            "### 2b. The account behind the token, read per request or through its cache\n\n\
             | database | cached req/s | every request req/s | ratio | cached p99 (ms) | every request p99 (ms) |\n\
             |---|---:|---:|---:|---:|---:|\n",
        );
        for (backend, cached, every) in rows {
            table.push_str(&format!(
                "| {backend} | {:.0} | {:.0} | **{}** | {:.1} | {:.1} |
",
                cached.rps,
                every.rps,
                ratio(every.rps, cached.rps),
                cached.p99_ms,
                every.p99_ms,
            ));
        }
        self.rest.push(table);
    }

    /// The list as clients that accept compression ask for it; the first
    /// row is the same list sent as it is, which the ratios divide by.
    pub(crate) fn codings(&mut self, rows: &[(&str, Load)]) {
        let Some((_, plain)) = rows.first() else {
            return;
        };
        let mut table = String::from(
            "### 2e. The list as a browser asks for it\n\n\
             SQLite, 10,000 sessions, the super admin's list of table 1 asked for \
             with each `Accept-Encoding` in turn, against the same list sent as it \
             is. Bytes are wrk's count per answer, head included.\n\n\
             | coding | req/s | ratio | p99 (ms) | bytes per answer |\n\
             |---|---:|---:|---:|---:|\n",
        );
        for (coding, load) in rows {
            table.push_str(&format!(
                "| {coding} | {:.0} | **{}** | {:.1} | {:.0} |\n",
                load.rps,
                ratio(load.rps, plain.rps),
                load.p99_ms,
                load.bytes_per_s / load.rps,
            ));
        }
        self.rest.push(table);
    }

    /// The dashboard's reads beside the list page at the same size.
    pub(crate) fn dashboards(&mut self, rows: &[Dashboard]) {
        let mut table = String::from(
            "### 2c. The dashboard's figures and a search beside a list page\n\n\
             A branch's figures for last month (`/stats/summary`), the same by \
             faculty (`/stats/breakdown`) and a full-text search of every session \
             that matches nothing (`q=zyzzyva`), as the super admin, against the \
             list of table 2 on the same database.\n\n\
             | database | sessions | list p50 (ms) | summary p50 (ms) | ratio | \
             breakdown p50 (ms) | ratio | search p50 (ms) | ratio |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for row in rows {
            table.push_str(&format!(
                "| {} | {} | {:.2} | {:.2} | **{}** | {:.2} | **{}** | {:.2} | **{}** |\n",
                row.backend,
                thousands(row.sessions),
                row.list.p50_ms,
                row.summary.p50_ms,
                ratio(row.summary.p50_ms, row.list.p50_ms),
                row.breakdown.p50_ms,
                ratio(row.breakdown.p50_ms, row.list.p50_ms),
                row.search.p50_ms,
                ratio(row.search.p50_ms, row.list.p50_ms),
            ));
        }
        self.rest.push(table);
    }

    pub(crate) fn export(
        &mut self,
        rows: usize,
        seconds: f64,
        bytes: usize,
        before_kib: u64,
        peak_kib: u64,
    ) {
        self.rest.push(format!(
            "### 2d. Exporting {} sessions as CSV\n\n\
             | rows | seconds | rows/s | size (MiB) | resident before (MiB) | peak resident (MiB) |\n\
             |---:|---:|---:|---:|---:|---:|\n\
             | {} | {seconds:.2} | **{:.0}** | {:.1} | {:.1} | **{:.1}** |\n",
            thousands(rows),
            thousands(rows),
            rows as f64 / seconds,
            mib(bytes as f64),
            before_kib as f64 / 1024.0,
            peak_kib as f64 / 1024.0,
        ));
    }

    pub(crate) fn no_database(&mut self, ours: &Load, nginx: &Load) {
        self.rest.push(format!(
            "### 3. A route without the database: `GET /healthz` against nginx\n\n\
             | | requests/s | p99 (ms) |\n|---|---:|---:|\n\
             | Lectern | {:.0} | {:.2} |\n| nginx, the same JSON as a file | {:.0} | {:.2} |\n\
             | **ratio** | **{}** | **{}** |\n",
            ours.rps,
            ours.p99_ms,
            nginx.rps,
            nginx.p99_ms,
            ratio(ours.rps, nginx.rps),
            ratio(ours.p99_ms, nginx.p99_ms),
        ));
    }

    pub(crate) fn downloads(
        &mut self,
        cached: (&Load, &Load),
        evicted_seconds: (f64, f64),
        ranges: (&Load, &Load),
    ) {
        let evicted = |seconds: f64| mib(100_000_000.0) / seconds;
        self.rest.push(format!(
            "### 4. Downloading a 100 MB attachment against nginx (sendfile)\n\n\
             | | Lectern | nginx | ratio |\n|---|---:|---:|---:|\n\
             | cached, 64 connections (MiB/s) | {:.0} | {:.0} | **{}** |\n\
             | evicted from the page cache, one at a time (MiB/s) | {:.0} | {:.0} | **{}** |\n\
             | random 1 MiB `Range`, 64 connections: p95 (ms) | {:.1} | {:.1} | **{}** |\n\
             | random 1 MiB `Range`: requests/s | {:.0} | {:.0} | **{}** |\n",
            mib(cached.0.bytes_per_s),
            mib(cached.1.bytes_per_s),
            ratio(cached.0.bytes_per_s, cached.1.bytes_per_s),
            evicted(evicted_seconds.0),
            evicted(evicted_seconds.1),
            ratio(evicted(evicted_seconds.0), evicted(evicted_seconds.1)),
            ranges.0.p95_ms,
            ranges.1.p95_ms,
            ratio(ranges.0.p95_ms, ranges.1.p95_ms),
            ranges.0.rps,
            ranges.1.rps,
            ratio(ranges.0.rps, ranges.1.rps),
        ));
    }

    pub(crate) fn upload(&mut self, all_cores: f64, one_core: f64, dd_seconds: f64) {
        self.rest.push(format!(
            "### 5. Uploading 100 MB against `dd conv=fdatasync`\n\n\
             | | seconds | ratio |\n|---|---:|---:|\n\
             | Lectern: multipart upload, hash, fsync, rename, row; on both cores, as `dd` | \
             {all_cores:.2} | **{}** |\n\
             | the same, the server on core 0 as in tables 1 to 4 | {one_core:.2} | {} |\n\
             | `dd bs=1M conv=fdatasync` of the same file | {dd_seconds:.2} | 1 |\n",
            ratio(all_cores, dd_seconds),
            ratio(one_core, dd_seconds)
        ));
    }

    /// `downloads` is the resident set before and at the peak of table 4's
    /// 64 downloads, on a server that has just taken the uploads of table 5:
    /// what the allocator kept of those is in both.
    pub(crate) fn transfer_memory(
        &mut self,
        before_kib: u64,
        peak_kib: u64,
        (downloads_before_kib, downloads_peak_kib): (u64, u64),
    ) {
        self.rest.push(format!(
            "Resident memory of a freshly started server: {:.1} MiB before, **{:.1} MiB at its \
             peak** while 4 uploads and 4 downloads of 100 MB ran at once. During the 64 \
             concurrent downloads of table 4 the peak was **{:.1} MiB**, from {:.1} MiB before \
             them (after the uploads of table 5).\n",
            before_kib as f64 / 1024.0,
            peak_kib as f64 / 1024.0,
            downloads_peak_kib as f64 / 1024.0,
            downloads_before_kib as f64 / 1024.0
        ));
    }

    pub(crate) fn footprint(
        &mut self,
        idle_kib: u64,
        start_seconds: f64,
        first_load: &[(String, u64, String)],
    ) {
        let mut table = format!(
            "### 6. Footprint\n\n\
             - Idle resident memory after start-up and a sign-in: **{:.1} MiB**.\n\
             - Cold start on a migrated SQLite database, process start to the first \
               answer: **{:.0} ms**.\n\
             - The SPA's first load as the server sends it:\n\n\
             | file | bytes on the wire | encoding |\n|---|---:|---|\n",
            idle_kib as f64 / 1024.0,
            start_seconds * 1000.0
        );
        let mut total = 0;
        for (file, bytes, encoding) in first_load {
            total += bytes;
            table.push_str(&format!("| `{file}` | {bytes} | {encoding} |\n"));
        }
        table.push_str(&format!(
            "| **total** | **{total}** ({:.0} KiB) | |\n",
            total as f64 / 1024.0
        ));
        self.rest.push(table);
    }

    pub(crate) fn write_to(&self, path: &Path) -> Result<()> {
        let mut text = format!(
            "{}\n\n### 1. Reads against the same SQL straight on the database\n\n\
             | database | read | Lectern req/s | SQL req/s | ratio | Lectern p99 (ms) | SQL p99 (ms) | ratio |\n\
             |---|---|---:|---:|---:|---:|---:|---:|\n",
            self.heading
        );
        for row in &self.reads {
            text.push_str(row);
            text.push('\n');
        }
        for part in &self.rest {
            text.push('\n');
            text.push_str(part);
        }
        replace_between(path, "bench", &text)
    }
}

#[cfg(test)]
mod tests {
    use super::{Dashboard, Load, Section, thousands};

    #[test]
    fn the_dashboard_table_is_one_markdown_row_per_size() {
        let load = |p50_ms| Load {
            p50_ms,
            ..Load::default()
        };
        let mut section = Section::default();
        section.dashboards(&[Dashboard {
            backend: "SQLite",
            sessions: 10_000,
            list: load(2.0),
            summary: load(3.0),
            breakdown: load(4.0),
            search: load(1.0),
        }]);
        let table = &section.rest[0];
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[2].starts_with("A branch's figures") && !lines[2].contains("  "));
        assert_eq!(lines[4].matches('|').count(), 10, "{table}");
        assert_eq!(
            lines[6],
            "| SQLite | 10,000 | 2.00 | 3.00 | **1.50** | 4.00 | **2.00** | 1.00 | **0.50** |"
        );
    }

    #[test]
    fn the_codings_table_divides_by_its_first_row() {
        let load = |rps, bytes_per_s| Load {
            rps,
            p99_ms: 12.0,
            bytes_per_s,
            ..Load::default()
        };
        let mut section = Section::default();
        section.codings(&[
            ("none", load(5000.0, 70_000_000.0)),
            ("zstd", load(4500.0, 4_500_000.0)),
        ]);
        let table = &section.rest[0];
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[2].starts_with("SQLite, 10,000") && !lines[2].contains("  "));
        assert_eq!(lines[4].matches('|').count(), 6, "{table}");
        assert_eq!(lines[6], "| none | 5000 | **1.00** | 12.0 | 14000 |");
        assert_eq!(lines[7], "| zstd | 4500 | **0.90** | 12.0 | 1000 |");
    }

    #[test]
    fn large_counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
