use super::*;
use proptest::prelude::*;
use serde_json::json;

/// John Doe with every field set, a structured address and one unknown field: the record
/// the patch, conflict and TOML tests start from.
pub(crate) fn sample() -> Prospect {
    serde_json::from_value(json!({
        "id": "a2b9649e-df7f-4349-adff-1c57283fef10",
        "externalReference": "CRM-0042",
        "firstName": "John", "middleName": "James", "lastName": "Doe",
        "email": "john@example.com",
        "address": {"type": "STRUCTURED", "id": "addr-9", "line1": "1 High St", "line2": null,
                    "line3": null, "postcode": "AB1 2CD", "country": "GBR"},
        "dateOfBirth": "1990-02-03", "phoneNumber": "+447101231111",
        "identificationNumber": "QQ123456C", "createDate": "2026-01-02T03:04:05.000Z",
        "partnerId": "p-1"
    }))
    .unwrap()
}

#[test]
fn changed_email_and_cleared_middle_name_make_the_contract_body() {
    let original = sample();
    let mut edited = original.clone();
    edited.email = "john.doe@example.com".into();
    edited.middle_name = Some(String::new());
    let body = diff(&original, &edited);
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"email":"john.doe@example.com","middleName":null}"#
    );
    assert!(validate_body(&body).is_empty());
}

#[test]
fn any_address_change_sends_the_whole_address_without_its_id() {
    let original = sample();
    let mut edited = original.clone();
    edited.address.as_mut().unwrap().postcode = Some("ZZ9 9ZZ".into());
    let body = diff(&original, &edited);
    assert_eq!(body.len(), 1);
    assert_eq!(
        body["address"],
        json!({"type": "STRUCTURED", "line1": "1 High St", "line2": null, "line3": null,
               "postcode": "ZZ9 9ZZ", "country": "GBR"})
    );
}

#[test]
fn nothing_changed_gives_an_empty_body() {
    let original = sample();
    assert!(diff(&original, &original.clone()).is_empty());
}

#[test]
fn clearing_the_email_is_refused() {
    let original = sample();
    let mut edited = original.clone();
    edited.email.clear();
    let body = diff(&original, &edited);
    assert_eq!(body["email"], Value::Null);
    let errors = validate_body(&body);
    assert_eq!(errors[0].field, "email");
}

#[test]
fn invalid_values_are_named_by_field() {
    let body: PatchBody = serde_json::from_value(json!({
        "phoneNumber": "+44 7101", "dateOfBirth": "1990-02-30", "email": "nope",
        "partnerId": "x", "address": {"type": "STRUCTURED", "line1": "x", "country": "UK"}
    }))
    .unwrap();
    let mut fields: Vec<_> = validate_body(&body).into_iter().map(|e| e.field).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "address.country",
            "dateOfBirth",
            "email",
            "partnerId",
            "phoneNumber"
        ]
    );
}

#[test]
fn apply_keeps_the_address_id() {
    let original = sample();
    let mut edited = original.clone();
    edited.address.as_mut().unwrap().line2 = Some("Flat 2".into());
    let applied = apply(&original, &diff(&original, &edited)).unwrap();
    assert_eq!(applied, edited);
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        "[a-zA-Zé'中 -]{1,8}".prop_map(Some),
    ]
}

fn address() -> impl Strategy<Value = Option<Address>> {
    prop_oneof![
        Just(None),
        (
            opt_text(),
            opt_text(),
            opt_text(),
            prop_oneof![Just("GBR"), Just("FRA")]
        )
            .prop_map(|(line1, line2, postcode, country)| Some(Address {
                kind: "STRUCTURED".into(),
                id: Some(json!("addr-9")),
                line1: line1.filter(|s| !s.is_empty()).or(Some("1 Road".into())),
                line2: line2.filter(|s| !s.is_empty()),
                line3: None,
                postcode: postcode.filter(|s| !s.is_empty()),
                country: Some(country.into()),
                extra: Default::default(),
            })),
    ]
}

fn prospect() -> impl Strategy<Value = Prospect> {
    (
        (opt_text(), opt_text(), opt_text()),
        "[a-z]{1,6}@[a-z]{1,6}\\.com",
        (opt_text(), opt_text(), opt_text()),
        address(),
    )
        .prop_map(
            |((first, middle, last), email, (phone, dob, idn), address)| {
                // Stored records never hold empty strings: the server stores null instead.
                let n = |v: Option<String>| v.filter(|s| !s.is_empty());
                Prospect {
                    id: "a2b9649e-df7f-4349-adff-1c57283fef10".into(),
                    first_name: n(first),
                    middle_name: n(middle),
                    last_name: n(last),
                    email,
                    phone_number: n(phone),
                    date_of_birth: n(dob),
                    identification_number: n(idn),
                    address,
                    ..Default::default()
                }
            },
        )
}

/// What a stored record holds once empty text has become null.
fn stored(mut p: Prospect) -> Prospect {
    for f in Field::ALL {
        if f != Field::Email && f.get(&p) == Some("") {
            f.set(&mut p, None);
        }
    }
    p.address = normalize_address(p.address.as_ref());
    p
}

proptest! {
    #[test]
    fn applying_the_diff_to_the_original_yields_the_edited_record(
        original in prospect(), edited in prospect()
    ) {
        let body = diff(&original, &edited);
        let applied = apply(&original, &body).unwrap();
        let mut expected = stored(edited);
        if let (Some(e), Some(o)) = (expected.address.as_mut(), original.address.as_ref()) {
            e.id = o.id.clone();
        } else if let Some(e) = expected.address.as_mut() {
            e.id = None;
        }
        prop_assert_eq!(applied, expected);
    }

    #[test]
    fn an_unchanged_field_never_appears_in_the_body(
        original in prospect(), edited in prospect()
    ) {
        let body = diff(&original, &edited);
        for f in Field::ALL {
            if normalize(f.get(&original)) == normalize(f.get(&edited)) {
                prop_assert!(!body.contains_key(f.key()), "{} unchanged but sent", f.key());
            }
        }
        if same_address(original.address.as_ref(), edited.address.as_ref()) {
            prop_assert!(!body.contains_key("address"));
        }
        for key in body.keys() {
            prop_assert!(PATCHABLE.contains(&key.as_str()));
        }
    }
}

#[test]
fn an_address_change_reads_as_the_parts_that_changed() {
    let before = serde_json::json!({"type": "STRUCTURED", "line1": "1 High St", "postcode": "", "country": "gb"});
    let after = serde_json::json!({"type": "STRUCTURED", "line1": "1 High St", "postcode": null, "country": "GBR"});
    assert_eq!(
        super::change_lines("address", &before, &after),
        vec![(
            "address.country".to_string(),
            "gb".to_string(),
            "GBR".to_string()
        )]
    );
    // Any other key is one line, as the values are shown.
    assert_eq!(
        super::change_lines(
            "email",
            &serde_json::json!("a@b.c"),
            &serde_json::Value::Null
        ),
        vec![("email".to_string(), "a@b.c".to_string(), "—".to_string())]
    );
}
