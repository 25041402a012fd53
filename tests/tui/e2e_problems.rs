//! The problems view end to end, in a pseudo-terminal: `!` on `--demo --problems`, open a
//! finding, fix it in the form, and see it go.

use crate::pty;

use pty::Spawn;

#[test]
fn problems_view_finds_the_planted_defects_and_a_fixed_one_goes_away() {
    let t = Spawn::app(&["--demo", "--problems"]).size(40, 140).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));

    t.send("!");
    t.wait_for("the finished check", |s| {
        s.contains("Problems · 64 findings · scanned 500 records")
            && s.contains("phone-format")
            && s.contains("40 × gb")
    });

    // The second rule is phone-format: its findings (the planted `+44 7123 456789`,
    // `07123 456780` and `+44 (0)7123 456781`), then the form on the first one.
    t.send("j");
    t.key("Enter");
    t.wait_for("the phone findings", |s| s.contains("+44 7123 456789"));
    t.send("e");
    t.wait_for("the form", |s| {
        s.contains("ctrl-s") && s.contains("+44 7123 456789")
    });
    t.key("C-a");
    t.key("C-k");
    t.send("+447123456789");
    t.key("C-s");
    t.wait_for("the review", |s| {
        s.contains("+44 7123 456789 → +447123456789")
    });
    t.key("Enter");
    t.wait_for("the saved record checked again", |s| {
        s.contains("Problems · phone-format: 2 of 63 findings") && !s.contains("+44 7123 456789")
    });

    t.key("C-c");
    let status = t.wait_exit();
    assert!(status.success(), "{status:?}");
    t.assert_terminal_restored();
}
