//! Routes as values. A module declares each endpoint it calls once, by
//! method and by path template exactly as the OpenAPI document spells it
//! (the test in `api` holds every one against that document), and fills
//! the template to make a call.

use std::marker::PhantomData;

use gloo_net::http::{Method, RequestBuilder, Response};
use lectern_api_types::Page;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ApiError;
use super::transport::{authed, ok, read};
use crate::session::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    pub(super) fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Patch => Method::PATCH,
            Verb::Delete => Method::DELETE,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub verb: Verb,
    /// Under the API's prefix, with `{name}` for each path parameter.
    pub template: &'static str,
}

/// Declares a module's routes as constants, and `ROUTES` listing them all
/// for the test against the OpenAPI document.
macro_rules! routes {
    ($($(#[$doc:meta])* $name:ident = $verb:ident $template:literal;)+) => {
        $(
            $(#[$doc])*
            const $name: super::route::Route = super::route::Route {
                verb: super::route::Verb::$verb,
                template: $template,
            };
        )+
        #[cfg(test)]
        pub(super) const ROUTES: &[super::route::Route] = &[$($name),+];
    };
}
pub(super) use routes;

impl Route {
    /// The route with its path parameters, in the template's order.
    pub fn at(self, ids: &[i64]) -> Call {
        Call {
            verb: self.verb,
            path: fill(self.template, ids),
        }
    }
}

fn fill(template: &str, ids: &[i64]) -> String {
    let mut path = String::with_capacity(template.len() + 8 * ids.len());
    let mut ids = ids.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map_or(rest.len(), |at| open + at + 1);
        path.push_str(&rest[..open]);
        match ids.next() {
            Some(id) => path.push_str(&id.to_string()),
            None => panic!("{template} takes more parameters than were given"),
        }
        rest = &rest[close..];
    }
    assert!(ids.next().is_none(), "{template} takes fewer parameters");
    path.push_str(rest);
    path
}

/// The query pairs of a request type: each field that has a value, written
/// as the server parses it (`serde` on both sides).
pub fn query_pairs<Q: Serialize>(query: &Q) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .filter_map(|(name, value)| match value {
            serde_json::Value::String(text) => Some((name, text)),
            serde_json::Value::Number(number) => Some((name, number.to_string())),
            serde_json::Value::Bool(flag) => Some((name, flag.to_string())),
            _ => None,
        })
        .collect()
}

fn encoded(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// One request to make: a filled route and its query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    verb: Verb,
    path: String,
}

impl Call {
    /// Adds `name=value` to the query.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        let separator = if self.path.contains('?') { '&' } else { '?' };
        self.path = format!("{}{separator}{name}={}", self.path, encoded(value));
        self
    }

    /// Adds every pair to the query.
    pub fn params<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        pairs.iter().fold(self, |call, (name, value)| {
            call.param(name.as_ref(), value.as_ref())
        })
    }

    /// Adds the fields of a request type to the query.
    pub fn query<Q: Serialize>(self, query: &Q) -> Self {
        self.params(&query_pairs(query))
    }

    /// A GET whose answer is `T`, to be made (perhaps more than once) later.
    pub fn get<T>(self) -> Fetch<T> {
        debug_assert_eq!(self.verb, Verb::Get);
        Fetch {
            path: self.path,
            answer: PhantomData,
        }
    }

    /// Sends `body` and reads the answer.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        self,
        session: Session,
        body: &B,
    ) -> Result<T, ApiError> {
        read(
            authed(session, self.verb.method(), &self.path, |builder| {
                builder.json(body)
            })
            .await?,
        )
        .await
    }

    /// Sends `text` as a body of `content_type` and reads the answer.
    pub async fn send_text<T: DeserializeOwned>(
        self,
        session: Session,
        content_type: &str,
        text: String,
    ) -> Result<T, ApiError> {
        read(
            authed(session, self.verb.method(), &self.path, |builder| {
                builder
                    .header("Content-Type", content_type)
                    .body(text.clone())
            })
            .await?,
        )
        .await
    }

    /// Makes a call that answers nothing to read.
    pub async fn run(self, session: Session) -> Result<(), ApiError> {
        ok(authed(
            session,
            self.verb.method(),
            &self.path,
            RequestBuilder::build,
        )
        .await?)
        .await
        .map(drop)
    }

    /// The whole URL, for callers that make the request themselves.
    pub fn url(&self) -> String {
        format!("{}{}", super::API, self.path)
    }
}

