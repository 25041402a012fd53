//! CLI tables in a real terminal: every row on one line at 80 columns, ids cut with `…`.

use crate::pty::Spawn;

/// Runs a command in an 80-column terminal and returns its screen once it exited.
fn screen_of(args: &[&str]) -> String {
    let t = Spawn::app(args).size(200, 80).start();
    let status = t.wait_exit();
    let screen = t.screen();
    assert!(
        [0, 2, 6].contains(&status.exit_code()),
        "{status:?}\n{screen}"
    );
    screen
}

#[test]
fn list_fits_80_columns_and_cuts_ids_with_an_ellipsis() {
    let screen = screen_of(&["--demo", "list", "--limit", "8"]);
    let rows: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.starts_with('─'))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(rows.len(), 8, "one line per prospect:\n{screen}");
    assert!(rows[0].contains("John James"), "{screen}");
    // The id column gave way: cut with an ellipsis, never wrapped.
    assert!(rows.iter().all(|r| r.contains('…')), "{screen}");
    assert!(rows[0].starts_with("a2b9649e-df"), "{screen}");
    assert!(rows[0].contains("CRM-0042"), "{screen}");
}

#[test]
fn the_streamed_listing_and_check_fit_80_columns() {
    let screen = screen_of(&["--demo", "--demo-count", "30", "list", "--all"]);
    assert!(
        screen
            .lines()
            .all(|l| !l.starts_with("-") || l.contains('…'))
    );
    let header = screen
        .lines()
        .find(|l| l.starts_with("ID"))
        .expect("a header");
    assert!(
        header.contains("CREATED"),
        "the last column is on the line: {screen}"
    );
    let screen = screen_of(&["--demo", "--problems", "check"]);
    let header = screen
        .lines()
        .find(|l| l.starts_with("RULE"))
        .expect("a header");
    assert!(header.contains("MESSAGE"), "{screen}");
}

#[test]
fn columns_chooses_what_the_table_shows() {
    let screen = screen_of(&[
        "--demo",
        "list",
        "--limit",
        "3",
        "--columns",
        "name,email,externalReference",
    ]);
    let header = screen
        .lines()
        .find(|l| l.starts_with("NAME"))
        .expect("a header");
    assert!(
        header.contains("EMAIL") && header.contains("EXTERNAL REF"),
        "{screen}"
    );
    assert!(
        !header.contains("ID ") && !header.contains("PHONE"),
        "{screen}"
    );
    // Three columns fit whole at 80.
    assert!(
        screen.lines().any(|l| l.starts_with("John James Doe ")
            && l.contains(" john.doe@example.com ")
            && l.trim_end().ends_with("CRM-0042")),
        "{screen}"
    );
    let screen = screen_of(&["--demo", "list", "--all", "--columns", "name,bogus"]);
    assert!(screen.contains("Unknown column \"bogus\""), "{screen}");
}
