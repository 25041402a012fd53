//! The commands that need no API, run as the built binary: `config keys`.

use std::path::Path;
use std::process::Output;

const BIN: &str = env!("CARGO_BIN_EXE_prospect");

/// Runs the binary with `home` as its whole world (no `PROSPECT_*` from the machine).
fn run(home: &Path, args: &[&str]) -> Output {
    let mut c = std::process::Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("PROSPECT_") {
            c.env_remove(k);
        }
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn config_keys_prints_the_effective_table_as_toml_that_reads_back() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "page_size = 20\n\n[keys]\nnext_page = [\"J\", \"ctrl-f\"]\nnext_pgae = [\"x\"]\n",
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let o = run(home.path(), &["--config", cfg, "config", "keys"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("next_page = [\"J\", \"ctrl-f\"]"), "{out}");
    assert!(out.contains("search = [\"/\"]"), "{out}");
    assert!(
        text(&o.stderr).contains(
            "line 5: unknown action `next_pgae` in [keys], ignored; did you mean `next_page`?"
        ),
        "{}",
        text(&o.stderr)
    );
    // Every row is there, and pasting the output back changes nothing and warns of nothing.
    let table: toml::Table = toml::from_str(&out).unwrap();
    assert_eq!(
        table["keys"].as_table().unwrap().len(),
        prospect::app::keys::BINDINGS.len()
    );
    std::fs::write(&config, &out).unwrap();
    let again = run(home.path(), &["--config", cfg, "config", "keys"]);
    assert_eq!(text(&again.stdout), out);
    assert_eq!(text(&again.stderr), "");
}

/// Every subcommand's name, from the command line definition itself.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    prospect::cli::Cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect()
}

#[test]
fn completions_for_every_shell_mention_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let names = subcommands();
    assert!(names.len() >= 7, "{names:?}");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(home.path(), &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o.stderr));
        let script = text(&o.stdout);
        assert!(script.len() > 500, "{shell}: {script}");
        for name in &names {
            assert!(
                script.contains(name.as_str()),
                "{shell} script lacks {name}"
            );
        }
        // Options of subcommands complete too.
        assert!(script.contains("external-ref"), "{shell}");
    }
    let o = run(home.path(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_prints_a_roff_page_for_prospect_and_each_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let o = run(home.path(), &["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let page = text(&o.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH prospect 1"),
        "{page}"
    );
    for name in subcommands() {
        assert!(
            page.contains(&format!(".TH prospect-{name} 1")),
            "no page for {name}"
        );
    }
    for option in [
        "\\-\\-external\\-ref",
        "\\-\\-dry\\-run",
        "\\-\\-no\\-mouse",
        "\\-\\-fail\\-rate",
    ] {
        assert!(page.contains(option), "{option} missing");
    }
}
