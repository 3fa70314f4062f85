//! `HEAD` answered wherever `GET` is (RFC 9110, 9.3.2): the request is
//! routed as a `GET` and its response goes out with the same head and no
//! body. The body is never read, so a `HEAD` of a 100 MB file or of an
//! export costs what its headers cost.

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::web::Bytes;
use actix_web::{HttpMessage as _, HttpRequest};

/// Left on a request that came as `HEAD`, for the few handlers whose `GET`
/// does more than answer: a download is recorded only when its bytes go
/// out, and a ZIP is written only to be sent.
#[derive(Clone, Copy)]
struct AskedHead;

/// Whether `request` came as a `HEAD`, routed here as a `GET`.
pub fn asked(request: &HttpRequest) -> bool {
    request.extensions().contains::<AskedHead>()
}

pub fn as_get<S, B>(
    mut request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<EitherBody<B, Headless>>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let head = request.method() == Method::HEAD;
    if head {
        request.head_mut().method = Method::GET;
        request.extensions_mut().insert(AskedHead);
    }
    let response = service.call(request);
    async move {
        let response = response.await?;
        Ok(if head {
            response.map_body(|_, body| EitherBody::right(Headless(body.size())))
        } else {
            response.map_into_left_body()
        })
    }
}

/// The body of a `HEAD` response: the size the `GET` would send, for its
/// `Content-Length`, and no bytes (HTTP/1 sends none after a `HEAD`).
pub struct Headless(BodySize);

impl MessageBody for Headless {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        self.0
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(None)
    }
}
