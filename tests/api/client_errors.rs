//! The client's error classes against the sandbox and a misbehaving proxy; retries are in
//! `retries.rs`.

use crate::common;

use std::time::Duration;

use common::{client, config};
use prospect::api::{ApiClient, ApiError, ClientConfig};
use prospect::sandbox::{Sandbox, SandboxOptions, data};

#[tokio::test]
async fn latency_beyond_the_client_timeout_is_a_timeout() {
    let sb = Sandbox::start(SandboxOptions {
        count: 5,
        latency_ms: 1500,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let mut cfg = config(&sb);
    cfg.timeout = Duration::from_millis(300);
    let err = ApiClient::new(cfg)
        .unwrap()
        .list(None, 1, 10)
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    // With a patient client the same sandbox answers.
    let page = client(&sb).list(None, 1, 10).await.unwrap();
    assert_eq!(page.meta.total_items, 5);
}

/// A misbehaving "proxy": HTML, empty bodies and a 502 page, depending on the path prefix.
async fn bad_proxy() -> (String, tokio::task::JoinHandle<()>) {
    use axum::http::StatusCode;
    use axum::response::{Html, IntoResponse};
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        let path = uri.path();
        if path.starts_with("/html") {
            Html("<html><body>Welcome</body></html>").into_response()
        } else if path.starts_with("/empty") {
            StatusCode::OK.into_response()
        } else if path.starts_with("/forbidden") {
            let body = r#"{"statusCode":403,"message":"Forbidden resource","error":"Forbidden"}"#;
            (StatusCode::FORBIDDEN, body).into_response()
        } else if path.starts_with("/invalid") {
            let body = r#"{"statusCode":400,"message":["email must be an email","phoneNumber must be a phone"],"error":"Bad Request"}"#;
            (StatusCode::BAD_REQUEST, body).into_response()
        } else if path.starts_with("/limited") {
            (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "3")], "").into_response()
        } else if path.starts_with("/huge") {
            (StatusCode::OK, "[".repeat(4096)).into_response()
        } else {
            (StatusCode::BAD_GATEWAY, Html("<h1>502 Bad Gateway</h1>")).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), task)
}

#[tokio::test]
async fn client_error_classes() {
    let (origin, proxy) = bad_proxy().await;
    let client_at = |base: String| {
        let mut cfg = ClientConfig::new(&base, "t", "s", "sandbox");
        cfg.max_retries = 0;
        ApiClient::new(cfg).unwrap()
    };
    let e = client_at(format!("{origin}/html"))
        .list(None, 1, 10)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ApiError::Decode { detail, .. } if detail.contains("HTML")),
        "{e:?}"
    );
    let e = client_at(format!("{origin}/empty"))
        .get(data::JOHN_DOE_ID)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ApiError::Decode { detail, .. } if detail.contains("empty")),
        "{e:?}"
    );
    let e = client_at(format!("{origin}/gateway"))
        .list(None, 1, 10)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 502, .. }), "{e:?}");
    let e = client_at(format!("{origin}/forbidden"))
        .get(data::JOHN_DOE_ID)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Forbidden (403): profile sandbox may not do this (Forbidden resource)"
    );
    assert_eq!(e.exit_code(), 4);
    let e = client_at(format!("{origin}/invalid"))
        .list(None, 1, 10)
        .await
        .unwrap_err();
    assert_eq!(
        e.messages(),
        ["email must be an email", "phoneNumber must be a phone"]
    );
    assert_eq!(e.exit_code(), 5);
    let e = client_at(format!("{origin}/limited"))
        .list(None, 1, 10)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3))
        }
    );
    assert_eq!(e.to_string(), "Rate limited: the server asks to wait 3 s");
    // With a retry allowed, the observer hears of it before the wait (capped here to 10 ms).
    let mut patient = ClientConfig::new(&format!("{origin}/limited"), "t", "s", "sandbox");
    patient.max_retries = 1;
    patient.max_retry_wait = Duration::from_millis(10);
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = heard.clone();
    let observed = ApiClient::new(patient)
        .unwrap()
        .with_retry_observer(std::sync::Arc::new(move |e: &ApiError, wait| {
            log.lock().unwrap().push(e.retrying_sentence(wait));
        }));
    assert!(observed.list(None, 1, 10).await.is_err());
    assert_eq!(*heard.lock().unwrap(), ["Rate limited: retrying in 1 s"]);
    let mut small = ClientConfig::new(&format!("{origin}/huge"), "t", "s", "sandbox");
    small.max_response_bytes = 1024;
    let e = ApiClient::new(small)
        .unwrap()
        .list(None, 1, 10)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ApiError::Decode { detail, .. } if detail.contains("larger than")),
        "{e:?}"
    );
    proxy.abort();

    // Connection refused: a port that was just free.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = client_at(format!("http://127.0.0.1:{port}"))
        .list(None, 1, 10)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Connection { .. }), "{e:?}");
}
