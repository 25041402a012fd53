use super::*;
use std::collections::HashMap;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let m: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| m.get(k).cloned()
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn nothing_configured_gives_the_demo_hint() {
    let dir = tempfile::tempdir().unwrap();
    let flags = Overrides {
        config: None,
        ..Default::default()
    };
    let env = env_of(&[(
        "PROSPECT_CONFIG",
        dir.path().join("none.toml").to_str().unwrap(),
    )]);
    // An explicit config path that does not exist is an error of its own.
    assert!(
        resolve(&flags, &env)
            .unwrap_err()
            .0
            .contains("does not exist")
    );
    let p = write(dir.path(), "");
    let flags = Overrides {
        config: Some(p),
        ..Default::default()
    };
    assert_eq!(resolve(&flags, &env_of(&[])).unwrap_err().0, NOT_CONFIGURED);
}

#[test]
fn flags_beat_environment_beats_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        r#"
default_profile = "sandbox"
page_size = 20
timeout = 12
connect_timeout = 3
concurrency = 9
[profiles.sandbox]
base_url = "https://file.example"
token = "file-token"
secret_command = "echo cmd-secret"
accent = "green"
[profiles.prod]
base_url = "https://prod.example"
token = "prod-token"
secret_env = "PROD_SECRET"
read_only = true
accent = "red"
"#,
    );
    let flags = Overrides {
        config: Some(p.clone()),
        ..Default::default()
    };
    let s = resolve(&flags, &env_of(&[])).unwrap();
    assert_eq!(s.profile, "sandbox");
    assert_eq!(s.base_url, "https://file.example");
    assert_eq!(s.secret, "cmd-secret");
    assert_eq!(s.page_size, 20);
    assert_eq!(s.timeout, Duration::from_secs(12));
    assert_eq!(s.connect_timeout, Duration::from_secs(3));
    assert_eq!(s.concurrency, 9);
    assert!(!s.read_only);

    let env = env_of(&[
        ("PROSPECT_BASE_URL", "https://env.example"),
        ("PROSPECT_API_TOKEN", "env-token"),
    ]);
    let s = resolve(&flags, &env).unwrap();
    assert_eq!(s.base_url, "https://env.example");
    assert_eq!(s.token, "env-token");

    let flags2 = Overrides {
        base_url: Some("https://flag.example".into()),
        ..flags.clone()
    };
    assert_eq!(
        resolve(&flags2, &env).unwrap().base_url,
        "https://flag.example"
    );

    let env = env_of(&[("PROSPECT_PROFILE", "prod"), ("PROD_SECRET", "s3")]);
    let s = resolve(&flags, &env).unwrap();
    assert_eq!((s.profile.as_str(), s.secret.as_str()), ("prod", "s3"));
    assert!(s.read_only);
    assert_eq!(s.accent.as_deref(), Some("red"));

    let missing = env_of(&[("PROSPECT_PROFILE", "prod")]);
    assert!(
        resolve(&flags, &missing)
            .unwrap_err()
            .0
            .contains("$PROD_SECRET")
    );
    let unknown = Overrides {
        profile: Some("nope".into()),
        ..flags
    };
    assert!(
        resolve(&unknown, &env_of(&[]))
            .unwrap_err()
            .0
            .contains("no profile \"nope\"")
    );
}

#[cfg(unix)]
#[test]
fn a_secret_readable_by_others_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\ntoken = \"t\"\nsecret = \"s\"\n",
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    let flags = Overrides {
        config: Some(p.clone()),
        ..Default::default()
    };
    let s = resolve(&flags, &env_of(&[])).unwrap();
    assert_eq!(s.warnings.len(), 1);
    assert!(s.warnings[0].contains("chmod 600"));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(resolve(&flags, &env_of(&[])).unwrap().warnings.is_empty());
}

#[test]
fn a_partial_profile_names_what_is_missing() {
    let env = env_of(&[("PROSPECT_BASE_URL", "https://x.example")]);
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "");
    let flags = Overrides {
        config: Some(p),
        ..Default::default()
    };
    assert!(
        resolve(&flags, &env)
            .unwrap_err()
            .0
            .contains("has no token")
    );
}

#[test]
fn a_hanging_secret_command_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "secret_command_timeout = 1\n[profiles.prod]\nbase_url = \"https://a.example\"\ntoken = \"pk_live_1\"\nsecret_command = \"sleep 30; echo late\"\n",
    );
    let flags = Overrides {
        config: Some(p),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let e = resolve(&flags, &env_of(&[])).unwrap_err().0;
    assert!(
        e.contains("secret_command of profile prod did not finish within 1 s"),
        "{e}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_config_error_never_shows_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "sk_live_0123456789abcdef";
    let p = write(
        dir.path(),
        &format!(
            "timeout = \"{secret}\"\n[profiles.a]\nbase_url = \"https://a.example\"\ntoken = \"pk_live_9876\"\nsecret = \"{secret}\"\n"
        ),
    );
    let flags = Overrides {
        config: Some(p),
        ..Default::default()
    };
    let e = resolve(&flags, &env_of(&[])).unwrap_err().0;
    assert!(e.contains("not a valid config file"), "{e}");
    assert!(e.contains("invalid type"), "{e}");
    assert!(!e.contains(secret), "{e}");
    // Only the value is hidden; a mistyped number on its own line is still redacted.
    assert_eq!(
        redact::redact_quoted_strings(r#"invalid type: string "a\"b", expected u64"#),
        "invalid type: string <redacted>, expected u64"
    );
}

#[test]
fn a_broken_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "[profiles.a]\nbase_url = 1\n");
    let flags = Overrides {
        config: Some(p),
        ..Default::default()
    };
    assert!(
        resolve(&flags, &env_of(&[]))
            .unwrap_err()
            .0
            .contains("not a valid config file")
    );
}

