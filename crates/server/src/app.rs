//! Building and running the server: the application as tests and the
//! binary both start it.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context as _;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::rotation::Rotation;
use crate::auth::{AccessTokens, Accounts, LoginLimiter, secret};
use crate::config::Config;
use crate::error::{PROBLEM_JSON, problem_for_status};
use crate::extract::JSON_LIMIT_BYTES;
use crate::mail::Mailer;
use crate::middleware::metrics::Metrics;
use crate::middleware::{compress, head, security};
use crate::outbox::worker::{self, Worker};
use crate::routes::{self, API_PREFIX};
use crate::services::attachments::links::LinkSigner;
use crate::services::attachments::sweep;
use crate::services::users;
use crate::state::AppState;
use crate::webhooks::sender::Sender;
use crate::{data_dir, db, openapi, storage, telemetry};

/// A bound, migrated, ready-to-run Lectern.
pub struct Application {
    port: u16,
    server: Server,
    /// `/metrics` on its own address, when `metrics_bind` asks for one.
    metrics_server: Option<(u16, Server)>,
    worker: worker::Handle,
}

impl Application {
    /// Connects and migrates the database, loads the signing secret and
    /// binds the listener. Everything per-request is prepared here, once.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        data_dir::create(&config)?;
        data_dir::warn_if_open(&config);
        let db = db::connect_migrated(&config).await?;
        if users::count(&db)
            .await
            .map_err(|err| anyhow::anyhow!("{err}"))?
            == 0
        {
            tracing::warn!(
                "the database has no accounts yet: create one with \
                 `lectern create-user --email E --name N --role super_admin --password-stdin`, \
                 or fill a demo institute with `lectern seed-demo`"
            );
        }
        let secret = secret::load_or_generate(config.jwt_secret.as_ref(), &config.data_dir)?;
        let storage = storage::from_config(&config)?;
        let mailer = Mailer::from_config(&config)?;
        // Nothing of this server's can be in flight yet: every temporary
        // upload left is from a crash.
        sweep::sweep(
            &db,
            storage.as_ref(),
            &config.upload_dir(),
            Duration::ZERO,
            Duration::from_secs(config.orphan_grace_seconds),
        )
        .await?;

        let listener =
            TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();

        let state = web::Data::new(AppState {
            reads: db::Reads::new(db.clone(), &config.database_url()),
            db,
            tokens: AccessTokens::new(&secret),
            accounts: Accounts::new(config.account_cache()),
            links: LinkSigner::new(&secret),
            rotation: Rotation::new(&secret),
            storage,
            login_limiter: LoginLimiter::new(
                config.login_attempts_per_account,
                config.login_attempts_per_address,
            ),
            config,
        });
        forget_idle_login_attempts(&state);
        sweep_periodically(&state);
        let worker = Worker {
            db: state.db.clone(),
            mailer,
            webhooks: Sender::new(state.config.webhook_allow_private)?,
            settings: worker::Settings::from_config(&state.config),
        }
        .start();

        let metrics = Metrics::new().context("setting up metrics")?;
        let document = openapi::document();
        let methods = web::Data::new(routes::methods::MethodTable::from_document(&document));
        let document = web::Data::new(
            openapi::Served::new(&document).context("writing the OpenAPI document")?,
        );
        let static_dir = state.config.static_dir.clone();
        let header_timeout = Duration::from_secs(state.config.header_timeout_seconds);
        let metrics_server = state
            .config
            .metrics_bind
            .as_deref()
            .map(|bind| metrics_server(bind, state.clone(), metrics.clone()))
            .transpose()?;
        let metrics_beside_app = metrics_server.is_none();

        let server = HttpServer::new(move || {
            app(
                state.clone(),
                metrics.clone(),
                metrics_beside_app,
                document.clone(),
                methods.clone(),
                routes::spa::configure(&static_dir),
            )
        })
        .client_request_timeout(header_timeout)
        .listen(listener)?
        .shutdown_timeout(30)
        .run();
        Ok(Self {
            port,
            server,
            metrics_server,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the separate metrics listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(port, _)| *port)
    }

    /// Stops the server from outside, as tests do at their end.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests
    /// (up to 30 seconds) and the outbox job in hand, giving back the jobs
    /// it claimed and had not started, before returning.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics_server.map(|(_, server)| {
            let handle = server.handle();
            (handle, tokio::spawn(server))
        });
        let served = self.server.await;
        if let Some((handle, task)) = metrics {
            handle.stop(true).await;
            let _ = task.await;
        }
        self.worker.stop().await;
        served
    }
}

