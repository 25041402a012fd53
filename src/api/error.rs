//! Typed API errors, each with one sentence a person can act on.

use std::time::Duration;

/// What can go wrong talking to the Partner API.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 401: missing or rejected credentials or signature.
    #[error("Signature rejected (401): check the token and secret of profile {profile}")]
    Unauthorized { profile: String, detail: String },
    /// 403.
    #[error("Forbidden (403): profile {profile} may not do this{}", suffix(detail))]
    Forbidden { profile: String, detail: String },
    /// 404 for a lookup.
    #[error("Not found: {what}")]
    NotFound { what: String },
    /// 400 with the server's messages.
    #[error("Rejected by the server (400): {}", crate::text::cut_server_text(&messages.join("; ")))]
    Validation { messages: Vec<String> },
    /// 429 that outlasted the retries, or asked for a wait longer than the time left.
    #[error("Rate limited: the server asks to wait {} s", retry_after.map_or(1, |d| d.as_secs().max(1)))]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx.
    #[error(
        "Server error ({status}): the API failed{}; try again later",
        suffix(detail)
    )]
    Server { status: u16, detail: String },
    /// Some other unexpected status.
    #[error("Unexpected response ({status}){}", suffix(detail))]
    Status { status: u16, detail: String },
    /// No answer within the timeout.
    #[error("Timed out after {} s waiting for {host}", secs.max(&1))]
    Timeout { host: String, secs: u64 },
    /// The connection could not be made: nothing was sent.
    #[error("Cannot reach {host}: {detail}")]
    Connection { host: String, detail: String },
    /// The connection broke after the request may have been sent (reset, closed early).
    #[error("The connection to {host} broke: {detail}")]
    Interrupted { host: String, detail: String },
    /// The response could not be understood.
    #[error("Unreadable response from the server ({status}): {detail}")]
    Decode { status: u16, detail: String },
    /// A walk over every page was stopped: the server repeated itself or never ended.
    #[error("Stopped reading pages: {detail}")]
    Paging { detail: String },
    /// Bad local configuration or input (base URL, plain http to a remote host…).
    #[error("{0}")]
    Config(String),
}

fn suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

impl ApiError {
    /// The process exit code product.md assigns to this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            ApiError::Config(_) => 2,
            ApiError::NotFound { .. } => 3,
            ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => 4,
            ApiError::Validation { .. } => 5,
            _ => 1,
        }
    }

    /// Whether a GET may be retried after this error.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::RateLimited { .. }
            | ApiError::Connection { .. }
            | ApiError::Interrupted { .. }
            | ApiError::Timeout { .. } => true,
            ApiError::Server { status, .. } => matches!(status, 500 | 502..=504),
            _ => false,
        }
    }

    /// The status line while a GET waits to be retried after this error.
    pub fn retrying_sentence(&self, wait: Duration) -> String {
        // Round up: "retrying in 0 s" would read as if nothing were happening.
        let secs = wait.as_millis().div_ceil(1000).max(1);
        match self {
            ApiError::RateLimited { .. } => format!("Rate limited: retrying in {secs} s"),
            ApiError::Server { status, .. } => {
                format!("Server error ({status}): retrying in {secs} s")
            }
            ApiError::Connection { host, .. } | ApiError::Interrupted { host, .. } => {
                format!("Cannot reach {host}: retrying in {secs} s")
            }
            other => format!("{other}: retrying in {secs} s"),
        }
    }

    /// Whether a PATCH that failed this way may still have reached the server and been
    /// applied: a timeout, a broken connection, a 5xx, or a 2xx answer that could not be read.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout { .. }
                | ApiError::Interrupted { .. }
                | ApiError::Server { .. }
                | ApiError::Decode { .. }
        )
    }

    /// For a 400, the server's messages (each usually names its field).
    pub fn messages(&self) -> &[String] {
        match self {
            ApiError::Validation { messages } => messages,
            _ => &[],
        }
    }
}

/// The NestJS error body: `message` may be a string or an array of strings.
pub fn parse_messages(body: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return Vec::new();
    };
    match v.get("message") {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_may_be_a_string_or_an_array() {
        assert_eq!(parse_messages(r#"{"statusCode":400,"message":"x"}"#), ["x"]);
        assert_eq!(
            parse_messages(r#"{"statusCode":400,"message":["a","b"],"error":"Bad Request"}"#),
            ["a", "b"]
        );
        assert!(parse_messages("<html>").is_empty());
        assert!(parse_messages("").is_empty());
    }

    #[test]
    fn sentences_and_exit_codes() {
        let e = ApiError::Unauthorized {
            profile: "sandbox".into(),
            detail: String::new(),
        };
        assert_eq!(
            e.to_string(),
            "Signature rejected (401): check the token and secret of profile sandbox"
        );
        assert_eq!(e.exit_code(), 4);
        let e = ApiError::NotFound {
            what: "no prospect with external reference CRM-0042".into(),
        };
        assert_eq!(
            e.to_string(),
            "Not found: no prospect with external reference CRM-0042"
        );
        assert_eq!(e.exit_code(), 3);
        let e = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(e.to_string(), "Rate limited: the server asks to wait 3 s");
        assert_eq!(ApiError::Validation { messages: vec![] }.exit_code(), 5);
        assert_eq!(
            e.retrying_sentence(Duration::from_millis(2500)),
            "Rate limited: retrying in 3 s"
        );
        let busy = ApiError::Server {
            status: 503,
            detail: String::new(),
        };
        assert_eq!(
            busy.retrying_sentence(Duration::from_millis(200)),
            "Server error (503): retrying in 1 s"
        );
    }
}
