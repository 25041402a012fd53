//! `S` with a value starting with `=`: an expression (product.md "Expressions") computed per
//! target record from the value the screen knows, checked with the form's rules, previewed as
//! it is typed and staged on `Enter`. Pure: the same evaluator as `transform`.

use super::changes::check_value;
use crate::expr::{self, Outcome, Pipeline};
use crate::patch::FieldPath;
use crate::patch::phone::Region;

/// How many records the preview under the prompt shows.
pub const PREVIEW_ROWS: usize = 4;

/// What the expression makes of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Result1 {
    /// A new value, valid for the field.
    Change {
        before: Option<String>,
        after: Option<String>,
    },
    /// The value would not change.
    Same,
    /// A step could not apply, or the form's rules refuse the result: why.
    Skipped(String),
    /// The screen does not know the record's value of the field.
    Unknown,
}

/// One target's outcome, with how the views name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub label: String,
    pub result: Result1,
}

/// The expression of a value typed for `S`, if it is one (`=` first); the parse error names
/// the column in the text as typed (the `=` is column 1).
pub fn parse(text: &str) -> Option<Result<Pipeline, String>> {
    text.strip_prefix('=')?;
    Some(expr::parse_in(text, 1).map_err(|e| e.to_string()))
}

/// What `pipeline` makes of one value of `field`.
pub fn outcome(
    pipeline: &Pipeline,
    field: FieldPath,
    value: Option<Option<String>>,
    region: Option<Region>,
) -> Result1 {
    let Some(before) = value else {
        return Result1::Unknown;
    };
    let before = before.filter(|v| !v.is_empty());
    match expr::eval(pipeline, before.as_deref(), region) {
        Outcome::Skipped(why) => Result1::Skipped(why),
        Outcome::Value(after) => {
            let after = after.filter(|v| !v.is_empty());
            if after == before {
                Result1::Same
            } else if let Err(why) = check_value(field, after.as_deref()) {
                Result1::Skipped(why)
            } else {
                Result1::Change { before, after }
            }
        }
    }
}

/// How many of each outcome: changed, unchanged, skipped, unknown.
pub fn counts(rows: &[Row]) -> (usize, usize, usize, usize) {
    let mut c = (0, 0, 0, 0);
    for r in rows {
        match r.result {
            Result1::Change { .. } => c.0 += 1,
            Result1::Same => c.1 += 1,
            Result1::Skipped(_) => c.2 += 1,
            Result1::Unknown => c.3 += 1,
        }
    }
    c
}

/// The summary line, as `transform` words it: `changed 3 · unchanged 1 · skipped 1`, and
/// `· fetching 2 not held here…` when the screen did not hold some records' values (they are
/// fetched, and computed as they come).
pub fn summary(rows: &[Row]) -> String {
    let (changed, same, skipped, unknown) = counts(rows);
    let mut text = format!("changed {changed} · unchanged {same} · skipped {skipped}");
    if unknown > 0 {
        text.push_str(&format!(" · fetching {unknown} not held here…"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone() -> FieldPath {
        FieldPath::parse("phoneNumber").expect("field")
    }

    #[test]
    fn only_text_starting_with_equals_is_an_expression_and_errors_point_at_the_column() {
        assert!(parse("plain value").is_none());
        assert!(parse("=trim | upper").is_some_and(|r| r.is_ok()));
        let e = parse("=replace(/[/, \"\")")
            .expect("an expression")
            .expect_err("a bad regex");
        assert!(e.starts_with("line 1, column 11"), "{e}");
    }

    #[test]
    fn each_record_is_changed_unchanged_skipped_or_unknown() {
        let e164 = parse("=e164").expect("expr").expect("parses");
        let gb = Region::parse("GB").ok();
        let national = Some(Some("07123 456789".to_string()));
        match outcome(&e164, phone(), national.clone(), gb) {
            Result1::Change { before, after } => {
                assert_eq!(before.as_deref(), Some("07123 456789"));
                assert!(after.is_some_and(|a| a.starts_with("+44")));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            outcome(&e164, phone(), national, None),
            Result1::Skipped(_)
        ));
        let done = Some(Some("+447123456789".to_string()));
        assert_eq!(outcome(&e164, phone(), done, gb), Result1::Same);
        assert_eq!(outcome(&e164, phone(), None, gb), Result1::Unknown);
        // A result the form refuses is skipped with the rule's message, never staged.
        let junk = parse("=value(\"call me\")").expect("expr").expect("parses");
        assert!(matches!(
            outcome(&junk, phone(), Some(None), gb),
            Result1::Skipped(_)
        ));
    }
}
