//! The embedded sandbox API server (axum): the Partner API's personal prospects endpoints,
//! following partner-api.md to the letter, over generated sample data.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use prospect::sandbox::{Sandbox, SandboxOptions};
//! let sb = Sandbox::start(SandboxOptions::default()).await?;
//! println!("{}", sb.banner());
//! sb.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Every request is recorded (see [`Sandbox::requests`]), delayed by `latency_ms`, failed with
//! probability `fail_rate` (500, 503 or 429 with `Retry-After: 1`, before anything changes),
//! refused with 429 beyond `max_inflight` requests served at once, failed with 500 every
//! `fail_every`th request,
//! and then checked for a valid signature before it reaches the endpoints. Under abuse it
//! holds: see [`conn`] for the connection limits; a request without valid credentials is
//! refused before its body is read, and only verified requests' bodies are recorded.

mod auth;
pub mod conn;
pub mod data;
pub mod problems;
mod routes;
mod state;
mod store;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::model::Prospect;
pub use data::generate;
pub use routes::router;
use state::lock;
pub use state::{RecordedRequest, SandboxOptions, SandboxState};

/// A running sandbox server. Dropping it stops the server too (without waiting).
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<SandboxState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`…
fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

impl Sandbox {
    /// Binds, spawns the server on the current tokio runtime and returns once listening.
    pub async fn start(opts: SandboxOptions) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
        let state = SandboxState::new(&opts);
        let app = router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(conn::GuardedListener::new(listener), app)
                .with_graceful_shutdown(async move {
                    // Resolves on an explicit stop and when the Sandbox is dropped.
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server failed");
            }
            tracing::info!("sandbox stopped");
        });
        tracing::info!(%addr, count = opts.count, seed = opts.seed, prefix = %state.prefix, "sandbox listening");
        Ok(Sandbox {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` plus the mount prefix; an unspecified listen address becomes loopback.
    pub fn base_url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!(
            "http://{}{}",
            SocketAddr::new(ip, self.addr.port()),
            self.state.prefix
        )
    }

    pub fn token(&self) -> &str {
        &self.state.token
    }

    pub fn secret(&self) -> &str {
        &self.state.secret
    }

    /// URL, credentials and ready-to-paste `export` lines.
    pub fn banner(&self) -> String {
        let url = self.base_url();
        let count = self.state.read().len();
        let mut faults = Vec::new();
        if self.state.max_inflight > 0 {
            let n = self.state.max_inflight;
            faults.push(format!("at most {n} at a time (429 beyond)"));
        }
        if self.state.fail_every > 0 {
            let n = self.state.fail_every;
            faults.push(format!("every {} request fails (500)", ordinal(n)));
        }
        let faults = if faults.is_empty() {
            String::new()
        } else {
            format!("  requests: {}\n", faults.join("; "))
        };
        format!(
            "prospect sandbox: {count} prospects at {url}\n\
             \n  base URL: {url}\n  token:    {token}\n  secret:   {secret}\n{faults}\
             \nTo use it from another shell:\n\
             \n  export PROSPECT_BASE_URL={url}\n  export PROSPECT_API_TOKEN={token}\n  export PROSPECT_API_SECRET={secret}\n",
            token = self.token(),
            secret = self.secret(),
        )
    }

    /// The requests received so far (the most recent 10 000, 16 MiB at most), oldest first.
    /// A request whose signature was not verified keeps only the start of its body.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).queue.iter().cloned().collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        let mut rec = lock(&self.state.requests);
        rec.queue.clear();
        rec.bytes = 0;
    }

    /// The current server-side version of a record.
    pub fn get_record(&self, id: &str) -> Option<Prospect> {
        self.state.read().get(id).cloned()
    }

    /// Inserts a record, or replaces the one with the same id ("behind the user's back").
    pub fn put_record(&self, p: Prospect) {
        self.state.write().put(p);
    }

    /// Changes the failure rate of the running server (clamped to 0..=1).
    pub fn set_fail_rate(&self, f: f64) {
        self.state.set_fail_rate(f);
    }

    /// Answers the next `n` PATCH requests with 503 before anything is done: to see a batch
    /// find out and retry its lost answers.
    pub fn fail_next_patches(&self, n: u64) {
        self.state
            .patch_failures
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Stops accepting, lets requests in flight finish (at most 5 s), and returns.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    /// Like [`Sandbox::shutdown`], but keeps the `Sandbox`: its recorded requests and records
    /// can still be read after the server stopped (a test of what reached it before).
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            tracing::warn!("sandbox did not stop within 5 s; aborting it");
            task.abort();
        }
    }
}
