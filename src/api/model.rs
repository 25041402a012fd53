//! The prospect record as the Partner API sends it, decoded without losing anything.
//!
//! Known fields are typed; every other key is kept in `extra` and written back out, so a
//! record survives a round trip through the client even when the server adds fields.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A PATCH body: exactly the keys that change (computed by `crate::patch::diff`).
pub type PatchBody = Map<String, Value>;

/// One personal prospect.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prospect {
    pub id: String,
    pub external_reference: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub email: String,
    pub address: Option<Address>,
    pub date_of_birth: Option<String>,
    pub phone_number: Option<String>,
    pub identification_number: Option<String>,
    pub create_date: Option<String>,
    /// Every key the client does not model (e.g. `partnerId`, `onboardingStates`).
    pub extra: Map<String, Value>,
    /// Known keys whose value broke the contract (a numeric `id`, a `null` or missing
    /// `email`), as the server sent them (`None`: the key was absent). JSON output writes them
    /// back unchanged, text shows them as they came, and the form will not edit the record.
    pub irregular: BTreeMap<String, Option<Value>>,
}

/// A postal address. Today the API sends `type: "STRUCTURED"`; other types are kept as they came.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Address {
    /// The `type` discriminator, e.g. `STRUCTURED`.
    pub kind: String,
    /// The server-side id of the address, never sent back in a PATCH.
    pub id: Option<Value>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub line3: Option<String>,
    pub postcode: Option<String>,
    /// ISO 3166-1 alpha-3, e.g. `GBR`.
    pub country: Option<String>,
    /// Keys this client does not model, kept for the round trip.
    pub extra: Map<String, Value>,
}

/// One part of an address, by the JSON key the API gives it: the one list of address parts
/// (`patch::field` builds the field table on it; `api` may not look up there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddressPart {
    Type,
    Line1,
    Line2,
    Line3,
    Postcode,
    Country,
}

impl AddressPart {
    /// Every part, in the API's (and the form's) order.
    pub const ALL: [AddressPart; 6] = [
        AddressPart::Type,
        AddressPart::Line1,
        AddressPart::Line2,
        AddressPart::Line3,
        AddressPart::Postcode,
        AddressPart::Country,
    ];

    /// The parts that hold text, `type` left out.
    pub const TEXT: [AddressPart; 5] = [
        AddressPart::Line1,
        AddressPart::Line2,
        AddressPart::Line3,
        AddressPart::Postcode,
        AddressPart::Country,
    ];

    /// The JSON key inside `address`.
    pub const fn key(self) -> &'static str {
        match self {
            AddressPart::Type => "type",
            AddressPart::Line1 => "line1",
            AddressPart::Line2 => "line2",
            AddressPart::Line3 => "line3",
            AddressPart::Postcode => "postcode",
            AddressPart::Country => "country",
        }
    }

    /// The part with this exact JSON key.
    pub fn from_key(key: &str) -> Option<AddressPart> {
        AddressPart::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// The list endpoint's pagination block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageMeta {
    #[serde(default)]
    pub current_page: u64,
    #[serde(default)]
    pub item_count: u64,
    #[serde(default)]
    pub items_per_page: u64,
    #[serde(default)]
    pub total_items: u64,
    #[serde(default)]
    pub total_pages: u64,
}

/// One page of the list endpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Page {
    pub items: Vec<Prospect>,
    pub meta: PageMeta,
}

