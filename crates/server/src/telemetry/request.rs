//! What a log line written during a request says about that request: its
//! id (the `X-Request-Id` its client got), method, target, client address
//! and user agent.
//!
//! A `tracing` span would carry them, but the fmt layer writes a span's
//! fields out when the span is made, on every request, though almost every
//! request ends without writing a line: the span alone took a fifth of the
//! server's time on `/healthz` (docs/benchmarks.md). So the request is kept
//! as it came, and put into words only by the line that needs it (`line`).
//! It is the current request of the worker thread while the request's
//! handler or body is polled; actix polls each on the thread it came to.

use std::borrow::Cow;
use std::cell::Cell;
use std::net::IpAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, Uri};
use actix_web::web::{self, Bytes};
use uuid::Uuid;

use super::redact::{is_calendar_feed, redacted_target};
use crate::state::AppState;

/// One request, as its log lines name it.
#[derive(Debug)]
pub struct Request {
    id: Uuid,
    method: Method,
    uri: Uri,
    calendar_feed: bool,
    client: Option<IpAddr>,
    user_agent: Option<HeaderValue>,
}

impl Request {
    fn of(request: &ServiceRequest) -> Self {
        Self {
            id: Uuid::new_v4(),
            method: request.method().clone(),
            uri: request.uri().clone(),
            calendar_feed: is_calendar_feed(request.match_info().as_str()),
            // Read past trusted proxies only, as the rate limits read it.
            client: request
                .app_data::<web::Data<AppState>>()
                .map(|state| state.config.trusted_proxies.client_of(request.request())),
            user_agent: request.headers().get(header::USER_AGENT).cloned(),
        }
    }

    /// The fields a log line carries, credentials blanked from the target.
    pub fn fields(&self) -> Vec<(&'static str, Cow<'_, str>)> {
        let mut fields = vec![
            ("request_id", Cow::Owned(self.id.to_string())),
            ("http.method", Cow::Borrowed(self.method.as_str())),
            (
                "http.target",
                redacted_target(&self.uri, self.calendar_feed),
            ),
        ];
        if let Some(client) = self.client {
            fields.push(("http.client_ip", Cow::Owned(client.to_string())));
        }
        if let Some(agent) = &self.user_agent {
            fields.push(("http.user_agent", String::from_utf8_lossy(agent.as_bytes())));
        }
        fields
    }
}

thread_local! {
    static CURRENT: Cell<Option<Rc<Request>>> = const { Cell::new(None) };
}

/// The request this thread is working on, if any.
pub fn current() -> Option<Rc<Request>> {
    CURRENT.with(|current| {
        let request = current.take();
        current.set(request.clone());
        request
    })
}

/// Runs `work` with `request` as the current one, then puts back whichever
/// was current before, even if `work` panics.
fn within<T>(request: &Rc<Request>, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Rc<Request>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|current| current.set(self.0.take()));
        }
    }
    let _restore = Restore(CURRENT.with(|current| current.replace(Some(Rc::clone(request)))));
    work()
}

pin_project_lite::pin_project! {
    /// A request's handler or body, polled with the request current.
    pub struct InRequest<T> {
        request: Rc<Request>,
        #[pin]
        inner: T,
    }
}

impl<T: Future> Future for InRequest<T> {
    type Output = T::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
        let this = self.project();
        within(this.request, || this.inner.poll(cx))
    }
}

impl<B: MessageBody> MessageBody for InRequest<B> {
    type Error = B::Error;

    fn size(&self) -> BodySize {
        self.inner.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.project();
        within(this.request, || this.inner.poll_next(cx))
    }
}

/// Middleware: makes each request current while it is worked on, answers
/// with its id in `X-Request-Id`, and writes one line for a request that
/// failed: its status, route and error.
pub fn around<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<InRequest<B>>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let current = Rc::new(Request::of(&request));
    let answer = InRequest {
        request: Rc::clone(&current),
        inner: within(&current, || service.call(request)),
    };
    async move {
        let outcome = answer.await;
        within(&current, || log_failure(&outcome));
        let mut response = outcome?;
        let mut text = Uuid::encode_buffer();
        let id = HeaderValue::from_str(current.id.hyphenated().encode_lower(&mut text))
            .expect("a UUID is a valid header value");
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), id);
        Ok(response.map_body(|_, body| InRequest {
            request: current,
            inner: body,
        }))
    }
}

/// Requests that end well write nothing; the others one line, a warning
/// for the client's mistakes and an error for the server's.
fn log_failure<B>(outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
    let (status, error, route) = match outcome {
        Ok(response) => match response.response().error() {
            Some(error) => (response.status(), error, response.request().match_pattern()),
            None => return,
        },
        Err(error) => (error.as_response_error().status_code(), error, None),
    };
    // `tracing` takes a line's level as a constant.
    macro_rules! answered {
        ($level:expr) => {
            tracing::event!(
                $level,
                http.status_code = status.as_u16(),
                http.route = route,
                exception.message = %error,
                exception.details = ?error,
                "the request was answered with an error"
            )
        };
    }
    if status.is_client_error() {
        answered!(tracing::Level::WARN);
    } else {
        answered!(tracing::Level::ERROR);
    }
}
