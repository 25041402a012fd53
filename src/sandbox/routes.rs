//! The HTTP side: the gate every request passes (record, delay, fail, verify) and the four
//! endpoints, with NestJS-style error bodies.

use std::sync::Arc;

use axum::Router;
use axum::body::{Bytes, to_bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rand::Rng;
use serde_json::{Value, json};

use super::auth::{self, Credentials};
use super::state::{RecordedRequest, SandboxState, lock};
use crate::api::target::PERSONAL;
use crate::patch::{self, PatchBody};

/// Larger request bodies are refused with 413.
const MAX_BODY: usize = 1024 * 1024;

type St = Arc<SandboxState>;

/// The sandbox as an axum router, mounted under the state's prefix.
pub fn router(state: Arc<SandboxState>) -> Router {
    let api = Router::new()
        .route(PERSONAL, get(list))
        .route(
            &format!("{PERSONAL}/externalReference/{{reference}}"),
            get(by_ref),
        )
        .route(&format!("{PERSONAL}/{{id}}"), get(by_id).patch(patch_one))
        .method_not_allowed_fallback(not_found)
        .with_state(state.clone());
    let app = if state.prefix.is_empty() {
        api
    } else {
        Router::new().nest(&state.prefix, api)
    };
    app.fallback(not_found)
        .layer(from_fn_with_state(state, gate))
}

/// A NestJS-style error: `{"statusCode", "message", "error"}` (401 bodies carry no `error`).
pub fn error(status: StatusCode, message: impl Into<Value>) -> Response {
    let mut body = json!({"statusCode": status.as_u16(), "message": message.into()});
    if status != StatusCode::UNAUTHORIZED {
        body["error"] = Value::from(status.canonical_reason().unwrap_or("Error"));
    }
    (status, axum::Json(body)).into_response()
}

fn bad_request(messages: Vec<String>) -> Response {
    error(StatusCode::BAD_REQUEST, messages)
}

fn prospect_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Prospect not found")
}

async fn not_found(method: Method, uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("Cannot {method} {}", uri.path()),
    )
}

/// Records, delays, maybe fails, verifies the signature, then hands over to the endpoints.
async fn gate(State(s): State<St>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    // The target exactly as it came on the wire: never re-encoded or decoded.
    let wire = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let (mut response, text, verified) = admit(&s, parts, body, &method, &wire, next).await;
    // Every answer carries the sandbox's clock, skewed when asked, as `config check` reads it.
    if let Ok(date) = HeaderValue::from_str(&crate::api::sign::http_date(s.now())) {
        response.headers_mut().insert(header::DATE, date);
    }
    let status = response.status().as_u16();
    tracing::debug!(%method, target = %wire, status, "sandbox request");
    // Only a verified request's body is kept whole: anyone can send a megabyte unsigned.
    let body = if verified {
        text
    } else {
        crate::text::bounded(&text, UNVERIFIED_BODY_CHARS).into_owned()
    };
    s.record(RecordedRequest {
        method,
        path_and_query: wire,
        body,
        status,
    });
    response
}

