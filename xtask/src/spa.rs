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
    let main = wasm.with_extension("main.wasm");
    let parts = split(&wasm, &main, &pkg)?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main)
        .out_name("lectern_frontend")
        .web(true)?
        .typescript(false)
        // The loader reaches the main part's function table through these.
        .keep_lld_exports(true)
        // Function names only help debuggers; they are a third of the file.
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(&pkg)
        .context("generating the JavaScript glue")?;
    optimise(&pkg.join("lectern_frontend_bg.wasm"))?;
    for part in &parts {
        optimise(part)?;
    }
    copy_dir(&root().join("frontend").join("public"), &dist)?;
    if !dist.join("index.html").is_file() {
        bail!("frontend/public has no index.html");
    }
    fingerprint_parts(&dist, &parts)?;
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
/// The glue script is named with the split parts ([`fingerprint_parts`]).
const FINGERPRINTED: [&str; 4] = [
    "style.css",
    "favicon.svg",
    "pkg/lectern_frontend_bg.wasm",
    "boot.js",
];

/// wasm-bindgen's script, which starts the app.
const GLUE: &str = "lectern_frontend.js";

/// The name the splitter gives the script that loads the parts. The main
/// wasm imports from it by this name, so its fingerprinted name must be
/// as long: a string of the same length keeps the module valid.
const LOADER: &str = "__wasm_split.________________.js";
const LOADER_HASH: &str = "________________";

/// The files that name others: the page, and the script that starts the
/// app (a file of its own, so the content security policy need allow no
/// inline script).
const REFERRERS: [&str; 2] = ["index.html", "boot.js"];

/// The first 16 hex digits of `bytes`' SHA-256.
fn content_hash(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(bytes);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// `name.ext` → `name.<16 hex of its SHA-256>.ext`.
fn fingerprinted_name(file: &str, bytes: &[u8]) -> String {
    hashed_name(file, &content_hash(bytes))
}

/// `name.ext` → `name.<hash>.ext`.
fn hashed_name(file: &str, hash: &str) -> String {
    match file.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{file}.{hash}"),
    }
}

/// Builds the app twice from the same compiled wasm and fails if the
/// second build names any file differently. Browsers keep the hashed files
/// for a year, so a redeploy of one commit must not rename them; the steps
/// after the compiler (splitting, glue, wasm-opt) are where a build has
/// varied.
pub(crate) fn build_twice_alike() -> Result<PathBuf> {
    let names = |dist: &Path| -> Result<Vec<String>> {
        Ok([first_load(dist)?, later_parts(dist)?].concat())
    };
    let dist = build()?;
    let first = names(&dist)?;
    build()?;
    let second = names(&dist)?;
    if first != second {
        bail!("two builds of one commit named the SPA's files differently:\n{first:?}\n{second:?}");
    }
    Ok(dist)
}

