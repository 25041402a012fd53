//! Deterministic sample prospects for the sandbox.
//!
//! [`generate`] draws every record from a `StdRng` seeded with the given seed, using the name,
//! street and place lists in `assets/`. Record `i` consumes the same amount of randomness
//! whatever `count` is, so `generate(10, s)` is a prefix of `generate(1000, s)`.
//!
//! A few records at fixed small indices are hand-made so that demos and tests can find them
//! (each exists only when `count` is larger than its index):
//!
//! | index | record |
//! |---|---|
//! | 0 | John James Doe, `john.doe@example.com`, external reference `CRM-0042`, id [`JOHN_DOE_ID`] (the same for every seed), full STRUCTURED address in GBR |
//! | 1 | Zoë O'Brien, no middle name, external reference `ACME 42/7` (a space and a slash) |
//! | 2 | Mallory with a last name holding terminal control characters (`ESC [31m` and `BEL`) |
//! | 3 | 王 芳 (first name 芳, last name 王), address in CHN |
//! | 4 | Jean-Luc D'Arcy Smith-Jones (hyphens and an apostrophe), external reference `CRM-0007` |
//! | 5 | 太郎 佐藤, address in JPN |
//! | 6 | a minimal record: every nullable field null, no onboarding states |
//! | 7 | an address of a type other than STRUCTURED (`FREEFORM`), kept as it is |

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::api::model::{Address, Prospect};

/// The id of record 0 (John James Doe), the same for every seed.
pub const JOHN_DOE_ID: &str = "a2b9649e-df7f-4349-adff-1c57283fef10";
/// The `partnerId` every sandbox record carries.
pub const PARTNER_ID: &str = "5f0c6d2e-8a3b-4c1d-9e7f-0a1b2c3d4e5f";
/// Index of Zoë O'Brien, whose external reference is `ACME 42/7`.
pub const ZOE_INDEX: usize = 1;
/// Index of the record whose last name holds terminal control characters.
pub const CONTROL_CHARS_INDEX: usize = 2;
/// Index of 王 芳.
pub const CJK_INDEX: usize = 3;
/// Index of the record with every nullable field null.
pub const MINIMAL_INDEX: usize = 6;
/// Index of the record with a `FREEFORM` address.
pub const FREEFORM_INDEX: usize = 7;
/// How many hand-made records there are at the start of the data.
pub const SPECIAL: usize = 8;

const FIRST_NAMES: &str = include_str!("../../assets/first_names.txt");
const LAST_NAMES: &str = include_str!("../../assets/last_names.txt");
const STREETS: &str = include_str!("../../assets/streets.txt");
const PLACES: &str = include_str!("../../assets/places.txt");

const DOMAINS: [&str; 6] = [
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "post.example.co.uk",
    "example.de",
];
const FLOW: [&str; 4] = ["STARTED", "DOCUMENTS_SUBMITTED", "IN_REVIEW", "VERIFIED"];

