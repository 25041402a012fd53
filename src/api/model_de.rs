//! Decoding a record: the known keys picked out as they stream by, the rest kept as sent.
//!
//! `Prospect::from_value` (defined here) and the streaming `Deserialize` share [`Raw`], so
//! both decode alike; the streaming one never builds the whole object as a `serde_json::Map` first
//! (that copy cost a third of a scan's time).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::model::{Address, Prospect};

/// The keys of a record the client models, in the order of [`Raw::known`].
const KNOWN: [&str; 12] = [
    "id",
    "externalReference",
    "externalId",
    "firstName",
    "middleName",
    "lastName",
    "email",
    "address",
    "dateOfBirth",
    "phoneNumber",
    "identificationNumber",
    "createDate",
];

/// A record's values as they came, known keys apart from the rest.
#[derive(Default)]
struct Raw {
    known: [Option<Value>; KNOWN.len()],
    rest: Map<String, Value>,
}

impl Raw {
    /// Takes the known keys out of an object.
    fn from_map(mut m: Map<String, Value>) -> Raw {
        let mut raw = Raw::default();
        for (slot, key) in raw.known.iter_mut().zip(KNOWN) {
            *slot = m.remove(key);
        }
        raw.rest = m;
        raw
    }

    fn put(&mut self, key: Cow<'_, str>, value: Value) {
        match KNOWN.iter().position(|k| *k == key) {
            Some(i) => self.known[i] = Some(value),
            None => {
                self.rest.insert(key.into_owned(), value);
            }
        }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        let i = KNOWN.iter().position(|k| *k == key)?;
        self.known[i].take()
    }

    fn take_str(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!("field {key} should be a string, got {other}")),
        }
    }

    /// The record; `externalId` is accepted for `externalReference`.
    fn into_prospect(mut self) -> Result<Prospect, String> {
        let mut irregular = BTreeMap::new();
        let id = match self.take("id") {
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => {
                let text = n.to_string();
                irregular.insert("id".to_string(), Some(Value::Number(n)));
                text
            }
            _ => return Err("a prospect has no id".into()),
        };
        let external_reference = match self.take_str("externalReference")? {
            Some(r) => {
                // Both were sent: `externalId` is kept as an unknown key.
                if let Some(v) = self.take("externalId") {
                    self.rest.insert("externalId".into(), v);
                }
                Some(r)
            }
            None => self.take_str("externalId")?,
        };
        let email_sent = self.take("email");
        let email = match email_sent {
            Some(Value::String(e)) => e,
            None | Some(Value::Null) => {
                irregular.insert("email".to_string(), email_sent);
                String::new()
            }
            Some(other) => return Err(format!("field email should be a string, got {other}")),
        };
        let address = match self.take("address") {
            None | Some(Value::Null) => None,
            Some(v) => Some(Address::from_value(v)?),
        };
        Ok(Prospect {
            id,
            external_reference,
            first_name: self.take_str("firstName")?,
            middle_name: self.take_str("middleName")?,
            last_name: self.take_str("lastName")?,
            email,
            address,
            date_of_birth: self.take_str("dateOfBirth")?,
            phone_number: self.take_str("phoneNumber")?,
            identification_number: self.take_str("identificationNumber")?,
            create_date: self.take_str("createDate")?,
            extra: self.rest,
            irregular,
        })
    }
}

impl Prospect {
    /// Decodes a record from a JSON object; `externalId` is accepted for `externalReference`.
    pub fn from_value(value: Value) -> Result<Self, String> {
        let Value::Object(m) = value else {
            return Err("a prospect must be a JSON object".into());
        };
        Raw::from_map(m).into_prospect()
    }
}

/// A key, borrowed from the input when it holds no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

struct ProspectVisitor;

impl<'de> Visitor<'de> for ProspectVisitor {
    type Value = Prospect;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a prospect as a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Prospect, A::Error> {
        let mut raw = Raw::default();
        while let Some(Key(key)) = map.next_key()? {
            // A repeated key: the last one counts, as in a `serde_json::Map`.
            raw.put(key, map.next_value()?);
        }
        raw.into_prospect().map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Prospect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ProspectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streaming and through a `Value`, the same text decodes alike, errors included.
    fn alike(text: &str) {
        let streamed = serde_json::from_str::<Prospect>(text).map_err(|e| e.to_string());
        let value: Value = serde_json::from_str(text).unwrap();
        let through = Prospect::from_value(value);
        match (&streamed, &through) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(a), Err(b)) => assert!(a.starts_with(b.as_str()), "{a} / {b}"),
            _ => panic!("{text}: {streamed:?} / {through:?}"),
        }
    }

    #[test]
    fn a_record_decodes_the_same_streamed_as_through_a_value() {
        // Every generated record, as the sandbox lists it (some with `externalId`).
        for (i, p) in crate::sandbox::generate(300, 5).iter().enumerate() {
            let mut v = p.to_value();
            if i % 2 == 0
                && let Value::Object(m) = &mut v
                && let Some(r) = m.remove("externalReference")
            {
                m.insert("externalId".into(), r);
            }
            alike(&v.to_string());
        }
        for text in [
            r#"{"id": 42, "email": null, "firstName": "Ann"}"#,
            r#"{"id": "x"}"#,
            r#"{"id": "x", "email": "a@b.c", "externalReference": "R1", "externalId": "R2"}"#,
            r#"{"id": "x", "email": "a@b.c", "externalReference": null, "externalId": "R2"}"#,
            r#"{"id": "x", "email": "a@b.c", "firstName": "A", "firstName": "B"}"#,
            r#"{"id": "x", "email": "a@b.c", "first\u004eame": "Escaped", "z\u00e9": 1}"#,
            r#"{"id": "x", "email": "a@b.c", "address": null, "partnerId": "p", "meta": {"a": [1]}}"#,
            r#"{"id": "x", "email": 7}"#,
            r#"{"id": null, "email": "a@b.c"}"#,
            r#"{"email": "a@b.c"}"#,
            r#"{"id": "x", "email": "a@b.c", "phoneNumber": 447}"#,
            r#"{"id": "x", "email": "a@b.c", "address": "somewhere"}"#,
        ] {
            alike(text);
        }
        assert!(serde_json::from_str::<Prospect>("[1]").is_err());
        assert!(serde_json::from_str::<Prospect>("\"x\"").is_err());
    }
}
