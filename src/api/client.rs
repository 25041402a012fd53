//! The async, typed Partner API client: every request signed, sent exactly as signed.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};
use url::Url;

use super::error::{ApiError, parse_messages};
use super::limiter::{self, Answer, Limiter};
use super::model::PatchBody;
use super::model::{Page, Prospect};
use super::sign::{Payload, SignedHeaders, http_date};
use super::target;
use crate::text::cut_server_text;

/// Everything the client needs to talk to one API.
#[derive(Clone)]
pub struct ClientConfig {
    /// Base URL, possibly with a path prefix (`https://api.example.test/partner`).
    pub base_url: String,
    pub token: String,
    pub secret: String,
    /// Profile name, used in error sentences.
    pub profile: String,
    pub connect_timeout: Duration,
    /// Total time for one attempt.
    pub timeout: Duration,
    /// Retries for idempotent requests (GET); a PATCH is never retried here (see
    /// `batch::run::patch_once_known` for how a lost PATCH answer is found out).
    pub max_retries: u32,
    /// Requests in flight at once, for the client and all its clones (config `concurrency`):
    /// where the adaptive limit starts and what it grows back to.
    pub concurrency: usize,
    /// Where the adaptive limit starts when lower than `concurrency`: the limit a server
    /// taught an earlier client (remembered by the caller; this module keeps no files). The
    /// limit still probes upward from there as after any cut. See [`ApiClient::learned_limit`].
    pub start_limit: Option<usize>,
    /// The longest `Retry-After` the client will wait before retrying, and the cap of the
    /// backoff between retries.
    pub max_retry_wait: Duration,
    /// The bound of the first retry's random wait (full jitter), doubled for each retry.
    pub retry_base: Duration,
    /// Responses larger than this are refused.
    pub max_response_bytes: usize,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("secret", &"<redacted>")
            .field("profile", &self.profile)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// A config with the default timeouts and limits.
    pub fn new(base_url: &str, token: &str, secret: &str, profile: &str) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token: token.into(),
            secret: secret.into(),
            profile: profile.into(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_retries: 5,
            concurrency: 4,
            start_limit: None,
            max_retry_wait: limiter::BACKOFF_CAP,
            retry_base: limiter::BACKOFF_BASE,
            max_response_bytes: 16 * 1024 * 1024,
        }
    }
}

const USER_AGENT: &str = concat!("prospect/", env!("CARGO_PKG_VERSION"));

/// Called before a GET is retried: the error that caused it and the wait before the retry.
pub type RetryObserver = Arc<dyn Fn(&ApiError, Duration) + Send + Sync>;

/// Called with the server's clock, from the `Date` header of each answer that has one.
pub type DateObserver = Arc<dyn Fn(SystemTime) + Send + Sync>;

/// A signed client for the personal prospects endpoints.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    /// Shared by every clone: one adaptive limit for the whole client.
    limiter: Arc<Limiter>,
    on_retry: Option<RetryObserver>,
    on_date: Option<DateObserver>,
    /// `scheme://host[:port]`
    origin: String,
    /// The base URL's own path, without a trailing slash ("" or "/partner").
    prefix: String,
    host: String,
    /// The port, explicit or the scheme's default.
    port: u16,
    cfg: ClientConfig,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient").field("cfg", &self.cfg).finish()
    }
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

