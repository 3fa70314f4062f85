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
    fingerprint(&dist)?;
    precompress(&dist)?;
    println!("xtask: the SPA is in {}", dist.display());
    for line in first_load_report(&dist)?.lines() {
        println!("xtask: {line}");
    }
    Ok(dist)
}

/// The files index.html names, which get a content hash in their names so
/// the server can let browsers keep them for a year. `boot.js` names the
/// app's files itself, so it is renamed last, after their new names are in it.
const FINGERPRINTED: [&str; 5] = [
    "style.css",
    "favicon.svg",
    "pkg/lectern_frontend.js",
    "pkg/lectern_frontend_bg.wasm",
    "boot.js",
];

/// The files that name others: the page, and the script that starts the
/// app (a file of its own, so the content security policy need allow no
/// inline script).
const REFERRERS: [&str; 2] = ["index.html", "boot.js"];

/// `name.ext` → `name.<16 hex of its SHA-256>.ext`.
fn fingerprinted_name(file: &str, bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    match file.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{file}.{hash}"),
    }
}

/// Renames each of [`FINGERPRINTED`] after its content and points the
/// files that name it at the new name: a new build is new URLs, never a
/// stale copy from a browser's cache.
fn fingerprint(dist: &Path) -> Result<()> {
    for file in FINGERPRINTED {
        let bytes = std::fs::read(dist.join(file)).with_context(|| format!("reading {file}"))?;
        let named = fingerprinted_name(file, &bytes);
        std::fs::rename(dist.join(file), dist.join(&named))?;
        let (old, new) = (format!("\"/{file}\""), format!("\"/{named}\""));
        let mut named_by_any = false;
        for referrer in REFERRERS {
            let path = dist.join(referrer);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if text.contains(&old) {
                std::fs::write(&path, text.replace(&old, &new))?;
                named_by_any = true;
            }
        }
        if !named_by_any {
            bail!("no file of frontend/public names /{file}");
        }
    }
    Ok(())
}

/// Writes a `.br` (quality 11) and a `.gz` (level 9) beside every file,
/// so the server sends compressed bytes without compressing per request.
fn precompress(dir: &Path) -> Result<()> {
    use std::io::Write as _;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&bytes)?;
        std::fs::write(with_suffix(&path, "gz"), gzip.finish()?)?;
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            ..Default::default()
        };
        let mut brotli = Vec::new();
        brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params)?;
        std::fs::write(with_suffix(&path, "br"), brotli)?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// What a browser downloads on a first visit: index.html and what it
/// names, as paths inside the built folder.
pub(crate) fn first_load(dist: &Path) -> Result<Vec<String>> {
    let index = std::fs::read_to_string(dist.join("index.html"))?;
    let mut files = vec!["index.html".to_owned()];
    for named in index.split("\"/").skip(1) {
        let Some((path, _)) = named.split_once('"') else {
            continue;
        };
        if !files.iter().any(|file| file == path) {
            files.push(path.to_owned());
        }
    }
    Ok(files)
}

/// The first load's files: raw, and as the server sends them (gzip, brotli).
pub(crate) fn first_load_report(dist: &Path) -> Result<String> {
    let mut report = String::from("first load (raw → gzip → brotli):\n");
    let size = |path: PathBuf| -> Result<u64> {
        Ok(std::fs::metadata(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .len())
    };
    let mut totals = [0; 3];
    for file in first_load(dist)? {
        let path = dist.join(&file);
        let sizes = [
            size(path.clone())?,
            size(with_suffix(&path, "gz"))?,
            size(with_suffix(&path, "br"))?,
        ];
        for (total, size) in totals.iter_mut().zip(sizes) {
            *total += size;
        }
        report.push_str(&format!(
            "  {file:<45} {:>9} → {:>8} → {:>8}\n",
            sizes[0], sizes[1], sizes[2]
        ));
    }
    report.push_str(&format!(
        "  {:<45} {:>9} → {:>8} → {:>8}\n",
        "total", totals[0], totals[1], totals[2]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_follow_the_content() {
        let a = fingerprinted_name("pkg/app_bg.wasm", b"one");
        assert!(a.starts_with("pkg/app_bg.") && a.ends_with(".wasm"), "{a}");
        assert_eq!(a.len(), "pkg/app_bg..wasm".len() + 16);
        assert_eq!(a, fingerprinted_name("pkg/app_bg.wasm", b"one"));
        assert_ne!(a, fingerprinted_name("pkg/app_bg.wasm", b"two"));
    }

    #[test]
    fn the_first_load_is_index_html_and_what_it_names() {
        let dir = std::env::temp_dir().join(format!("lectern-first-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            r#"<link href="/style.1.css"><link href="/pkg/a.2.js"><script>import x from "/pkg/a.2.js"; x("/pkg/b.3.wasm")</script>"#,
        )
        .unwrap();
        let files = first_load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            files,
            ["index.html", "style.1.css", "pkg/a.2.js", "pkg/b.3.wasm"]
        );
    }
}
