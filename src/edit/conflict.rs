//! Conflicts between the user's edit and changes made on the server meanwhile, and the two
//! ways out of them: overwrite with mine, or rebase my edits onto the fresh record.
//!
//! Three records are involved: `original` (the version the form was opened from), `server`
//! (fetched again just before sending) and `edited` (the form's content). The user's changes
//! are always `patch::diff(original, edited)`; a field only the server changed is never sent.
//!
//! The address is one PATCH key, but conflicts on it are judged part by part: when the user
//! changed `line1` and someone else changed `postcode`, the two merge without a conflict and the
//! address that is sent carries both changes.

use serde_json::Value;

use super::normalized_value;
use crate::api::model::{Address, Prospect};
use crate::patch::{self, AddressPart, Field, PatchBody};

/// One field the user is about to change that someone else changed differently meanwhile.
///
/// Values are as the minimal diff sees them: `null` for an empty field, the address as an
/// object without its `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The PATCH key, e.g. `email` or `address`.
    pub key: String,
    /// The value in the version the form was opened from.
    pub original: Value,
    /// The value on the server now.
    pub server: Value,
    /// The value the user is about to send.
    pub mine: Value,
}

/// The keys of `body` whose value on the server differs from the `original` the body was
/// computed from, and differs from the body's own value too (both sides making the same change
/// is not a conflict). The address conflicts only if a part the user changed was changed
/// differently on the server, or the address was added or removed on one side.
///
/// An empty result means the edit can be sent; send [`overwrite_body`] rather than `body`
/// in that case too, so that a merged address carries the server's changes.
pub fn conflicts(original: &Prospect, server: &Prospect, body: &PatchBody) -> Vec<Conflict> {
    let server_changed = patch::diff(original, server);
    let mut out = Vec::new();
    for (key, mine) in body {
        let Some(theirs) = server_changed.get(key) else {
            continue;
        };
        let mine = normalize_body_value(key, mine);
        if *theirs == mine {
            continue;
        }
        if key == "address" && address_merges(original, server, &mine) {
            continue;
        }
        out.push(Conflict {
            key: key.clone(),
            original: normalized_value(original, key),
            server: normalized_value(server, key),
            mine,
        });
    }
    out
}

/// The user's edit replayed on the fresh `server` record: every key the user changed
/// (`diff(original, edited)`) takes the user's value, every other key keeps the server's.
/// For the address, only the parts the user changed are taken from `edited` when all three
/// versions have one; the server's address `id` and unknown keys are kept.
///
/// The result is the form's new content with `server` as its new original.
pub fn rebase(server: &Prospect, original: &Prospect, edited: &Prospect) -> Prospect {
    let mine = patch::diff(original, edited);
    let mut out = server.clone();
    for f in Field::ALL {
        if mine.contains_key(f.key()) {
            f.set(&mut out, f.get(edited).map(str::to_owned));
        }
    }
    if mine.contains_key("address") {
        out.address = match (&original.address, &server.address, &edited.address) {
            (Some(o), Some(s), Some(e)) => {
                let mut a = s.clone();
                for name in AddressPart::ALL {
                    if part(e, name) != part(o, name) {
                        a.set(name, e.get(name).map(str::to_owned));
                    }
                }
                Some(a)
            }
            (_, s, Some(e)) => {
                let mut a = e.clone();
                a.id = s.as_ref().and_then(|s| s.id.clone());
                Some(a)
            }
            (_, _, None) => None,
        };
    }
    out
}

/// The body for "overwrite with mine": the user's values for the keys the user changed,
/// computed against the `server` record. Keys only the server changed are not in it, and keys
/// where the server already holds the user's value are dropped; it may therefore be empty.
///
/// Equals `patch::diff(server, &rebase(server, original, edited))`; when the server did not
/// change anything it equals `patch::diff(original, edited)`.
pub fn overwrite_body(server: &Prospect, original: &Prospect, edited: &Prospect) -> PatchBody {
    patch::diff(server, &rebase(server, original, edited))
}

/// A body value normalized as the diff would produce it (`""` → `null`, empty address → `null`).
fn normalize_body_value(key: &str, v: &Value) -> Value {
    let mut one = PatchBody::new();
    one.insert(key.into(), v.clone());
    match patch::apply(&Prospect::default(), &one) {
        Ok(p) => normalized_value(&p, key),
        Err(_) => v.clone(),
    }
}

/// Whether the user's address and the server's merge part by part without a clash.
fn address_merges(original: &Prospect, server: &Prospect, mine: &Value) -> bool {
    let (Some(o), Some(s)) = (&original.address, &server.address) else {
        return false;
    };
    let Ok(m) = Address::from_value(mine.clone()) else {
        return false;
    };
    AddressPart::ALL.into_iter().all(|name| {
        let (po, ps, pm) = (part(o, name), part(s, name), part(&m, name));
        po == pm || po == ps || ps == pm
    })
}

/// An address part as the diff sees it: empty text is no value.
fn part(a: &Address, name: AddressPart) -> Option<&str> {
    a.get(name).filter(|s| !s.is_empty())
}

#[cfg(test)]
#[path = "conflict_tests.rs"]
mod tests;
