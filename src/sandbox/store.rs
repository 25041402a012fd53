//! The sandbox's records: a `Vec` in a stable order, indexes by id and external reference,
//! and a precomputed lower-case haystack per record. All haystacks are also joined into one
//! text, so a search is a single substring scan over it (a few milliseconds at 100 000 records).

use std::collections::HashMap;

use crate::api::model::{PageMeta, Prospect};

struct Entry {
    prospect: Prospect,
    /// Lower-case "first middle last", "first last" and email, separated by NUL.
    haystack: String,
}

impl Entry {
    fn new(prospect: Prospect) -> Self {
        let haystack = haystack(&prospect);
        Entry { prospect, haystack }
    }
}

/// Separates the records' haystacks in [`Store::blob`]; needles holding it match nothing.
const SEP: char = '\0';

fn haystack(p: &Prospect) -> String {
    let first_last = [&p.first_name, &p.last_name]
        .into_iter()
        .filter_map(|s| s.as_deref())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{}\0{}\0{}", p.full_name(), first_last, p.email).to_lowercase()
}

/// All records, in insertion order.
#[derive(Default)]
pub struct Store {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    by_ref: HashMap<String, usize>,
    /// Every haystack, in order, each followed by [`SEP`].
    blob: String,
    /// Where each record's haystack starts in `blob`.
    starts: Vec<usize>,
}

/// One page of search results, ready to send.
#[derive(serde::Serialize)]
pub struct Found<'a> {
    pub items: Vec<ListItem<'a>>,
    pub meta: PageMeta,
}

/// A record as the list sends it: at even positions in the store with `externalId` instead
/// of `externalReference`, as some deployments of the API do. Written without a copy.
pub struct ListItem<'a> {
    index: usize,
    prospect: &'a Prospect,
}

impl ListItem<'_> {
    fn reference_key(&self) -> &'static str {
        if self.index.is_multiple_of(2) {
            "externalId"
        } else {
            "externalReference"
        }
    }
}

impl serde::Serialize for ListItem<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.prospect
            .serialize_with_reference_key(self.reference_key(), s)
    }
}

impl Store {
    pub fn new(records: Vec<Prospect>) -> Self {
        let mut s = Store::default();
        for p in records {
            s.put_entry(p);
        }
        s.rebuild_blob();
        s
    }

