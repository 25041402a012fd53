//! `prospect config check`: where each setting came from, then one signed request, and the
//! exact cause when it fails (unreachable, TLS, 401 and its likely reason, clock skew).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use super::failure::Failure;
use crate::api::{ApiClient, ApiError, ClientConfig};
use crate::config::{self, Explained, Origin, Overrides, Settings, Source};
use crate::text::escape_control;

/// A clock further than this from the server's is the usual cause of a 401 for signed
/// requests (servers refuse a date too far from theirs; the sandbox allows 300 s).
pub const SKEW_WARNING_SECS: i64 = 60;

/// Runs the check for the profile the flags and environment select; exit codes as for any
/// command: 2 configuration, 4 refused (401/403), 1 unreachable, TLS or anything else.
pub fn check(flags: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<(), Failure> {
    let explained = config::explain(flags, env)?;
    for w in &explained.warnings {
        eprintln!("prospect: warning: {}", escape_control(w));
    }
    let _ = write!(super::out::stdout(), "{}", describe(&explained, flags, env));
    let settings = explained.settings?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::other(format!("Cannot start the async runtime: {e}")))?;
    let probe = runtime.block_on(probe(&settings))?;
    let skew = probe.skew_secs();
    if let Some(line) = skew.map(skew_sentence) {
        let _ = writeln!(super::out::stdout(), "{line}");
    }
    match probe.result {
        Ok(total) => {
            let _ = writeln!(
                super::out::stdout(),
                "OK: profile {} answered a signed request in {} ms ({total} prospects).",
                settings.profile,
                probe.elapsed.as_millis()
            );
            Ok(())
        }
        Err(e) => Err(diagnose(e, &explained.origins, skew)),
    }
}

