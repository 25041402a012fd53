use super::*;
use crate::patch::{diff, validate_body};
use serde_json::{Value, json};

/// The shared sample with no middle name and an external reference that tries to break out
/// of its TOML comment.
fn sample() -> Prospect {
    let mut p = crate::patch::tests::sample();
    p.external_reference = Some("CRM-0042\n[address]\nline1 = \"evil\"".into());
    p.middle_name = None;
    p
}

#[test]
fn an_unchanged_document_gives_an_empty_diff() {
    let p = sample();
    let doc = to_toml(&p);
    let back = from_toml(&p, &doc).unwrap();
    assert!(diff(&p, &back).is_empty(), "{doc}");
    // The address keeps its id and the record its unknown fields.
    assert_eq!(back.address.as_ref().unwrap().id, Some(json!("addr-9")));
    assert_eq!(back.extra["partnerId"], "p-1");
}

#[test]
fn the_document_lists_the_editable_fields_and_shows_read_only_ones_as_comments() {
    let doc = to_toml(&sample());
    for key in [
        "firstName =",
        "middleName = \"\"",
        "lastName =",
        "email =",
        "phoneNumber =",
        "dateOfBirth =",
        "identificationNumber =",
        "[address]",
        "type = \"STRUCTURED\"",
        "country = \"GBR\"",
        "#   id = \"a2b9649e-df7f-4349-adff-1c57283fef10\"",
        "#   createDate = \"2026-01-02T03:04:05.000Z\"",
    ] {
        assert!(doc.contains(key), "{key} missing in\n{doc}");
    }
    // A newline in a read-only value cannot escape its comment.
    assert!(doc.contains(r#"#   externalReference = "CRM-0042\n[address]\nline1 = \"evil\"""#));
    assert_eq!(doc.matches("\n[address]").count(), 1);
}

#[test]
fn control_characters_round_trip_escaped() {
    let mut p = sample();
    let nasty = "A\u{1b}[31mB\u{7}\t\"q\"\\\r\n\u{7f}\u{9b}2J\u{0}é";
    p.first_name = Some(nasty.into());
    p.address.as_mut().unwrap().line2 = Some("x\u{8}y\u{c}".into());
    let doc = to_toml(&p);
    assert!(
        !doc.chars().any(|c| c.is_control() && c != '\n'),
        "raw control character in\n{doc}"
    );
    let back = from_toml(&p, &doc).unwrap();
    assert_eq!(back.first_name.as_deref(), Some(nasty));
    assert!(diff(&p, &back).is_empty());
}

#[test]
fn editing_the_email_in_the_text_gives_the_email_body() {
    let p = sample();
    let doc = to_toml(&p).replace(
        "email = \"john@example.com\"",
        "email = \"john.doe@example.com\"",
    );
    let back = from_toml(&p, &doc).unwrap();
    let body = diff(&p, &back);
    assert_eq!(
        Value::Object(body),
        json!({"email": "john.doe@example.com"})
    );
}

#[test]
fn removing_the_address_table_clears_the_address() {
    let p = sample();
    let doc = to_toml(&p);
    let cut = doc.find("[address]").unwrap();
    let back = from_toml(&p, &doc[..cut]).unwrap();
    assert_eq!(Value::Object(diff(&p, &back)), json!({"address": null}));
}

#[test]
fn an_empty_string_clears_and_a_missing_key_is_unchanged() {
    let p = sample();
    let doc: String = to_toml(&p)
        .lines()
        .filter(|l| !l.starts_with("lastName") && !l.starts_with("postcode"))
        .map(|l| {
            if l.starts_with("phoneNumber") {
                "phoneNumber = \"\"".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let back = from_toml(&p, &doc).unwrap();
    assert_eq!(Value::Object(diff(&p, &back)), json!({"phoneNumber": null}));
    // Clearing the email parses, and validation then refuses it.
    let doc = to_toml(&p).replace("email = \"john@example.com\"", "email = \"\"");
    let body = diff(&p, &from_toml(&p, &doc).unwrap());
    assert_eq!(validate_body(&body)[0].field, "email");
}

#[test]
fn an_address_can_be_added_by_uncommenting_the_template() {
    let mut p = sample();
    p.address = None;
    let doc = to_toml(&p);
    assert!(doc.contains("# [address]"));
    assert!(diff(&p, &from_toml(&p, &doc).unwrap()).is_empty());
    let doc = doc
        .replace("# [address]", "[address]")
        .replace("# type = ", "type = ")
        .replace("# line1 = \"\"", "line1 = \"9 Low Rd\"")
        .replace("# country = \"\"", "country = \"GBR\"");
    let body = diff(&p, &from_toml(&p, &doc).unwrap());
    assert_eq!(body["address"]["type"], "STRUCTURED");
    assert_eq!(body["address"]["line1"], "9 Low Rd");
    assert!(validate_body(&body).is_empty());
}

#[test]
fn a_syntax_error_names_its_line() {
    let p = sample();
    let doc = to_toml(&p).replace("email = \"john@example.com\"", "email = \"john@example.com");
    let line = doc.lines().position(|l| l.starts_with("email")).unwrap() + 1;
    let e = from_toml(&p, &doc).unwrap_err();
    assert!(e.contains(&format!("line {line},")), "{e}");
}

#[test]
fn unknown_keys_and_non_strings_are_all_named() {
    let p = sample();
    let doc = format!(
        "{}\nid = \"other\"\nnickname = \"J\"\npostcod = \"X\"\n",
        to_toml(&p).replace(
            "phoneNumber = \"+447101231111\"",
            "phoneNumber = +447101231111"
        )
    );
    let e = from_toml(&p, &doc).unwrap_err();
    assert!(e.contains("unknown or read-only keys"), "{e}");
    for name in [
        "id",
        "nickname",
        "address.postcod",
        "phoneNumber must be a string",
    ] {
        assert!(e.contains(name), "{name} not in {e}");
    }
}

#[test]
fn a_bare_toml_date_is_accepted_for_the_date_of_birth() {
    let p = sample();
    let doc = to_toml(&p).replace("dateOfBirth = \"1990-02-03\"", "dateOfBirth = 1991-02-03");
    let body = diff(&p, &from_toml(&p, &doc).unwrap());
    assert_eq!(Value::Object(body), json!({"dateOfBirth": "1991-02-03"}));
}
