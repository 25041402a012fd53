//! Naming any field of a record the way `patch --set` does, plus `id`, `externalReference`
//! and `createDate`: what `--where` filters on and what a finding points at. One field table
//! and one parser serve every entry point: they live in `patch::field`, seen from here.

use crate::patch::field::FieldKey;

pub use crate::patch::field::{complete, completions, known_names, parse, unknown};

/// One field of a prospect, any of the table's rows (settable or not).
pub type FieldRef = FieldKey;

#[cfg(test)]
mod tests {
    use crate::batch::corrections;
    use crate::patch::FieldPath;
    use crate::scan::facet::FacetField;
    use crate::scan::filter::Filter;

    /// What each entry point makes of `typed`, as the dotted name (or the error).
    fn everywhere(typed: &str) -> [Result<String, String>; 5] {
        let set = FieldPath::resolve(typed).map(|p| p.to_string());
        let filter = Filter::parse(&[format!("{typed}=x")])
            .map(|f| f.conditions[0].field.name().to_string());
        let prompt = Filter::parse_line(&format!("{typed}=x"))
            .map(|f| f.conditions[0].field.name().to_string());
        let file = corrections::parse("f.csv", format!("id,{typed}\nabc,x\n").as_bytes())
            .map_err(|e| e.message)
            .map(|rows| rows[0].set[0].0.to_string());
        let facet = match FacetField::parse(typed) {
            Ok(FacetField::Known(f)) => Ok(f.name().to_string()),
            Ok(FacetField::Extra(k)) => Err(format!("unmodelled {k}")),
            Err(e) => Err(e),
        };
        [set, filter, prompt, file, facet]
    }

    #[test]
    fn every_spelling_resolves_the_same_in_every_entry_point() {
        let cases = [
            ("address.postcode", "address.postcode"),
            ("address_postcode", "address.postcode"),
            ("Address_Postcode", "address.postcode"),
            ("postcode", "address.postcode"),
            ("ADDRESS.COUNTRY", "address.country"),
            ("address.kind", "address.type"),
            ("first_name", "firstName"),
            ("FirstName", "firstName"),
            ("phone", "phoneNumber"),
            ("dob", "dateOfBirth"),
            ("identification_number", "identificationNumber"),
        ];
        for (typed, name) in cases {
            for (i, got) in everywhere(typed).into_iter().enumerate() {
                assert_eq!(got.as_deref(), Ok(name), "{typed} at entry point {i}");
            }
        }
    }

    #[test]
    fn an_unknown_name_is_one_sentence_naming_the_fields_everywhere() {
        for (i, got) in everywhere("adress.postcode").into_iter().enumerate() {
            let e = got.expect_err("unknown");
            assert!(e.contains("Unknown field \"adress.postcode\""), "{i}: {e}");
            assert!(e.contains("did you mean address.postcode?"), "{i}: {e}");
            assert!(!e.contains('\n'), "{i}: {e}");
        }
        // A key of the server's that the client does not model is still a facet.
        assert_eq!(
            FacetField::parse("partnerId"),
            Ok(FacetField::Extra("partnerId".into()))
        );
    }
}
