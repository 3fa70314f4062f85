//! Building the SPA: cargo for wasm32, wasm-bindgen as a library pinned to
//! the app's exact version, wasm-opt when a working one is around, and the
//! static files beside it in frontend/dist.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::{cmd, root};

const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
/// Older binaryen (Debian's 108) emits tables Chromium rejects.
const MIN_WASM_OPT_VERSION: u32 = 116;

pub(crate) fn dist_dir() -> PathBuf {
    root().join("frontend").join("dist")
}

/// Builds the app into frontend/dist and returns that folder.
pub(crate) fn build() -> Result<PathBuf> {
    ensure_wasm_target()?;
    cmd::run(&mut cmd::cargo([
        "build",
        "-p",
        "lectern-frontend",
        "--target",
        TARGET,
        "--profile",
        PROFILE,
    ]))?;
    let wasm = cmd::target_dir()
        .join(TARGET)
        .join(PROFILE)
        .join("lectern-frontend.wasm");

    let dist = dist_dir();
    let pkg = dist.join("pkg");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).with_context(|| format!("clearing {}", dist.display()))?;
    }
    std::fs::create_dir_all(&pkg)?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name("lectern_frontend")
        .web(true)?
        .typescript(false)
        // Function names only help debuggers; they are a third of the file.
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(&pkg)
        .context("generating the JavaScript glue")?;
    optimise(&pkg.join("lectern_frontend_bg.wasm"))?;
    copy_dir(&root().join("frontend").join("public"), &dist)?;
    if !dist.join("index.html").is_file() {
        bail!("frontend/public has no index.html");
    }
    println!("xtask: the SPA is in {}", dist.display());
    for line in first_load(&dist)?.lines() {
        println!("xtask: {line}");
    }
    Ok(dist)
}

/// What a browser downloads on a first visit.
pub(crate) const FIRST_LOAD: [&str; 5] = [
    "index.html",
    "style.css",
    "favicon.svg",
    "pkg/lectern_frontend.js",
    "pkg/lectern_frontend_bg.wasm",
];

/// The first load's files, raw and gzip-compressed.
pub(crate) fn first_load(dist: &Path) -> Result<String> {
    use std::io::Write as _;
    let mut report = String::from("first load (raw → gzip):\n");
    let (mut raw_total, mut gzip_total) = (0, 0);
    for file in FIRST_LOAD {
        let bytes = std::fs::read(dist.join(file)).with_context(|| format!("reading {file}"))?;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&bytes)?;
        let gzip = encoder.finish()?.len();
        raw_total += bytes.len();
        gzip_total += gzip;
        report.push_str(&format!("  {file:<30} {:>9} → {:>8}\n", bytes.len(), gzip));
    }
    report.push_str(&format!(
        "  {:<30} {raw_total:>9} → {gzip_total:>8}\n",
        "total"
    ));
    Ok(report)
}

pub(crate) fn ensure_wasm_target() -> Result<()> {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .context("rustup is needed to add the wasm32 target")?;
    if !String::from_utf8_lossy(&installed)
        .lines()
        .any(|line| line.trim() == TARGET)
    {
        cmd::run(Command::new("rustup").args(["target", "add", TARGET]))?;
    }
    Ok(())
}

/// Runs `wasm-opt -Oz` in place when a recent enough one is found
/// (`WASM_OPT`, then PATH, then an npm-installed `binaryen`).
fn optimise(wasm: &Path) -> Result<()> {
    let candidates = std::env::var_os("WASM_OPT")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            PathBuf::from("wasm-opt"),
            root().join("node_modules/.bin/wasm-opt"),
        ]);
    let Some(wasm_opt) = candidates
        .into_iter()
        .find(|path| version(path).is_some_and(|v| v >= MIN_WASM_OPT_VERSION))
    else {
        println!(
            "xtask: no wasm-opt {MIN_WASM_OPT_VERSION}+ found; the app works, only larger (npm install binaryen for a smaller one)"
        );
        return Ok(());
    };
    let optimised = wasm.with_extension("opt.wasm");
    cmd::run(
        Command::new(&wasm_opt)
            .arg("-Oz")
            // The features rustc enables for wasm32 today.
            .args([
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .arg(wasm)
            .arg("-o")
            .arg(&optimised),
    )?;
    std::fs::rename(&optimised, wasm)?;
    Ok(())
}

/// The version number `wasm-opt --version` reports, if it runs at all.
fn version(path: &Path) -> Option<u32> {
    let output = Command::new(path).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace().find_map(|word| word.parse().ok())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
