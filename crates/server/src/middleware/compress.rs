//! Compression of answers, by what the client accepts.
//!
//! A finished body (every JSON answer, a problem, a calendar feed) is
//! compressed in one call on the request's own thread. actix's `Compress`
//! built a brotli encoder with a 4 MiB window for each answer and handed
//! every chunk over 1 KiB to the blocking pool: a browser's list of 20
//! sessions answered about 0.65 of the uncompressed list's requests per
//! second (docs/benchmarks.md, table 2e). Streams (CSV exports) and finished
//! bodies too large to compress without holding up the thread's other
//! requests still go through actix's encoder, which works off-thread.
//!
//! zstd is preferred (Chromium and Firefox offer it), then gzip (Safari),
//! then brotli. A page of sessions, 14 KB as it is, comes to about 0.8 KB in
//! zstd or brotli and 1.2 KB in gzip: one packet, one round trip, either
//! way. Brotli's few hundred bytes fewer than gzip cost the server about
//! four times gzip's instructions, so it is used only when it is all a
//! client takes. A client's `q` values only refuse a coding (`q=0`);
//! browsers send none, and honouring their order would cost a sort per
//! request for no one.

use std::cell::RefCell;

use actix_http::encoding::Encoder;
use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{ResponseHead, Service, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentEncoding, HeaderMap, HeaderValue};
use actix_web::web::Bytes;

/// Below this a body fits in one packet either way; compressing it would
/// cost time and save nothing the client could notice.
const SMALLEST: usize = 1024;

/// Above this a finished body goes to actix's encoder, off the thread: at
/// zstd's speed here a quarter of a mebibyte is about half a millisecond.
const LARGEST_IN_PLACE: usize = 256 * 1024;

/// A coding Lectern compresses answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Zstd,
    Brotli,
    Gzip,
}

impl Coding {
    /// Best first.
    const PREFERRED: [Coding; 3] = [Coding::Zstd, Coding::Gzip, Coding::Brotli];

    /// The coding to answer with, if the client accepts any.
    pub fn chosen(headers: &HeaderMap) -> Option<Coding> {
        Self::PREFERRED
            .into_iter()
            .find(|coding| accepts(headers, coding.name()))
    }

    /// Its name in `Accept-Encoding` and `Content-Encoding`.
    pub fn name(self) -> &'static str {
        self.encoding().as_str()
    }

    fn encoding(self) -> ContentEncoding {
        match self {
            Coding::Zstd => ContentEncoding::Zstd,
            Coding::Brotli => ContentEncoding::Brotli,
            Coding::Gzip => ContentEncoding::Gzip,
        }
    }

    /// `body` compressed, in one call, at the levels actix's encoder uses
    /// (zstd 3, brotli 3, gzip's fastest). Brotli's window is fitted to the
    /// body, so a 14 KB answer does not allocate and clear a 4 MiB one.
    pub fn compress(self, body: &[u8]) -> std::io::Result<Vec<u8>> {
        // A page of sessions compresses to about a tenth.
        let room = body.len() / 8;
        match self {
            Coding::Zstd => ZSTD.with_borrow_mut(|kept| match kept {
                Some(compressor) => compressor.compress(body),
                None => kept.insert(zstd::bulk::Compressor::new(3)?).compress(body),
            }),
            Coding::Brotli => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 3,
                    lgwin: window_bits(body.len()),
                    size_hint: body.len(),
                    ..Default::default()
                };
                let mut out = Vec::with_capacity(room);
                brotli::BrotliCompress(&mut &body[..], &mut out, &params)?;
                Ok(out)
            }
            Coding::Gzip => GZIP.with_borrow_mut(|kept| {
                let deflate = match kept {
                    Some(deflate) => {
                        deflate.reset();
                        deflate
                    }
                    None => {
                        kept.insert(flate2::Compress::new_gzip(flate2::Compression::fast(), 15))
                    }
                };
                let mut out = Vec::with_capacity(room);
                loop {
                    let read = usize::try_from(deflate.total_in()).unwrap_or(body.len());
                    let status = deflate
                        .compress_vec(&body[read..], &mut out, flate2::FlushCompress::Finish)
                        .map_err(std::io::Error::other)?;
                    if status == flate2::Status::StreamEnd {
                        return Ok(out);
                    }
                    out.reserve(out.capacity().max(64));
                }
            }),
        }
    }
}

thread_local! {
    /// zstd's context, kept for the next answer on this thread: making one
    /// per answer took a third of the time of compressing a page of
    /// sessions.
    static ZSTD: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };

    /// gzip's, likewise: making one allocated and cleared its window and
    /// tables, about half of what a gzip list cost beyond an uncompressed
    /// one (docs/benchmarks.md, "What a browser's list costs").
    static GZIP: RefCell<Option<flate2::Compress>> = const { RefCell::new(None) };
}

/// The smallest brotli window (`lgwin`, 10 to 24) that holds `len` bytes.
fn window_bits(len: usize) -> i32 {
    let bits = usize::BITS - len.saturating_sub(1).leading_zeros();
    bits.clamp(10, 24) as i32
}

/// Whether `Accept-Encoding` lists `coding` without refusing it (`q=0`).
pub fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|param| {
                param
                    .trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

pub fn negotiate<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<EitherBody<Encoder<B>, Bytes>>, actix_web::Error>>
+ use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let coding = Coding::chosen(request.headers());
    let response = service.call(request);
    async move {
        let response = response.await?;
        Ok(response.map_body(|head, body| encode(coding, head, body)))
    }
}

