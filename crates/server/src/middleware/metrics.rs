//! Prometheus metrics of the HTTP server. Every label is drawn from a fixed
//! set: the route pattern that matched (`UNMATCHED` when none did), one of
//! the standard methods (`OTHER` for any other name) and the status code.
//! A client, signed in or not, cannot add series: that is what kept
//! `/metrics` from growing with every invented method name.

use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use prometheus::{Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

const LABELS: [&str; 3] = ["endpoint", "method", "status"];

/// The server's counters, shared by every worker.
#[derive(Clone, Debug)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
}

impl Metrics {
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered").namespace("lectern"),
            &LABELS,
        )?;
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "http_requests_duration_seconds",
                "Time until the response's head was ready",
            )
            .namespace("lectern"),
            &LABELS,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(durations.clone()))?;
        Ok(Self {
            registry,
            requests,
            durations,
        })
    }

    fn observe(&self, endpoint: &str, method: &str, status: StatusCode, elapsed: Duration) {
        let status = status.as_str();
        let labels = [endpoint, method, status];
        self.requests.with_label_values(&labels).inc();
        self.durations
            .with_label_values(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// The text exposition format, as Prometheus scrapes it.
    pub fn response(&self) -> HttpResponse {
        let encoder = prometheus::TextEncoder::new();
        let mut text = Vec::new();
        if let Err(err) = encoder.encode(&self.registry.gather(), &mut text) {
            tracing::error!(error = %err, "encoding the metrics failed");
            return HttpResponse::InternalServerError().finish();
        }
        HttpResponse::Ok()
            .insert_header((
                header::CONTENT_TYPE,
                HeaderValue::from_static(prometheus::TEXT_FORMAT),
            ))
            .body(text)
    }

    /// Counts `request` once its response (or error) is known.
    pub fn record<S, B>(
        &self,
        request: ServiceRequest,
        service: &S,
    ) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let started = Instant::now();
        let method = method_label(request.method());
        let response = service.call(request);
        let metrics = self.clone();
        async move {
            let response = response.await;
            let (endpoint, status) = match &response {
                Ok(response) => (response.request().match_pattern(), response.status()),
                Err(err) => (None, err.as_response_error().status_code()),
            };
            metrics.observe(
                endpoint.as_deref().unwrap_or("UNMATCHED"),
                method,
                status,
                started.elapsed(),
            );
            response
        }
    }
}

/// The label of a request's method: its own name only for the methods HTTP
/// defines, so made-up names share one series.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::TRACE, "TRACE"),
        (Method::CONNECT, "CONNECT"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("OTHER", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let invented = Method::from_bytes(b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
        assert_eq!(method_label(&invented), "OTHER");
    }

    #[test]
    fn the_exposition_names_the_counters() {
        let metrics = Metrics::new().unwrap();
        metrics.observe("/healthz", "GET", StatusCode::OK, Duration::from_millis(2));
        let response = metrics.response();
        assert_eq!(response.status(), StatusCode::OK);
        let text = metrics.registry.gather();
        let names: Vec<&str> = text.iter().map(|family| family.name()).collect();
        assert_eq!(
            names,
            [
                "lectern_http_requests_duration_seconds",
                "lectern_http_requests_total"
            ]
        );
    }
}
