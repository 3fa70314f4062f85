//! Downloading what the API answers as a file (exports, ZIPs) without
//! putting the token in a URL: the file is fetched with the bearer token
//! like any call, then handed to the browser from an object URL.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlAnchorElement, Url};

use crate::api::{ApiError, Fetch, FileBody};
use crate::session::Session;

/// How long the object URL outlives the click: revoking it at once can
/// cancel the download in some browsers before it has started.
const REVOKE_AFTER: Duration = Duration::from_secs(10);

/// Fetches `file` and saves it under the name the server gives in
/// `Content-Disposition`, else `fallback`; answers the name used.
pub async fn download(
    session: Session,
    file: &Fetch<FileBody>,
    fallback: &str,
) -> Result<String, ApiError> {
    let response = file.response(session).await?;
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|header| file_name(&header))
        .unwrap_or_else(|| fallback.to_owned());
    let raw = web_sys::Response::from(response);
    let blob: Blob = JsFuture::from(raw.blob().map_err(browser_error)?)
        .await
        .map_err(browser_error)?
        .dyn_into()
        .map_err(browser_error)?;
    save(&blob, &name).map_err(browser_error)?;
    Ok(name)
}

/// Clicks a temporary `<a download>` pointing at the blob.
fn save(blob: &Blob, name: &str) -> Result<(), JsValue> {
    let url = Url::create_object_url_with_blob(blob)?;
    let document = document();
    let anchor: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_hidden(true);
    // Firefox only follows a click on an anchor that is in the document.
    let body = document.body().ok_or("the page has no body")?;
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        REVOKE_AFTER,
    );
    Ok(())
}

fn browser_error(err: JsValue) -> ApiError {
    ApiError::Network(
        err.as_string()
            .unwrap_or_else(|| "the browser could not save the file".into()),
    )
}

/// The file name of a `Content-Disposition` header: `filename*=UTF-8''…`
/// (RFC 6266) when present, else `filename="…"` or a bare `filename=…`.
fn file_name(header: &str) -> Option<String> {
    let mut plain = None;
    for part in header.split(';').map(str::trim) {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let decoded = value
                    .trim()
                    .splitn(3, '\'')
                    .nth(2)
                    .and_then(|encoded| js_sys::decode_uri_component(encoded).ok())
                    .and_then(|decoded| safe(String::from(decoded)));
                if decoded.is_some() {
                    return decoded;
                }
            }
            "filename" => plain = safe(value.trim().trim_matches('"').to_owned()),
            _ => {}
        }
    }
    plain
}

/// Only a name, never a path, and never empty.
fn safe(name: String) -> Option<String> {
    let name = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    (!name.is_empty()).then(|| name.to_owned())
}
