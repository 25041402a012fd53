//! The minimal PATCH: which keys changed between the record as fetched and as edited.
//!
//! The CLI's `patch` command, the TUI's form and the sandbox all use this one module, so the
//! body a user reviews is the body that is sent and the body the sandbox applies.

pub mod field;
pub mod field_path;
pub mod phone;
pub mod phone_meta;
pub mod validate;

use serde_json::{Map, Value};

use crate::api::model::{Address, Prospect};
pub use field::{ADDRESS_PARTS, AddressPart, Field, FieldKey};
pub use field_path::FieldPath;
pub use validate::FieldError;

pub use crate::api::model::PatchBody;

/// The keys a PATCH may carry, in the order the form shows them: the scalar fields of the
/// field table, then `address`.
pub const PATCHABLE: [&str; 8] = {
    let mut out = ["address"; 8];
    let (mut i, mut n) = (0, 0);
    while i < field::FIELDS.len() {
        if let field::Slot::Scalar(_) = field::FIELDS[i].slot {
            out[n] = field::FIELDS[i].name;
            n += 1;
        }
        i += 1;
    }
    out
};

/// Text cleared to empty means "no value".
fn normalize(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

fn normalize_address(a: Option<&Address>) -> Option<Address> {
    let mut a = a?.clone();
    for part in [
        &mut a.line1,
        &mut a.line2,
        &mut a.line3,
        &mut a.postcode,
        &mut a.country,
    ] {
        if part.as_deref() == Some("") {
            *part = None;
        }
    }
    let empty = a.kind.is_empty()
        && a.line1.is_none()
        && a.line2.is_none()
        && a.line3.is_none()
        && a.postcode.is_none()
        && a.country.is_none()
        && a.extra.is_empty();
    (!empty).then_some(a)
}

fn same_address(a: Option<&Address>, b: Option<&Address>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.to_map_without_id() == b.to_map_without_id(),
        _ => false,
    }
}

/// The minimal body that turns `original` into `edited`: exactly the changed keys, `null` for
/// a cleared nullable field, the whole address (without its `id`) when any part changed.
pub fn diff(original: &Prospect, edited: &Prospect) -> PatchBody {
    let mut body = Map::new();
    for f in Field::ALL {
        let before = normalize(f.get(original));
        let after = normalize(f.get(edited));
        if before != after {
            body.insert(
                f.key().into(),
                after.map_or(Value::Null, |s| Value::String(s.into())),
            );
        }
    }
    let before = normalize_address(original.address.as_ref());
    let after = normalize_address(edited.address.as_ref());
    if !same_address(before.as_ref(), after.as_ref()) {
        body.insert(
            "address".into(),
            after.map_or(Value::Null, |a| Value::Object(a.to_map_without_id())),
        );
    }
    body
}

/// Checks a PATCH body against the contract; every problem is reported, keyed by field.
pub fn validate_body(body: &PatchBody) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        })
    };
    for (key, value) in body {
        if !PATCHABLE.contains(&key.as_str()) {
            err(key, format!("property {key} should not exist"));
            continue;
        }
        if key == "address" {
            match value {
                Value::Null => {}
                Value::Object(a) => {
                    let kind = a.get("type").and_then(Value::as_str).unwrap_or("");
                    if kind.is_empty() {
                        err("address.type", "address.type must not be empty".into());
                    }
                    for (k, v) in a {
                        let field = format!("address.{k}");
                        if !(v.is_string() || v.is_null()) && AddressPart::from_key(k).is_some() {
                            err(&field, format!("{field} must be a string"));
                        }
                        if let Some(Err(m)) = v.as_str().map(|t| validate::text(&field, t)) {
                            err(&field, m);
                        }
                    }
                    if kind == "STRUCTURED" {
                        match a.get("country") {
                            Some(Value::String(c)) => {
                                if let Err(m) = validate::country(c) {
                                    err("address.country", m)
                                }
                            }
                            _ => err(
                                "address.country",
                                "address.country is required for a STRUCTURED address".into(),
                            ),
                        }
                        if !matches!(a.get("line1"), Some(Value::String(s)) if !s.is_empty()) {
                            err(
                                "address.line1",
                                "address.line1 is required for a STRUCTURED address".into(),
                            );
                        }
                    }
                }
                _ => err("address", "address must be an object or null".into()),
            }
            continue;
        }
        let text = match value {
            Value::Null if key == "email" => {
                err("email", "email cannot be cleared".into());
                continue;
            }
            Value::Null => continue,
            Value::String(s) => s.as_str(),
            _ => {
                err(key, format!("{key} must be a string"));
                continue;
            }
        };
        let checked = validate::text(key, text).and_then(|()| match key.as_str() {
            "email" => validate::email(text),
            "phoneNumber" => validate::phone(text),
            "dateOfBirth" => validate::date(text),
            _ => Ok(()),
        });
        if let Err(m) = checked {
            err(key, m);
        }
    }
    errors
}

/// Applies a (valid) body to a record, as the server does.
pub fn apply(original: &Prospect, body: &PatchBody) -> Result<Prospect, String> {
    let mut p = original.clone();
    for (key, value) in body {
        if key == "address" {
            p.address = match value {
                Value::Null => None,
                v => {
                    let mut a = Address::from_value(v.clone())?;
                    // The server keeps the address's identity across an update.
                    a.id = original.address.as_ref().and_then(|o| o.id.clone());
                    Some(a)
                }
            };
            continue;
        }
        let field =
            Field::from_key(key).ok_or_else(|| format!("property {key} should not exist"))?;
        let v = match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => return Err(format!("{key} must be a string, got {other}")),
        };
        if field == Field::Email && v.is_none() {
            return Err("email cannot be cleared".into());
        }
        field.set(&mut p, v);
    }
    Ok(p)
}

/// Whether `server` already holds every change in `body`: how a save whose answer was lost
/// (a timeout, a broken connection, a 5xx) is told apart from one that never landed.
pub fn is_applied(server: &Prospect, body: &PatchBody) -> bool {
    apply(server, body).is_ok_and(|after| diff(server, &after).is_empty())
}

/// The value a field would show in a review: `—` for none.
pub fn display_value(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One PATCH key's change as people read it: (field, before, after), values shown as
/// [`display_value`]. An address is split into the parts that changed (`address.country`),
/// so a changed country is not two whole addresses side by side.
pub fn change_lines(key: &str, before: &Value, after: &Value) -> Vec<(String, String, String)> {
    if key == "address" {
        let part = |v: &Value, p: &str| match v.get(p) {
            Some(Value::String(s)) if s.is_empty() => Value::Null,
            Some(v) => v.clone(),
            None => Value::Null,
        };
        let parts: Vec<_> = AddressPart::ALL
            .iter()
            .map(|p| (p.key(), part(before, p.key()), part(after, p.key())))
            .filter(|(_, b, a)| b != a)
            .map(|(p, b, a)| (format!("address.{p}"), display_value(&b), display_value(&a)))
            .collect();
        if !parts.is_empty() {
            return parts;
        }
    }
    vec![(key.to_string(), display_value(before), display_value(after))]
}

/// The current value of a patchable key in a record, as JSON (for before → after views).
pub fn current_value(p: &Prospect, key: &str) -> Value {
    if key == "address" {
        return p
            .address
            .as_ref()
            .map_or(Value::Null, |a| Value::Object(a.to_map_without_id()));
    }
    Field::from_key(key)
        .and_then(|f| f.get(p))
        .map_or(Value::Null, |s| Value::String(s.into()))
}

#[cfg(test)]
pub(crate) mod tests;