/// How much of an unverified request's body is recorded.
const UNVERIFIED_BODY_CHARS: usize = 256;
/// How long a request body may take to arrive.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The response, the body as text (as far as it was read) and whether the signature held.
async fn admit(
    s: &SandboxState,
    parts: axum::http::request::Parts,
    body: axum::body::Body,
    method: &str,
    wire: &str,
    next: Next,
) -> (Response, String, bool) {
    // A limited server refuses at once what it cannot take, before any other work.
    let Some(_serving) = s.enter() else {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottlerException: Too Many Requests",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return (r, String::new(), false);
    };
    if !s.latency.is_zero() {
        tokio::time::sleep(s.latency).await;
    }
    if s.fails_this_time() {
        let r = error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
        return (r, String::new(), false);
    }
    if method == "PATCH" && s.fails_this_patch() {
        let r = error(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
        return (r, String::new(), false);
    }
    if let Some(failure) = injected_failure(s) {
        return (failure, String::new(), false);
    }
    let creds = Credentials {
        token: &s.token,
        secret: &s.secret,
        now: s.now(),
    };
    // Headers first: a request that cannot be genuine never gets its body read.
    if let Err(message) = auth::precheck(&creds, &parts.headers) {
        tracing::info!(%method, target = %wire, reason = %message, "sandbox rejected a request");
        return (
            error(StatusCode::UNAUTHORIZED, message),
            String::new(),
            false,
        );
    }
    let bytes = match tokio::time::timeout(BODY_TIMEOUT, to_bytes(body, MAX_BODY)).await {
        Err(_) => {
            let r = error(StatusCode::REQUEST_TIMEOUT, "the request body was too slow");
            return (r, String::new(), false);
        }
        Ok(Err(_)) => {
            let r = error(StatusCode::PAYLOAD_TOO_LARGE, "request entity too large");
            return (r, String::new(), false);
        }
        Ok(Ok(bytes)) => bytes,
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // The signed URL is the target minus the mount prefix.
    let url = match wire.strip_prefix(s.prefix.as_str()) {
        Some(rest) if !s.prefix.is_empty() && (rest.is_empty() || rest.starts_with(['/', '?'])) => {
            rest
        }
        _ => wire,
    };
    if let Err(message) = auth::verify(&creds, &s.nonces, method, url, &parts.headers, &text) {
        tracing::info!(%method, target = %wire, reason = %message, "sandbox rejected a signature");
        return (error(StatusCode::UNAUTHORIZED, message), text, false);
    }
    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
    (next.run(req).await, text, true)
}

/// With probability `fail_rate`: 500, 503 or 429, the last two with `Retry-After: 1`.
fn injected_failure(s: &SandboxState) -> Option<Response> {
    let rate = s.fail_rate();
    if rate <= 0.0 {
        return None;
    }
    let pick = {
        let mut rng = lock(&s.fail_rng);
        if rng.random::<f64>() >= rate {
            return None;
        }
        rng.random_range(0..3u8)
    };
    let (status, message) = match pick {
        0 => (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
        1 => (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
        _ => (
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottlerException: Too Many Requests",
        ),
    };
    let mut r = error(status, message);
    if status != StatusCode::INTERNAL_SERVER_ERROR {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    Some(r)
}

/// Parses an optional integer query parameter within `min..=max`.
fn int_param(
    pairs: &[(String, String)],
    name: &str,
    default: u64,
    max: Option<u64>,
    errors: &mut Vec<String>,
) -> u64 {
    let Some((_, raw)) = pairs.iter().find(|(k, _)| k == name) else {
        return default;
    };
    match raw.trim().parse::<i64>() {
        Err(_) => {
            errors.push(format!("{name} must be an integer number"));
            default
        }
        Ok(n) if n < 1 => {
            errors.push(format!("{name} must not be less than 1"));
            default
        }
        Ok(n) => {
            let n = n.unsigned_abs();
            match max {
                Some(m) if n > m => {
                    errors.push(format!("{name} must not be greater than {m}"));
                    default
                }
                _ => n,
            }
        }
    }
}

/// Longer text values are refused, as a real service's validation would (the client's
/// validation refuses them first: one constant).
const MAX_FIELD_CHARS: usize = crate::patch::validate::MAX_TEXT_CHARS;

/// The complaints about overlong values and NUL bytes in a PATCH body (address parts too).
fn field_limits(body: &PatchBody) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |key: &str, v: &Value| {
        if let Value::String(s) = v {
            if s.chars().count() > MAX_FIELD_CHARS {
                problems.push(format!(
                    "{key} must be shorter than or equal to {MAX_FIELD_CHARS} characters"
                ));
            }
            if s.contains('\0') {
                problems.push(format!("{key} must not contain NUL bytes"));
            }
        }
    };
    for (key, value) in body {
        match value {
            Value::Object(parts) if key == "address" => {
                for (part, v) in parts {
                    check(&format!("address.{part}"), v);
                }
            }
            v => check(key, v),
        }
    }
    problems
}

async fn list(State(s): State<St>, RawQuery(query): RawQuery) -> Response {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let mut errors = Vec::new();
    let page = int_param(&pairs, "page", 1, None, &mut errors);
    let limit = int_param(&pairs, "limit", 10, Some(100), &mut errors);
    if !errors.is_empty() {
        return bad_request(errors);
    }
    let keyword = pairs
        .iter()
        .find(|(k, _)| k == "searchKeyword")
        .map(|(_, v)| v.as_str());
    if let Some(k) = keyword {
        let mut body = PatchBody::new();
        body.insert("searchKeyword".into(), Value::from(k));
        let problems = field_limits(&body);
        if !problems.is_empty() {
            return bad_request(problems);
        }
    }
    // Written straight from the store, under its read lock: no copy of any record.
    let store = s.read();
    axum::Json(store.search(keyword, page, limit)).into_response()
}

/// The id path parameter as given and in canonical UUID form; `None` when it is not a UUID.
fn prospect_id(id: Result<Path<String>, PathRejection>) -> Option<(String, String)> {
    let Path(id) = id.ok()?;
    let canonical = uuid::Uuid::parse_str(&id).ok()?.hyphenated().to_string();
    Some((id, canonical))
}

fn not_a_uuid() -> Response {
    bad_request(vec!["prospectId must be a UUID".into()])
}

async fn by_id(State(s): State<St>, id: Result<Path<String>, PathRejection>) -> Response {
    let Some((raw, canonical)) = prospect_id(id) else {
        return not_a_uuid();
    };
    let store = s.read();
    match store.get(&raw).or_else(|| store.get(&canonical)) {
        Some(p) => axum::Json(p.to_value()).into_response(),
        None => prospect_not_found(),
    }
}

async fn by_ref(State(s): State<St>, reference: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(reference)) = reference else {
        return bad_request(vec![
            "externalReference must be valid percent-encoded UTF-8".into(),
        ]);
    };
    match s.read().get_by_ref(&reference) {
        Some(p) => axum::Json(p.to_value()).into_response(),
        None => prospect_not_found(),
    }
}

async fn patch_one(
    State(s): State<St>,
    id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let Some((raw, canonical)) = prospect_id(id) else {
        return not_a_uuid();
    };
    let body: PatchBody = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return bad_request(vec!["the request body must be a JSON object".into()]),
        Err(e) => return bad_request(vec![format!("the request body is not valid JSON ({e})")]),
    };
    let mut problems: Vec<String> = field_limits(&body);
    problems.extend(patch::validate_body(&body).into_iter().map(|e| e.message));
    if !problems.is_empty() {
        return bad_request(problems);
    }
    let mut store = s.write();
    let Some(current) = store.get(&raw).or_else(|| store.get(&canonical)).cloned() else {
        return prospect_not_found();
    };
    match patch::apply(&current, &body) {
        Ok(updated) => {
            let value = updated.to_value();
            store.put(updated);
            tracing::info!(id = %current.id, keys = ?body.keys().collect::<Vec<_>>(), "sandbox patched a prospect");
            axum::Json(value).into_response()
        }
        Err(message) => bad_request(vec![message]),
    }
}
