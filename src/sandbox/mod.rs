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
//! and then checked for a valid signature before it reaches the endpoints.

mod auth;
pub mod data;
pub mod problems;
mod routes;
mod store;

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::model::Prospect;
pub use data::generate;
pub use routes::router;

/// How the sandbox is set up.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// How many prospects to generate.
    pub count: usize,
    /// Seed of the generated data (and of the failure injection).
    pub seed: u64,
    /// API token; a random `pk_sbx_…` when `None`.
    pub token: Option<String>,
    /// Signing secret; a random `sk_sbx_…` when `None`.
    pub secret: Option<String>,
    /// Delay before answering each request.
    pub latency_ms: u64,
    /// Fraction (0..=1) of requests answered with 500, 503 or 429.
    pub fail_rate: f64,
    /// Path prefix the API is mounted under, e.g. `/partner` ("" for none).
    pub prefix: String,
    /// Plant a known set of every defect `check` finds (see [`problems`]).
    pub problems: bool,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            count: 500,
            seed: 42,
            token: None,
            secret: None,
            latency_ms: 0,
            fail_rate: 0.0,
            prefix: String::new(),
            problems: false,
        }
    }
}

/// One request as the sandbox saw it, with the status it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query exactly as received on the wire (mount prefix included).
    pub path_and_query: String,
    /// The body as text (lossy UTF-8), "" when there was none.
    pub body: String,
    pub status: u16,
}

/// The recorder keeps only the most recent requests, so a long-running sandbox stays small.
const MAX_RECORDED: usize = 10_000;

/// Shared state of a running sandbox. Opaque: build it with [`SandboxState::new`] and serve
/// it with [`router`] when you want the sandbox in-process without a socket.
pub struct SandboxState {
    store: RwLock<store::Store>,
    token: String,
    secret: String,
    prefix: String,
    latency: Duration,
    fail_rate_bits: AtomicU64,
    fail_rng: Mutex<StdRng>,
    nonces: Mutex<auth::NonceCache>,
    requests: Mutex<VecDeque<RecordedRequest>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

fn normalize_prefix(p: &str) -> String {
    let p = p.trim().trim_end_matches('/');
    if p.is_empty() || p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

impl SandboxState {
    /// Generates the data and the credentials (random ones when not given).
    pub fn new(opts: &SandboxOptions) -> Arc<Self> {
        let mut records = generate(opts.count, opts.seed);
        if opts.problems {
            problems::plant(&mut records);
        }
        let state = SandboxState {
            store: RwLock::new(store::Store::new(records)),
            token: opts
                .token
                .clone()
                .unwrap_or_else(|| format!("pk_sbx_{}", random_hex(12))),
            secret: opts
                .secret
                .clone()
                .unwrap_or_else(|| format!("sk_sbx_{}", random_hex(24))),
            prefix: normalize_prefix(&opts.prefix),
            latency: Duration::from_millis(opts.latency_ms),
            fail_rate_bits: AtomicU64::new(0),
            fail_rng: Mutex::new(StdRng::seed_from_u64(opts.seed ^ 0x5eed_fa11)),
            nonces: Mutex::new(auth::NonceCache::default()),
            requests: Mutex::new(VecDeque::new()),
        };
        state.set_fail_rate(opts.fail_rate);
        Arc::new(state)
    }

    fn set_fail_rate(&self, f: f64) {
        let f = if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) };
        self.fail_rate_bits.store(f.to_bits(), Ordering::Relaxed);
    }

    fn fail_rate(&self) -> f64 {
        f64::from_bits(self.fail_rate_bits.load(Ordering::Relaxed))
    }

    fn record(&self, r: RecordedRequest) {
        let mut q = lock(&self.requests);
        if q.len() >= MAX_RECORDED {
            q.pop_front();
        }
        q.push_back(r);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, store::Store> {
        self.store.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, store::Store> {
        self.store.write().unwrap_or_else(PoisonError::into_inner)
    }
}

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

impl Sandbox {
    /// Binds, spawns the server on the current tokio runtime and returns once listening.
    pub async fn start(opts: SandboxOptions) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
        let state = SandboxState::new(&opts);
        let app = router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
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
        format!(
            "prospect sandbox: {count} prospects at {url}\n\
             \n  base URL: {url}\n  token:    {token}\n  secret:   {secret}\n\
             \nTo use it from another shell:\n\
             \n  export PROSPECT_BASE_URL={url}\n  export PROSPECT_API_TOKEN={token}\n  export PROSPECT_API_SECRET={secret}\n",
            token = self.token(),
            secret = self.secret(),
        )
    }

    /// Every request received so far (the most recent 10 000), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).iter().cloned().collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.state.requests).clear();
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
