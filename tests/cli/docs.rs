//! The documentation, checked against the repository: the README's set-up commands and size,
//! the CI script, every relative link, the command list, and the key tables of the guide.
//!
//! The key tables in `docs/*.md` are generated from the key table in code: a block between
//! `<!-- keys: NAME NAME … -->` and `<!-- /keys -->` holds the rows of those bindings (`all`:
//! every binding, with its `[keys]` name). To write them again after changing a key:
//! `PROSPECT_WRITE_DOCS=1 cargo test --test cli docs::`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use prospect::app::keys::{BINDINGS, Binding, Key};

const DEMO: &str = "cargo run --release -- --demo";
const TEST: &str = "cargo test --locked";
const INSTALL: &str = "cargo install --locked --path .";
const README_MAX_BYTES: usize = 12_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// README.md, ARCHITECTURE.md and every `docs/*.md`, relative to the root.
fn markdown_files() -> Vec<String> {
    let mut files = vec!["README.md".to_string(), "ARCHITECTURE.md".to_string()];
    let mut guide: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    guide.sort();
    files.extend(guide);
    files
}

/// The lines of the fenced code blocks of a Markdown text.
fn code_block_lines(text: &str) -> Vec<&str> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
        } else if inside {
            out.push(line.trim());
        }
    }
    out
}

#[test]
fn readme_keeps_the_set_up_commands_and_stays_small() {
    let readme = read("README.md");
    let lines = code_block_lines(&readme);
    for command in [DEMO, TEST, INSTALL] {
        assert!(
            lines.contains(&command),
            "README.md has no code line `{command}`"
        );
    }
    assert!(
        readme.len() <= README_MAX_BYTES,
        "README.md is {} bytes, over {README_MAX_BYTES}: move the detail into docs/",
        readme.len()
    );
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let readme = read("README.md");
    let tests: Vec<&str> = code_block_lines(&readme)
        .into_iter()
        .filter(|l| l.starts_with("cargo test"))
        .collect();
    assert_eq!(tests, [TEST], "the README's test commands");
    let ci = read(".ci/run");
    let runs: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("cargo test"))
        .collect();
    assert_eq!(runs, [TEST], ".ci/run's test commands");
}

#[test]
fn the_readme_lists_every_command_and_no_other() {
    use clap::CommandFactory;
    let cli = prospect::cli::Cli::command();
    let real: BTreeSet<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    let readme = read("README.md");
    let listed: BTreeSet<String> = code_block_lines(&readme)
        .into_iter()
        .filter_map(|l| l.strip_prefix("prospect "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = real.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&real).collect();
    assert!(
        missing.is_empty(),
        "commands missing from the README: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "the README names commands that do not exist: {unknown:?}"
    );
}

/// The GitHub anchor of a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    let mut inside = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
        } else if !inside && line.starts_with('#') {
            out.insert(slug(line.trim_start_matches('#').replace('`', "").as_str()));
        }
    }
    out
}

/// The targets of the inline links and images of a Markdown text, outside code.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
            continue;
        }
        if inside {
            continue;
        }
        // Inline code spans are not links.
        let plain: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
        // Reference definitions: `[name]: target`.
        let t = plain.trim_start();
        if t.starts_with('[')
            && let Some(i) = t.find("]:")
        {
            out.push(
                t[i + 2..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
        }
    }
    out
}