/// Cuts the pages loaded on first use (frontend/src/lazy_pages.rs) out of
/// `wasm`: the main part goes to `main` for wasm-bindgen, the others and
/// the script that loads them into `pkg`. Returns the parts' paths.
fn split(wasm: &Path, main: &Path, pkg: &Path) -> Result<Vec<PathBuf>> {
    let input = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let link_name = format!("./{LOADER}");
    let main_module = format!("./{GLUE}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = pkg;
    options.main_out_path = main;
    options.link_name = &link_name;
    options.main_module = &main_module;
    let split = wasm_split_cli_support::transform(options)
        // eyre's report is not a std error; its debug form has the causes.
        .map_err(|err| anyhow::anyhow!("splitting the wasm: {err:?}"))?;
    Ok(split.split_modules)
}

/// The loader and the glue, and the parts' new names, once every file of
/// the split is named after its content.
#[derive(Debug)]
struct NamedParts {
    loader: (String, String),
    glue: (String, String),
    /// Each part's new name, or `None` for a part the loader never fetches.
    parts: Vec<Option<String>>,
}

/// Names the split's scripts and parts after their content. The loader
/// names the parts and the glue; the glue names the loader. One hash of
/// both scripts, taken while each still holds the other's old name, names
/// both, so a change to either renames both.
fn name_parts(loader: &str, glue: &str, parts: &[(&str, &[u8])]) -> Result<NamedParts> {
    let mut loader = with_shared_exports_sorted(loader)?;
    let mut names = Vec::new();
    for (part, bytes) in parts {
        let old = format!("\"./{part}\"");
        match loader.matches(&old).count() {
            0 => names.push(None),
            1 => {
                let named = fingerprinted_name(part, bytes);
                loader = loader.replace(&old, &format!("\"./{named}\""));
                names.push(Some(named));
            }
            n => bail!("the loader fetches {part} {n} times"),
        }
    }
    let mut both = loader.clone().into_bytes();
    both.push(0);
    both.extend_from_slice(glue.as_bytes());
    let hash = content_hash(&both);
    let loader_name = LOADER.replace(LOADER_HASH, &hash);
    let glue_name = hashed_name(GLUE, &hash);
    let old_glue = format!("\"./{GLUE}\"");
    if loader.matches(&old_glue).count() != 1 {
        bail!("the loader does not import {GLUE} once");
    }
    if !glue.contains(LOADER) {
        bail!("{GLUE} does not import the loader");
    }
    Ok(NamedParts {
        loader: (
            loader_name.clone(),
            loader.replace(&old_glue, &format!("\"./{glue_name}\"")),
        ),
        glue: (glue_name, glue.replace(LOADER, &loader_name)),
        parts: names,
    })
}

/// The loader takes the main module's shared exports (its memory, its
/// function table) from `initSync`, listing them in the order of the
/// splitter's hash set, which changes from build to build. Sorted, the same
/// code gives the same loader, so the names hashed from it stay put and a
/// redeploy of one commit leaves browsers' cached copies valid.
fn with_shared_exports_sorted(loader: &str) -> Result<String> {
    let list = loader
        .split_once("const { ")
        .and_then(|(_, rest)| rest.split_once("} = initSync("))
        .map(|(list, _)| list)
        .context("the loader does not take the main module's exports from initSync")?;
    let mut names: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    names.sort_unstable();
    // Taken and then assigned: the same list twice.
    let listed = format!("{{ {list}}}");
    if loader.matches(&listed).count() != 2 {
        bail!("the loader does not list the main module's exports twice");
    }
    Ok(loader.replace(&listed, &format!("{{ {} }}", names.join(", "))))
}

/// `bytes` with every `from` replaced by `to`, as long: the import names
/// inside a wasm module, whose lengths are written before them.
fn replace_same_length(bytes: &[u8], from: &str, to: &str) -> Result<Vec<u8>> {
    if from.len() != to.len() {
        bail!("{to} is not as long as {from}");
    }
    let (from, to) = (from.as_bytes(), to.as_bytes());
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    let mut found = false;
    while let Some(at) = rest.windows(from.len()).position(|window| window == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
        found = true;
    }
    if !found {
        bail!(
            "the main wasm does not name {}",
            String::from_utf8_lossy(from)
        );
    }
    out.extend_from_slice(rest);
    Ok(out)
}

/// Renames the split's files after their content ([`name_parts`]), points
/// the main wasm at the loader's new name, and names the glue and the
/// loader in index.html, which preloads both.
fn fingerprint_parts(dist: &Path, parts: &[PathBuf]) -> Result<()> {
    let pkg = dist.join("pkg");
    let loader = std::fs::read_to_string(pkg.join(LOADER)).context("reading the split's loader")?;
    let glue = std::fs::read_to_string(pkg.join(GLUE))?;
    let mut contents = Vec::new();
    for part in parts {
        let name = part
            .file_name()
            .and_then(|name| name.to_str())
            .context("a split part has no name")?;
        contents.push((name.to_owned(), std::fs::read(part)?));
    }
    let borrowed: Vec<(&str, &[u8])> = contents
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    let named = name_parts(&loader, &glue, &borrowed)?;
    for ((name, _), new) in contents.iter().zip(&named.parts) {
        match new {
            Some(new) => std::fs::rename(pkg.join(name), pkg.join(new))?,
            None => std::fs::remove_file(pkg.join(name))?,
        }
    }
    std::fs::remove_file(pkg.join(LOADER))?;
    std::fs::remove_file(pkg.join(GLUE))?;
    std::fs::write(pkg.join(&named.loader.0), &named.loader.1)?;
    std::fs::write(pkg.join(&named.glue.0), &named.glue.1)?;
    let main = pkg.join("lectern_frontend_bg.wasm");
    let patched = replace_same_length(&std::fs::read(&main)?, LOADER, &named.loader.0)?;
    std::fs::write(&main, patched)?;

    let old_glue = format!("\"/pkg/{GLUE}\"");
    let new_glue = format!("\"/pkg/{}\"", named.glue.0);
    for referrer in REFERRERS {
        let path = dist.join(referrer);
        let text = std::fs::read_to_string(&path)?;
        if !text.contains(&old_glue) {
            bail!("{referrer} does not name /pkg/{GLUE}");
        }
        let mut text = text.replace(&old_glue, &new_glue);
        if referrer == "index.html" {
            let preload = format!(
                "<link rel=\"modulepreload\" href=\"/pkg/{}\">\n  </head>",
                named.loader.0
            );
            text = text.replacen("</head>", &preload, 1);
        }
        std::fs::write(&path, text)?;
    }
    Ok(())
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

/// The parts of the app that load when a page needs them
/// (frontend/src/lazy_pages.rs), as paths inside the built folder.
pub(crate) fn later_parts(dist: &Path) -> Result<Vec<String>> {
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(dist.join("pkg"))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if (name.starts_with("split_") || name.starts_with("chunk_")) && name.ends_with(".wasm") {
            parts.push(format!("pkg/{name}"));
        }
    }
    parts.sort();
    Ok(parts)
}

/// The first load's files, then the parts loaded later: raw, and as the
/// server sends them (gzip, brotli).
pub(crate) fn first_load_report(dist: &Path) -> Result<String> {
    let mut report = String::new();
    for (title, files) in [
        ("first load", first_load(dist)?),
        ("loaded when a page needs them", later_parts(dist)?),
    ] {
        report.push_str(&format!("{title} (raw → gzip → brotli):\n"));
        report.push_str(&sizes_report(dist, &files)?);
    }
    Ok(report)
}

fn sizes_report(dist: &Path, files: &[String]) -> Result<String> {
    let size = |path: PathBuf| -> Result<u64> {
        Ok(std::fs::metadata(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .len())
    };
    let mut report = String::new();
    let mut totals = [0; 3];
    for file in files {
        let path = dist.join(file);
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

    const LOADER_TEXT: &str = r#"import { initSync } from "./lectern_frontend.js";
        sharedImports = { __wasm_split: {  } };
        const { memory, __indirect_function_table, __wasm_split_shared0,  } = initSync(undefined, undefined);
        Object.assign(sharedImports.__wasm_split, { memory, __indirect_function_table, __wasm_split_shared0,  });
const __chunk_0 = makeLoad(() => fetch(new URL("./chunk_1.wasm", import.meta.url)), []);
const __chunk_1 = makeLoad(() => fetch(new URL("./chunk_12.wasm", import.meta.url)), []);
"#;
    const GLUE_TEXT: &str = r#"import * as import1 from "./__wasm_split.________________.js";
imports["./__wasm_split.________________.js"] = import1;
"#;

    fn named(loader: &str, glue: &str, parts: &[(&str, &[u8])]) -> NamedParts {
        name_parts(loader, glue, parts).unwrap()
    }

    #[test]
    fn split_scripts_and_parts_name_each_other_by_content() {
        let parts: [(&str, &[u8]); 2] = [("chunk_1.wasm", b"one"), ("chunk_12.wasm", b"twelve")];
        let first = named(LOADER_TEXT, GLUE_TEXT, &parts);

        let one = fingerprinted_name("chunk_1.wasm", b"one");
        let twelve = fingerprinted_name("chunk_12.wasm", b"twelve");
        assert_eq!(first.parts, [Some(one.clone()), Some(twelve.clone())]);
        // A name that begins another's is replaced on its own.
        assert!(first.loader.1.contains(&format!("\"./{one}\"")));
        assert!(first.loader.1.contains(&format!("\"./{twelve}\"")));
        assert!(
            first
                .loader
                .1
                .contains(&format!("from \"./{}\"", first.glue.0))
        );
        assert_eq!(first.glue.1.matches(&first.loader.0).count(), 2);
        assert!(!first.glue.1.contains(LOADER));
        assert_eq!(first.loader.0.len(), LOADER.len());
        let hash = &first.loader.0["__wasm_split.".len()..][..16];
        assert_eq!(first.glue.0, format!("lectern_frontend.{hash}.js"));

        // Any file changing renames both scripts, so no browser keeps a
        // loader that fetches parts which are gone, or glue of another build.
        let changed_part = named(
            LOADER_TEXT,
            GLUE_TEXT,
            &[parts[0], ("chunk_12.wasm", b"13")],
        );
        let changed_glue = named(LOADER_TEXT, &format!("{GLUE_TEXT}//\n"), &parts);
        for other in [&changed_part, &changed_glue] {
            assert_ne!(other.loader.0, first.loader.0);
            assert_ne!(other.glue.0, first.glue.0);
        }
        assert_eq!(named(LOADER_TEXT, GLUE_TEXT, &parts).glue, first.glue);
    }

    /// The splitter lists the shared exports in any order; one build's
    /// names must be the next one's, or every deploy empties caches.
    #[test]
    fn the_shared_exports_order_changes_no_name() {
        let parts: [(&str, &[u8]); 1] = [("chunk_1.wasm", b"one")];
        let first = named(LOADER_TEXT, GLUE_TEXT, &parts);
        let reordered = LOADER_TEXT.replace(
            "memory, __indirect_function_table, __wasm_split_shared0,",
            "__wasm_split_shared0, memory, __indirect_function_table,",
        );
        assert_ne!(reordered, LOADER_TEXT);
        let second = named(&reordered, GLUE_TEXT, &parts);
        assert_eq!(second.loader, first.loader);
        assert_eq!(second.glue, first.glue);
        let sorted = "{ __indirect_function_table, __wasm_split_shared0, memory }";
        assert_eq!(
            first.loader.1.matches(sorted).count(),
            2,
            "{}",
            first.loader.1
        );

        // A splitter that writes the list otherwise fails the build.
        let listed_once = LOADER_TEXT.replace(
            "{ memory, __indirect_function_table, __wasm_split_shared0,  });",
            "{});",
        );
        assert!(name_parts(&listed_once, GLUE_TEXT, &parts).is_err());
        let unnamed = LOADER_TEXT.replace("initSync(undefined", "init(undefined");
        assert!(name_parts(&unnamed, GLUE_TEXT, &parts).is_err());
    }

    #[test]
    fn a_part_the_loader_never_fetches_is_left_out() {
        let parts: [(&str, &[u8]); 2] = [("chunk_1.wasm", b"one"), ("chunk_7.wasm", b"")];
        assert_eq!(named(LOADER_TEXT, GLUE_TEXT, &parts).parts[1], None);
        assert!(name_parts(LOADER_TEXT, "import nothing;", &parts).is_err());
    }

    /// A splitter that writes its loader differently fails the build rather
    /// than shipping names that point nowhere.
    #[test]
    fn a_loader_unlike_the_one_the_splitter_writes_is_refused() {
        let parts: [(&str, &[u8]); 1] = [("chunk_1.wasm", b"one")];
        let twice = format!("{LOADER_TEXT}const again = fetch(\"./chunk_1.wasm\");\n");
        assert!(name_parts(&twice, GLUE_TEXT, &parts).is_err());
        let elsewhere = LOADER_TEXT.replace("./lectern_frontend.js", "./other.js");
        assert!(name_parts(&elsewhere, GLUE_TEXT, &parts).is_err());
        assert!(name_parts(LOADER_TEXT, GLUE_TEXT, &parts).is_ok());
    }

    #[test]
    fn the_main_wasm_names_the_loader_in_as_many_bytes() {
        let wasm =
            b"\x20./__wasm_split.________________.js\x01\x20./__wasm_split.________________.js";
        let to = "./__wasm_split.0123456789abcdef.js";
        let patched = replace_same_length(wasm, "./__wasm_split.________________.js", to).unwrap();
        assert_eq!(patched.len(), wasm.len());
        assert_eq!(
            patched,
            [
                b"\x20".as_slice(),
                to.as_bytes(),
                b"\x01\x20",
                to.as_bytes()
            ]
            .concat()
        );
        assert!(replace_same_length(wasm, "./__wasm_split.________________.js", "./x.js").is_err());
        assert!(replace_same_length(b"nothing", "abc", "def").is_err());
    }
}