#[test]
fn unknown_keys_are_warnings_and_the_rest_still_applies() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "time_out = 9\ntimeout = 7\n[profiles.a]\nbase_url = \"https://a.example\"\ntoken = \"t\"\nsecret_env = \"S\"\nread_onyl = true\n",
    );
    let flags = Overrides {
        config: Some(p.clone()),
        ..Default::default()
    };
    let s = resolve(&flags, &env_of(&[("S", "secret")])).unwrap();
    assert_eq!(s.timeout, Duration::from_secs(7));
    assert!(!s.read_only);
    let file = p.display();
    let unknown: Vec<String> = s
        .warnings
        .iter()
        .filter(|w| w.contains("unknown key"))
        .cloned()
        .collect();
    assert_eq!(
        unknown,
        [
            format!("{file} line 1: unknown key `time_out`; did you mean `timeout`?"),
            format!(
                "{file} line 7: unknown key `read_onyl` in profile a; did you mean `read_only`?"
            ),
        ]
    );
}

#[test]
fn explain_names_the_source_of_every_setting_and_never_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "timeout = 12\n[profiles.a]\nbase_url = \"https://file.example\"\ntoken = \"file-token\"\nsecret_env = \"A_SECRET\"\nread_only = true\n",
    );
    let flags = Overrides {
        config: Some(p.clone()),
        page_size: Some(7),
        ..Default::default()
    };
    let env = env_of(&[
        ("A_SECRET", "sk_very_secret"),
        ("PROSPECT_BASE_URL", "https://env.example"),
    ]);
    let e = explain(&flags, &env).unwrap();
    assert_eq!(e.path.as_deref(), Some(p.as_path()));
    let shown: Vec<String> = e
        .origins
        .iter()
        .map(|o| format!("{} = {} ({})", o.name, o.shown, o.source))
        .collect();
    assert_eq!(
        shown,
        [
            "profile = a (config file (its only profile))",
            "base_url = https://env.example (environment PROSPECT_BASE_URL)",
            "token = set (config file (profiles.a.token))",
            "secret = set (environment A_SECRET (config file profiles.a.secret_env))",
            "read_only = true (config file (profiles.a.read_only))",
            "page_size = 7 (flag --limit)",
            "timeout = 12 s (config file (timeout))",
            "connect_timeout = 5 s (default)",
            "concurrency = 4 (default)",
            "default_region = unset (default)",
        ]
    );
    assert!(e.settings.is_ok());
    // A secret that cannot be read is shown as unset, with the reason; the rest still shows.
    let e = explain(&flags, &env_of(&[])).unwrap();
    let secret = e.origins.iter().find(|o| o.name == "secret").unwrap();
    assert_eq!(secret.shown, "unset");
    assert!(
        secret
            .source
            .to_string()
            .contains("$A_SECRET, which is not set")
    );
    assert!(e.origins.iter().any(|o| o.name == "timeout"));
    assert!(e.settings.is_err());
}

#[test]
fn concurrency_defaults_to_4_and_must_be_1_to_16() {
    let dir = tempfile::tempdir().unwrap();
    let creds =
        "[profiles.a]\nbase_url = \"https://a.example\"\ntoken = \"t\"\nsecret_env = \"S\"\n";
    let resolve_with = |top: &str| {
        let p = write(dir.path(), &format!("{top}\n{creds}"));
        let flags = Overrides {
            config: Some(p),
            ..Default::default()
        };
        resolve(&flags, &env_of(&[("S", "secret")]))
    };
    assert_eq!(resolve_with("").unwrap().concurrency, DEFAULT_CONCURRENCY);
    assert_eq!(resolve_with("concurrency = 16").unwrap().concurrency, 16);
    let e = resolve_with("concurrency = 40").unwrap_err().0;
    assert_eq!(
        e,
        "concurrency in the config file must be between 1 and 16 (got 40)"
    );
    assert!(resolve_with("concurrency = 0").is_err());
}

#[test]
fn default_region_is_per_profile_over_top_level_and_must_be_alpha2() {
    let dir = tempfile::tempdir().unwrap();
    let resolve_with = |text: &str| {
        let p = write(dir.path(), text);
        let flags = Overrides {
            config: Some(p),
            ..Default::default()
        };
        explain(&flags, &env_of(&[("S", "secret")])).unwrap()
    };
    let creds = "base_url = \"https://a.example\"\ntoken = \"t\"\nsecret_env = \"S\"\n";
    let e = resolve_with(&format!("default_region = \"ie\"\n[profiles.a]\n{creds}"));
    assert_eq!(e.settings.unwrap().default_region.unwrap().code(), "IE");
    let e = resolve_with(&format!(
        "default_region = \"IE\"\n[profiles.a]\n{creds}default_region = \"GB\"\n"
    ));
    let shown = e
        .origins
        .iter()
        .find(|o| o.name == "default_region")
        .unwrap();
    assert_eq!(
        format!("{} ({})", shown.shown, shown.source),
        "GB (config file (profiles.a.default_region))"
    );
    assert!(
        !e.warnings.iter().any(|w| w.contains("unknown key")),
        "{:?}",
        e.warnings
    );
    let e = resolve_with(&format!("default_region = \"GBR\"\n[profiles.a]\n{creds}"));
    let err = e.settings.unwrap_err().0;
    assert!(
        err.starts_with("default_region in the config file: \"GBR\" is not a region"),
        "{err}"
    );
}