#[test]
fn every_relative_link_resolves_inside_the_repository() {
    let root = root().canonicalize().expect("the root");
    let mut wrong = Vec::new();
    for file in markdown_files() {
        let text = read(&file);
        if text.contains("../shared") {
            wrong.push(format!(
                "{file}: mentions ../shared, which users do not have"
            ));
        }
        let dir = root.join(&file).parent().expect("a folder").to_path_buf();
        for link in links(&text) {
            if link.starts_with("https://") || link.starts_with("http://") {
                continue;
            }
            let (path, anchor) = match link.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (link.as_str(), None),
            };
            let target = if path.is_empty() {
                root.join(&file)
            } else {
                dir.join(path)
            };
            let Ok(target) = target.canonicalize() else {
                wrong.push(format!("{file}: {link} does not exist"));
                continue;
            };
            if !target.starts_with(&root) {
                wrong.push(format!("{file}: {link} leaves the repository"));
                continue;
            }
            if let Some(anchor) = anchor {
                let headings = std::fs::read_to_string(&target)
                    .map(|t| anchors(&t))
                    .unwrap_or_default();
                if !headings.contains(anchor) {
                    wrong.push(format!("{file}: {link}: no heading #{anchor}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "broken links:\n{}", wrong.join("\n"));
}

#[test]
fn the_link_reader_sees_links() {
    let text =
        "See [a](docs/a.md#x) and ![b](b.svg); not `[c](c.md)`.\n```\n[d](d.md)\n```\n[e]: e.md\n";
    assert_eq!(links(text), ["docs/a.md#x", "b.svg", "e.md"]);
    assert_eq!(
        slug("Keys and `[keys]`: 2 tables"),
        "keys-and-keys-2-tables"
    );
}

/// A table cell: `|` escaped so it does not end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn key_code(key: &Key) -> String {
    let label = key.label();
    if label.contains('`') {
        format!("`` {label} ``")
    } else {
        format!("`{label}`")
    }
}

/// The Markdown table of these bindings, as the help overlay lists them (with the `[keys]`
/// name when `names`).
fn key_table(rows: &[&Binding], names: bool) -> String {
    let mut out = String::new();
    if names {
        out.push_str("| where | keys | does | `[keys]` name |\n|---|---|---|---|\n");
    } else {
        out.push_str("| where | keys | does |\n|---|---|---|\n");
    }
    for b in rows {
        let keys: Vec<String> = b.defaults.iter().map(key_code).collect();
        out.push_str(&format!(
            "| {} | {} | {} |",
            cell(&b.context_labels()),
            cell(&keys.join(" ")),
            cell(b.description)
        ));
        if names {
            out.push_str(&format!(" `{}` |", b.name));
        }
        out.push('\n');
    }
    out
}

const OPEN: &str = "<!-- keys: ";
const CLOSE: &str = "<!-- /keys -->";

/// The text with every key block generated again, the names each block shows, and the
/// problems found (unknown names, a block left open).
fn regenerate(text: &str) -> (String, Vec<String>, Vec<String>) {
    let mut out = String::new();
    let mut shown = Vec::new();
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let Some(head_end) = rest[start..].find("-->").map(|i| start + i + 3) else {
            problems.push("a key block's marker is not closed".into());
            break;
        };
        let Some(close) = rest[head_end..].find(CLOSE).map(|i| head_end + i) else {
            problems.push(format!("no {CLOSE} after {}", &rest[start..head_end]));
            break;
        };
        let names: Vec<&str> = rest[start + OPEN.len()..head_end - 3]
            .split_whitespace()
            .collect();
        let all = names == ["all"];
        let rows: Vec<&Binding> = if all {
            BINDINGS.iter().collect()
        } else {
            names
                .iter()
                .filter_map(|n| {
                    let b = BINDINGS.iter().find(|b| b.name == *n);
                    if b.is_none() {
                        problems.push(format!("no key binding is named {n}"));
                    }
                    b
                })
                .collect()
        };
        if !all {
            shown.extend(rows.iter().map(|b| b.name.to_string()));
        }
        out.push_str(&rest[..head_end]);
        out.push('\n');
        out.push_str(&key_table(&rows, all));
        out.push_str(CLOSE);
        rest = &rest[close + CLOSE.len()..];
    }
    out.push_str(rest);
    (out, shown, problems)
}

#[test]
fn the_guides_key_tables_match_the_key_table() {
    let write = std::env::var_os("PROSPECT_WRITE_DOCS").is_some();
    let mut shown = BTreeSet::new();
    let mut stale = Vec::new();
    let mut problems = Vec::new();
    let mut blocks = 0;
    for file in markdown_files() {
        let path = root().join(&file);
        let text = read(&file);
        blocks += text.matches(OPEN).count();
        let (fresh, names, found) = regenerate(&text);
        shown.extend(names);
        problems.extend(found.into_iter().map(|p| format!("{file}: {p}")));
        if fresh != text {
            if write {
                std::fs::write(&path, &fresh).expect("writes the guide");
            } else {
                stale.push(file);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        stale.is_empty(),
        "key tables out of date in {stale:?}: run PROSPECT_WRITE_DOCS=1 cargo test --test cli docs::"
    );
    assert!(blocks > 1, "the guide has key tables");
    let undocumented: Vec<&str> = BINDINGS
        .iter()
        .map(|b| b.name)
        .filter(|n| !shown.contains(*n))
        .collect();
    assert!(
        undocumented.is_empty(),
        "key bindings in no page of the guide: {undocumented:?}"
    );
}

#[test]
fn a_stale_key_table_is_found_and_written_again() {
    let text = "before\n<!-- keys: help -->\n| stale |\n<!-- /keys -->\nafter\n";
    let (fresh, shown, problems) = regenerate(text);
    assert!(problems.is_empty());
    assert_eq!(shown, ["help"]);
    assert!(fresh.contains("| anywhere | `?` | help overlay |\n<!-- /keys -->\nafter"));
    assert_eq!(regenerate(&fresh).0, fresh, "generating is stable");
    let (_, _, problems) = regenerate("<!-- keys: nope -->\n<!-- /keys -->");
    assert_eq!(problems, ["no key binding is named nope"]);
}

#[test]
fn guide_pages_are_where_the_readme_says() {
    // The pages the README and ARCHITECTURE.md promise; a missing one is a broken link too,
    // but this names the job it was for.
    for page in [
        "browsing",
        "correcting",
        "finding",
        "exploring",
        "fixing-many",
        "configuration",
        "security",
        "integrating",
        "performance",
    ] {
        assert!(
            root().join(format!("docs/{page}.md")).exists(),
            "docs/{page}.md"
        );
    }
}
