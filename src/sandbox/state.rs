//! The sandbox's shared state: its options, the records, the credentials, the recorded
//! requests and the fault settings.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::data::generate;
use super::{auth, store};

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
    /// Requests served at once; any beyond are answered 429 with `Retry-After: 1`, as a
    /// rate-limited production server would (0: no limit).
    pub max_inflight: usize,
    /// Every Nth request is answered 500 before anything is done (0: never).
    pub fail_every: u64,
    /// Path prefix the API is mounted under, e.g. `/partner` ("" for none).
    pub prefix: String,
    /// Plant a known set of every defect `check` finds (see [`super::problems`]).
    pub problems: bool,
    /// Seconds the sandbox's clock is ahead of this machine's (negative: behind), for its
    /// `Date` header and its check of a request's date: to try clock-skew diagnostics.
    pub clock_skew_secs: i64,
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
            max_inflight: 0,
            fail_every: 0,
            prefix: String::new(),
            problems: false,
            clock_skew_secs: 0,
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

/// The recorder keeps only the most recent requests, so a long-running sandbox stays small:
/// at most this many…
const MAX_RECORDED: usize = 10_000;
/// …holding at most this many bytes of paths and bodies together.
const MAX_RECORDED_BYTES: usize = 16 * 1024 * 1024;

/// Shared state of a running sandbox. Opaque: build it with [`SandboxState::new`] and serve
/// it with [`router`] when you want the sandbox in-process without a socket.
pub struct SandboxState {
    pub(super) store: RwLock<store::Store>,
    pub(super) token: String,
    pub(super) secret: String,
    pub(super) prefix: String,
    pub(super) latency: Duration,
    pub(super) fail_rate_bits: AtomicU64,
    pub(super) fail_rng: Mutex<StdRng>,
    pub(super) nonces: Mutex<auth::NonceCache>,
    pub(super) requests: Mutex<Recorded>,
    pub(super) clock_skew_secs: i64,
    pub(super) max_inflight: usize,
    pub(super) inflight: AtomicUsize,
    pub(super) fail_every: u64,
    /// Requests admitted past the in-flight limit, for `fail_every`.
    pub(super) admitted: AtomicU64,
    /// PATCH requests still to be answered 503 (see `Sandbox::fail_next_patches`).
    pub(crate) patch_failures: AtomicU64,
}

/// The recorded requests and the bytes they hold.
#[derive(Default)]
pub(super) struct Recorded {
    pub(super) queue: VecDeque<RecordedRequest>,
    pub(super) bytes: usize,
}

impl RecordedRequest {
    fn size(&self) -> usize {
        self.path_and_query.len() + self.body.len() + self.method.len()
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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
            super::problems::plant(&mut records);
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
            requests: Mutex::new(Recorded::default()),
            clock_skew_secs: opts.clock_skew_secs,
            max_inflight: opts.max_inflight,
            inflight: AtomicUsize::new(0),
            fail_every: opts.fail_every,
            admitted: AtomicU64::new(0),
            patch_failures: AtomicU64::new(0),
        };
        state.set_fail_rate(opts.fail_rate);
        Arc::new(state)
    }

    /// The sandbox's clock: this machine's, moved by `clock_skew_secs`.
    pub(super) fn now(&self) -> std::time::SystemTime {
        let skew = Duration::from_secs(self.clock_skew_secs.unsigned_abs());
        let now = std::time::SystemTime::now();
        if self.clock_skew_secs >= 0 {
            now + skew
        } else {
            now - skew
        }
    }

    pub(super) fn set_fail_rate(&self, f: f64) {
        let f = if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) };
        self.fail_rate_bits.store(f.to_bits(), Ordering::Relaxed);
    }

    /// A place among the requests served at once, or `None` when `max_inflight` are already
    /// being served. The place is given back when the guard is dropped.
    pub(super) fn enter(&self) -> Option<InflightGuard<'_>> {
        let now = self.inflight.fetch_add(1, Ordering::SeqCst) + 1;
        let guard = InflightGuard(&self.inflight);
        (self.max_inflight == 0 || now <= self.max_inflight).then_some(guard)
    }

    /// Whether this request is the Nth of `fail_every` (counted over the requests admitted).
    pub(super) fn fails_this_time(&self) -> bool {
        let n = self.admitted.fetch_add(1, Ordering::SeqCst) + 1;
        self.fail_every > 0 && n.is_multiple_of(self.fail_every)
    }

    /// Whether this PATCH is one of those `fail_next_patches` asked to fail.
    pub(super) fn fails_this_patch(&self) -> bool {
        self.patch_failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    pub(super) fn fail_rate(&self) -> f64 {
        f64::from_bits(self.fail_rate_bits.load(Ordering::Relaxed))
    }

    pub(super) fn record(&self, r: RecordedRequest) {
        let mut rec = lock(&self.requests);
        rec.bytes += r.size();
        rec.queue.push_back(r);
        while rec.queue.len() > MAX_RECORDED || rec.bytes > MAX_RECORDED_BYTES {
            match rec.queue.pop_front() {
                Some(old) => rec.bytes -= old.size(),
                None => break,
            }
        }
    }

    pub(super) fn read(&self) -> std::sync::RwLockReadGuard<'_, store::Store> {
        self.store.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn write(&self) -> std::sync::RwLockWriteGuard<'_, store::Store> {
        self.store.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A request being served; dropping it lets the next one in.
pub(super) struct InflightGuard<'a>(&'a AtomicUsize);

impl Drop for InflightGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
