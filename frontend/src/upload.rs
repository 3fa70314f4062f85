//! Uploading a file with a real progress bar: `fetch` reports no upload
//! progress, so this goes through `XMLHttpRequest`.

use std::rc::Rc;

use js_sys::{Function, Promise};
use lectern_api_types::sessions::Attachment;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

use crate::api::{self, ApiError};
use crate::session::Session;

/// What [`upload`] answers for an upload stopped with
/// `XMLHttpRequest.abort()`.
pub const CANCELLED: &str = "The upload was cancelled.";

/// Sends `file` with what it is (`description`) to the session, calling
/// `progress` with the fraction sent. `sending` is given each request as it
/// goes out, for whoever may cancel it with `abort()`.
pub async fn upload(
    session: Session,
    completion_id: i64,
    file: File,
    description: Option<String>,
    progress: impl Fn(f64) + 'static,
    sending: impl Fn(XmlHttpRequest),
) -> Result<Attachment, ApiError> {
    let token = session
        .token()
        .ok_or_else(|| ApiError::problem(401, "Signed out", Some("Sign in again.".into())))?;
    let progress = Rc::new(progress);
    let reported = {
        let progress = progress.clone();
        move |fraction| progress(fraction)
    };
    let (status, body) = send(
        &token,
        completion_id,
        &file,
        description.as_deref(),
        reported,
        &sending,
    )?
    .await?;
    if status == 401 {
        // The token ran out mid-way: renew it and send once more.
        let tokens = api::auth::refresh()
            .await
            .inspect_err(|err| session.renewal_failed(err))?;
        let token = tokens.access_token.clone();
        session.signed_in(tokens);
        let (status, body) = send(
            &token,
            completion_id,
            &file,
            description.as_deref(),
            move |fraction| progress(fraction),
            &sending,
        )?
        .await?;
        return parse(status, &body);
    }
    parse(status, &body)
}

fn parse(status: u16, body: &str) -> Result<Attachment, ApiError> {
    if (200..300).contains(&status) {
        serde_json::from_str(body).map_err(|err| ApiError::Network(err.to_string()))
    } else {
        Err(serde_json::from_str(body)
            .map(ApiError::Problem)
            .unwrap_or_else(|_| ApiError::problem(status, "Upload failed", None)))
    }
}

type Pending = std::pin::Pin<Box<dyn Future<Output = Result<(u16, String), ApiError>>>>;

fn js_error(err: wasm_bindgen::JsValue) -> ApiError {
    ApiError::Network(
        err.as_string()
            .unwrap_or_else(|| "the browser refused the request".into()),
    )
}

fn send(
    token: &str,
    completion_id: i64,
    file: &File,
    description: Option<&str>,
    progress: impl Fn(f64) + 'static,
    sending: &impl Fn(XmlHttpRequest),
) -> Result<Pending, ApiError> {
    let xhr = XmlHttpRequest::new().map_err(js_error)?;
    xhr.open("POST", &api::files::upload_url(completion_id))
        .map_err(js_error)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}"))
        .map_err(js_error)?;
    let form = FormData::new().map_err(js_error)?;
    if let Some(description) = description {
        form.append_with_str("description", description)
            .map_err(js_error)?;
    }
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(js_error)?;

    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    xhr.upload()
        .map_err(js_error)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));

    let done = Promise::new(&mut |resolve: Function, reject: Function| {
        let request = xhr.clone();
        let on_load = Closure::once_into_js(move || {
            let _ = resolve.call0(&request);
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        let cancelled = reject.clone();
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call1(
                &wasm_bindgen::JsValue::NULL,
                &"The upload was interrupted.".into(),
            );
        });
        xhr.set_onerror(Some(on_error.unchecked_ref()));
        let on_abort = Closure::once_into_js(move || {
            let _ = cancelled.call1(&wasm_bindgen::JsValue::NULL, &CANCELLED.into());
        });
        xhr.set_onabort(Some(on_abort.unchecked_ref()));
    });
    xhr.send_with_opt_form_data(Some(&form)).map_err(js_error)?;
    sending(xhr.clone());
    Ok(Box::pin(async move {
        let outcome = JsFuture::from(done).await;
        drop(on_progress);
        outcome.map_err(js_error)?;
        Ok((
            xhr.status().unwrap_or(0),
            xhr.response_text().ok().flatten().unwrap_or_default(),
        ))
    }))
}
