//! Headers that tell browsers what a response may do, on every response
//! whose route did not set its own. Pages (the SPA, the API docs) get a
//! content security policy that lets scripts come only from our own files
//! (the wasm needs `'wasm-unsafe-eval'`, nothing runs inline); nothing is
//! framed, sniffed or told where the user came from; and JSON under `/api/`
//! answers someone's own data, so no cache keeps it.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// The SPA's pages: our own scripts, styles and calls, and nothing else.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Swagger UI sets element styles from its scripts as it renders.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn add<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    // As the router decoded it, so `/%61pi/…` is an API answer too.
    let path = request.match_info().as_str();
    let docs = path.starts_with("/api/docs");
    let api = path.starts_with("/api/");
    let response = service.call(request);
    async move {
        let mut response = response.await?;
        let headers = response.headers_mut();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let html = content_type.starts_with("text/html");
        let json = content_type.contains("json");
        if html {
            let policy = if docs { DOCS_POLICY } else { PAGE_POLICY };
            set_default(headers, header::CONTENT_SECURITY_POLICY, policy);
        }
        if api && json {
            set_default(headers, header::CACHE_CONTROL, "no-store");
        }
        set_default(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        set_default(headers, header::REFERRER_POLICY, "no-referrer");
        set_default(headers, header::X_FRAME_OPTIONS, "DENY");
        Ok(response)
    }
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}
