//! A `multipart/form-data` request body read one field at a time, each
//! field's bytes passed on as they arrive. `lectern_files::multipart`
//! finds where fields begin and end; this reads the body for it and says
//! what each field is called.
//!
//! It replaced actix-multipart, which copied every chunk of an upload into
//! a buffer of its own and looked at every CR for a delimiter: a sixth of
//! a 100 MB upload's time on one core (docs/benchmarks.md, table 5).

use std::time::Duration;

use actix_web::error::PayloadError;
use actix_web::http::header::{ContentDisposition, DispositionType, HeaderValue};
use actix_web::{HttpMessage as _, HttpRequest, mime, web};
use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use lectern_files::multipart::{Event, FormError, Parser};

use crate::services::attachments::receive::ReceiveError;

#[derive(Debug, thiserror::Error)]
pub enum MultipartError {
    /// The request says it is something else, or names no boundary.
    #[error("the body is not multipart/form-data with a boundary")]
    NotMultipart,
    #[error("{0}")]
    Framing(#[from] FormError),
    #[error("a part is not a form field with a name")]
    Unnamed,
    #[error("{0}")]
    Interrupted(#[from] PayloadError),
    /// Nothing of the body arrived for this long.
    #[error("no data arrived for {0:?}")]
    Stalled(Duration),
}

impl From<MultipartError> for ReceiveError {
    fn from(err: MultipartError) -> Self {
        match err {
            MultipartError::Stalled(patience) => ReceiveError::Stalled(patience),
            other => ReceiveError::Interrupted(other.to_string()),
        }
    }
}

/// A field of the form, as its part's headers name it.
#[derive(Debug)]
pub struct Field {
    pub name: String,
    /// The file name the client gave, preferring the UTF-8 `filename*`.
    pub file_name: Option<String>,
}

/// A form being read. What it holds or skips of its own is bounded (the
/// preamble, a part's headers); how much of a field to take is its
/// reader's to decide. A body that stops arriving for `patience`, in any
/// field or between them, is given up on.
pub struct Multipart {
    body: web::Payload,
    parser: Parser,
    patience: Duration,
}

impl Multipart {
    pub fn new(
        req: &HttpRequest,
        body: web::Payload,
        patience: Duration,
    ) -> Result<Self, MultipartError> {
        let content_type = req
            .mime_type()
            .ok()
            .flatten()
            .filter(|mime| mime.type_() == mime::MULTIPART && mime.subtype() == mime::FORM_DATA)
            .ok_or(MultipartError::NotMultipart)?;
        let boundary = content_type
            .get_param(mime::BOUNDARY)
            .ok_or(MultipartError::NotMultipart)?;
        Ok(Self {
            body,
            parser: Parser::new(boundary.as_str())?,
            patience,
        })
    }

    /// The next field, skipping what is left of the one before; `None`
    /// after the last.
    pub async fn next_field(&mut self) -> Result<Option<Field>, MultipartError> {
        while self.parser.in_part() {
            self.chunk().await?;
        }
        match self.event().await? {
            Event::Part(head) => field(head.disposition.as_deref()).map(Some),
            Event::End => Ok(None),
            // Only a part's bytes come between its start and its end.
            Event::Data(_) | Event::PartEnd => Err(FormError::Delimiter.into()),
        }
    }

    /// The next bytes of the current field; `None` once they are all read.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, MultipartError> {
        if !self.parser.in_part() {
            return Ok(None);
        }
        match self.event().await? {
            Event::Data(bytes) => Ok(Some(bytes)),
            Event::PartEnd => Ok(None),
            Event::Part(_) | Event::End => Err(FormError::Delimiter.into()),
        }
    }

    /// The current field's bytes as a stream.
    pub fn chunks(&mut self) -> impl Stream<Item = Result<Bytes, MultipartError>> + Unpin + '_ {
        Box::pin(futures_util::stream::unfold(self, |form| async move {
            form.chunk().await.transpose().map(|item| (item, form))
        }))
    }

    async fn event(&mut self) -> Result<Event, MultipartError> {
        loop {
            if let Some(event) = self.parser.next_event()? {
                return Ok(event);
            }
            let chunk = tokio::time::timeout(self.patience, self.body.next())
                .await
                .map_err(|_| MultipartError::Stalled(self.patience))?
                .ok_or(FormError::Incomplete)??;
            self.parser.feed(chunk);
        }
    }
}

/// The field a part's `Content-Disposition` names.
fn field(disposition: Option<&[u8]>) -> Result<Field, MultipartError> {
    let disposition = disposition
        .and_then(|raw| HeaderValue::from_bytes(raw).ok())
        .and_then(|value| ContentDisposition::from_raw(&value).ok())
        .filter(|cd| cd.disposition == DispositionType::FormData)
        .ok_or(MultipartError::Unnamed)?;
    let name = disposition
        .get_name()
        .ok_or(MultipartError::Unnamed)?
        .to_owned();
    let file_name = disposition
        .get_filename_ext()
        .map(|value| String::from_utf8_lossy(&value.value).into_owned())
        .or_else(|| disposition.get_filename().map(str::to_owned));
    Ok(Field { name, file_name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_named_by_its_disposition() {
        let plain = field(Some(b"form-data; name=\"file\"; filename=\"a.pdf\"")).unwrap();
        assert_eq!(plain.name, "file");
        assert_eq!(plain.file_name.as_deref(), Some("a.pdf"));
        let extended = field(Some(
            b"form-data; name=\"file\"; filename=\"a.pdf\"; filename*=UTF-8''caf%C3%A9.pdf",
        ))
        .unwrap();
        assert_eq!(extended.file_name.as_deref(), Some("caf\u{e9}.pdf"));
        let text = field(Some(b"form-data; name=description")).unwrap();
        assert_eq!((text.name.as_str(), text.file_name), ("description", None));
    }

    #[test]
    fn a_part_that_is_not_a_named_form_field_is_refused() {
        for raw in [
            None,
            Some(&b"attachment; name=\"file\""[..]),
            Some(b"form-data; filename=\"a.pdf\""),
            Some(b"\x00"),
        ] {
            assert!(
                matches!(field(raw), Err(MultipartError::Unnamed)),
                "{raw:?}"
            );
        }
    }
}
