//! How a prospect reads, for the CLI and the TUI alike: which fields are shown under which
//! label, masking, dates and country names. Values come back as the server sent them
//! (unescaped); each output escapes them with [`crate::text::escape_control`] as it writes.

use serde_json::Value;

use crate::api::Prospect;
use crate::patch::field::{AddressPart, FieldKey, Slot};
use crate::patch::{self, validate::country_name};

/// One labelled value of a record; `None` is shown as a dash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub value: Option<String>,
    /// The value is masked (the identification number, until revealed).
    pub masked: bool,
}

fn field(label: &str, value: Option<String>) -> Field {
    Field {
        label: label.to_string(),
        value,
        masked: false,
    }
}

/// `3400` as `3,400`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How every view names a prospect: its name and external reference (`Jane Doe · CRM-0042`),
/// either alone when the other is missing, the id when both are.
pub fn name_and_ref(name: &str, reference: Option<&str>, id: &str) -> String {
    let name = name.trim();
    let reference = reference.map(str::trim).filter(|r| !r.is_empty());
    match (name.is_empty(), reference) {
        (false, Some(r)) => format!("{name} · {r}"),
        (false, None) => name.to_string(),
        (true, Some(r)) => r.to_string(),
        (true, None) => id.to_string(),
    }
}

/// All but the last four characters hidden; values of four characters or fewer are hidden
/// entirely (their "last four" would be all of them).
pub fn mask(s: &str) -> String {
    let n = s.chars().count();
    if n <= 4 {
        return "•".repeat(n.max(4));
    }
    let tail: String = s.chars().skip(n - 4).collect();
    format!("{}{}", "•".repeat(n - 4), tail)
}

/// How a listing names a prospect beside its id: `Jane Doe · CRM-0042`, `(no name)` for a
/// record without one, the external reference left out when there is none. Unescaped.
pub fn name_and_reference(p: &Prospect) -> String {
    let name = p.full_name();
    let name = if name.is_empty() {
        "(no name)".to_string()
    } else {
        name
    };
    match p.external_reference.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => format!("{name} · {r}"),
        None => name,
    }
}

/// `2026-11-26T17:21:03Z` as `26 Nov 2026 17:21 UTC`, or as it is when it is no date.
pub fn readable_time(raw: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(raw).map_or_else(
        |_| raw.to_string(),
        |t| {
            t.with_timezone(&chrono::Utc)
                .format("%d %b %Y %H:%M UTC")
                .to_string()
        },
    )
}

/// `26 Nov 2026 17:21 UTC (2026-11-26T17:21:03.000Z)`, or the raw value if it is no date.
pub fn readable_time_and_raw(raw: &str) -> String {
    let readable = readable_time(raw);
    if readable == raw {
        readable
    } else {
        format!("{readable} ({raw})")
    }
}

/// The date part of `createDate` (the whole value when it is not shaped like a date-time).
pub fn created_day(p: &Prospect) -> String {
    let raw = p.create_date.as_deref().unwrap_or_default();
    match raw.get(..10) {
        Some(date) if raw.len() > 10 && raw.as_bytes().get(10) == Some(&b'T') => date.into(),
        _ => raw.into(),
    }
}

/// `GBR — United Kingdom…` for a known alpha-3 code, else the code as it is.
pub fn country(code: &str) -> String {
    match country_name(code) {
        Some(name) => format!("{code} — {name}"),
        None => code.to_string(),
    }
}

/// A JSON value as text: strings as they are, everything else as compact JSON.
pub fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn onboarding(v: &Value) -> Vec<Field> {
    let Value::Array(items) = v else {
        return vec![field("Onboarding states", Some(json_text(v)))];
    };
    if items.is_empty() {
        return vec![field("Onboarding states", Some("none".into()))];
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let label = if i == 0 { "Onboarding states" } else { "" };
            let text = match item {
                Value::Object(m) => {
                    let mut parts = Vec::new();
                    if let Some(s) = m.get("state") {
                        parts.push(json_text(s));
                    }
                    if let Some(Value::String(d)) = m.get("createDate") {
                        parts.push(readable_time_and_raw(d));
                    }
                    for (k, v) in m {
                        if k != "state" && k != "createDate" {
                            parts.push(format!("{k}: {}", json_text(v)));
                        }
                    }
                    parts.join(" · ")
                }
                other => json_text(other),
            };
            field(label, Some(text))
        })
        .collect()
}