fn lines(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// One line of `assets/places.txt`.
struct Place {
    city: &'static str,
    country: &'static str,
    postcode: &'static str,
    phone: &'static str,
}

fn places() -> Vec<Place> {
    lines(PLACES)
        .into_iter()
        .filter_map(|l| {
            let mut parts = l.split('|');
            Some(Place {
                city: parts.next()?,
                country: parts.next()?,
                postcode: parts.next()?,
                phone: parts.next()?,
            })
        })
        .collect()
}

struct Lists {
    first: Vec<&'static str>,
    last: Vec<&'static str>,
    streets: Vec<&'static str>,
    places: Vec<Place>,
}

/// Generates `count` prospects, deterministically from `seed`.
pub fn generate(count: usize, seed: u64) -> Vec<Prospect> {
    let lists = Lists {
        first: lines(FIRST_NAMES),
        last: lines(LAST_NAMES),
        streets: lines(STREETS),
        places: places(),
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut records: Vec<Prospect> = (0..count)
        .map(|i| {
            let p = random_prospect(&mut rng, &lists, i);
            special(i, p)
        })
        .collect();
    make_unique(&mut records);
    records
}

/// Random phone and identification numbers can collide in large data sets; a collision
/// would be a duplicate `check` reports, so later holders get a number nobody has. Small
/// data sets have no collision and are left exactly as drawn.
fn make_unique(records: &mut [Prospect]) {
    let mut phones = HashSet::new();
    let mut ids = HashSet::new();
    // Tails found all taken, per kind: (number without them, their width).
    let (mut full_phones, mut full_ids) = (HashSet::new(), HashSet::new());
    for (i, p) in records.iter_mut().enumerate() {
        // Phone numbers are compared by their digits, as `check` compares them.
        let digits = |v: &str| v.chars().filter(char::is_ascii_digit).collect::<String>();
        let same = |v: &str| v.to_string();
        for (value, seen, key, full) in [
            (
                &mut p.phone_number,
                &mut phones,
                &digits as &dyn Fn(&str) -> String,
                &mut full_phones,
            ),
            (&mut p.identification_number, &mut ids, &same, &mut full_ids),
        ] {
            let Some(v) = value else { continue };
            if !seen.insert(key(v)) {
                *v = new_tail(v, i, seen, key, full);
            }
        }
    }
}

/// `v` with its last four characters replaced by digits (counting up from `start`) until
/// its key is new; when every four-digit tail is taken (a range of only 10,000 numbers, as
/// New York's `+1212555####` at a million records), five digits, and so on. Each width of
/// each number is searched once: a million records take seconds, not forever.
fn new_tail(
    v: &str,
    start: usize,
    seen: &mut HashSet<String>,
    key: &dyn Fn(&str) -> String,
    full: &mut HashSet<(String, usize)>,
) -> String {
    let mut width = 4;
    loop {
        let keep = v
            .char_indices()
            .rev()
            .nth(width - 1)
            .map_or(0, |(at, _)| at);
        let prefix = &v[..keep];
        let tails = 10usize.saturating_pow(width as u32);
        if !full.contains(&(prefix.to_string(), width)) {
            for attempt in 0..tails {
                let n = start.wrapping_add(attempt) % tails;
                let candidate = format!("{prefix}{n:0width$}");
                if seen.insert(key(&candidate)) {
                    return candidate;
                }
            }
            full.insert((prefix.to_string(), width));
        }
        width += 1;
    }
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// Fills a pattern: `#` → digit, `@` → capital letter.
fn pattern(rng: &mut StdRng, pat: &str) -> String {
    pat.chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.random_range(0..10u8)),
            '@' => char::from(b'A' + rng.random_range(0..26u8)),
            c => c,
        })
        .collect()
}

/// An ASCII, lower-case slug of a name for the local part of an email ("" for CJK names).
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'a'..='z' | '0'..='9' => Some(c),
            'à' | 'á' | 'â' | 'ä' | 'å' | 'ã' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' => Some('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'ø' | 'õ' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ñ' | 'ń' => Some('n'),
            'ç' | 'ć' => Some('c'),
            'ł' => Some('l'),
            'ś' | 'š' => Some('s'),
            'ř' => Some('r'),
            'ý' => Some('y'),
            'ğ' => Some('g'),
            'ễ' | 'ế' => Some('e'),
            'ị' => Some('i'),
            'ầ' => Some('a'),
            _ => None,
        };
        if let Some(m) = mapped {
            out.push(m);
        }
    }
    out
}