impl Prospect {
    /// "First Middle Last", skipping empty parts; empty when the record has no name.
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.last_name]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The record as a JSON object, unknown fields included.
    pub fn to_value(&self) -> Value {
        Value::Object(self.to_map())
    }

    fn to_map(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), Value::String(self.id.clone()));
        m.insert("externalReference".into(), opt(&self.external_reference));
        m.insert("firstName".into(), opt(&self.first_name));
        m.insert("middleName".into(), opt(&self.middle_name));
        m.insert("lastName".into(), opt(&self.last_name));
        m.insert("email".into(), Value::String(self.email.clone()));
        m.insert(
            "address".into(),
            self.address.as_ref().map_or(Value::Null, Address::to_value),
        );
        m.insert("dateOfBirth".into(), opt(&self.date_of_birth));
        m.insert("phoneNumber".into(), opt(&self.phone_number));
        m.insert(
            "identificationNumber".into(),
            opt(&self.identification_number),
        );
        if let Some(c) = &self.create_date {
            m.insert("createDate".into(), Value::String(c.clone()));
        }
        for (k, v) in &self.extra {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        // What the server sent stays as it was, unless the field has been given a value since.
        for (k, sent) in &self.irregular {
            let coerced = match sent {
                Some(Value::Number(n)) => Value::String(n.to_string()),
                _ => Value::String(String::new()),
            };
            if m.get(k) == Some(&coerced) {
                match sent {
                    Some(v) => m.insert(k.clone(), v.clone()),
                    None => m.remove(k),
                };
            }
        }
        m
    }

    /// Why this record does not fit the contract (and so cannot be edited), if it does not.
    pub fn irregularity(&self) -> Option<String> {
        if self.irregular.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .irregular
            .iter()
            .map(|(key, sent)| match sent {
                None => format!("no {key}"),
                Some(Value::Null) => format!("a null {key}"),
                Some(v) if v.is_number() => format!("a numeric {key}"),
                Some(_) => format!("an unexpected {key}"),
            })
            .collect();
        Some(format!(
            "the server sent {}, which the API does not allow: the record is read-only here",
            parts.join(" and ")
        ))
    }

    /// The email as the server sent it: `None` when it was null or missing.
    pub fn email_as_sent(&self) -> Option<&str> {
        (!self.irregular.contains_key("email")).then_some(self.email.as_str())
    }
}

impl Address {
    /// The address as a JSON object, `id` and unknown keys included.
    pub fn to_value(&self) -> Value {
        let mut m = self.to_map_without_id();
        if let Some(id) = &self.id {
            m.insert("id".into(), id.clone());
        }
        Value::Object(m)
    }

    /// The modelled parts written out, in the API's order: every one of a structured address
    /// (null when empty); of another type only those it has (no invented null keys).
    fn parts(&self) -> impl Iterator<Item = (&'static str, &Option<String>)> {
        AddressPart::TEXT
            .into_iter()
            .filter_map(|p| self.text_part(p).map(|v| (p.key(), v)))
            .filter(|(_, v)| v.is_some() || self.is_structured())
    }

    /// A text part's slot (`None` for `type`).
    fn text_part(&self, part: AddressPart) -> Option<&Option<String>> {
        match part {
            AddressPart::Type => None,
            AddressPart::Line1 => Some(&self.line1),
            AddressPart::Line2 => Some(&self.line2),
            AddressPart::Line3 => Some(&self.line3),
            AddressPart::Postcode => Some(&self.postcode),
            AddressPart::Country => Some(&self.country),
        }
    }

    /// A part's value (`type` as `Some`, maybe empty).
    pub fn get(&self, part: AddressPart) -> Option<&str> {
        match part {
            AddressPart::Type => Some(self.kind.as_str()),
            p => self.text_part(p).and_then(Option::as_deref),
        }
    }

    /// Sets a part; `None` clears it (an empty `type`).
    pub fn set(&mut self, part: AddressPart, value: Option<String>) {
        match part {
            AddressPart::Type => self.kind = value.unwrap_or_default(),
            AddressPart::Line1 => self.line1 = value,
            AddressPart::Line2 => self.line2 = value,
            AddressPart::Line3 => self.line3 = value,
            AddressPart::Postcode => self.postcode = value,
            AddressPart::Country => self.country = value,
        }
    }

    /// The address as sent in a PATCH: the whole object without its server-side `id`.
    pub fn to_map_without_id(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("type".into(), Value::String(self.kind.clone()));
        for (k, v) in self.parts() {
            m.insert(k.into(), opt(v));
        }
        for (k, v) in &self.extra {
            if m.get(k).is_none_or(Value::is_null) {
                m.insert(k.clone(), v.clone());
            }
        }
        m
    }

    /// Decodes an address object of any `type`.
    pub fn from_value(value: Value) -> Result<Self, String> {
        let Value::Object(mut m) = value else {
            return Err("address must be a JSON object or null".into());
        };
        let kind = match m.remove("type") {
            Some(Value::String(s)) => s,
            Some(other) => {
                m.insert("type".into(), other);
                String::new()
            }
            None => String::new(),
        };
        let id = m.remove("id");
        // For an address of a type we do not know, a non-string value under a familiar key
        // is kept untouched in `extra` rather than rejected.
        let mut lenient = |key: &str| match m.get(key) {
            Some(Value::String(_)) | Some(Value::Null) | None => take_str(&mut m, key),
            Some(_) => Ok(None),
        };
        let mut a = Address {
            kind,
            id,
            ..Address::default()
        };
        for part in AddressPart::TEXT {
            a.set(part, lenient(part.key())?);
        }
        a.extra = m;
        Ok(a)
    }