/// Every field the server sent, labelled, in reading order; the identification number
/// masked unless `reveal`.
pub fn fields(p: &Prospect, reveal: bool) -> Vec<Field> {
    let mut out = Vec::new();
    for k in FieldKey::all() {
        let label = k.label();
        let value = k.get(p).map(str::to_owned);
        match k.slot() {
            Slot::Scalar(patch::Field::Email) => {
                out.push(field(label, p.email_as_sent().map(str::to_owned)));
            }
            Slot::CreateDate => out.push(field(
                label,
                p.create_date.as_deref().map(readable_time_and_raw),
            )),
            Slot::Address(part) => address_part(&mut out, p, part, label),
            _ => match value {
                Some(n) if k.is_secret() && !reveal => out.push(Field {
                    label: label.into(),
                    value: Some(mask(&n)),
                    masked: true,
                }),
                value => out.push(field(label, value)),
            },
        }
    }
    if let Some(states) = p.extra.get("onboardingStates") {
        out.extend(onboarding(states));
    }
    for (k, v) in &p.extra {
        if k != "onboardingStates" {
            out.push(field(k, Some(json_text(v))));
        }
    }
    out
}

/// One part of the address as the detail shows it: the type always (or `Address: —` when
/// there is none), another part when set or the address is structured; after the country,
/// the address's id and the keys this client does not model.
fn address_part(out: &mut Vec<Field>, p: &Prospect, part: AddressPart, label: &str) {
    let Some(a) = &p.address else {
        if part == AddressPart::Type {
            out.push(field("Address", None));
        }
        return;
    };
    let v = a.get(part);
    if part == AddressPart::Type || v.is_some() || a.is_structured() {
        let shown = match part {
            AddressPart::Country => v.map(country),
            _ => v.map(str::to_owned),
        };
        out.push(field(label, shown));
    }
    if part == AddressPart::Country {
        if let Some(id) = &a.id {
            out.push(field("Address id", Some(json_text(id))));
        }
        for (k, v) in &a.extra {
            out.push(field(&format!("address.{k}"), Some(json_text(v))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_only_the_last_four_and_hides_short_values_entirely() {
        assert_eq!(mask("QQ123456C"), "•••••456C");
        assert_eq!(mask("1234"), "••••");
        assert_eq!(mask("123"), "••••");
        assert_eq!(mask(""), "••••");
    }

    #[test]
    fn dates_read_as_days_and_times() {
        let p = Prospect {
            create_date: Some("2026-11-26T17:21:03.000Z".into()),
            ..Prospect::default()
        };
        assert_eq!(created_day(&p), "2026-11-26");
        assert_eq!(
            readable_time_and_raw("2026-11-26T17:21:03.000Z"),
            "26 Nov 2026 17:21 UTC (2026-11-26T17:21:03.000Z)"
        );
        assert_eq!(readable_time_and_raw("yesterday"), "yesterday");
        assert_eq!(country("GBR").split(" — ").next(), Some("GBR"));
        assert_eq!(country("XXX"), "XXX");
    }

    #[test]
    fn the_identification_number_is_masked_until_revealed() {
        let p = Prospect {
            identification_number: Some("QQ123456C".into()),
            ..Prospect::default()
        };
        let masked = fields(&p, false);
        let idn = masked
            .iter()
            .find(|f| f.label == "Identification no.")
            .cloned();
        assert_eq!(
            idn.map(|f| (f.value, f.masked)),
            Some((Some("•••••456C".into()), true))
        );
        assert!(
            fields(&p, true)
                .iter()
                .any(|f| f.value.as_deref() == Some("QQ123456C"))
        );
    }
}