/// A listener that answers `/metrics` and nothing else, so the app's
/// address need not expose them.
fn metrics_server(
    bind: &str,
    state: web::Data<AppState>,
    metrics: Metrics,
) -> anyhow::Result<(u16, Server)> {
    let listener =
        TcpListener::bind(bind).with_context(|| format!("binding the metrics address {bind}"))?;
    let port = listener.local_addr()?.port();
    let metrics = web::Data::new(metrics);
    let server = HttpServer::new(move || {
        App::new()
            .wrap_fn(head::as_get)
            .app_data(state.clone())
            .app_data(metrics.clone())
            .route("/metrics", web::get().to(routes::system::metrics))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(5)
    .run();
    Ok((port, server))
}

fn app(
    state: web::Data<AppState>,
    metrics: Metrics,
    metrics_beside_app: bool,
    document: web::Data<openapi::Served>,
    methods: web::Data<routes::methods::MethodTable>,
    spa: impl FnOnce(&mut web::ServiceConfig),
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let openapi_path = format!("{API_PREFIX}/openapi.json");
    App::new()
        // Innermost (actix runs the last registered first), so it sees each
        // route's own answer, problems included; routes that must not be
        // compressed say so with `Content-Encoding: identity`.
        .wrap_fn(compress::negotiate)
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap_fn(security::add)
        .wrap_fn(head::as_get)
        .wrap_fn(telemetry::around)
        .wrap_fn({
            let metrics = metrics.clone();
            move |req, srv| metrics.record(req, srv)
        })
        .app_data(state)
        .app_data(methods)
        .app_data(document)
        .app_data(web::Data::new(metrics))
        .app_data(web::PayloadConfig::new(JSON_LIMIT_BYTES))
        .service(routes::system::healthz)
        .service(routes::system::readyz)
        .configure(|cfg| {
            if metrics_beside_app {
                cfg.route("/metrics", web::get().to(routes::system::metrics));
            }
        })
        // Before the API scope, whose default service would answer its JSON.
        .service(web::redirect("/api/docs", "/api/docs/"))
        .route(&openapi_path, web::get().to(routes::system::openapi))
        .service(
            SwaggerUi::new("/api/docs/{_:.*}")
                .config(utoipa_swagger_ui::Config::new([openapi_path]).validator_url("none")),
        )
        .service(
            web::scope(API_PREFIX)
                .configure(|cfg| {
                    routes::api(&mut utoipa_actix_web::service_config::ServiceConfig::new(
                        cfg,
                    ));
                })
                .default_service(web::to(routes::api_not_found)),
        )
        .service(web::scope("/api").default_service(web::to(routes::api_not_found)))
        .configure(spa)
}

/// Errors actix answers itself (a wrong method, an extractor of its own)
/// carry no body of ours; under `/api` they become problems too.
fn problem_for_bare_errors<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes());
    if is_problem
        || !response
            .request()
            .match_info()
            .as_str()
            .starts_with("/api/")
    {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let (request, _) = response.into_parts();
    let body: HttpResponse<BoxBody> = HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .json(problem_for_status(status));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, body).map_into_right_body(),
    ))
}

/// How often abandoned uploads and orphaned files are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(15 * 60);
/// A temporary upload untouched this long is abandoned, not slow.
const ABANDONED_UPLOAD: Duration = Duration::from_secs(24 * 60 * 60);
/// Never less grace than this while uploads may be in flight.
const MIN_ORPHAN_GRACE: Duration = Duration::from_secs(10 * 60);

fn sweep_periodically(state: &web::Data<AppState>) {
    let weak = Arc::downgrade(&state.clone().into_inner());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else { break };
            let grace =
                Duration::from_secs(state.config.orphan_grace_seconds).max(MIN_ORPHAN_GRACE);
            let upload_dir = state.config.upload_dir();
            if let Err(err) = sweep::sweep(
                &state.db,
                state.storage.as_ref(),
                &upload_dir,
                ABANDONED_UPLOAD,
                grace,
            )
            .await
            {
                tracing::warn!(
                    error = format!("{err:#}"),
                    "sweeping abandoned uploads failed"
                );
            }
        }
    });
}

/// Keeps the rate limiter's memory to recent attempts, for as long as the
/// application lives.
fn forget_idle_login_attempts(state: &web::Data<AppState>) {
    let weak = Arc::downgrade(&state.clone().into_inner());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match weak.upgrade() {
                Some(state) => state.login_limiter.forget_idle(),
                None => break,
            }
        }
    });
}
