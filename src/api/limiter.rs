//! One adaptive limit on the requests an [`ApiClient`](super::ApiClient) has in flight,
//! shared by all its clones: scans, batches and single requests draw from the same permits,
//! so the client as a whole finds the rate the server accepts instead of assuming it.
//!
//! - **AIMD** ([`Aimd`]): the limit starts at the configured concurrency, is halved on a 429
//!   (never below 1; once per burst: a 429 for a request sent before the last cut does not cut
//!   again) and grows by one after a run of successes, back up to the configured value. Once
//!   every request that was in flight at the cut has answered, the limit is also brought down
//!   to how many of them the server took: one burst against a low limit costs one cut and one
//!   `Retry-After`, not three.
//! - **Probing**: after a cut the limit stays at what the cut left for [`PROBE_AFTER`] before it
//!   tries one more (doubling that wait each time the probe is refused), so a limit that holds
//!   is not paid for with a 429 every few requests.
//! - **Pauses**: a `Retry-After` pauses every request of the client until it has passed; then
//!   each waiting request starts after its own random delay (full jitter), never in lock-step.
//!
//! [`Aimd`] and [`backoff`] are pure (time and randomness are passed in), so they are tested
//! with a fake clock; [`Limiter`] wraps them for async callers.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The first retry of a request waits up to this (full jitter), doubling for each retry.
pub const BACKOFF_BASE: Duration = Duration::from_millis(200);
/// No backoff bound grows past this.
pub const BACKOFF_CAP: Duration = Duration::from_secs(10);
/// After a cut, the limit does not grow past it for this long…
pub const PROBE_AFTER: Duration = Duration::from_secs(10);
/// …doubled for each probe the server refused in a row, up to this.
pub const MAX_PROBE_AFTER: Duration = Duration::from_secs(160);
/// Requests that waited out a pause start within this spread of its end.
pub const PAUSE_SPREAD: Duration = Duration::from_millis(100);

/// The upper bound of the wait before retry number `attempt` (0 for the first retry):
/// `base · 2^attempt`, capped.
pub fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let factor = 2u32.saturating_pow(attempt.min(30));
    base.saturating_mul(factor).min(cap)
}

/// Full jitter: a wait drawn uniformly from `[0, bound]`, `unit` being a random draw from
/// `[0, 1)`.
pub fn jitter(bound: Duration, unit: f64) -> Duration {
    bound.mul_f64(unit.clamp(0.0, 1.0))
}

/// [`jitter`] with a fresh random draw.
pub fn random_jitter(bound: Duration) -> Duration {
    jitter(bound, rand::random::<f64>())
}

/// The additive-increase, multiplicative-decrease state of one client's limit. Pure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aimd {
    max: usize,
    limit: usize,
    /// Successes since the limit last changed.
    streak: usize,
    /// Bumped at every cut: a 429 for a request sent in an older epoch does not cut again.
    epoch: u64,
    /// The limit the last cut left, when, and how long before growing past it.
    cut: Option<Cut>,
    /// The requests that were in flight at the last cut, until each has answered.
    settling: Option<Settling>,
    /// Whether this client learned something of the server's limit itself: a cut, or a
    /// probe past the last cut that held (see [`Aimd::learned`]).
    taught: bool,
}

/// The answers still awaited from the requests in flight at a cut, and how many of them the
/// server took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settling {
    awaited: usize,
    taken: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cut {
    to: usize,
    at: Instant,
    hold: Duration,
}

