//! Reference MSA backend: the enrolment contract (`docs/openapi.yaml`,
//! docs/contracts.md §3) on demo data, over SQLite or PostgreSQL.
//!
//! Library entry points for the kiosk's tests:
//! - [`spawn_for_tests`]: the real server on a loopback port, in-process, with a fresh
//!   database, the test kiosk token and admin token;
//! - [`spawn`] / [`serve`]: the same with any [`Config`];
//! - [`app`]: the bare router over an [`AppState`].

pub mod config;
pub mod console;
pub mod db;
pub mod demo;
pub mod enrol;
mod fold;
pub mod followups;
pub mod heartbeat;
pub mod helpcalls;
pub mod http;
pub mod kiosk_api;
pub mod mailouts;
mod password;
mod ratelimit;
pub mod rules;
pub mod secret;
pub mod staff;

pub use config::{Config, Fault};
pub use db::Db;

use crate::http::ConnectionKill;
use crate::ratelimit::RateLimiter;
use crate::secret::sha256_hex;
use anyhow::Context;
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use axum::Router;
use sqlx::Row;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context as TaskContext, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Kiosk id registered by [`Config::for_tests`].
pub const TEST_KIOSK_ID: &str = "test-kiosk";
/// Kiosk token registered by [`Config::for_tests`].
pub const TEST_KIOSK_TOKEN: &str = "test-kiosk-token-0123456789";
/// Admin token set by [`Config::for_tests`].
pub const TEST_ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// Shared state of the handlers.
#[derive(Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    limiter: RateLimiter,
    fault: RwLock<Option<Fault>>,
}

impl AppState {
    /// Connect, migrate, seed the demo data and register the configured kiosk tokens.
    pub async fn open(config: Config) -> anyhow::Result<Arc<AppState>> {
        let db = Db::connect(config.database_url.expose()).await?;
        if config.seed_demo {
            let today = time::OffsetDateTime::now_utc().date();
            let added = demo::seed(&db, today)
                .await
                .context("cannot seed the demo data")?;
            if added > 0 {
                tracing::info!(added, "demo insured persons seeded");
            }
        }
        for k in &config.kiosk_tokens {
            register_kiosk(&db, &k.id, k.token.expose()).await?;
            if let Some(agency) = &k.agency {
                staff::set_kiosk_agency(&db, &k.id, agency).await?;
            }
        }
        Ok(Arc::new(AppState {
            db,
            limiter: RateLimiter::new(config.kiosk_rate),
            fault: RwLock::new(config.fault),
            config,
        }))
    }

    /// The fault currently injected (a test knob, `None` in normal use).
    pub fn fault(&self) -> Option<Fault> {
        *self.fault.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.fault.write().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    /// The kiosk id a bearer token belongs to.
    pub async fn kiosk_for_token(&self, token: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query("SELECT id FROM kiosks WHERE token_sha256 = $1")
            .bind(sha256_hex(token))
            .fetch_optional(self.db.pool())
            .await?
            .map(|row| row.try_get("id"))
            .transpose()
    }
}

/// Register a kiosk (or give it a new token). Only the token's SHA-256 is stored.
pub async fn register_kiosk(db: &Db, id: &str, token: &str) -> anyhow::Result<()> {
    config::check_kiosk_id(id)?;
    anyhow::ensure!(!token.is_empty(), "the kiosk token is empty");
    sqlx::query(
        "INSERT INTO kiosks (id, token_sha256, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET token_sha256 = excluded.token_sha256",
    )
    .bind(id)
    .bind(sha256_hex(token))
    .bind(db::now_unix())
    .execute(db.pool())
    .await
    .with_context(|| format!("cannot register kiosk {id}"))?;
    Ok(())
}

/// The router over `state`.
pub fn app(state: Arc<AppState>) -> Router {
    http::router(state)
}

/// A running server.
#[derive(Debug)]
pub struct RunningServer {
    /// The address actually bound (port 0 resolved).
    pub addr: SocketAddr,
    /// `http://127.0.0.1:<port>` (or `https://…` with TLS).
    pub base_url: String,
    pub state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl RunningServer {
    /// Stop accepting, finish the requests in flight, close the database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.context("server task panicked")??;
        }
        self.state.db.close().await;
        Ok(())
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Start the server described by `config` in the background and return once it
/// accepts connections.
pub async fn spawn(config: Config) -> anyhow::Result<RunningServer> {
    config.check_transport()?;
    let state = AppState::open(config.clone()).await?;
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = shutdown_rx.await;
    };
    let (addr, task) = match &config.tls {
        None => {
            let listener = TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            let addr = listener.local_addr()?;
            let service =
                app(state.clone()).into_make_service_with_connect_info::<ConnectInfoKill>();
            let listener = KillableListener { inner: listener };
            let task = tokio::spawn(async move {
                axum::serve(listener, service)
                    .with_graceful_shutdown(shutdown)
                    .await
                    .context("server error")
            });
            (addr, task)
        }
        Some(tls) => {
            install_crypto_provider();
            let rustls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .context("cannot load the TLS certificate or key")?;
            let std_listener = std::net::TcpListener::bind(config.listen)
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            std_listener.set_nonblocking(true)?;
            let addr = std_listener.local_addr()?;
            let handle = axum_server::Handle::new();
            let server = axum_server::from_tcp_rustls(std_listener, rustls).handle(handle.clone());
            let service = app(state.clone()).into_make_service();
            let task = tokio::spawn(async move {
                tokio::spawn(async move {
                    shutdown.await;
                    handle.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
                });
                server.serve(service).await.context("server error")
            });
            (addr, task)
        }
    };
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!(%addr, scheme, db = ?state.db.backend(), "msa-backend listening");
    Ok(RunningServer {
        addr,
        base_url: format!("{scheme}://{addr}"),
        state,
        shutdown: Some(shutdown_tx),
        task: Some(task),
    })
}

/// Run the server until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let server = spawn(config).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.stop().await
}

/// The real server on `127.0.0.1:<free port>` over `database_url`, with
/// [`Config::for_tests`] (test kiosk and admin tokens, cheap argon2).
pub async fn spawn_for_tests(database_url: &str) -> anyhow::Result<RunningServer> {
    spawn(Config::for_tests(database_url)).await
}

/// rustls needs one process-wide crypto provider: ring.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// TCP listener whose connections can be cut from a handler (fault injection `reset`).
#[doc(hidden)]
pub struct KillableListener {
    inner: TcpListener,
}

/// A TCP stream that fails every read and write once its flag is set.
pub struct KillableStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (
                        KillableStream {
                            inner: stream,
                            kill: Arc::new(AtomicBool::new(false)),
                        },
                        addr,
                    );
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

fn reset_error() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "fault injection: reset")
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Connect info handed to handlers: the connection's kill flag.
type ConnectInfoKill = ConnectionKill;

impl Connected<IncomingStream<'_, KillableListener>> for ConnectionKill {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        ConnectionKill(stream.io().kill.clone())
    }
}
