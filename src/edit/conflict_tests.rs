use super::*;
use crate::patch::tests::sample;
use proptest::prelude::*;
use serde_json::json;

fn addr(p: &mut Prospect) -> &mut Address {
    p.address.as_mut().unwrap()
}

#[test]
fn fields_changed_on_the_server_that_the_user_did_not_touch_are_never_in_the_body() {
    let original = sample();
    let mut server = original.clone();
    server.last_name = Some("Smith".into());
    server.phone_number = None;
    addr(&mut server).postcode = Some("ZZ9 9ZZ".into());
    let mut edited = original.clone();
    edited.email = "john.doe@example.com".into();

    let body = patch::diff(&original, &edited);
    assert!(conflicts(&original, &server, &body).is_empty());
    let sent = overwrite_body(&server, &original, &edited);
    assert_eq!(
        serde_json::to_string(&sent).unwrap(),
        r#"{"email":"john.doe@example.com"}"#
    );
    let rebased = rebase(&server, &original, &edited);
    assert_eq!(rebased.last_name.as_deref(), Some("Smith"));
    assert_eq!(rebased.phone_number, None);
    assert_eq!(rebased.email, "john.doe@example.com");
    assert_eq!(rebased.address, server.address);
}

#[test]
fn a_field_both_sides_changed_differently_is_a_conflict_with_all_three_values() {
    let original = sample();
    let mut server = original.clone();
    server.email = "theirs@example.com".into();
    let mut edited = original.clone();
    edited.email = "mine@example.com".into();
    edited.first_name = Some("Jon".into());

    let body = patch::diff(&original, &edited);
    let c = conflicts(&original, &server, &body);
    assert_eq!(
        c,
        vec![Conflict {
            key: "email".into(),
            original: json!("john@example.com"),
            server: json!("theirs@example.com"),
            mine: json!("mine@example.com"),
        }]
    );
    // Overwrite sends both of my changes, computed against the server.
    let sent = overwrite_body(&server, &original, &edited);
    assert_eq!(
        Value::Object(sent),
        json!({"email": "mine@example.com", "firstName": "Jon"})
    );
}

#[test]
fn both_sides_making_the_same_change_is_not_a_conflict_and_is_not_sent() {
    let original = sample();
    let mut server = original.clone();
    server.middle_name = None;
    server.last_name = Some("Doe-Smith".into());
    let mut edited = original.clone();
    edited.middle_name = Some(String::new()); // cleared in the form
    edited.last_name = Some("Doe-Smith".into());
    edited.first_name = Some("Jon".into());

    let body = patch::diff(&original, &edited);
    assert_eq!(body.len(), 3);
    assert!(conflicts(&original, &server, &body).is_empty());
    let sent = overwrite_body(&server, &original, &edited);
    assert_eq!(Value::Object(sent), json!({"firstName": "Jon"}));
}

#[test]
fn a_clear_versus_a_change_is_a_conflict_with_null_shown() {
    let original = sample();
    let mut server = original.clone();
    server.middle_name = Some(String::new());
    let mut edited = original.clone();
    edited.middle_name = Some("Jim".into());
    let c = conflicts(&original, &server, &patch::diff(&original, &edited));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].server, Value::Null);
    assert_eq!(c[0].mine, json!("Jim"));
}

#[test]
fn address_changes_to_different_parts_merge_without_conflict() {
    let original = sample();
    let mut server = original.clone();
    addr(&mut server).postcode = Some("ZZ9 9ZZ".into());
    addr(&mut server).id = Some(json!("addr-10"));
    let mut edited = original.clone();
    addr(&mut edited).line1 = Some("2 High St".into());

    let body = patch::diff(&original, &edited);
    assert!(conflicts(&original, &server, &body).is_empty());
    let rebased = rebase(&server, &original, &edited);
    let a = rebased.address.as_ref().unwrap();
    assert_eq!(a.line1.as_deref(), Some("2 High St"));
    assert_eq!(a.postcode.as_deref(), Some("ZZ9 9ZZ"));
    assert_eq!(a.id, Some(json!("addr-10")));
    let sent = overwrite_body(&server, &original, &edited);
    assert_eq!(sent["address"]["line1"], "2 High St");
    assert_eq!(sent["address"]["postcode"], "ZZ9 9ZZ");
    assert!(sent["address"].get("id").is_none());
}