    fn rebuild_blob(&mut self) {
        self.blob.clear();
        self.starts.clear();
        for e in &self.entries {
            self.starts.push(self.blob.len());
            self.blob.push_str(&e.haystack);
            self.blob.push(SEP);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Inserts a record, or replaces the one with the same id in place.
    pub fn put(&mut self, p: Prospect) {
        if self.put_entry(p) {
            self.rebuild_blob();
        } else if let Some(e) = self.entries.last() {
            self.starts.push(self.blob.len());
            self.blob.push_str(&e.haystack);
            self.blob.push(SEP);
        }
    }

    /// Updates entries and indexes; true when an existing record was replaced.
    fn put_entry(&mut self, p: Prospect) -> bool {
        if let Some(&i) = self.by_id.get(&p.id) {
            if let Some(old) = &self.entries[i].prospect.external_reference
                && self.by_ref.get(old) == Some(&i)
            {
                self.by_ref.remove(old);
            }
            if let Some(r) = &p.external_reference {
                self.by_ref.insert(r.clone(), i);
            }
            self.entries[i] = Entry::new(p);
            true
        } else {
            let i = self.entries.len();
            self.by_id.insert(p.id.clone(), i);
            if let Some(r) = &p.external_reference {
                self.by_ref.entry(r.clone()).or_insert(i);
            }
            self.entries.push(Entry::new(p));
            false
        }
    }

    pub fn get(&self, id: &str) -> Option<&Prospect> {
        self.by_id.get(id).map(|&i| &self.entries[i].prospect)
    }

    pub fn get_by_ref(&self, reference: &str) -> Option<&Prospect> {
        self.by_ref
            .get(reference)
            .map(|&i| &self.entries[i].prospect)
    }

    fn list_item(&self, index: usize) -> ListItem<'_> {
        ListItem {
            index,
            prospect: &self.entries[index].prospect,
        }
    }

    /// Case-insensitive substring search over names and email; `page` ≥ 1, `limit` ≥ 1.
    ///
    /// List items at even positions in the store carry `externalId` instead of
    /// `externalReference`, as some deployments of the API do.
    pub fn search(&self, keyword: Option<&str>, page: u64, limit: u64) -> Found<'_> {
        let needle = keyword
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_lowercase);
        let skip = (page.saturating_sub(1)).saturating_mul(limit);
        let mut total: u64 = 0;
        let mut items = Vec::new();
        let mut take = |i: usize, total: &mut u64| {
            if *total >= skip && (items.len() as u64) < limit {
                items.push(self.list_item(i));
            }
            *total += 1;
        };
        match needle {
            // No search: the page is a slice of the store, counted without a walk over all.
            None => {
                let start = usize::try_from(skip).unwrap_or(usize::MAX);
                let n = usize::try_from(limit).unwrap_or(usize::MAX);
                for i in (start..self.entries.len()).take(n) {
                    items.push(self.list_item(i));
                }
                total = self.entries.len() as u64;
            }
            Some(n) if n.contains(SEP) => {}
            Some(n) => {
                // One scan over all records; after a hit, go on from the next record.
                let mut pos = 0;
                let mut record = 0;
                while let Some(found) = self.blob.get(pos..).and_then(|rest| rest.find(&n)) {
                    let at = pos + found;
                    while record + 1 < self.starts.len() && self.starts[record + 1] <= at {
                        record += 1;
                    }
                    take(record, &mut total);
                    match self.starts.get(record + 1) {
                        Some(&next) => pos = next,
                        None => break,
                    }
                }
            }
        }
        Found {
            meta: PageMeta {
                current_page: page,
                item_count: items.len() as u64,
                items_per_page: limit,
                total_items: total,
                total_pages: total.div_ceil(limit.max(1)),
            },
            items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::data::{self, generate};
    use serde_json::Value;

    fn value(item: &ListItem<'_>) -> Value {
        serde_json::to_value(item).unwrap()
    }

    #[test]
    fn search_over_100_000_records() {
        let store = Store::new(generate(100_000, 42));
        assert_eq!(store.len(), 100_000);
        let all = store.search(None, 1, 10);
        assert_eq!(all.meta.total_items, 100_000);
        assert_eq!(all.meta.total_pages, 10_000);

        let found = store.search(Some("JOHN.DOE@EXAMPLE.COM"), 1, 100);
        assert_eq!(found.meta.total_items, 1);
        assert_eq!(value(&found.items[0])["id"], data::JOHN_DOE_ID);

        // Every hit really contains the keyword, and nothing is missed.
        let needle = "o'brien";
        let expected = store
            .entries
            .iter()
            .filter(|e| {
                let p = &e.prospect;
                p.full_name().to_lowercase().contains(needle)
                    || p.email.to_lowercase().contains(needle)
            })
            .count() as u64;
        let found = store.search(Some("O'Brien"), 2, 100);
        assert!(expected > 100);
        assert_eq!(found.meta.total_items, expected);
        assert_eq!(found.meta.total_pages, expected.div_ceil(100));
        for item in &found.items {
            let p = Prospect::from_value(value(item)).unwrap();
            assert!(p.full_name().to_lowercase().contains(needle));
        }
    }

    #[test]
    fn a_list_item_is_the_record_with_externalid_at_even_positions() {
        let mut records = generate(200, 9);
        records[4]
            .extra
            .insert("externalId".into(), "shadowed".into());
        records[5].extra.insert("externalId".into(), "kept".into());
        records[6].irregular.insert("email".into(), None);
        records[6].email = String::new();
        records[8].external_reference = None;
        let store = Store::new(records.clone());
        let found = store.search(None, 1, 200);
        for (i, (item, p)) in found.items.iter().zip(&records).enumerate() {
            // What the list sent before it wrote records without copying them.
            let mut want = p.to_value();
            if i % 2 == 0
                && let Value::Object(m) = &mut want
                && let Some(r) = m.remove("externalReference")
            {
                m.insert("externalId".into(), r);
            }
            assert_eq!(
                serde_json::to_string(item).unwrap(),
                want.to_string(),
                "item {i}"
            );
        }
    }

    #[test]
    fn put_replaces_in_place_and_reindexes_the_reference() {
        let mut store = Store::new(generate(10, 1));
        let mut p = store.get(data::JOHN_DOE_ID).unwrap().clone();
        p.external_reference = Some("NEW-1".into());
        p.first_name = Some("Jonathan".into());
        store.put(p);
        assert_eq!(store.len(), 10);
        assert!(store.get_by_ref("CRM-0042").is_none());
        assert_eq!(store.get_by_ref("NEW-1").unwrap().id, data::JOHN_DOE_ID);
        let hits = |store: &Store, k: &str| store.search(Some(k), 1, 10).meta.total_items;
        assert_eq!(hits(&store, "jonathan doe"), 1);
        assert_eq!(hits(&store, "john doe"), 0);
        let mut added = store.get(data::JOHN_DOE_ID).unwrap().clone();
        added.id = "new-id".into();
        added.email = "someone.new@example.com".into();
        store.put(added);
        assert_eq!(store.len(), 11);
        let found = store.search(Some("SOMEONE.NEW"), 1, 10);
        assert_eq!(found.meta.total_items, 1);
        assert_eq!(value(&found.items[0])["id"], "new-id");
        assert_eq!(hits(&store, "jonathan"), 2);
        assert_eq!(hits(&store, "a\0b"), 0);
        // A hit in the last record, and one spanning two fields, are handled.
        assert_eq!(hits(&store, "someone.new@example.com"), 1);
        assert_eq!(hits(&store, "doe\0jonathan"), 0);
    }

    #[test]
    fn empty_store_has_no_pages() {
        let store = Store::new(Vec::new());
        let f = store.search(Some("x"), 1, 10);
        assert_eq!(
            (f.meta.total_items, f.meta.total_pages, f.meta.item_count),
            (0, 0, 0)
        );
    }
}