    /// A part by its JSON key (`type`, `line1`, `line2`, `line3`, `postcode`, `country`).
    pub fn part(&self, name: &str) -> Option<&str> {
        AddressPart::from_key(name).and_then(|p| self.get(p))
    }

    /// Sets a part by its JSON key; `None` clears it (an empty `type`). Unknown keys are ignored.
    pub fn set_part(&mut self, name: &str, value: Option<String>) {
        if let Some(p) = AddressPart::from_key(name) {
            self.set(p, value);
        }
    }

    /// Whether this is the `STRUCTURED` address type the API documents.
    pub fn is_structured(&self) -> bool {
        self.kind == "STRUCTURED"
    }
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn take_str(m: &mut Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("field {key} should be a string, got {other}")),
    }
}

/// A value of a record, borrowed for writing it out without copying the record first.
enum Out<'a> {
    Str(&'a str),
    Opt(Option<&'a str>),
    Address(Option<&'a Address>),
    Value(&'a Value),
}

impl Serialize for Out<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Out::Str(v) | Out::Opt(Some(v)) => s.serialize_str(v),
            Out::Opt(None) | Out::Address(None) => s.serialize_unit(),
            Out::Address(Some(a)) => a.serialize(s),
            Out::Value(v) => v.serialize(s),
        }
    }
}

fn o(v: &Option<String>) -> Out<'_> {
    Out::Opt(v.as_deref())
}

/// Writes `entries` as a JSON object in key order, as a `serde_json::Map` would.
fn write_sorted<S: Serializer>(mut entries: Vec<(&str, Out<'_>)>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut m = s.serialize_map(Some(entries.len()))?;
    for (k, v) in &entries {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

// The same JSON as `to_value` (which builds a copy of the record first): `list --all` and the
// sandbox write every record this way, so copying each one cost a third of a scan's time.
impl Serialize for Prospect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize_with_reference_key("externalReference", s)
    }
}

impl Prospect {
    /// Writes the record as `serialize` does, with the external reference under
    /// `reference_key` (the sandbox lists some records with `externalId`, as some deployments
    /// of the API do).
    pub fn serialize_with_reference_key<S: Serializer>(
        &self,
        reference_key: &'static str,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        if !self.irregular.is_empty() {
            let mut m = self.to_map();
            if let Some(r) = m.remove("externalReference") {
                m.insert(reference_key.into(), r);
            }
            return m.serialize(s);
        }
        let mut entries = vec![
            ("id", Out::Str(&self.id)),
            (reference_key, o(&self.external_reference)),
            ("firstName", o(&self.first_name)),
            ("middleName", o(&self.middle_name)),
            ("lastName", o(&self.last_name)),
            ("email", Out::Str(&self.email)),
            ("address", Out::Address(self.address.as_ref())),
            ("dateOfBirth", o(&self.date_of_birth)),
            ("phoneNumber", o(&self.phone_number)),
            ("identificationNumber", o(&self.identification_number)),
        ];
        if let Some(c) = &self.create_date {
            entries.push(("createDate", Out::Str(c)));
        }
        // A known field wins over an unknown key of the same name.
        let known = entries.len();
        for (k, v) in &self.extra {
            if k != "externalReference" && !entries[..known].iter().any(|(name, _)| name == k) {
                entries.push((k, Out::Value(v)));
            }
        }
        write_sorted(entries, s)
    }
}