/// The config file and the table of settings, each with its source.
fn describe(e: &Explained, flags: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> String {
    let file = match (&e.path, config::config_path(flags, env)) {
        (Some(p), _) => p.display().to_string(),
        (None, Some(p)) => format!("none ({} does not exist)", p.display()),
        (None, None) => "none".into(),
    };
    let mut out = format!("Config file: {}\n\n", escape_control(&file));
    let width = e.origins.iter().map(|o| o.shown.len()).max().unwrap_or(0);
    for o in &e.origins {
        out.push_str(&format!(
            "  {:<16} {:<width$}  {}\n",
            o.name,
            escape_control(&o.shown),
            escape_control(&o.source.to_string())
        ));
    }
    out.push('\n');
    out
}

/// What the one request showed.
struct Probe {
    /// The total number of prospects, or the error.
    result: Result<u64, ApiError>,
    /// When it was sent, by this machine's clock.
    sent: SystemTime,
    elapsed: Duration,
    /// The server's `Date`, when it sent one.
    server_date: Option<SystemTime>,
}

impl Probe {
    /// Server clock minus this machine's at the middle of the request, in whole seconds.
    fn skew_secs(&self) -> Option<i64> {
        // `Date` has whole seconds: the server's time lies anywhere in the second it names.
        let server = self.server_date? + Duration::from_millis(500);
        let local = self.sent + self.elapsed / 2;
        let secs = |d: Duration| i64::try_from(d.as_secs_f64().round() as u64).unwrap_or(i64::MAX);
        Some(match server.duration_since(local) {
            Ok(ahead) => secs(ahead),
            Err(behind) => -secs(behind.duration()),
        })
    }
}

/// One signed list request (a page of one), not retried, with the server's `Date` noted.
async fn probe(s: &Settings) -> Result<Probe, Failure> {
    let mut cfg = ClientConfig::new(&s.base_url, &s.token, &s.secret, &s.profile);
    cfg.timeout = s.timeout;
    cfg.connect_timeout = s.connect_timeout;
    cfg.max_retries = 0;
    let seen: Arc<Mutex<Option<SystemTime>>> = Arc::default();
    let client = ApiClient::new(cfg)?.with_date_observer({
        let seen = seen.clone();
        Arc::new(move |d| {
            if let Ok(mut s) = seen.lock() {
                *s = Some(d);
            }
        })
    });
    let sent = SystemTime::now();
    let started = Instant::now();
    let result = client.list(None, 1, 1).await.map(|p| p.meta.total_items);
    let elapsed = started.elapsed();
    let server_date = seen.lock().ok().and_then(|s| *s);
    Ok(Probe {
        result,
        sent,
        elapsed,
        server_date,
    })
}

/// "Clock: the server's clock is 2 s ahead of this machine's." and, over a minute, why that
/// matters.
fn skew_sentence(skew: i64) -> String {
    let n = skew.unsigned_abs();
    let line = match skew {
        // The `Date` header's resolution is a second: no closer can be told.
        -1..=1 => {
            "Clock: this machine's clock agrees with the server's (within a second).".to_string()
        }
        s if s > 0 => format!("Clock: the server's clock is {n} s ahead of this machine's."),
        _ => format!("Clock: the server's clock is {n} s behind this machine's."),
    };
    if skew.abs() > SKEW_WARNING_SECS {
        format!(
            "{line}\nwarning: a clock more than {SKEW_WARNING_SECS} s off is the usual cause of a 401: every request is signed with this machine's time, and servers refuse a date too far from theirs; set the clock right (e.g. turn on NTP)."
        )
    } else {
        line
    }
}

/// The failure as the exact cause a person can act on.
fn diagnose(e: ApiError, origins: &[Origin], skew: Option<i64>) -> Failure {
    let from = |name: &str| {
        origins
            .iter()
            .find(|o| o.name == name)
            .map_or(Source::Default, |o| o.source.clone())
    };
    let code = e.exit_code();
    let message = match &e {
        ApiError::Unauthorized { detail, .. } => {
            let said = if detail.is_empty() {
                String::new()
            } else {
                format!(": \"{detail}\"")
            };
            let wrong = format!(
                "a wrong token or secret (token from {}, secret from {})",
                from("token"),
                from("secret")
            );
            let likely = match skew {
                Some(s) if s.abs() > SKEW_WARNING_SECS => format!(
                    "this machine's clock is {} s {} the server's; if the clock is right, {wrong}",
                    s.unsigned_abs(),
                    if s > 0 { "behind" } else { "ahead of" }
                ),
                _ => wrong,
            };
            format!("The server refused the signed request (401{said}). Likely cause: {likely}")
        }
        ApiError::Forbidden { .. } => format!(
            "{e}: the token is known but may not list prospects (token from {})",
            from("token")
        ),
        ApiError::Connection { host, detail } => {
            let url = from("base_url");
            match connection_cause(detail) {
                Cause::Tls => format!(
                    "TLS failed with {host}: {detail} (the certificate is not trusted, or the server does not speak https at this address; base_url from {url})"
                ),
                Cause::Dns => format!(
                    "Unreachable: the name {host} cannot be resolved ({detail}); check base_url (from {url})"
                ),
                Cause::Refused => format!(
                    "Unreachable: nothing accepts connections at {host} ({detail}); check base_url (from {url}) and that the API is up"
                ),
                Cause::Other => format!(
                    "Unreachable: {host} ({detail}); check base_url (from {url}) and the network"
                ),
            }
        }
        ApiError::Timeout { host, secs } => format!(
            "Unreachable: no answer from {host} within {secs} s; check base_url (from {}) and the network",
            from("base_url")
        ),
        _ => e.to_string(),
    };
    Failure { code, message }
}

/// Why a connection could not be made.
#[derive(Debug, PartialEq, Eq)]
enum Cause {
    Tls,
    Dns,
    Refused,
    Other,
}

/// The transport's innermost message, sorted: rustls, the resolver and the OS word them.
fn connection_cause(detail: &str) -> Cause {
    let d = detail.to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| d.contains(w));
    if any(&[
        "certificate",
        "tls",
        "handshake",
        "corrupt message",
        "invalidcontenttype",
        "peer sent",
        "alert",
    ]) {
        Cause::Tls
    } else if any(&[
        "dns",
        "lookup",
        "resolve",
        "name or service not known",
        "no address",
    ]) {
        Cause::Dns
    } else if any(&["refused"]) {
        Cause::Refused
    } else {
        Cause::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_sorted_from_the_transport_s_words() {
        assert_eq!(
            connection_cause("Connection refused (os error 111)"),
            Cause::Refused
        );
        assert_eq!(
            connection_cause("failed to lookup address information: Name or service not known"),
            Cause::Dns
        );
        assert_eq!(
            connection_cause("invalid peer certificate: UnknownIssuer"),
            Cause::Tls
        );
        assert_eq!(connection_cause("network unreachable"), Cause::Other);
    }

    #[test]
    fn a_skew_over_a_minute_is_warned_about() {
        assert!(!skew_sentence(59).contains("warning"));
        let s = skew_sentence(-120);
        assert!(s.starts_with("Clock: the server's clock is 120 s behind this machine's."));
        assert!(s.contains("usual cause of a 401"));
    }
}
