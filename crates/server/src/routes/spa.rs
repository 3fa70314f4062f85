//! The single-page app: static files, with every other path answered by
//! index.html so the client router can take deep links.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};

/// Serves `dir` at `/` when it holds a built SPA; otherwise every page says
/// how to build one.
pub fn configure(dir: &Path) -> impl FnOnce(&mut web::ServiceConfig) + use<> {
    let dir = dir.to_path_buf();
    move |cfg| {
        let index = dir.join("index.html");
        if index.is_file() {
            cfg.service(
                Files::new("/", &dir)
                    .index_file("index.html")
                    .default_handler(fn_service(move |req: ServiceRequest| {
                        let index = index.clone();
                        async move { serve_index(req, &index) }
                    })),
            );
        } else {
            cfg.default_service(web::to(move || not_built(dir.clone())));
        }
    }
}

fn serve_index(req: ServiceRequest, index: &Path) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let file = NamedFile::open(index)?;
    let mut response = file.into_response(&req);
    // The shell must be revalidated so a new deployment is picked up.
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        CacheControl(vec![CacheDirective::NoCache])
            .to_string()
            .parse()
            .map_err(actix_web::error::ErrorInternalServerError)?,
    );
    Ok(ServiceResponse::new(req, response))
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