/// A GET with what it answers in its type: a list's or a resource's key,
/// compared to know when to load again, and fetched when needed.
#[derive(Debug)]
pub struct Fetch<T> {
    path: String,
    answer: PhantomData<fn() -> T>,
}

impl<T> Clone for Fetch<T> {
    fn clone(&self) -> Self {
        Self {
            path: self.path.clone(),
            answer: PhantomData,
        }
    }
}

impl<T> PartialEq for Fetch<T> {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl<T: DeserializeOwned> Fetch<T> {
    pub async fn fetch(&self, session: Session) -> Result<T, ApiError> {
        read(authed(session, Method::GET, &self.path, RequestBuilder::build).await?).await
    }
}

impl<T> Fetch<Page<T>> {
    /// The page after the one that answered `cursor`.
    pub fn after(&self, cursor: &str) -> Self {
        let call = Call {
            verb: Verb::Get,
            path: self.path.clone(),
        };
        call.param("cursor", cursor).get()
    }
}

impl<T: DeserializeOwned> Fetch<Page<T>> {
    /// Every item of the list, page after page: for the short lists a page
    /// shows whole (one's tokens, the webhooks), which have no "Load more".
    pub async fn every(&self, session: Session) -> Result<Vec<T>, ApiError> {
        let mut page = self.fetch(session).await?;
        let mut items = std::mem::take(&mut page.items);
        while let Some(cursor) = page.next_cursor.take() {
            page = self.after(&cursor).fetch(session).await?;
            items.append(&mut page.items);
        }
        Ok(items)
    }
}

/// The answer of a download: a file, not JSON.
pub struct FileBody;

impl Fetch<FileBody> {
    /// The response, once it is known to be a success.
    pub async fn response(&self, session: Session) -> Result<Response, ApiError> {
        ok(authed(session, Method::GET, &self.path, RequestBuilder::build).await?).await
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::{fill, query_pairs};

    #[test]
    fn fill_puts_each_id_in_its_place() {
        assert_eq!(fill("/completions", &[]), "/completions");
        assert_eq!(fill("/completions/{id}", &[7]), "/completions/7");
        assert_eq!(
            fill(
                "/completions/{id}/attachments/{attachment_id}/link",
                &[7, 42]
            ),
            "/completions/7/attachments/42/link"
        );
    }

    #[test]
    #[should_panic(expected = "more parameters")]
    fn fill_refuses_a_missing_id() {
        fill("/completions/{id}/notes/{note_id}", &[7]);
    }

    #[test]
    #[should_panic(expected = "fewer parameters")]
    fn fill_refuses_an_extra_id() {
        fill("/completions/{id}", &[7, 8]);
    }

    #[test]
    fn query_pairs_leave_out_what_has_no_value() {
        #[derive(Serialize)]
        struct Query {
            q: Option<String>,
            limit: Option<u64>,
            active: Option<bool>,
            branch_id: Option<i64>,
        }
        let pairs = query_pairs(&Query {
            q: Some("ana".into()),
            limit: Some(10),
            active: Some(true),
            branch_id: None,
        });
        let mut pairs = pairs;
        pairs.sort();
        let expected = [("active", "true"), ("limit", "10"), ("q", "ana")]
            .map(|(name, value)| (name.to_owned(), value.to_owned()));
        assert_eq!(pairs, expected);
    }
}