#[test]
fn address_part_changed_differently_on_both_sides_is_a_conflict() {
    let original = sample();
    let mut server = original.clone();
    addr(&mut server).postcode = Some("ZZ9 9ZZ".into());
    let mut edited = original.clone();
    addr(&mut edited).postcode = Some("AB1 2CE".into());
    let c = conflicts(&original, &server, &patch::diff(&original, &edited));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].key, "address");
    assert_eq!(c[0].server["postcode"], "ZZ9 9ZZ");
    assert_eq!(c[0].mine["postcode"], "AB1 2CE");
    assert!(c[0].original.get("id").is_none());
    // Rebase keeps mine for the part I changed.
    let rebased = rebase(&server, &original, &edited);
    assert_eq!(
        rebased.address.unwrap().postcode.as_deref(),
        Some("AB1 2CE")
    );
}

#[test]
fn address_removed_on_the_server_while_edited_is_a_conflict() {
    let original = sample();
    let mut server = original.clone();
    server.address = None;
    let mut edited = original.clone();
    addr(&mut edited).line2 = Some("Flat 3".into());
    let c = conflicts(&original, &server, &patch::diff(&original, &edited));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].server, Value::Null);
    let sent = overwrite_body(&server, &original, &edited);
    assert_eq!(sent["address"]["line2"], "Flat 3");
    assert_eq!(sent["address"]["line1"], "1 High St");
}

#[test]
fn an_address_id_change_alone_is_not_a_server_change() {
    let original = sample();
    let mut server = original.clone();
    addr(&mut server).id = Some(json!("addr-other"));
    let mut edited = original.clone();
    edited.address = None;
    let body = patch::diff(&original, &edited);
    assert!(conflicts(&original, &server, &body).is_empty());
    assert_eq!(
        Value::Object(overwrite_body(&server, &original, &edited)),
        json!({"address": null})
    );
}

#[test]
fn with_no_server_change_overwrite_is_the_plain_diff() {
    let original = sample();
    let mut edited = original.clone();
    edited.phone_number = Some(String::new());
    addr(&mut edited).country = Some("IRL".into());
    assert_eq!(
        overwrite_body(&original, &original, &edited),
        patch::diff(&original, &edited)
    );
    assert_eq!(rebase(&original, &original, &edited), edited);
}

fn choice() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("")),
        Just(Some("a")),
        Just(Some("b")),
        Just(Some("c"))
    ]
}

fn with(base: &Prospect, name: Option<&str>, line2: Option<&str>, pc: Option<&str>) -> Prospect {
    let mut p = base.clone();
    p.middle_name = name.map(str::to_owned);
    addr(&mut p).line2 = line2.map(str::to_owned);
    addr(&mut p).postcode = pc.map(str::to_owned);
    p
}

proptest! {
    #[test]
    fn overwrite_never_touches_keys_only_the_server_changed(
        o in (choice(), choice(), choice()),
        s in (choice(), choice(), choice()),
        e in (choice(), choice(), choice()),
    ) {
        let base = sample();
        let original = with(&base, o.0, o.1, o.2);
        let server = with(&base, s.0, s.1, s.2);
        let edited = with(&base, e.0, e.1, e.2);
        let mine = patch::diff(&original, &edited);
        let sent = overwrite_body(&server, &original, &edited);
        for k in sent.keys() {
            prop_assert!(mine.contains_key(k), "{k} sent but not changed by the user");
        }
        let result = patch::apply(&server, &sent).unwrap();
        // The body does exactly what the rebase describes.
        prop_assert!(patch::diff(&result, &rebase(&server, &original, &edited)).is_empty());
        if !mine.contains_key("middleName") {
            prop_assert_eq!(&result.middle_name, &server.middle_name);
        }
        // An address part only the server changed keeps the server's value.
        let (ra, sa) = (result.address.as_ref().unwrap(), server.address.as_ref().unwrap());
        let (oa, ea) = (original.address.as_ref().unwrap(), edited.address.as_ref().unwrap());
        for name in [AddressPart::Line2, AddressPart::Postcode] {
            if part(ea, name) == part(oa, name) {
                prop_assert_eq!(part(ra, name), part(sa, name));
            } else {
                prop_assert_eq!(part(ra, name), part(ea, name));
            }
        }
    }
}