impl Aimd {
    /// A limit of `max` (at least 1).
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Aimd {
            max,
            limit: max,
            streak: 0,
            epoch: 0,
            cut: None,
            settling: None,
            taught: false,
        }
    }

    /// A limit of `max` that starts at `start` when that is lower: the limit a server taught
    /// an earlier client. It starts as if a cut had just brought it there at `now`, so it
    /// probes upward as after any cut ([`PROBE_AFTER`]) and finds a server that raised its
    /// limit.
    pub fn remembered(max: usize, start: usize, now: Instant) -> Self {
        let mut a = Aimd::new(max);
        let start = start.max(1);
        if start < a.max {
            a.limit = start;
            a.cut = Some(Cut {
                to: start,
                at: now,
                hold: PROBE_AFTER,
            });
        }
        a
    }

    /// The server's limit as far as this client has learned it (a 429 cut it, or a probe
    /// past the last cut held): the requests the server takes at a time, the configured
    /// concurrency when the limit grew back there. `None` when nothing was learned: no 429
    /// and no probe that held (a limit only remembered is not learned again).
    pub fn learned(&self) -> Option<usize> {
        if !self.taught {
            return None;
        }
        if self.limit >= self.max {
            return Some(self.max);
        }
        Some(self.cut.map_or(self.limit, |c| c.to.min(self.limit).max(1)))
    }

    /// Requests allowed in flight now.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The configured concurrency the limit grows back to.
    pub fn max(&self) -> usize {
        self.max
    }

    /// The epoch a request sent now belongs to.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// A new configured concurrency: the limit starts there unless the server has cut it.
    pub fn set_max(&mut self, max: usize) {
        self.max = max.max(1);
        self.limit = match self.cut {
            None => self.max,
            Some(_) => self.limit.min(self.max),
        };
    }

    /// A request sent in `epoch` was answered 429 at `now`, while `others` of our requests
    /// were still in flight. True when this cut the limit.
    pub fn throttled(&mut self, epoch: u64, others: usize, now: Instant) -> bool {
        if epoch + 1 == self.epoch {
            return self.settle_one(false);
        }
        if epoch != self.epoch {
            return false;
        }
        let to = self.limit.div_ceil(2).max(1);
        // A probe past the last cut that is refused waits twice as long before the next.
        let hold = match self.cut {
            Some(c) if self.limit > c.to => (c.hold * 2).min(MAX_PROBE_AFTER),
            Some(c) if to >= c.to => c.hold,
            _ => PROBE_AFTER,
        };
        self.limit = to;
        self.epoch += 1;
        self.streak = 0;
        self.taught = true;
        self.cut = Some(Cut { to, at: now, hold });
        self.settling = (others > 0).then_some(Settling {
            awaited: others,
            taken: 0,
        });
        true
    }

    /// A request sent in `epoch` ended without a verdict (an error other than a 429).
    pub fn released(&mut self, epoch: u64) -> bool {
        epoch + 1 == self.epoch && self.settle_one(false)
    }

    /// One of the requests in flight at the last cut has answered (`taken`: the server took
    /// it). Once all have, the limit is at most how many the server took. True when that
    /// lowered it.
    fn settle_one(&mut self, taken: bool) -> bool {
        let Some(st) = &mut self.settling else {
            return false;
        };
        st.awaited = st.awaited.saturating_sub(1);
        st.taken += usize::from(taken);
        if st.awaited > 0 {
            return false;
        }
        let taken = st.taken.max(1);
        self.settling = None;
        if taken >= self.limit {
            return false;
        }
        self.limit = taken;
        if let Some(c) = &mut self.cut {
            c.to = taken;
        }
        true
    }

    /// A request sent in `epoch` succeeded at `now`. True when this changed the limit.
    pub fn succeeded(&mut self, epoch: u64, now: Instant) -> bool {
        if epoch + 1 == self.epoch && self.settling.is_some() {
            return self.settle_one(true);
        }
        if self.limit >= self.max {
            self.streak = 0;
            return false;
        }
        self.streak += 1;
        // One window: as many successes in a row as requests are allowed in flight.
        if self.streak < self.limit {
            return false;
        }
        if let Some(c) = self.cut
            && self.limit >= c.to
            && now < c.at + c.hold
        {
            return false;
        }
        self.limit += 1;
        self.streak = 0;
        if let Some(c) = &mut self.cut
            && self.limit > c.to + 1
        {
            // The probe held for a whole window: the server takes at least this.
            c.to = self.limit - 1;
            self.taught = true;
        }
        if self.limit >= self.max && self.cut.is_some() {
            // Back at the configured value after a cut: the server takes all it is asked.
            self.taught = true;
        }
        true
    }
}

/// "server limit: 2 requests at a time".
pub fn limit_sentence(limit: usize) -> String {
    let requests = if limit == 1 { "request" } else { "requests" };
    format!("server limit: {limit} {requests} at a time")
}

/// The limiter of one client and all its clones.
#[derive(Debug)]
pub struct Limiter {
    inner: Mutex<Inner>,
    changed: Notify,
}

#[derive(Debug)]
struct Inner {
    aimd: Aimd,
    inflight: usize,
    paused_until: Option<Instant>,
}

/// What an answered request tells the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx (or any answer that says nothing about load).
    Success,
    /// A 429, with the `Retry-After` wait to pause every request for (if any).
    Throttled { pause: Option<Duration> },
    /// Anything else: released without a verdict.
    Other,
}

