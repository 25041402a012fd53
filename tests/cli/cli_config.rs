//! `config check`, `config init` and unknown-key warnings, run as the built binary against
//! the real sandbox on loopback.

use crate::common;

use std::path::Path;
use std::process::{Output, Stdio};

use prospect::sandbox::{Sandbox, SandboxOptions};
use tokio::io::AsyncWriteExt;

/// `config check` with the sandbox's credentials in the environment.
async fn check(home: &Path, sb: &Sandbox, secret: &str, args: &[&str]) -> Output {
    check_at(home, &sb.base_url(), sb.token(), secret, args).await
}

/// `config check` with this base URL and these credentials in the environment.
async fn check_at(home: &Path, base_url: &str, token: &str, secret: &str, args: &[&str]) -> Output {
    common::bin(home)
        .env("PROSPECT_BASE_URL", base_url)
        .env("PROSPECT_API_TOKEN", token)
        .env("PROSPECT_API_SECRET", secret)
        .args(["config", "check"])
        .args(args)
        .output()
        .await
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The source column of a setting's line in the report.
fn source_of(report: &str, name: &str) -> String {
    let line = report
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no line for {name} in:\n{report}"));
    // Columns are at least two spaces apart; a value may hold single spaces ("9 s").
    let last = line.split("  ").filter(|c| !c.trim().is_empty()).last();
    last.unwrap_or_default().trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn check_succeeds_and_shows_where_each_setting_came_from() {
    let sb = common::sandbox_with(SandboxOptions {
        clock_skew_secs: 0,
        count: 30,
        ..Default::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let o = check(home.path(), &sb, sb.secret(), &["--timeout", "9"]).await;
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(
        out.contains("OK: profile default answered a signed request in"),
        "{out}"
    );
    assert!(out.contains("(30 prospects)"), "{out}");
    assert_eq!(source_of(&out, "base_url"), "environment PROSPECT_BASE_URL");
    assert_eq!(source_of(&out, "secret"), "environment PROSPECT_API_SECRET");
    assert_eq!(source_of(&out, "timeout"), "flag --timeout");
    assert_eq!(source_of(&out, "page_size"), "default");
    // A secret is shown as set, never as itself.
    assert!(out.contains("  secret           set"), "{out}");
    assert!(
        !out.contains(sb.secret()) && !out.contains(sb.token()),
        "{out}"
    );
    assert!(out.contains("Clock: this machine's clock agrees"), "{out}");

    // From the file now: the profile, its URL and its secret (through secret_env).
    let cfg = home.path().join("prospect.toml");
    std::fs::write(
        &cfg,
        format!(
            "timeout = 11\n[profiles.lab]\nbase_url = \"{}\"\ntoken = \"{}\"\nsecret_env = \"LAB_SECRET\"\n",
            sb.base_url(),
            sb.token()
        ),
    )
    .unwrap();
    let o = common::bin(home.path())
        .env("PROSPECT_CONFIG", &cfg)
        .env("LAB_SECRET", sb.secret())
        .args(["config", "check", "--profile", "lab"])
        .output()
        .await
        .unwrap();
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(
        out.contains(&format!("Config file: {}", cfg.display())),
        "{out}"
    );
    assert_eq!(source_of(&out, "profile"), "flag --profile");
    assert_eq!(
        source_of(&out, "base_url"),
        "config file (profiles.lab.base_url)"
    );
    assert_eq!(
        source_of(&out, "secret"),
        "environment LAB_SECRET (config file profiles.lab.secret_env)"
    );
    assert_eq!(source_of(&out, "timeout"), "config file (timeout)");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_is_a_401_with_its_likely_reason() {
    let sb = common::sandbox_with(SandboxOptions {
        clock_skew_secs: 0,
        count: 30,
        ..Default::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let o = check(home.path(), &sb, "sk_wrong_secret", &[]).await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(
        err.contains("The server refused the signed request (401: \"Invalid signature\"). Likely cause: a wrong token or secret (token from environment PROSPECT_API_TOKEN, secret from environment PROSPECT_API_SECRET)"),
        "{err}"
    );
    assert!(!err.contains("sk_wrong_secret"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn clock_skew_is_reported_and_named_as_the_cause_of_a_401() {
    // 120 s: still accepted (the sandbox allows 300 s), but warned about.
    let sb = common::sandbox_with(SandboxOptions {
        clock_skew_secs: 120,
        count: 30,
        ..Default::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let o = check(home.path(), &sb, sb.secret(), &[]).await;
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    let clock = out.lines().find(|l| l.starts_with("Clock:")).unwrap();
    let secs: i64 = clock
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap();
    assert!((119..=121).contains(&secs), "{clock}");
    assert!(clock.ends_with("s ahead of this machine's."), "{clock}");
    assert!(out.contains("warning: a clock more than 60 s off is the usual cause of a 401"));

    // 10 minutes behind: refused, and the clock is named first.
    let sb = common::sandbox_with(SandboxOptions {
        clock_skew_secs: -600,
        count: 30,
        ..Default::default()
    })
    .await;
    let o = check(home.path(), &sb, sb.secret(), &[]).await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("(401: \"Request date is"), "{err}");
    assert!(
        err.contains("Likely cause: this machine's clock is"),
        "{err}"
    );
    assert!(err.contains("s ahead of the server's"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_api_and_a_tls_failure_are_told_apart() {
    let home = tempfile::tempdir().unwrap();
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let o = check_at(home.path(), &base, "t", "s", &[]).await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Unreachable: nothing accepts connections at 127.0.0.1"),
        "{err}"
    );
    assert!(
        err.contains("base_url (from environment PROSPECT_BASE_URL)"),
        "{err}"
    );

    // https to the plain-http sandbox: the handshake fails.
    let sb = common::sandbox_with(SandboxOptions {
        clock_skew_secs: 0,
        count: 30,
        ..Default::default()
    })
    .await;
    let https = sb.base_url().replace("http://", "https://");
    let o = check_at(home.path(), &https, sb.token(), sb.secret(), &[]).await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("TLS failed with 127.0.0.1"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_keys_are_warnings_on_stderr_and_the_command_still_runs() {
    let sb = common::sandbox_with(SandboxOptions {
        clock_skew_secs: 0,
        count: 30,
        ..Default::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let cfg = common::profile_config(home.path(), &sb, "lab", "time_out = 5\n", "secrett = \"x\"");
    let o = common::bin(home.path())
        .env("PROSPECT_CONFIG", &cfg)
        .args(["list", "--limit", "1", "--output", "json"])
        .output()
        .await
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("unknown key `time_out`; did you mean `timeout`?"),
        "{err}"
    );
    assert!(
        err.contains("unknown key `secrett` in profile lab; did you mean `secret`?"),
        "{err}"
    );
    assert!(
        err.contains(&format!("prospect: warning: {} line ", cfg.display())),
        "{err}"
    );

    // Without a profile (`--demo`) and for the commands that need no API, all the same.
    for args in [
        &["--demo", "list", "--limit", "1"][..],
        &["config", "keys"][..],
    ] {
        let o = common::bin(home.path())
            .env("PROSPECT_CONFIG", &cfg)
            .args(args)
            .output()
            .await
            .unwrap();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            err.contains("unknown key `time_out`; did you mean `timeout`?"),
            "{args:?}: {err}"
        );
    }
}

/// Runs `config init` with `answers` on standard input (one per line).
async fn init(home: &Path, cfg: &Path, answers: &str, env: &[(&str, &str)]) -> Output {
    let mut child = common::bin(home)
        .env("PROSPECT_CONFIG", cfg)
        .envs(env.iter().copied())
        .args(["config", "init"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answers.as_bytes()).await.unwrap();
    drop(stdin);
    child.wait_with_output().await.unwrap()
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn init_writes_a_private_profile_keeps_the_file_and_checks_it() {
    use std::os::unix::fs::PermissionsExt;
    let sb = common::sandbox_with(SandboxOptions {
        clock_skew_secs: 0,
        count: 30,
        ..Default::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    // Directories that do not exist yet.
    let cfg = home.path().join("deep/er/config.toml");
    let answers = format!(
        "bad name\nlab\nhttp://example.com\n{}\n{}\n1\n{}\ny\n",
        sb.base_url(),
        sb.token(),
        sb.secret()
    );
    let o = init(home.path(), &cfg, &answers, &[]).await;
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(err.contains("\"bad name\" is not a profile name"), "{err}");
    assert!(
        err.contains("Refusing plain http:// to example.com"),
        "{err}"
    );
    assert!(
        out.contains(&format!("Wrote profile lab to {}", cfg.display())),
        "{out}"
    );
    assert!(
        out.contains("OK: profile lab answered a signed request"),
        "{out}"
    );
    // The secret was asked for, never echoed.
    assert!(
        !out.contains(sb.secret()) && !err.contains(sb.secret()),
        "{out}{err}"
    );
    let mode = std::fs::metadata(&cfg).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        written.starts_with("default_profile = \"lab\""),
        "{written}"
    );
    assert!(written.contains(&format!("secret = \"{}\"", sb.secret())));
    assert!(written.contains("read_only = true"), "{written}");

    // A second profile, its secret from the environment, into a file with comments: the
    // comments and the first profile stay; `lab` is refused as a name, it exists.
    let commented = format!(
        "# my prospect settings\ntimeout = 20 # seconds\n\n{}",
        written.replace("default_profile = \"lab\"\n", "")
    );
    std::fs::write(&cfg, &commented).unwrap();
    let answers = format!(
        "lab\nlab2\n{}\n{}\n2\nLAB2_SECRET\n\n",
        sb.base_url(),
        sb.token()
    );
    let o = init(home.path(), &cfg, &answers, &[("LAB2_SECRET", sb.secret())]).await;
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(err.contains("Profile lab already exists in"), "{err}");
    assert!(out.contains("OK: profile lab2 answered"), "{out}");
    let now = std::fs::read_to_string(&cfg).unwrap();
    assert!(now.starts_with(commented.trim_end()), "{now}");
    assert!(now.contains("[profiles.lab2]"), "{now}");
    assert!(now.contains("secret_env = \"LAB2_SECRET\""), "{now}");
    assert!(!now.contains("[profiles.lab2]\nread_only"), "{now}");
    assert_eq!(
        std::fs::metadata(&cfg).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Answers that stop early write nothing.
    let before = std::fs::read_to_string(&cfg).unwrap();
    let o = init(home.path(), &cfg, "lab3\n", &[]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), before);
}
