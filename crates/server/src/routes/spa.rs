//! The single-page app, served as a production static site: its files
//! carry a content hash in their names (`cargo xtask spa` renames them) and
//! are kept by browsers for a year; `index.html` is revalidated on every
//! visit by its ETag; each file goes out as the brotli or gzip copy made at
//! build time that the client accepts, so no request costs compression.
//! Every other path is answered by index.html so the client router can take
//! deep links.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::Method;
use actix_web::http::header::{self, CacheControl, CacheDirective, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::middleware::compress;

/// Serves `dir` at `/` when it holds a built SPA; otherwise every page says
/// how to build one.
pub fn configure(dir: &Path) -> impl FnOnce(&mut web::ServiceConfig) + use<> {
    let dir = dir.to_path_buf();
    move |cfg| {
        if dir.join("index.html").is_file() {
            cfg.default_service(web::to(move |req: HttpRequest| serve(req, dir.clone())));
        } else {
            cfg.default_service(web::to(move || not_built(dir.clone())));
        }
    }
}

/// The file a request path names inside `dir`, if it is a plain relative
/// path (no `..`, no hidden names) of an existing file.
fn file_for(dir: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    let plain = relative.components().all(
        |part| matches!(part, Component::Normal(name) if !name.to_string_lossy().starts_with('.')),
    );
    let file = dir.join(relative);
    (plain && !decoded.contains('\\') && file.is_file()).then_some(file)
}

/// Whether a name carries a content hash (`name.<16 hex>.ext`), and so
/// never changes under the same URL.
fn fingerprinted(file: &Path) -> bool {
    let name = file
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3 && {
        let hash = parts[parts.len() - 2];
        hash.len() == 16
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// The precompressed copies the client accepts, best first: brotli, then
/// gzip (the build makes no zstd copies: brotli at its highest level is
/// smaller).
fn accepted(req: &HttpRequest) -> impl Iterator<Item = (ContentEncoding, &'static str)> {
    [
        (ContentEncoding::Brotli, "br"),
        (ContentEncoding::Gzip, "gz"),
    ]
    .into_iter()
    .filter(|(encoding, _)| compress::accepts(req.headers(), encoding.as_str()))
}

async fn serve(req: HttpRequest, dir: PathBuf) -> actix_web::Result<HttpResponse> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish());
    }
    let file = match file_for(&dir, req.path()) {
        Some(file) => file,
        // A missing asset is missing; any other path is a page of the app.
        None if req
            .path()
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.')) =>
        {
            return Ok(HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body("No such file.\n"));
        }
        None => dir.join("index.html"),
    };
    let content_type = actix_files::file_extension_to_mime(
        &file.extension().unwrap_or_default().to_string_lossy(),
    );
    let mut variant = (file.clone(), ContentEncoding::Identity);
    for (encoding, suffix) in accepted(&req) {
        let mut name = file.clone().into_os_string();
        name.push(".");
        name.push(suffix);
        let compressed = PathBuf::from(name);
        if compressed.is_file() {
            variant = (compressed, encoding);
            break;
        }
    }
    let (path, encoding) = variant;
    let named = NamedFile::open(&path)?
        .set_content_type(content_type)
        .disable_content_disposition()
        // Identity too, so the compressing middleware leaves it alone.
        .set_content_encoding(encoding);
    let mut response = named.into_response(&req);
    let caching = if fingerprinted(&file) {
        CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ])
    } else {
        // The shell must be revalidated so a new deployment is picked up.
        CacheControl(vec![CacheDirective::NoCache])
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_str(&caching.to_string())
            .map_err(actix_web::error::ErrorInternalServerError)?,
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(response)
}

async fn not_built(dir: PathBuf) -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body(format!(
            "Lectern's web app is not built in {}.\nRun `cargo xtask run` to build and serve it; \
         the API is at /api/v1 and its documentation at /api/docs/.\n",
            dir.display()
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_told_from_plain_ones() {
        assert!(fingerprinted(Path::new("pkg/app_bg.0123456789abcdef.wasm")));
        assert!(!fingerprinted(Path::new("index.html")));
        assert!(!fingerprinted(Path::new("style.css")));
        assert!(!fingerprinted(Path::new("pkg/app.0123456789ABCDEF.js")));
        assert!(!fingerprinted(Path::new("pkg/app.0123.js")));
    }

    #[test]
    fn only_plain_paths_inside_the_folder_are_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(dir.path().join(".secret"), "no").unwrap();
        assert!(file_for(dir.path(), "/index.html").is_some());
        assert!(file_for(dir.path(), "/%69ndex.html").is_some());
        assert!(file_for(dir.path(), "/.secret").is_none());
        assert!(file_for(dir.path(), "/../index.html").is_none());
        assert!(file_for(dir.path(), "/%2e%2e/index.html").is_none());
        assert!(file_for(dir.path(), "/").is_none(), "a folder is no file");
    }
}