/// A place in flight. Dropping it releases the place without a verdict.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a Limiter,
    epoch: u64,
    released: bool,
}

impl Permit<'_> {
    /// Releases the place and tells the limiter how the request went. True when this
    /// changed the limit.
    pub fn answered(mut self, answer: Answer) -> bool {
        self.released = true;
        self.limiter.release(self.epoch, answer)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.released {
            self.limiter.release(self.epoch, Answer::Other);
        }
    }
}

impl Limiter {
    /// A limiter allowing `max` requests in flight (at least 1).
    pub fn new(max: usize) -> Self {
        Self::starting_at(max, None)
    }

    /// A limiter allowing `max` requests in flight that starts at `start` when that is
    /// lower (a limit remembered from an earlier client, see [`Aimd::remembered`]).
    pub fn starting_at(max: usize, start: Option<usize>) -> Self {
        let aimd = match start {
            Some(start) => Aimd::remembered(max, start, Instant::now()),
            None => Aimd::new(max),
        };
        Limiter {
            inner: Mutex::new(Inner {
                aimd,
                inflight: 0,
                paused_until: None,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the configured concurrency (a command's `--concurrency`).
    pub fn set_max(&self, max: usize) {
        self.lock().aimd.set_max(max);
        self.changed.notify_waiters();
    }

    /// `(limit now, configured)`.
    pub fn limits(&self) -> (usize, usize) {
        let g = self.lock();
        (g.aimd.limit(), g.aimd.max())
    }

    /// What this client learned of the server's limit ([`Aimd::learned`]).
    pub fn learned(&self) -> Option<usize> {
        self.lock().aimd.learned()
    }

    /// The limit when the server has made the client slow down below its configuration.
    pub fn reduced(&self) -> Option<usize> {
        let (limit, max) = self.limits();
        (limit < max).then_some(limit)
    }

    /// "server limit: 2 requests at a time" while the limit is below the configured value.
    pub fn slowed_down(&self) -> Option<String> {
        self.reduced().map(limit_sentence)
    }

    /// Holds every request back until `wait` from now has passed (a `Retry-After`).
    pub fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut g = self.lock();
        if g.paused_until.is_none_or(|u| u < until) {
            g.paused_until = Some(until);
        }
    }

    /// Waits for a place in flight: until no pause holds and fewer than the limit are out.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let paused = {
                let mut g = self.lock();
                let now = Instant::now();
                match g.paused_until {
                    Some(until) if until > now => Some(until),
                    _ => {
                        if g.inflight < g.aimd.limit() {
                            g.inflight += 1;
                            return Permit {
                                limiter: self,
                                epoch: g.aimd.epoch(),
                                released: false,
                            };
                        }
                        None
                    }
                }
            };
            match paused {
                // Each waiter starts at its own moment after the pause: no lock-step burst.
                Some(until) => tokio::time::sleep_until(until + random_jitter(PAUSE_SPREAD)).await,
                None => notified.await,
            }
        }
    }

    fn release(&self, epoch: u64, answer: Answer) -> bool {
        let changed = {
            let mut g = self.lock();
            g.inflight = g.inflight.saturating_sub(1);
            let now = Instant::now();
            match answer {
                Answer::Success => g.aimd.succeeded(epoch, now),
                Answer::Throttled { pause } => {
                    if let Some(wait) = pause {
                        let until = now + wait;
                        if g.paused_until.is_none_or(|u| u < until) {
                            g.paused_until = Some(until);
                        }
                    }
                    let others = g.inflight;
                    g.aimd.throttled(epoch, others, now)
                }
                Answer::Other => g.aimd.released(epoch),
            }
        };
        self.changed.notify_waiters();
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Instant {
        Instant::now()
    }

    #[test]
    fn a_429_halves_the_limit_once_per_burst_and_never_below_one() {
        let now = t0();
        let mut a = Aimd::new(8);
        let burst = a.epoch();
        assert!(a.throttled(burst, 0, now));
        assert_eq!(a.limit(), 4);
        // The rest of the same burst's 429s do not halve again.
        assert!(!a.throttled(burst, 0, now));
        assert!(!a.throttled(burst, 0, now));
        assert_eq!(a.limit(), 4);
        for _ in 0..5 {
            let e = a.epoch();
            a.throttled(e, 0, now);
        }
        assert_eq!(a.limit(), 1, "never below one");
    }

    #[test]
    fn once_the_burst_has_answered_the_limit_is_what_the_server_took() {
        let now = t0();
        let mut a = Aimd::new(8);
        let burst = a.epoch();
        // Seven sent at once; a 429 arrives while six are still out: halved to 4.
        assert!(a.throttled(burst, 6, now));
        assert_eq!(a.limit(), 4);
        // Of the six, the server took two and refused four.
        assert!(!a.throttled(burst, 5, now));
        assert!(!a.succeeded(burst, now));
        assert!(!a.throttled(burst, 3, now));
        assert!(!a.released(burst), "a 500 says nothing of the limit");
        assert!(!a.succeeded(burst, now));
        assert_eq!(a.limit(), 4, "not settled until all six have answered");
        assert!(a.throttled(burst, 0, now), "the last one settles it");
        assert_eq!(a.limit(), 2);
        // Later answers of that burst change nothing.
        assert!(!a.succeeded(burst, now));
        assert_eq!(a.limit(), 2);
    }

    #[test]
    fn a_burst_that_took_more_than_the_halved_limit_keeps_the_halving() {
        let now = t0();
        let mut a = Aimd::new(8);
        let burst = a.epoch();
        assert!(a.throttled(burst, 5, now));
        for _ in 0..5 {
            a.succeeded(burst, now);
        }
        assert_eq!(
            a.limit(),
            4,
            "AIMD halves; the evidence only lowers it further"
        );
    }

    #[test]
    fn the_limit_grows_by_one_per_window_of_successes_back_to_the_configured_value() {
        let now = t0();
        let mut a = Aimd::new(4);
        a.throttled(a.epoch(), 0, now);
        assert_eq!(a.limit(), 2);
        let e = a.epoch();
        // Within the hold after the cut, successes do not grow past it.
        for _ in 0..100 {
            assert!(!a.succeeded(e, now + Duration::from_secs(1)));
        }
        assert_eq!(a.limit(), 2);
        let later = now + PROBE_AFTER;
        // The streak already covers a window: the first success after the hold grows it.
        assert!(a.succeeded(e, later));
        assert_eq!(a.limit(), 3);
        // Then one window (3 successes) per step, up to the configured 4 and no further.
        assert!(!a.succeeded(e, later));
        assert!(!a.succeeded(e, later));
        assert!(a.succeeded(e, later));
        assert_eq!(a.limit(), 4);
        for _ in 0..20 {
            assert!(!a.succeeded(e, later));
        }
        assert_eq!(a.limit(), 4);
    }

    #[test]
    fn a_refused_probe_doubles_the_hold_before_the_next() {
        let now = t0();
        let mut a = Aimd::new(4);
        a.throttled(a.epoch(), 0, now);
        assert_eq!(a.limit(), 2);
        let t1 = now + PROBE_AFTER;
        let e = a.epoch();
        a.succeeded(e, t1);
        a.succeeded(e, t1);
        assert_eq!(a.limit(), 3, "probes one more after the hold");
        // The probe is refused: back to 2, and the next probe waits twice as long.
        assert!(a.throttled(a.epoch(), 0, t1));
        assert_eq!(a.limit(), 2);
        let e = a.epoch();
        let t2 = t1 + PROBE_AFTER;
        for _ in 0..10 {
            a.succeeded(e, t2);
        }
        assert_eq!(a.limit(), 2, "held for {:?}", PROBE_AFTER * 2);
        let t3 = t1 + PROBE_AFTER * 2;
        a.succeeded(e, t3);
        assert_eq!(a.limit(), 3);
    }

    #[test]
    fn a_new_configured_value_applies_until_the_server_cuts() {
        let mut a = Aimd::new(4);
        a.set_max(8);
        assert_eq!((a.limit(), a.max()), (8, 8));
        a.throttled(a.epoch(), 0, t0());
        a.set_max(16);
        assert_eq!((a.limit(), a.max()), (4, 16), "a cut limit stays cut");
        a.set_max(2);
        assert_eq!((a.limit(), a.max()), (2, 2));
    }

    #[test]
    fn a_remembered_limit_starts_low_and_still_probes_upward() {
        let now = t0();
        let mut a = Aimd::remembered(8, 2, now);
        assert_eq!((a.limit(), a.max()), (2, 8));
        assert_eq!(a.learned(), None, "remembered, not learned again");
        // A scan's --concurrency does not lift it.
        a.set_max(8);
        assert_eq!(a.limit(), 2);
        let e = a.epoch();
        for _ in 0..50 {
            a.succeeded(e, now + Duration::from_secs(1));
        }
        assert_eq!(a.limit(), 2, "holds for the probe wait");
        assert_eq!(a.learned(), None);
        // After it, a server that raised its limit is found one step a window at a time.
        let later = now + PROBE_AFTER;
        for _ in 0..100 {
            a.succeeded(e, later);
        }
        assert_eq!(a.limit(), 8);
        assert_eq!(a.learned(), Some(8), "the server takes all it is asked");
    }

    #[test]
    fn a_remembered_limit_at_or_above_the_configured_one_changes_nothing() {
        let a = Aimd::remembered(2, 4, t0());
        assert_eq!(a, Aimd::new(2));
        let a = Aimd::remembered(4, 0, t0());
        assert_eq!(a.limit(), 1, "never below one");
    }

    #[test]
    fn what_a_cut_teaches_is_the_limit_the_server_took() {
        let now = t0();
        let mut a = Aimd::new(8);
        assert_eq!(a.learned(), None);
        let burst = a.epoch();
        a.throttled(burst, 3, now);
        assert_eq!(a.learned(), Some(4));
        a.succeeded(burst, now);
        a.succeeded(burst, now);
        a.throttled(burst, 0, now);
        assert_eq!(a.learned(), Some(2), "settled at what the server took");
        // A refused probe from a remembered limit teaches it again.
        let mut r = Aimd::remembered(8, 3, now);
        r.throttled(r.epoch(), 0, now);
        assert_eq!(r.learned(), Some(2));
    }

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let b = |n| backoff(n, BACKOFF_BASE, BACKOFF_CAP);
        assert_eq!(b(0), Duration::from_millis(200));
        assert_eq!(b(1), Duration::from_millis(400));
        assert_eq!(b(2), Duration::from_millis(800));
        assert_eq!(b(5), Duration::from_millis(6400));
        assert_eq!(b(6), BACKOFF_CAP);
        assert_eq!(b(u32::MAX), BACKOFF_CAP, "no overflow");
    }

    #[test]
    fn full_jitter_spreads_over_the_whole_bound() {
        let bound = Duration::from_millis(800);
        assert_eq!(jitter(bound, 0.0), Duration::ZERO);
        assert_eq!(jitter(bound, 0.5), Duration::from_millis(400));
        assert!(jitter(bound, 0.999_999) <= bound);
        assert_eq!(jitter(bound, 7.0), bound, "a draw out of range is clamped");
        let draws: Vec<Duration> = (0..200).map(|_| random_jitter(bound)).collect();
        assert!(draws.iter().all(|d| *d <= bound));
        // Spread, not lock-step: draws from both halves of the range.
        assert!(draws.iter().any(|d| *d < bound / 2));
        assert!(draws.iter().any(|d| *d > bound / 2));
    }

    #[tokio::test(start_paused = true)]
    async fn permits_wait_for_the_limit_and_a_pause_holds_everyone() {
        let l = Limiter::new(2);
        let a = l.acquire().await;
        let b = l.acquire().await;
        // A third waits until a place is released.
        let third = tokio::time::timeout(Duration::from_millis(10), l.acquire()).await;
        assert!(third.is_err(), "only two in flight");
        // A 429 with Retry-After: 1 cuts to 1 and pauses all.
        assert!(b.answered(Answer::Throttled {
            pause: Some(Duration::from_secs(1))
        }));
        a.answered(Answer::Success);
        assert_eq!(l.limits(), (1, 2));
        let started = Instant::now();
        let c = l.acquire().await;
        let waited = started.elapsed();
        assert!(waited >= Duration::from_secs(1), "{waited:?}");
        assert!(
            waited <= Duration::from_secs(1) + PAUSE_SPREAD,
            "{waited:?}"
        );
        assert_eq!(l.reduced(), Some(1));
        assert_eq!(l.learned(), Some(1));
        drop(c);
    }

    #[tokio::test(start_paused = true)]
    async fn a_limiter_started_at_a_remembered_limit_holds_to_it() {
        let l = Limiter::starting_at(8, Some(2));
        assert_eq!(l.limits(), (2, 8));
        let _a = l.acquire().await;
        let _b = l.acquire().await;
        let third = tokio::time::timeout(Duration::from_millis(10), l.acquire()).await;
        assert!(third.is_err(), "only the two remembered");
        assert_eq!(l.learned(), None);
        assert_eq!(Limiter::starting_at(8, None).limits(), (8, 8));
    }
}
