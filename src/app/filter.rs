//! `F` — a filter on any field: every page is scanned and the matches stream into a list
//! whose title says how much has been covered ("12 matches · scanned 3,400 of 10,000").

use super::scan_view::Coverage;
use crate::api::Prospect;
use crate::present::thousands;

/// A match as the view shows it: the id and the five columns, in one allocation.
///
/// A scan can match every record, so a match holds what the list shows (about 100 bytes),
/// never the whole record: `Enter`/`e` fetch the record by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchRow {
    /// The id, name, email, phone, postcode, country and external reference, one after the
    /// other.
    text: Box<str>,
    /// Where each of the seven parts of `text` ends.
    ends: [u32; 7],
}

impl MatchRow {
    /// The row of `p`.
    pub fn of(p: &Prospect) -> MatchRow {
        let address = p.address.as_ref();
        let parts = [
            p.id.as_str(),
            &p.full_name(),
            p.email.as_str(),
            p.phone_number.as_deref().unwrap_or(""),
            address.and_then(|a| a.postcode.as_deref()).unwrap_or(""),
            address.and_then(|a| a.country.as_deref()).unwrap_or(""),
            p.external_reference.as_deref().unwrap_or(""),
        ];
        let mut text = String::with_capacity(parts.iter().map(|s| s.len()).sum());
        let mut ends = [0u32; 7];
        for (end, part) in ends.iter_mut().zip(parts) {
            text.push_str(part);
            // Past 4 GiB the parts read as empty instead of panicking.
            *end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        MatchRow {
            text: text.into_boxed_str(),
            ends,
        }
    }

    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text
            .get(start as usize..self.ends[i] as usize)
            .unwrap_or("")
    }

    /// The record's id.
    pub fn id(&self) -> &str {
        self.part(0)
    }

    /// First, middle and last name, as `Prospect::full_name`.
    pub fn name(&self) -> &str {
        self.part(1)
    }

    /// The email address.
    pub fn email(&self) -> &str {
        self.part(2)
    }

    /// The phone number, `""` when there is none.
    pub fn phone(&self) -> &str {
        self.part(3)
    }

    /// The address's postcode, `""` when there is none.
    pub fn postcode(&self) -> &str {
        self.part(4)
    }

    /// The address's country, `""` when there is none.
    pub fn country(&self) -> &str {
        self.part(5)
    }

    /// The external reference, `""` when there is none.
    pub fn reference(&self) -> &str {
        self.part(6)
    }
}

/// The filter view: the matches found so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterView {
    /// The filter as typed.
    pub text: String,
    /// The scan: in flight, or how it ended.
    pub scan: Coverage,
    /// The filter as parsed (a facet's `Enter` makes one no text can spell: an exact value).
    pub filter: Option<crate::scan::Filter>,
    /// The matching records' rows, in list order.
    pub matches: Vec<MatchRow>,
    pub selected: usize,
}

impl FilterView {
    /// The title: the filter, the matches and the coverage.
    pub fn title(&self) -> String {
        let n = self.matches.len();
        let matches = format!(
            "{} match{}",
            thousands(n as u64),
            if n == 1 { "" } else { "es" }
        );
        format!("{} · {matches} · {}", self.text, self.scan.text())
    }

    /// A record was saved: its row shows the new values.
    pub fn record_saved(&mut self, p: &Prospect) {
        for row in self.matches.iter_mut().filter(|r| r.id() == p.id) {
            *row = MatchRow::of(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Address;

    #[test]
    fn a_row_holds_the_id_and_the_shown_columns() {
        let mut p = crate::sandbox::generate(1, 42).remove(0);
        p.middle_name = Some("Zoë".into());
        p.phone_number = Some("+447700900123".into());
        p.address = Some(Address {
            postcode: Some("NW1 6XE".into()),
            country: Some("GBR".into()),
            ..Address::default()
        });
        let row = MatchRow::of(&p);
        assert_eq!(row.id(), p.id);
        assert_eq!(row.name(), p.full_name());
        assert!(row.name().contains("Zoë"));
        assert_eq!(row.email(), p.email);
        assert_eq!(row.phone(), "+447700900123");
        assert_eq!(row.postcode(), "NW1 6XE");
        assert_eq!(row.country(), "GBR");
        assert_eq!(
            row.reference(),
            p.external_reference.as_deref().unwrap_or("")
        );
        p.phone_number = None;
        p.address = None;
        let row = MatchRow::of(&p);
        assert_eq!((row.phone(), row.postcode(), row.country()), ("", "", ""));
        assert_eq!(row.id(), p.id);
    }
}
