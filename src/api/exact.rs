//! One request sent byte for byte over hyper, for a target the `url` crate would rewrite.
//!
//! WHATWG URL parsing (which reqwest goes through) treats a path segment `%2E` or `%2E%2E`
//! as `.`/`..` and removes it, so an external reference that is exactly `.` or `..` could
//! never be looked up. Such a request goes out here instead: same headers, same timeouts and
//! size limit, TLS with the platform's certificate verifier. (No HTTP proxy on this path.)

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, pki_types::ServerName};

/// Where and what to send.
pub struct ExactRequest<'a> {
    pub https: bool,
    /// The host as in the URL (an IPv6 address in brackets).
    pub host: &'a str,
    pub port: u16,
    /// Path and query, exactly as they go on the wire.
    pub target: &'a str,
    pub method: &'a Method,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<&'a str>,
    pub connect_timeout: Duration,
    pub max_bytes: usize,
}

/// A 2xx or error answer, read in full (within the size limit).
pub struct ExactAnswer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub bytes: Vec<u8>,
}

/// What went wrong on the way.
#[derive(Debug)]
pub enum ExactFailure {
    /// No connection: nothing was sent.
    Connect(String),
    /// The connection broke after the request may have been sent.
    Broken(String),
    /// The answer is larger than the limit.
    TooLarge(u16),
}

fn tls() -> Result<Arc<ClientConfig>, ExactFailure> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
                .map_err(|e| e.to_string())?;
            let config = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth();
            Ok(Arc::new(config))
        })
        .clone()
        .map_err(ExactFailure::Connect)
}

/// Connects (TLS for https) and sends the request with its target untouched.
pub async fn send(r: ExactRequest<'_>) -> Result<ExactAnswer, ExactFailure> {
    let connect_host = r.host.trim_start_matches('[').trim_end_matches(']');
    let tcp = tokio::time::timeout(
        r.connect_timeout,
        TcpStream::connect((connect_host, r.port)),
    )
    .await
    .map_err(|_| ExactFailure::Connect("connection timed out".into()))?
    .map_err(|e| ExactFailure::Connect(e.to_string()))?;
    if r.https {
        let name = ServerName::try_from(connect_host.to_string())
            .map_err(|e| ExactFailure::Connect(e.to_string()))?;
        let stream = TlsConnector::from(tls()?)
            .connect(name, tcp)
            .await
            .map_err(|e| ExactFailure::Connect(e.to_string()))?;
        exchange(TokioIo::new(stream), &r).await
    } else {
        exchange(TokioIo::new(tcp), &r).await
    }
}

async fn exchange<T>(io: T, r: &ExactRequest<'_>) -> Result<ExactAnswer, ExactFailure>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| ExactFailure::Connect(e.to_string()))?;
    let driver = tokio::spawn(conn);
    let default_port = if r.https { 443 } else { 80 };
    let host = if r.port == default_port {
        r.host.to_string()
    } else {
        format!("{}:{}", r.host, r.port)
    };
    let mut builder = Request::builder()
        .method(r.method.clone())
        .uri(r.target)
        .header("host", host);
    for (k, v) in &r.headers {
        builder = builder.header(*k, v.as_str());
    }
    let body = Full::new(Bytes::from(r.body.unwrap_or("").to_string()));
    let request = builder
        .body(body)
        .map_err(|e| ExactFailure::Connect(e.to_string()))?;
    let result = async {
        let resp = sender
            .send_request(request)
            .await
            .map_err(|e| ExactFailure::Broken(e.to_string()))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut body = resp.into_body();
        let mut bytes = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| ExactFailure::Broken(e.to_string()))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > r.max_bytes {
                    return Err(ExactFailure::TooLarge(status));
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(ExactAnswer {
            status,
            retry_after,
            bytes,
        })
    }
    .await;
    driver.abort();
    result
}