// The same JSON as `to_value`, without copying the address first.
impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut entries = vec![("type", Out::Str(&self.kind))];
        for (k, v) in self.parts() {
            entries.push((k, Out::Opt(v.as_deref())));
        }
        // An unknown key fills a known part only where that part is null.
        for (k, v) in &self.extra {
            match entries.iter_mut().find(|(name, _)| name == k) {
                Some((_, slot @ Out::Opt(None))) => *slot = Out::Value(v),
                Some(_) => {}
                None => entries.push((k, Out::Value(v))),
            }
        }
        if let Some(id) = &self.id {
            match entries.iter_mut().find(|(name, _)| *name == "id") {
                Some((_, slot)) => *slot = Out::Value(id),
                None => entries.push(("id", Out::Value(id))),
            }
        }
        write_sorted(entries, s)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Address::from_value(Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writing_a_record_gives_the_same_json_as_its_value() {
        let mut records = crate::sandbox::generate(300, 3);
        records[10]
            .extra
            .insert("email".into(), json!("shadowed@example.com"));
        records[11]
            .extra
            .insert("zzz".into(), json!({"b": 1, "a": [1, 2]}));
        records[12].create_date = None;
        records[12]
            .extra
            .insert("createDate".into(), json!("from extra"));
        records[13].address = Some(Address {
            kind: "STRUCTURED".into(),
            id: Some(json!(7)),
            line1: Some("1 High St".into()),
            postcode: None,
            extra: [
                ("postcode", json!("FILLED")),
                ("line1", json!("shadowed")),
                ("id", json!("shadowed")),
                ("type", json!("shadowed")),
                ("aaa", json!([1])),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            ..Address::default()
        });
        records[14].address = Some(Address {
            kind: "FREEFORM".into(),
            line2: Some("kept".into()),
            extra: [("id".to_string(), json!("from extra"))]
                .into_iter()
                .collect(),
            ..Address::default()
        });
        records[15].irregular.insert("email".into(), None);
        records[15].email = String::new();
        for p in &records {
            assert_eq!(
                serde_json::to_string(p).unwrap(),
                serde_json::to_string(&p.to_value()).unwrap()
            );
        }
    }

    #[test]
    fn external_id_is_accepted_and_unknown_fields_survive_a_round_trip() {
        let raw = json!({
            "id": "a2b9649e-df7f-4349-adff-1c57283fef10",
            "externalId": "CRM-0042",
            "firstName": "Zoë", "middleName": null, "lastName": "O'Brien",
            "email": "zoe@example.com",
            "address": {"type": "STRUCTURED", "id": "addr-1", "line1": "1 High St", "line2": null,
                        "line3": null, "postcode": "AB1 2CD", "country": "GBR"},
            "dateOfBirth": "1990-02-03", "phoneNumber": "+447101231111",
            "identificationNumber": null, "createDate": "2026-01-02T03:04:05.000Z",
            "partnerId": "p-1",
            "onboardingStates": [{"id": "s1", "state": "STARTED", "createDate": "2026-01-02T03:04:05.000Z"}]
        });
        let p: Prospect = serde_json::from_value(raw).unwrap();
        assert_eq!(p.external_reference.as_deref(), Some("CRM-0042"));
        assert_eq!(p.full_name(), "Zoë O'Brien");
        let back = serde_json::to_value(&p).unwrap();
        assert_eq!(back["partnerId"], "p-1");
        assert_eq!(back["onboardingStates"][0]["state"], "STARTED");
        assert_eq!(back["externalReference"], "CRM-0042");
        assert_eq!(back["address"]["id"], "addr-1");
    }

    #[test]
    fn address_of_unknown_type_is_kept_as_it_came() {
        let raw = json!({"type": "FREEFORM", "text": "somewhere", "line1": 7});
        let a: Address = serde_json::from_value(raw.clone()).unwrap();
        assert!(!a.is_structured());
        let back = a.to_value();
        assert_eq!(back["type"], "FREEFORM");
        assert_eq!(back["text"], "somewhere");
        assert_eq!(back["line1"], 7);
    }

    #[test]
    fn a_null_or_missing_email_and_a_numeric_id_are_kept_as_sent() {
        let raw = json!({"id": 42, "email": null, "firstName": "Ann"});
        let p: Prospect = serde_json::from_value(raw.clone()).unwrap();
        let back = serde_json::to_value(&p).unwrap();
        assert_eq!(back["id"], json!(42));
        assert_eq!(back["email"], Value::Null);
        assert_eq!(p.email_as_sent(), None);
        assert!(p.irregularity().unwrap().contains("numeric id"));
        let missing: Prospect = serde_json::from_value(json!({"id": "x"})).unwrap();
        let back = serde_json::to_value(&missing).unwrap();
        assert!(back.get("email").is_none(), "{back}");
        assert!(missing.irregularity().unwrap().contains("no email"));
        // A value given since is written, not the one that came.
        let mut fixed = missing.clone();
        fixed.email = "a@b.co".into();
        assert_eq!(serde_json::to_value(&fixed).unwrap()["email"], "a@b.co");
        let fine: Prospect = serde_json::from_value(json!({"id": "y", "email": "a@b.c"})).unwrap();
        assert_eq!(fine.irregularity(), None);
    }

    #[test]
    fn a_record_without_id_is_rejected() {
        assert!(serde_json::from_value::<Prospect>(json!({"email": "a@b.c"})).is_err());
    }
}
