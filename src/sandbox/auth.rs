//! Signature verification, exactly as partner-api.md defines it, with a replay (nonce) cache.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use axum::http::HeaderMap;

use crate::api::sign::{Payload, SignedHeaders};

/// How far the `date` header may be from the server clock.
pub const MAX_SKEW: Duration = Duration::from_secs(300);
/// How long a nonce is remembered.
pub const NONCE_TTL: Duration = Duration::from_secs(600);
/// Longer nonces are refused (a UUID is 36 characters), which bounds the cache's memory.
const MAX_NONCE_LEN: usize = 128;

/// Nonces seen in the last [`NONCE_TTL`], oldest first.
#[derive(Default)]
pub struct NonceCache {
    seen: HashMap<String, Instant>,
    order: VecDeque<(Instant, String)>,
}

impl NonceCache {
    /// Records `nonce`; false when it was already seen within the TTL.
    pub fn insert(&mut self, nonce: &str, now: Instant) -> bool {
        self.prune(now);
        if self.seen.contains_key(nonce) {
            return false;
        }
        self.seen.insert(nonce.to_string(), now);
        self.order.push_back((now, nonce.to_string()));
        true
    }

    fn prune(&mut self, now: Instant) {
        while let Some((t, _)) = self.order.front() {
            if now.duration_since(*t) < NONCE_TTL {
                break;
            }
            if let Some((_, n)) = self.order.pop_front() {
                self.seen.remove(&n);
            }
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.seen.len()
    }
}

/// What the server knows to check a request.
pub struct Credentials<'a> {
    pub token: &'a str,
    pub secret: &'a str,
    /// The server's clock, which a request's date must be near.
    pub now: SystemTime,
}

/// The checks that need no body: headers present, token known, date fresh, nonce well
/// formed. A request failing them is refused before its body is read.
pub fn precheck(creds: &Credentials<'_>, headers: &HeaderMap) -> Result<(), String> {
    let h = signed_headers(headers)?;
    if !constant_time_eq(h.token.as_bytes(), creds.token.as_bytes()) {
        return Err("Unknown API token".into());
    }
    let sent = httpdate::parse_http_date(h.date)
        .map_err(|_| "Malformed date header: expected an IMF-fixdate".to_string())?;
    let now = creds.now;
    let skew = now
        .duration_since(sent)
        .or_else(|_| sent.duration_since(now))
        .unwrap_or_default();
    if skew > MAX_SKEW {
        return Err(format!(
            "Request date is {} s away from the server clock (at most {} s allowed)",
            skew.as_secs(),
            MAX_SKEW.as_secs()
        ));
    }
    if h.nonce.is_empty() || h.nonce.len() > MAX_NONCE_LEN {
        return Err("Malformed x-alg-nonce header".into());
    }
    Ok(())
}

struct Signed<'a> {
    token: &'a str,
    date: &'a str,
    nonce: &'a str,
    signature: &'a str,
}

fn signed_headers(headers: &HeaderMap) -> Result<Signed<'_>, String> {
    let header = |name: &str| -> Result<&str, String> {
        headers
            .get(name)
            .ok_or_else(|| format!("Missing {name} header"))?
            .to_str()
            .map_err(|_| format!("Malformed {name} header"))
    };
    Ok(Signed {
        token: header("authorization")?,
        date: header("date")?,
        nonce: header("x-alg-nonce")?,
        signature: header("x-alg-signature")?,
    })
}

/// Checks one request. `url` is the path and query exactly as received (minus the mount
/// prefix), `body` the raw body. The error is the 401 message.
pub fn verify(
    creds: &Credentials<'_>,
    nonces: &std::sync::Mutex<NonceCache>,
    method: &str,
    url: &str,
    headers: &HeaderMap,
    body: &str,
) -> Result<(), String> {
    precheck(creds, headers)?;
    let h = signed_headers(headers)?;
    let payload = Payload {
        url,
        method,
        headers: SignedHeaders {
            authorization: h.token,
            date: h.date,
            nonce: h.nonce,
        },
        body,
    };
    if !payload.verify(creds.secret, h.signature) {
        return Err("Invalid signature".into());
    }
    // Only a correctly signed request may use up a nonce.
    let fresh = nonces
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(h.nonce, Instant::now());
    if !fresh {
        return Err("Nonce already used".into());
    }
    Ok(())
}

/// Compares two byte strings without an early exit on the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_rejected_when_reused_and_forgotten_after_the_ttl() {
        let mut c = NonceCache::default();
        let t0 = Instant::now();
        assert!(c.insert("a", t0));
        assert!(!c.insert("a", t0 + Duration::from_secs(599)));
        assert!(c.insert("b", t0 + Duration::from_secs(10)));
        assert!(c.insert("a", t0 + NONCE_TTL));
        assert_eq!(
            c.len(),
            2,
            "the old `a` was pruned, `b` and the new `a` remain"
        );
        assert!(c.insert("c", t0 + NONCE_TTL * 3));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