fn encode<B: MessageBody>(
    coding: Option<Coding>,
    head: &mut ResponseHead,
    body: B,
) -> EitherBody<Encoder<B>, Bytes> {
    let as_is = |head: &mut ResponseHead, body| {
        EitherBody::left(Encoder::response(ContentEncoding::Identity, head, body))
    };
    let size = match body.size() {
        BodySize::Sized(size) => Some(size as usize),
        BodySize::Stream => None,
        BodySize::None => return as_is(head, body),
    };
    if !compressible(head) || size.is_some_and(|size| size < SMALLEST) {
        return as_is(head, body);
    }
    let Some(coding) = coding else {
        vary(head);
        return as_is(head, body);
    };
    let body = if size.is_some_and(|size| size <= LARGEST_IN_PLACE) {
        match body.try_into_bytes() {
            Ok(bytes) => {
                vary(head);
                return EitherBody::right(in_place(coding, head, bytes));
            }
            Err(body) => body,
        }
    } else {
        body
    };
    // actix's encoder adds `Vary` itself.
    EitherBody::left(Encoder::response(coding.encoding(), head, body))
}

/// What goes out depends on the request's `Accept-Encoding`, for every
/// client, whatever this one accepts.
fn vary(head: &mut ResponseHead) {
    head.headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
}

fn in_place(coding: Coding, head: &mut ResponseHead, body: Bytes) -> Bytes {
    match coding.compress(&body) {
        Ok(compressed) => {
            head.headers_mut().insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(coding.name()),
            );
            Bytes::from(compressed)
        }
        // Only an allocation failing could bring this here; the body then
        // goes out as it is rather than not at all.
        Err(_) => body,
    }
}

/// Whether an answer is text worth compressing and not already settled: a
/// route that must not be compressed (a download, whose ranges address the
/// stored bytes) says so with `Content-Encoding: identity`.
fn compressible(head: &ResponseHead) -> bool {
    if head.headers().contains_key(header::CONTENT_ENCODING)
        || matches!(
            head.status,
            StatusCode::SWITCHING_PROTOCOLS
                | StatusCode::NO_CONTENT
                | StatusCode::PARTIAL_CONTENT
                | StatusCode::NOT_MODIFIED
        )
    {
        return false;
    }
    let Some(content_type) = head
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let bytes = essence.as_bytes();
    let starts = |prefix: &str| {
        bytes
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    let ends = |suffix: &str| {
        bytes
            .len()
            .checked_sub(suffix.len())
            .is_some_and(|at| bytes[at..].eq_ignore_ascii_case(suffix.as_bytes()))
    };
    starts("text/")
        || ends("json")
        || ends("xml")
        || ends("javascript")
        || essence.eq_ignore_ascii_case("application/wasm")
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use actix_web::http::header::HeaderName;

    use super::*;

    fn asking(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static("accept-encoding"),
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn chromium_gets_zstd_safari_gzip_and_brotli_who_takes_only_it() {
        assert_eq!(
            Coding::chosen(&asking("gzip, deflate, br, zstd")),
            Some(Coding::Zstd)
        );
        assert_eq!(
            Coding::chosen(&asking("gzip, deflate, br")),
            Some(Coding::Gzip)
        );
        assert_eq!(Coding::chosen(&asking("br")), Some(Coding::Brotli));
    }

    #[test]
    fn a_refused_or_unknown_coding_is_not_chosen() {
        assert_eq!(
            Coding::chosen(&asking("zstd;q=0, gzip;q=0, br;q=0.5")),
            Some(Coding::Brotli)
        );
        assert_eq!(Coding::chosen(&asking("deflate, compress")), None);
        assert_eq!(Coding::chosen(&asking("identity")), None);
        assert_eq!(Coding::chosen(&HeaderMap::new()), None);
    }

    #[test]
    fn the_brotli_window_holds_the_body_and_no_more() {
        assert_eq!(window_bits(0), 10);
        assert_eq!(window_bits(1024), 10);
        assert_eq!(window_bits(1025), 11);
        assert_eq!(window_bits(14_155), 14);
        assert_eq!(window_bits(16_384), 14);
        assert_eq!(window_bits(LARGEST_IN_PLACE), 18);
        assert_eq!(window_bits(usize::MAX), 24);
    }

    /// Twice per coding, with bodies of different sizes, because zstd's and
    /// gzip's contexts are kept for the thread's next answer.
    #[test]
    fn each_coding_gives_back_the_body_each_time() {
        let session = br#"{"id":1,"title":"Python for data analysis","notes":"pivot tables"}"#;
        for (coding, times) in Coding::PREFERRED
            .into_iter()
            .flat_map(|coding| [(coding, 100), (coding, 30)])
        {
            let body = session.repeat(times);
            let compressed = coding.compress(&body).unwrap();
            assert!(compressed.len() * 10 < body.len(), "{coding:?}");
            let mut back = Vec::new();
            match coding {
                Coding::Zstd => {
                    zstd::stream::copy_decode(&compressed[..], &mut back).unwrap();
                }
                Coding::Brotli => {
                    brotli::Decompressor::new(&compressed[..], 4096)
                        .read_to_end(&mut back)
                        .unwrap();
                }
                Coding::Gzip => {
                    flate2::read::GzDecoder::new(&compressed[..])
                        .read_to_end(&mut back)
                        .unwrap();
                }
            }
            assert_eq!(back, body, "{coding:?}");
        }
    }
}
