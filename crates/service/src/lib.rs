//! The collection service, `sightline serve`: agencies submit their returns on the web and the
//! national team runs the data call, on the same workspace the command line uses.
//!
//! A request passes the security headers, the body limit, then the gate (`gate.rs`: session,
//! route table, origin and CSRF), then its page handler (`pages/`). Store work runs on the
//! store's own threads (`pool.rs`). What each role may reach is the table in `roles.rs`.

pub mod app;
pub mod demo;
pub mod error;
pub mod feedback;
pub mod gate;
pub mod jobs;
pub mod kept;
pub mod pages;
pub mod pool;
pub mod reminders;
pub mod roles;
pub mod secrets;
pub mod status;
pub mod validation;

pub use app::{App, Config};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy of every response: nothing from elsewhere, no inline script or
/// style, no framing, forms only to this site.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The service's routes behind the gate and the security headers.
pub fn router(app: Arc<App>) -> Router {
    use pages::{account, analysis, audit, calls, returns, users};
    let upload_limit = app.config.max_upload_bytes + 64 * 1024;
    let secure = app.config.secure;
    let routes = Router::new()
        .route("/assets/{file}", get(pages::asset))
        .route(
            "/sign-in",
            get(account::sign_in_form).post(account::sign_in),
        )
        .route("/sign-in/code", get(account::code_form).post(account::code))
        .route("/sign-out", post(account::sign_out))
        .route(
            "/invitation/{token}",
            get(account::invitation_form).post(account::invitation),
        )
        .route("/", get(pages::home))
        .route("/account", get(pages::account))
        .route("/users", get(users::list).post(users::add))
        .route("/users/{user}/deactivate", post(users::deactivate))
        .route("/users/{user}/reset", post(users::reset))
        .route("/calls", get(calls::list).post(calls::create))
        .route("/calls/{call}", get(calls::dashboard))
        .route("/calls/{call}/remind", post(calls::remind))
        .route(
            "/calls/{call}/non-submitters.csv",
            get(calls::non_submitters),
        )
        .route("/calls/{call}/agencies/{agency}", get(calls::agency))
        .route(
            "/calls/{call}/agencies/{agency}/accept",
            post(calls::accept),
        )
        .route(
            "/calls/{call}/agencies/{agency}/return",
            post(calls::send_back),
        )
        .route(
            "/calls/{call}/agencies/{agency}/profile",
            post(calls::set_profile),
        )
        .route("/returns/{call}/profile.toml", get(returns::profile))
        .route("/audit", get(audit::log))
        .route("/analysis", get(analysis::show))
        .route("/analysis/link", post(analysis::link))
        .route(
            "/analysis/preview",
            get(analysis::preview).post(analysis::make_preview),
        )
        .route("/analysis/publish", post(analysis::publish))
        .route("/reveal", get(analysis::reveal_form).post(analysis::reveal))
        .route("/returns/{call}/feedback", get(returns::feedback))
        .route("/returns", get(returns::list))
        .route("/returns/{call}", get(returns::show))
        .route("/returns/{call}/template.xlsx", get(returns::template))
        .route(
            "/returns/{call}/upload",
            post(returns::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/returns/{call}/submissions/{submission}/problems.csv",
            get(returns::problems),
        )
        .route("/returns/{call}/explain", post(returns::explain))
        .route("/returns/{call}/nil", post(returns::nil))
        .route("/returns/{call}/unable", post(returns::unable))
        .route("/returns/{call}/sign-off", post(returns::sign_off))
        .fallback(|| async { error::Failure::NotFound })
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            gate::gate,
        ))
        .layer(DefaultBodyLimit::max(gate::FORM_LIMIT))
        .with_state(app);
    let headers: [(HeaderName, &'static str); 6] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    let mut router = routes;
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    // A page may set a stricter policy of its own (the report preview: sandboxed, no script).
    router = router.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    ));
    if secure {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
}

/// Serves the workspace on `listen` until interrupted (Ctrl-C or SIGTERM).
pub async fn serve(config: Config, listen: SocketAddr) -> anyhow::Result<()> {
    let app = Arc::new(App::new(config)?);
    if app.config.mail.is_some() {
        tokio::spawn(reminders::every_hour(Arc::clone(&app)));
    }
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {listen}: {e}; choose another address with --listen")
    })?;
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
