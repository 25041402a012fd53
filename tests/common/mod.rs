//! Helpers shared by the integration tests that talk to the sandbox over real HTTP.
// Each test crate that includes this module uses only some of the helpers.
#![allow(dead_code)]

use std::time::SystemTime;

use prospect::api::sign::{Payload, SignedHeaders, http_date};
use prospect::api::{ApiClient, ClientConfig};
use prospect::patch::PatchBody;
use prospect::sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

pub const PERSONAL: &str = "/v1/partner/prospects/personal";

/// A sandbox of `count` generated prospects on a free loopback port.
pub async fn sandbox(count: usize) -> Sandbox {
    sandbox_with(SandboxOptions {
        count,
        ..SandboxOptions::default()
    })
    .await
}

/// A sandbox of `count` prospects with the planted problems (`--problems`).
pub async fn problems_sandbox(count: usize) -> Sandbox {
    sandbox_with(SandboxOptions {
        count,
        problems: true,
        ..SandboxOptions::default()
    })
    .await
}

/// A sandbox set up with `opts` (faults, planted problems, clock skew…) on a free loopback port.
pub async fn sandbox_with(opts: SandboxOptions) -> Sandbox {
    Sandbox::start(opts).await.expect("the sandbox starts")
}

/// Polls `check` every 20 ms until it gives a value, at most `within`; panics naming `what`
/// after that. For anything that settles asynchronously: never a fixed sleep.
pub async fn poll_until<T>(
    what: &str,
    within: std::time::Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {within:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

pub fn config(sb: &Sandbox) -> ClientConfig {
    ClientConfig::new(&sb.base_url(), sb.token(), sb.secret(), "sandbox")
}

pub fn client(sb: &Sandbox) -> ApiClient {
    ApiClient::new(config(sb)).unwrap()
}

pub fn body(v: Value) -> PatchBody {
    v.as_object().unwrap().clone()
}

/// A raw request, signed by hand; every part can be spoiled by the caller.
pub struct Raw {
    pub method: &'static str,
    pub target: String,
    pub body: Option<String>,
    pub token: String,
    pub secret: String,
    pub date: String,
    pub nonce: String,
    pub omit: Option<&'static str>,
}

impl Raw {
    pub fn new(sb: &Sandbox, method: &'static str, target: &str) -> Self {
        Raw {
            method,
            target: target.into(),
            body: None,
            token: sb.token().into(),
            secret: sb.secret().into(),
            date: http_date(SystemTime::now()),
            nonce: uuid::Uuid::new_v4().to_string(),
            omit: None,
        }
    }

    pub fn signature(&self) -> String {
        Payload {
            url: &self.target,
            method: self.method,
            headers: SignedHeaders {
                authorization: &self.token,
                date: &self.date,
                nonce: &self.nonce,
            },
            body: self.body.as_deref().unwrap_or(""),
        }
        .sign(&self.secret)
    }

    /// Sends to `origin` + `sent_target` (which defaults to the signed target).
    pub async fn send_to(&self, sb: &Sandbox, sent_target: Option<&str>) -> (u16, Value) {
        let url = format!("{}{}", sb.base_url(), sent_target.unwrap_or(&self.target));
        let mut headers = vec![
            ("authorization", self.token.clone()),
            ("date", self.date.clone()),
            ("x-alg-nonce", self.nonce.clone()),
            ("x-alg-signature", self.signature()),
        ];
        headers.retain(|(k, _)| Some(*k) != self.omit);
        let mut req = reqwest::Client::new().request(self.method.parse().unwrap(), &url);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        if let Some(b) = &self.body {
            req = req
                .header("content-type", "application/json")
                .body(b.clone());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn send(&self, sb: &Sandbox) -> (u16, Value) {
        self.send_to(sb, None).await
    }
}

/// The built binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_prospect");

/// The binary with nothing of this machine's configuration: its own home, config and state
/// directories under `home`, no `PROSPECT_*` variables, no standard input.
pub fn bin(home: &std::path::Path) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("PROSPECT_") {
            c.env_remove(k);
        }
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    c
}

/// [`bin`] pointed at `sb` through `PROSPECT_BASE_URL`, `PROSPECT_API_TOKEN` and
/// `PROSPECT_API_SECRET`.
pub fn bin_on(home: &std::path::Path, sb: &Sandbox) -> tokio::process::Command {
    let mut c = bin(home);
    c.env("PROSPECT_BASE_URL", sb.base_url())
        .env("PROSPECT_API_TOKEN", sb.token())
        .env("PROSPECT_API_SECRET", sb.secret());
    c
}

/// Runs the binary on `sb` with `args` to its end.
pub async fn run_on(home: &std::path::Path, sb: &Sandbox, args: &[&str]) -> std::process::Output {
    bin_on(home, sb)
        .args(args)
        .output()
        .await
        .expect("the binary runs")
}

/// Bytes of an output as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Writes a private (0600) config file under `home` with one profile `name` on `sb`, plus
/// `extra` lines in the profile's table; returns its path.
pub fn profile_config(
    home: &std::path::Path,
    sb: &Sandbox,
    name: &str,
    top: &str,
    extra: &str,
) -> std::path::PathBuf {
    let cfg = home.join("prospect.toml");
    std::fs::write(
        &cfg,
        format!(
            "{top}[profiles.{name}]\nbase_url = \"{}\"\ntoken = \"{}\"\nsecret = \"{}\"\n{extra}",
            sb.base_url(),
            sb.token(),
            sb.secret()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    cfg
}

/// Serves `app` on a free loopback port: its `http://127.0.0.1:PORT` and the server task.
pub async fn serve(app: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), task)
}

/// A command's stderr as text.
pub fn stderr(o: &std::process::Output) -> String {
    text(&o.stderr)
}

/// A command's stdout as text.
pub fn stdout(o: &std::process::Output) -> String {
    text(&o.stdout)
}

/// The first `count` generated records as the sandbox holds them now, in list order.
pub fn records(sb: &Sandbox, count: usize) -> Vec<prospect::api::Prospect> {
    prospect::sandbox::generate(count, SandboxOptions::default().seed)
        .into_iter()
        .map(|p| sb.get_record(&p.id).expect("on the server"))
        .collect()
}

/// How many PATCH requests reached the sandbox.
pub fn patches(sb: &Sandbox) -> usize {
    sb.requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .count()
}