impl ApiClient {
    /// Checks the base URL and builds the HTTP client.
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        let base = Url::parse(cfg.base_url.trim()).map_err(|e| {
            ApiError::Config(format!(
                "The base URL {:?} is not a valid URL ({e})",
                cfg.base_url
            ))
        })?;
        let host = base
            .host()
            .ok_or_else(|| ApiError::Config(format!("The base URL {base} has no host")))?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(ApiError::Config(format!(
                    "Refusing plain http:// to {host}: use https:// (plain http is allowed only to loopback addresses)"
                )));
            }
            other => {
                return Err(ApiError::Config(format!(
                    "The base URL must start with https:// (got {other}://)"
                )));
            }
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(ApiError::Config(
                "The base URL must not carry a query or fragment".into(),
            ));
        }
        let host_str = host.to_string();
        let origin = match base.port() {
            Some(p) => format!("{}://{}:{p}", base.scheme(), host_str),
            None => format!("{}://{}", base.scheme(), host_str),
        };
        let prefix = base.path().trim_end_matches('/').to_string();
        let mut builder = reqwest::Client::builder();
        if base.scheme() == "http" {
            // Plain http to loopback never needs TLS: skip loading the system's root
            // certificates (milliseconds at start-up, before the first page).
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let http = builder
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Config(format!("Cannot set up the HTTP client: {e}")))?;
        Ok(ApiClient {
            http,
            limiter: Arc::new(Limiter::starting_at(cfg.concurrency, cfg.start_limit)),
            on_retry: None,
            on_date: None,
            origin,
            prefix,
            host: base.host_str().unwrap_or_default().to_string(),
            port: base.port_or_known_default().unwrap_or(443),
            cfg,
        })
    }

    /// A client that tells `observer` before each retry (e.g. "Rate limited: retrying in 3 s").
    pub fn with_retry_observer(&self, observer: RetryObserver) -> Self {
        ApiClient {
            on_retry: Some(observer),
            ..self.clone()
        }
    }

    /// A client that tells `observer` before each retry, after any observer it already has.
    pub fn with_added_retry_observer(&self, observer: RetryObserver) -> Self {
        let on_retry: RetryObserver = match &self.on_retry {
            Some(old) => {
                let old = old.clone();
                Arc::new(move |e: &ApiError, wait: Duration| {
                    old(e, wait);
                    observer(e, wait);
                })
            }
            None => observer,
        };
        ApiClient {
            on_retry: Some(on_retry),
            ..self.clone()
        }
    }

    /// A client that tells `observer` the server's `Date` of each answer (clock skew).
    pub fn with_date_observer(&self, observer: DateObserver) -> Self {
        ApiClient {
            on_date: Some(observer),
            ..self.clone()
        }
    }

    /// The adaptive limit this client and its clones share.
    pub fn limiter(&self) -> &Arc<Limiter> {
        &self.limiter
    }

    /// Sets the requests in flight the limit starts from and grows back to (a command's
    /// `--concurrency`), for this client and its clones.
    pub fn set_concurrency(&self, n: usize) {
        self.limiter.set_max(n);
    }

    /// The server's limit as this client and its clones learned it (a 429 made them slow
    /// down, or a probe past the last cut held): the requests the server takes at a time, or
    /// the configured concurrency when the limit grew back there. `None` when nothing was
    /// learned. A caller may remember it and start the next client there
    /// ([`ClientConfig::start_limit`]).
    pub fn learned_limit(&self) -> Option<usize> {
        self.limiter.learned()
    }

    /// "server limit: 2 requests at a time" while the server has made the client slow down.
    pub fn slowed_down(&self) -> Option<String> {
        self.limiter.slowed_down()
    }

    /// The profile this client talks for.
    pub fn profile(&self) -> &str {
        &self.cfg.profile
    }

    /// One page of prospects, optionally filtered by a search over names and emails.
    pub async fn list(
        &self,
        search: Option<&str>,
        page: u64,
        limit: u64,
    ) -> Result<Page, ApiError> {
        let t = target::list(search, page, limit);
        let bytes = self
            .send(Method::GET, &t, None, || {
                "the list endpoint (check the base URL)".into()
            })
            .await?;
        decode(bytes)
    }

    /// One prospect by id.
    pub async fn get(&self, id: &str) -> Result<Prospect, ApiError> {
        let bytes = self
            .send(Method::GET, &target::by_id(id), None, || {
                format!("no prospect with id {id}")
            })
            .await?;
        decode(bytes)
    }

    /// One prospect by the partner's external reference.
    pub async fn get_by_external_ref(&self, reference: &str) -> Result<Prospect, ApiError> {
        let bytes = self
            .send(
                Method::GET,
                &target::by_external_ref(reference),
                None,
                || format!("no prospect with external reference {reference}"),
            )
            .await?;
        decode(bytes)
    }

    /// Sends a minimal PATCH; the response is the full updated record. Never retried.
    pub async fn patch(&self, id: &str, body: &PatchBody) -> Result<Prospect, ApiError> {
        let text = serde_json::to_string(body)
            .map_err(|e| ApiError::Config(format!("Cannot encode the PATCH body: {e}")))?;
        let bytes = self
            .send(Method::PATCH, &target::by_id(id), Some(text), || {
                format!("no prospect with id {id}")
            })
            .await?;
        decode(bytes)
    }

    /// One signed request to any `target` under the base URL (`/v1/…?…`, as signed), for
    /// `prospect api`: the answer as it came, whatever its status. GETs are retried as always;
    /// nothing else is.
    pub async fn raw(
        &self,
        method: &str,
        target: &str,
        body: Option<String>,
    ) -> Result<RawAnswer, ApiError> {
        let method = raw_method(method)?;
        check_raw_target(target)?;
        self.send_answered(method, target, body, || format!("nothing at {target}"))
            .await
    }

    /// The request [`raw`](Self::raw) would send, with the token, the nonce and (unless
    /// `show_signature`) the signature redacted; the secret never appears.
    pub fn dry_run(
        &self,
        method: &str,
        target: &str,
        body: Option<&str>,
        show_signature: bool,
    ) -> Result<DryRun, ApiError> {
        let method = raw_method(method)?;
        check_raw_target(target)?;
        let date = http_date(SystemTime::now());
        let nonce = uuid::Uuid::new_v4().to_string();
        // The payload's JSON over these credentials, or its signature with `secret`.
        let payload = |authorization: &str, nonce: &str, secret: Option<&str>| {
            let p = Payload {
                url: target,
                method: method.as_str(),
                headers: SignedHeaders {
                    authorization,
                    date: &date,
                    nonce,
                },
                body: body.unwrap_or(""),
            };
            match secret {
                Some(secret) => p.sign(secret),
                None => p.to_json(),
            }
        };
        let signature = payload(&self.cfg.token, &nonce, Some(&self.cfg.secret));
        let signature_shown = if show_signature {
            signature
        } else {
            REDACTED.to_string()
        };
        let mut headers = vec![
            ("authorization".to_string(), REDACTED.to_string()),
            ("date".to_string(), date.clone()),
            ("x-alg-nonce".to_string(), REDACTED.to_string()),
            ("x-alg-signature".to_string(), signature_shown.clone()),
            ("accept".to_string(), "application/json".to_string()),
        ];
        if body.is_some() {
            headers.push(("content-type".to_string(), "application/json".to_string()));
        }
        Ok(DryRun {
            method: method.to_string(),
            url: format!("{}{}{}", self.origin, self.prefix, target),
            headers,
            payload: payload(REDACTED, REDACTED, None),
            signature: show_signature.then_some(signature_shown),
        })
    }

    /// Sends one request (with retries for GET) and returns the body of a 2xx answer.
    /// Every attempt holds a place of the client's [`Limiter`]; its answer tells the limiter
    /// (a 429 cuts the limit and pauses every request for its `Retry-After`). `timeout`
    /// bounds the whole call from its first attempt on: every attempt and every wait between.
    async fn send(
        &self,
        method: Method,
        target: &str,
        body: Option<String>,
        not_found: impl Fn() -> String,
    ) -> Result<(u16, Vec<u8>), ApiError> {
        let answer = self.send_answered(method, target, body, not_found).await?;
        match answer.error {
            Some(e) => Err(e),
            None => Ok((answer.status, answer.body)),
        }
    }

    /// As `send`, but an answer that came (2xx or not) is returned whole, its error beside it;
    /// only a request that got no answer is an `Err`.
    async fn send_answered(
        &self,
        method: Method,
        target: &str,
        body: Option<String>,
        not_found: impl Fn() -> String,
    ) -> Result<RawAnswer, ApiError> {
        let retries = if method == Method::GET {
            self.cfg.max_retries
        } else {
            0
        };
        let mut deadline = None;
        let mut attempt = 0;
        loop {
            let permit = self.limiter.acquire().await;
            let deadline =
                *deadline.get_or_insert_with(|| tokio::time::Instant::now() + self.cfg.timeout);
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            // With retries left, one attempt may take half of what is left, so an answer that
            // never comes can still be asked for again.
            let this_try = if attempt < retries && left >= 2 * MIN_ATTEMPT {
                left / 2
            } else {
                left
            };
            let answered = self
                .attempt(&method, target, body.as_deref(), this_try, &not_found)
                .await;
            // The error of this attempt, whether the answer came or not.
            let result: Result<(), ApiError> = match &answered {
                Ok(RawAnswer { error: Some(e), .. }) | Err(e) => Err(e.clone()),
                Ok(_) => Ok(()),
            };
            let pause = match &result {
                Err(ApiError::RateLimited { retry_after }) => {
                    retry_after.map(|d| d.min(self.cfg.max_retry_wait))
                }
                _ => None,
            };
            let cut = permit.answered(match &result {
                Ok(_) => Answer::Success,
                Err(ApiError::RateLimited { .. }) => Answer::Throttled { pause },
                Err(_) => Answer::Other,
            });
            if cut {
                let (limit, max) = self.limiter.limits();
                tracing::info!(limit, max, "the server limits requests: slowing down");
            }
            match result {
                Err(e) if attempt < retries && e.is_retryable() => {
                    let (asked, wait) = match (&e, pause) {
                        (
                            ApiError::RateLimited {
                                retry_after: Some(d),
                            },
                            Some(p),
                        ) => (*d, p),
                        _ => {
                            let bound = limiter::backoff(
                                attempt,
                                self.cfg.retry_base,
                                self.cfg.max_retry_wait,
                            );
                            let d = limiter::random_jitter(bound);
                            (d, d)
                        }
                    };
                    // A wait that outlasts the time left fails now rather than silently later.
                    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                    if asked > left {
                        tracing::info!(%method, target, ?asked, ?left, error = %e, "not retrying: the wait outlasts the timeout");
                        return Err(e);
                    }
                    attempt += 1;
                    tracing::info!(%method, target, attempt, ?wait, error = %e, "retrying");
                    if let Some(observer) = &self.on_retry {
                        observer(&e, wait);
                    }
                    // A Retry-After is waited out by the limiter's pause (every request of the
                    // client holds back); other failures back off on their own.
                    if pause.is_none() {
                        tokio::time::sleep(wait).await;
                    }
                }
                _ => return answered,
            }
        }
    }

    async fn attempt(
        &self,
        method: &Method,
        target: &str,
        body: Option<&str>,
        left: Duration,
        not_found: &impl Fn() -> String,
    ) -> Result<RawAnswer, ApiError> {
        if left.is_zero() {
            return Err(self.timeout_error());
        }
        // A fresh date and nonce for every attempt: a retry is a new request.
        let date = http_date(SystemTime::now());
        let nonce = uuid::Uuid::new_v4().to_string();
        let signature = Payload {
            url: target,
            method: method.as_str(),
            headers: SignedHeaders {
                authorization: &self.cfg.token,
                date: &date,
                nonce: &nonce,
            },
            body: body.unwrap_or(""),
        }
        .sign(&self.cfg.secret);

        // Credentials are named but never written: the log shows that they were sent.
        tracing::debug!(
            %method,
            target,
            date = %date,
            nonce = %nonce,
            authorization = "<redacted>",
            x_alg_signature = "<redacted>",
            "request"
        );
        let started = std::time::Instant::now();
        let mut headers = vec![
            ("authorization", self.cfg.token.clone()),
            ("date", date.clone()),
            ("x-alg-nonce", nonce.clone()),
            ("x-alg-signature", signature.clone()),
            ("accept", "application/json".to_string()),
        ];
        if body.is_some() {
            headers.push(("content-type", "application/json".to_string()));
        }
        let left = left.min(self.cfg.timeout);
        let (status, retry_after, received, bytes) = if target::has_dot_segment(target) {
            self.fetch_exact(method, target, headers, body, left)
                .await?
        } else {
            self.fetch(method, target, headers, body, left).await?
        };
        tracing::debug!(%method, target, status = status.as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "response");
        let mut answer = RawAnswer {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or_default().to_string(),
            headers: received,
            body: bytes,
            error: None,
        };
        if status.is_success() {
            return Ok(answer);
        }
        let bytes = &answer.body;
        // Server text is untrusted: a proxy may echo this request's credentials back. They are
        // redacted; the full text goes to the log (whose writer escapes control characters),
        // and only a bounded version into the error a person reads.
        let secrets = [
            self.cfg.token.as_str(),
            self.cfg.secret.as_str(),
            signature.as_str(),
            nonce.as_str(),
        ];
        let text = redact(&String::from_utf8_lossy(bytes), &secrets);
        let messages = parse_messages(&text);
        if !messages.is_empty() {
            tracing::info!(%method, target, status = status.as_u16(), message = %messages.join("; "), "error response");
        }
        let messages: Vec<String> = messages
            .iter()
            .take(MAX_MESSAGES)
            .map(|m| cut_server_text(m))
            .collect();
        let detail = cut_server_text(&messages.join("; "));
        answer.error = Some(match status {
            StatusCode::BAD_REQUEST => ApiError::Validation {
                messages: if messages.is_empty() {
                    vec!["the request was rejected without a reason".into()]
                } else {
                    messages
                },
            },
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized {
                profile: self.cfg.profile.clone(),
                detail,
            },
            StatusCode::FORBIDDEN => ApiError::Forbidden {
                profile: self.cfg.profile.clone(),
                detail,
            },
            StatusCode::NOT_FOUND => ApiError::NotFound { what: not_found() },
            StatusCode::TOO_MANY_REQUESTS => ApiError::RateLimited { retry_after },
            s if s.is_server_error() => ApiError::Server {
                status: s.as_u16(),
                detail,
            },
            s => ApiError::Status {
                status: s.as_u16(),
                detail,
            },
        });
        Ok(answer)
    }

    /// Sends through reqwest, refusing a target the URL library would re-encode.
    async fn fetch(
        &self,
        method: &Method,
        target: &str,
        headers: Vec<(&'static str, String)>,
        body: Option<&str>,
        left: Duration,
    ) -> Result<Exchanged, ApiError> {
        let wire = format!("{}{}{}", self.origin, self.prefix, target);
        let url = Url::parse(&wire)
            .map_err(|e| ApiError::Config(format!("Cannot build the request URL: {e}")))?;
        // The target must go out exactly as signed; refuse rather than send a mismatch.
        let sent = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if sent != format!("{}{}", self.prefix, target) {
            return Err(ApiError::Config(format!(
                "The request target would be re-encoded ({sent}); refusing to send it"
            )));
        }
        let mut req = self.http.request(method.clone(), url).timeout(left);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        let mut resp = req.send().await.map_err(|e| self.transport_error(&e))?;
        let status = resp.status();
        if let Some(observe) = &self.on_date
            && let Some(date) = resp.headers().get("date").and_then(|v| v.to_str().ok())
            && let Ok(date) = httpdate::parse_http_date(date)
        {
            observe(date);
        }
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let received: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_error(&e))? {
            if bytes.len() + chunk.len() > self.cfg.max_response_bytes {
                return Err(self.too_large(status.as_u16()));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((status, retry_after, received, bytes))
    }

    /// Sends a target with an encoded `.`/`..` segment byte for byte (see `api::exact`).
    async fn fetch_exact(
        &self,
        method: &Method,
        target: &str,
        mut headers: Vec<(&'static str, String)>,
        body: Option<&str>,
        left: Duration,
    ) -> Result<Exchanged, ApiError> {
        use super::exact::{ExactFailure, ExactRequest, send};
        headers.push(("user-agent", USER_AGENT.to_string()));
        let request = ExactRequest {
            https: self.origin.starts_with("https://"),
            host: &self.host,
            port: self.port,
            target: &format!("{}{}", self.prefix, target),
            method,
            headers,
            body,
            connect_timeout: self.cfg.connect_timeout,
            max_bytes: self.cfg.max_response_bytes,
        };
        let host = self.host.clone();
        match tokio::time::timeout(left, send(request)).await {
            Err(_) => Err(self.timeout_error()),
            Ok(Err(ExactFailure::Connect(detail))) => Err(ApiError::Connection {
                host,
                detail: cut_server_text(&detail),
            }),
            Ok(Err(ExactFailure::Broken(detail))) => Err(ApiError::Interrupted {
                host,
                detail: cut_server_text(&detail),
            }),
            Ok(Err(ExactFailure::TooLarge(status))) => Err(self.too_large(status)),
            Ok(Ok(a)) => {
                let status = StatusCode::from_u16(a.status).map_err(|_| ApiError::Decode {
                    status: a.status,
                    detail: "an invalid HTTP status".into(),
                })?;
                Ok((status, a.retry_after, Vec::new(), a.bytes))
            }
        }
    }

    fn too_large(&self, status: u16) -> ApiError {
        ApiError::Decode {
            status,
            detail: format!(
                "the response is larger than the {} limit",
                human_size(self.cfg.max_response_bytes)
            ),
        }
    }

    fn timeout_error(&self) -> ApiError {
        ApiError::Timeout {
            host: self.host.clone(),
            secs: self.cfg.timeout.as_secs(),
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> ApiError {
        if e.is_timeout() {
            return self.timeout_error();
        }
        // The innermost cause is the sentence worth showing ("Connection refused").
        let mut cause: &dyn std::error::Error = e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let host = self.host.clone();
        let detail = cut_server_text(&cause.to_string());
        if e.is_connect() {
            ApiError::Connection { host, detail }
        } else {
            // Connected, so the request may have been sent before the connection broke.
            ApiError::Interrupted { host, detail }
        }
    }
}

const REDACTED: &str = "<redacted>";

/// What `prospect api --dry-run` prints: the request that would be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct DryRun {
    pub method: String,
    /// The URL on the wire: origin, the base URL's path, the target.
    pub url: String,
    /// Every header that would be sent, credentials redacted.
    pub headers: Vec<(String, String)>,
    /// The exact payload that would be signed, with the token and nonce redacted.
    pub payload: String,
    /// The signature, when asked for.
    pub signature: Option<String>,
}

/// An HTTP method as typed (`get`, `PATCH`), upper-cased; a token of letters only.
fn raw_method(method: &str) -> Result<Method, ApiError> {
    let upper = method.trim().to_ascii_uppercase();
    if upper.is_empty() || !upper.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::Config(format!(
            "{method:?} is not an HTTP method (GET, PATCH, …)"
        )));
    }
    Method::from_bytes(upper.as_bytes())
        .map_err(|_| ApiError::Config(format!("{method:?} is not an HTTP method")))
}

/// A target must be a path under the base URL, sent exactly as typed.
fn check_raw_target(target: &str) -> Result<(), ApiError> {
    if !target.starts_with('/') {
        return Err(ApiError::Config(format!(
            "The path must start with / (e.g. /v1/partner/prospects/personal?page=1), got {:?}",
            crate::text::escape_control(target)
        )));
    }
    if target.contains('#') || target.bytes().any(|b| b <= b' ' || b == 0x7f || b >= 0x80) {
        return Err(ApiError::Config(format!(
            "The path {:?} has spaces, control characters, a fragment or characters that are not percent-encoded: encode them (%20, %C3%AB…) so it is sent as signed",
            crate::text::escape_control(target)
        )));
    }
    Ok(())
}

/// What one exchange brought: the status, its `Retry-After`, the headers and the body.
type Exchanged = (StatusCode, Option<Duration>, Vec<(String, String)>, Vec<u8>);

/// One answer as it came (for `prospect api`): the status, headers and body, and the error
/// a non-2xx status means.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    pub status: u16,
    /// The status's reason phrase ("Not Found"), "" when unknown.
    pub reason: String,
    /// The headers as received (none for a target sent byte for byte, see `api::exact`).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// `None` for a 2xx.
    pub error: Option<ApiError>,
}

/// The shortest time one attempt is given when the time left is split for a retry.
const MIN_ATTEMPT: Duration = Duration::from_secs(1);

/// More messages than this in one error body are not kept (each is cut as well).
const MAX_MESSAGES: usize = 50;

/// `text` with each of `secrets` replaced by `<redacted>`.
fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(s) {
            out = out.replace(s, "<redacted>");
        }
    }
    out
}

/// Decodes a 2xx answer; an error names the status it really came with (e.g. 204).
fn decode<T: serde::de::DeserializeOwned>((status, bytes): (u16, Vec<u8>)) -> Result<T, ApiError> {
    let bytes = bytes.as_slice();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::Decode {
            status,
            detail: "the body was empty".into(),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let looks_html = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'<');
        ApiError::Decode {
            status,
            detail: if looks_html {
                "expected JSON but got an HTML page".into()
            } else {
                cut_server_text(&format!("unexpected JSON ({e})"))
            },
        }
    })
}

/// A byte count for people: `16 MiB`, `1 KiB`, `512 bytes`.
fn human_size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}
