//! What an API path that exists answers to a method it does not serve.
//!
//! actix matches a route by path and method together, so a wrong method
//! falls through to the default service like an unknown path would. The
//! table here, built from the OpenAPI document the routes are registered
//! from, tells the two apart: 405 with `Allow` for a known path, 404 for the rest.

use actix_web::http::Method;
use utoipa::openapi::OpenApi;

#[derive(Clone, Debug, Default)]
pub struct MethodTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
}

impl MethodTable {
    pub fn from_document(document: &OpenApi) -> Self {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, served)| served.then_some(method))
                .collect();
                (segments(path), methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods served at `path`, or `None` when no route has that path.
    /// Where a literal route and a parameter's both match
    /// (`/completions/export`, `/completions/{id}`), the literal one's.
    pub fn allowed(&self, path: &str) -> Option<&[Method]> {
        let wanted: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.routes
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == wanted.len()
                    && pattern
                        .iter()
                        .zip(&wanted)
                        .all(|(segment, actual)| match segment {
                            Segment::Literal(text) => text == actual,
                            Segment::Parameter => !actual.is_empty(),
                        })
            })
            .max_by_key(|(pattern, _)| {
                pattern
                    .iter()
                    .filter(|segment| matches!(segment, Segment::Literal(_)))
                    .count()
            })
            .map(|(_, methods)| methods.as_slice())
    }
}

fn segments(path: &str) -> Vec<Segment> {
    path.trim_end_matches('/')
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                Segment::Parameter
            } else {
                Segment::Literal(segment.to_owned())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> MethodTable {
        MethodTable::from_document(&crate::openapi::document())
    }

    #[test]
    fn known_paths_list_their_methods() {
        let table = table();
        assert_eq!(
            table.allowed("/api/v1/batches/12"),
            Some([Method::GET, Method::PATCH, Method::DELETE].as_slice())
        );
        assert_eq!(
            table.allowed("/api/v1/completions/3/attachments.zip"),
            Some([Method::GET].as_slice())
        );
    }

    #[test]
    fn a_literal_route_wins_over_a_parameter() {
        let table = table();
        assert_eq!(
            table.allowed("/api/v1/completions/export"),
            Some([Method::GET].as_slice())
        );
        assert_eq!(
            table.allowed("/api/v1/completions/41"),
            Some([Method::GET, Method::PATCH].as_slice())
        );
    }

    #[test]
    fn unknown_paths_are_not_matched() {
        let table = table();
        assert_eq!(table.allowed("/api/v1/batches/12/nothing"), None);
        assert_eq!(table.allowed("/api/v1/completions//notes"), None);
        assert_eq!(table.allowed("/api/v2/batches"), None);
    }
}
