//! What was typed in the prompts, remembered across runs (per profile, the last 100 of each
//! kind); never an identification number.

use super::state::{PromptKind, State};
pub use crate::edit::history::{HISTORY_MAX, PromptHistory};

/// The entries recalled in a prompt of `kind` (a search in a pane has none).
pub fn of(h: &PromptHistory, kind: PromptKind) -> &[String] {
    match kind {
        PromptKind::Search => &h.search,
        PromptKind::Lookup => &h.lookup,
        PromptKind::Filter => &h.filter,
        // Values typed for `S` may be personal data: never kept.
        PromptKind::Find | PromptKind::SetValue | PromptKind::Reason => &[],
    }
}

/// Adds `text` as the newest entry of `kind`; returns whether anything changed.
pub fn push(h: &mut PromptHistory, kind: PromptKind, text: &str) -> bool {
    match kind {
        PromptKind::Search => crate::edit::history::push(&mut h.search, text),
        PromptKind::Lookup => crate::edit::history::push(&mut h.lookup, text),
        PromptKind::Filter => crate::edit::history::push(&mut h.filter, text),
        PromptKind::Find | PromptKind::SetValue | PromptKind::Reason => false,
    }
}

/// Whether `text` is, or looks like, an identification number: one of a record the app has
/// shown, or shaped like a national insurance or social security number. Such text is never
/// written to the history.
pub fn is_identification(state: &State, text: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let t = norm(text);
    if t.is_empty() {
        return false;
    }
    let seen = state
        .list
        .rows
        .iter()
        .chain(state.detail.as_ref().map(|d| &d.prospect))
        .filter_map(|p| p.identification_number.as_deref());
    if seen.map(norm).any(|n| n == t) {
        return true;
    }
    let b = t.as_bytes();
    // UK national insurance number: two letters, six digits, an optional letter.
    let nino = (8..=9).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..8].iter().all(u8::is_ascii_digit)
        && b[8..].iter().all(u8::is_ascii_alphabetic);
    // A US social security number (nine digits, usually 3-2-4) and the like.
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let numeric = digits >= 9
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ' || c == '.');
    nino || numeric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_hundred_are_kept_newest_last_without_repeats() {
        let mut h = PromptHistory::default();
        for i in 0..150 {
            push(&mut h, PromptKind::Search, &format!("s{i}"));
        }
        assert_eq!(h.search.len(), HISTORY_MAX);
        assert_eq!(h.search[0], "s50");
        assert!(push(&mut h, PromptKind::Search, "s60"));
        assert_eq!(h.search.last().map(String::as_str), Some("s60"));
        assert_eq!(h.search.iter().filter(|s| *s == "s60").count(), 1);
        assert!(!push(&mut h, PromptKind::Search, "s60"));
        assert!(!push(&mut h, PromptKind::Find, "x"));
        assert!(push(&mut h, PromptKind::Lookup, "CRM-0042"));
        assert_eq!(of(&h, PromptKind::Lookup), ["CRM-0042"]);
    }

    #[test]
    fn identification_numbers_are_recognised() {
        let mut s = crate::app::tests::fixtures::loaded(3, 3, (80, 24));
        let id = s.list.rows[0].identification_number.clone().unwrap();
        assert!(is_identification(&s, &id));
        assert!(is_identification(&s, &id.to_lowercase()));
        assert!(is_identification(&s, "AB 12 34 56 C"));
        assert!(is_identification(&s, "078-05-1120"));
        for fine in [
            "doe",
            "CRM-0042",
            "PRT/2025/00005",
            "john.doe@example.com",
            "a2b9649e-df7f-4349-adff-000000000001",
        ] {
            assert!(!is_identification(&s, fine), "{fine}");
        }
        s.list.rows.clear();
        assert!(!is_identification(&s, "XYZ-1"));
    }
}