fn random_prospect(rng: &mut StdRng, lists: &Lists, i: usize) -> Prospect {
    let id = uuid(rng);
    let first = *lists.first.choose(rng).unwrap_or(&"Alex");
    let last = *lists.last.choose(rng).unwrap_or(&"Doe");
    let middle_pick = *lists.first.choose(rng).unwrap_or(&"Sam");
    let middle = rng.random_bool(0.35).then(|| middle_pick.to_string());
    let place = lists.places.choose(rng);
    let street = *lists.streets.choose(rng).unwrap_or(&"High Street");

    // External references: CRM codes, UUIDs, partner codes, or none; all unique.
    let ref_kind = rng.random_range(0..10u8);
    let ref_uuid = uuid(rng);
    let external_reference = match ref_kind {
        0..=3 => Some(format!("CRM-{:06}", 1000 + i)),
        4..=6 => Some(ref_uuid),
        7 => Some(format!("PRT/{}/{:05}", 2020 + i % 6, i)),
        8 => Some(format!("acme-{i}")),
        _ => None,
    };

    let local = match (slug(first), slug(last)) {
        (f, l) if !f.is_empty() && !l.is_empty() => format!("{f}.{l}.{i}"),
        (f, l) if !f.is_empty() || !l.is_empty() => format!("{f}{l}.{i}"),
        _ => format!("prospect.{i}"),
    };
    let domain = *DOMAINS.choose(rng).unwrap_or(&"example.com");
    let email = format!("{local}@{domain}");

    let number = rng.random_range(1..300u32);
    let has_flat = rng.random_bool(0.25);
    let flat = rng.random_range(1..40u32);
    let has_address = rng.random_bool(0.9);
    let postcode = place.map(|p| pattern(rng, p.postcode)).unwrap_or_default();
    let address = match place {
        Some(p) if has_address => Some(Address {
            kind: "STRUCTURED".into(),
            id: Some(Value::String(uuid(rng))),
            line1: Some(format!("{number} {street}")),
            line2: has_flat.then(|| format!("Flat {flat}")),
            line3: Some(p.city.into()),
            postcode: Some(postcode),
            country: Some(p.country.into()),
            extra: Default::default(),
        }),
        _ => None,
    };

    // A valid mobile number of the place's country (libphonenumber's ranges), its digits
    // drawn as ten as they always were, so the rest of the data stays as it was.
    let phone_digits = pattern(rng, "##########");
    let mut digits = phone_digits.chars();
    let phone_number: String = place
        .map_or("+4471########", |p| p.phone)
        .chars()
        .map(|c| match c {
            '#' => digits.next().unwrap_or('0'),
            c => c,
        })
        .collect();
    let phone_number = rng.random_bool(0.8).then_some(phone_number);

    let dob_days = rng.random_range(0..(365 * 65));
    let date_of_birth = rng.random_bool(0.9).then(|| {
        let base = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default();
        (base + Duration::days(dob_days))
            .format("%Y-%m-%d")
            .to_string()
    });

    let id_kind = place.map_or("GBR", |p| p.country);
    let id_raw = pattern(rng, "@@######@");
    let id_ssn = pattern(rng, "###-##-####");
    let identification_number = rng.random_bool(0.7).then_some(match id_kind {
        "USA" => id_ssn,
        _ => id_raw,
    });

    let created = base_time() + Duration::seconds(rng.random_range(0..(2 * 365 * 86_400)));
    let states = onboarding(rng, created);

    let mut extra = serde_json::Map::new();
    extra.insert("partnerId".into(), Value::String(PARTNER_ID.into()));
    extra.insert("onboardingStates".into(), Value::Array(states));
    Prospect {
        id,
        external_reference,
        first_name: Some(first.into()),
        middle_name: middle,
        last_name: Some(last.into()),
        email,
        address,
        date_of_birth,
        phone_number,
        identification_number,
        create_date: Some(rfc3339(created)),
        extra,
        irregular: Default::default(),
    }
}

fn base_time() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_704_067_200, 0).unwrap_or_default() // 2024-01-01
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// 1..=4 onboarding steps, in order, possibly ending in REJECTED.
fn onboarding(rng: &mut StdRng, created: DateTime<Utc>) -> Vec<Value> {
    let steps = rng.random_range(1..=FLOW.len());
    let rejected = rng.random_bool(0.1);
    let mut t = created;
    let mut out = Vec::new();
    for (n, state) in FLOW.iter().take(steps).enumerate() {
        let state = if rejected && n + 1 == steps && n > 0 {
            "REJECTED"
        } else {
            state
        };
        out.push(json!({"id": uuid(rng), "state": state, "createDate": rfc3339(t)}));
        t += Duration::seconds(rng.random_range(60..(3 * 86_400)));
    }
    out
}

fn structured(line1: &str, city: &str, postcode: &str, country: &str) -> Option<Address> {
    Some(Address {
        kind: "STRUCTURED".into(),
        id: None,
        line1: Some(line1.into()),
        line2: None,
        line3: Some(city.into()),
        postcode: Some(postcode.into()),
        country: Some(country.into()),
        extra: Default::default(),
    })
}

/// Replaces the random record at a special index with the hand-made one; ids, create dates,
/// onboarding states and address ids of the random record are kept (except record 0's id).
fn special(i: usize, mut p: Prospect) -> Prospect {
    let keep_address_id = |p: &Prospect, a: Option<Address>| {
        a.map(|mut a| {
            a.id = p.address.as_ref().and_then(|o| o.id.clone());
            a
        })
    };
    let set_names = |p: &mut Prospect, f: &str, m: Option<&str>, l: &str| {
        p.first_name = Some(f.into());
        p.middle_name = m.map(Into::into);
        p.last_name = Some(l.into());
    };
    match i {
        0 => {
            p.id = JOHN_DOE_ID.into();
            set_names(&mut p, "John", Some("James"), "Doe");
            p.email = "john.doe@example.com".into();
            p.external_reference = Some("CRM-0042".into());
            let mut a = structured("221B Baker Street", "London", "NW1 6XE", "GBR");
            if let Some(a) = a.as_mut() {
                a.line2 = Some("Flat 2".into());
                a.id = Some(Value::String("addr-0001".into()));
            }
            p.address = a;
            p.date_of_birth = Some("1980-01-15".into());
            p.phone_number = Some("+447101231111".into());
            p.identification_number = Some("QQ123456C".into());
        }
        1 => {
            set_names(&mut p, "Zoë", None, "O'Brien");
            p.email = "zoe.obrien@example.ie".into();
            p.external_reference = Some("ACME 42/7".into());
            p.address = keep_address_id(
                &p,
                structured("12 O'Connell Street", "Dublin", "D01 F5P2", "IRL"),
            );
            p.phone_number = Some("+353861234567".into());
        }
        2 => {
            set_names(&mut p, "Mallory", None, "Evil\u{1b}[31mRed\u{7}");
            p.email = "mallory@example.net".into();
        }
        3 => {
            set_names(&mut p, "芳", None, "王");
            p.email = "wang.fang@example.cn".into();
            p.address = keep_address_id(&p, structured("南京东路 100号", "上海", "200001", "CHN"));
            p.phone_number = Some("+8613800138000".into());
        }
        4 => {
            set_names(&mut p, "Jean-Luc", Some("D'Arcy"), "Smith-Jones");
            p.email = "jean-luc.smith-jones@example.co.uk".into();
            p.external_reference = Some("CRM-0007".into());
        }
        5 => {
            set_names(&mut p, "太郎", None, "佐藤");
            p.email = "taro.sato@example.jp".into();
            p.address = keep_address_id(&p, structured("1-2-3 Ginza", "東京", "104-0061", "JPN"));
        }
        6 => {
            p.first_name = None;
            p.middle_name = None;
            p.last_name = None;
            p.email = "anonymous@example.org".into();
            p.external_reference = None;
            p.address = None;
            p.date_of_birth = None;
            p.phone_number = None;
            p.identification_number = None;
            p.extra
                .insert("onboardingStates".into(), Value::Array(Vec::new()));
        }
        7 => {
            set_names(&mut p, "Chloé", Some("Renée"), "Ødegaard");
            p.email = "chloe.odegaard@example.no".into();
            p.address = Some(Address {
                kind: "FREEFORM".into(),
                id: None,
                extra: [(
                    "text".to_string(),
                    Value::String("Strandvejen 1, 2900 Hellerup, Denmark".into()),
                )]
                .into_iter()
                .collect(),
                ..Default::default()
            });
        }
        _ => {}
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_whose_four_digit_tails_are_all_taken_gets_a_fifth_digit() {
        let digits = |v: &str| v.chars().filter(char::is_ascii_digit).collect::<String>();
        let mut seen: HashSet<String> = (0..10_000).map(|n| format!("1212555{n:04}")).collect();
        let mut full = HashSet::new();
        let got = new_tail("+12125550042", 42, &mut seen, &digits, &mut full);
        assert_eq!(got, "+12125500042");
        assert!(full.contains(&("+1212555".to_string(), 4)));
        // The next one skips the full range at once.
        let next = new_tail("+12125550042", 42, &mut seen, &digits, &mut full);
        assert_eq!(next, "+12125500043");
        // A free tail is taken as before: the number counted up from `start`.
        let mut seen: HashSet<String> = ["AB1230007".to_string()].into();
        let got = new_tail(
            "AB123456C",
            7,
            &mut seen,
            &|v: &str| v.to_string(),
            &mut HashSet::new(),
        );
        assert_eq!(got, "AB1230008");
    }

    #[test]
    fn same_seed_same_data_and_prefix_stable() {
        let a = generate(300, 7);
        assert_eq!(a, generate(300, 7));
        assert_eq!(&a[..50], &generate(50, 7)[..]);
        assert!(generate(0, 7).is_empty());
    }

    #[test]
    fn different_seed_different_data() {
        let a = generate(100, 1);
        let b = generate(100, 2);
        assert_eq!(a[0].id, b[0].id, "record 0 is well known");
        let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        assert!(differing > 90, "only {differing} records differ");
    }

    #[test]
    fn special_records_are_where_the_docs_say() {
        let d = generate(SPECIAL, 42);
        assert_eq!(d[0].full_name(), "John James Doe");
        assert_eq!(d[0].email, "john.doe@example.com");
        assert_eq!(d[0].external_reference.as_deref(), Some("CRM-0042"));
        assert_eq!(
            d[ZOE_INDEX].external_reference.as_deref(),
            Some("ACME 42/7")
        );
        assert!(d[CONTROL_CHARS_INDEX].full_name().contains('\u{1b}'));
        assert!(d[CONTROL_CHARS_INDEX].full_name().contains('\u{7}'));
        assert_eq!(d[CJK_INDEX].full_name(), "芳 王");
        assert!(d[MINIMAL_INDEX].address.is_none());
        assert!(d[MINIMAL_INDEX].external_reference.is_none());
        assert!(!d[FREEFORM_INDEX].address.as_ref().unwrap().is_structured());
    }

    #[test]
    fn data_is_varied_and_valid() {
        let d = generate(5000, 42);
        let emails: HashSet<_> = d.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails.len(), d.len(), "emails are unique");
        let ids: HashSet<_> = d.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), d.len(), "ids are unique");
        let refs: Vec<_> = d
            .iter()
            .filter_map(|p| p.external_reference.as_deref())
            .collect();
        let unique_refs: HashSet<_> = refs.iter().collect();
        assert_eq!(unique_refs.len(), refs.len(), "references are unique");
        for p in &d {
            assert!(uuid::Uuid::parse_str(&p.id).is_ok());
            assert!(
                crate::patch::validate::email(&p.email).is_ok(),
                "{}",
                p.email
            );
            if let Some(ph) = &p.phone_number {
                let reading = crate::patch::phone::read(ph, None);
                assert_eq!(reading, crate::patch::phone::Reading::Valid(ph.clone()));
            }
            if let Some(dob) = &p.date_of_birth {
                assert!(crate::patch::validate::date(dob).is_ok(), "{dob}");
            }
            if let Some(c) = p.address.as_ref().and_then(|a| a.country.as_deref()) {
                assert!(crate::patch::validate::country(c).is_ok(), "{c}");
            }
            let created = p.create_date.as_deref().unwrap();
            assert!(DateTime::parse_from_rfc3339(created).is_ok());
            assert_eq!(p.extra["partnerId"], PARTNER_ID);
            assert!(p.extra["onboardingStates"].is_array());
        }
        let count = |f: &dyn Fn(&Prospect) -> bool| d.iter().filter(|p| f(p)).count();
        assert!(count(&|p| p.middle_name.is_none()) > 1000);
        assert!(count(&|p| p.address.is_none()) > 100);
        assert!(count(&|p| p.phone_number.is_none()) > 100);
        assert!(count(&|p| p.date_of_birth.is_none()) > 100);
        assert!(count(&|p| p.identification_number.is_none()) > 100);
        assert!(count(&|p| p.full_name().contains('\'')) > 50);
        assert!(count(&|p| p.full_name().contains('-')) > 50);
        assert!(count(&|p| !p.full_name().is_ascii()) > 500);
        let refs = |prefix: &str| {
            count(&|p| {
                p.external_reference
                    .as_deref()
                    .is_some_and(|r| r.starts_with(prefix))
            })
        };
        assert!(refs("CRM-") > 1000);
        let uuid_refs = count(&|p| {
            p.external_reference
                .as_deref()
                .is_some_and(|r| uuid::Uuid::parse_str(r).is_ok())
        });
        assert!(uuid_refs > 1000);
        let states: HashSet<String> = d
            .iter()
            .flat_map(|p| p.extra["onboardingStates"].as_array().unwrap().clone())
            .map(|s| s["state"].as_str().unwrap().to_string())
            .collect();
        assert!(states.contains("VERIFIED") && states.contains("REJECTED"));
    }
}
