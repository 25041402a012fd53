//! Request targets: built once, percent-encoded by us, signed, and sent byte for byte.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded, so no HTTP library finds
/// anything left to re-encode (space → `%20`, `/` → `%2F`, `'` → `%27`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Base path of the personal prospects resource.
pub const PERSONAL: &str = "/v1/partner/prospects/personal";

/// Percent-encodes one path segment or query value. A value that is exactly `.` or `..`
/// has its dots encoded too (`%2E`), or it would read as a relative path step.
pub fn encode(s: &str) -> String {
    match s {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => utf8_percent_encode(s, COMPONENT).to_string(),
    }
}

/// Whether the target's path has a segment that is an encoded `.` or `..`: URL libraries
/// following WHATWG rules would remove it, so it must be sent as is (see `api::exact`).
pub fn has_dot_segment(target: &str) -> bool {
    let path = target.split('?').next().unwrap_or(target);
    path.split('/').any(|seg| matches!(seg, "%2E" | "%2E%2E"))
}

/// `GET` list target.
pub fn list(search: Option<&str>, page: u64, limit: u64) -> String {
    let mut t = format!("{PERSONAL}?page={page}&limit={limit}");
    if let Some(k) = search.filter(|k| !k.is_empty()) {
        t.push_str("&searchKeyword=");
        t.push_str(&encode(k));
    }
    t
}

/// `GET`/`PATCH` by id target.
pub fn by_id(id: &str) -> String {
    format!("{PERSONAL}/{}", encode(id))
}

/// `GET` by external reference target.
pub fn by_external_ref(reference: &str) -> String {
    format!("{PERSONAL}/externalReference/{}", encode(reference))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_target_matches_the_signing_vector() {
        assert_eq!(
            list(Some("Zoë O'Brien"), 2, 25),
            "/v1/partner/prospects/personal?page=2&limit=25&searchKeyword=Zo%C3%AB%20O%27Brien"
        );
        assert_eq!(
            list(None, 1, 10),
            "/v1/partner/prospects/personal?page=1&limit=10"
        );
        assert_eq!(
            list(Some(""), 1, 10),
            "/v1/partner/prospects/personal?page=1&limit=10"
        );
    }

    #[test]
    fn external_reference_is_one_path_segment() {
        assert_eq!(
            by_external_ref("ACME 42/7"),
            "/v1/partner/prospects/personal/externalReference/ACME%2042%2F7"
        );
        assert_eq!(
            by_external_ref("a?b#c%"),
            format!("{PERSONAL}/externalReference/a%3Fb%23c%25")
        );
    }

    #[test]
    fn a_reference_of_only_dots_is_encoded() {
        assert_eq!(
            by_external_ref("."),
            format!("{PERSONAL}/externalReference/%2E")
        );
        assert_eq!(
            by_external_ref(".."),
            format!("{PERSONAL}/externalReference/%2E%2E")
        );
        assert_eq!(
            by_external_ref("..."),
            format!("{PERSONAL}/externalReference/...")
        );
        assert!(has_dot_segment(&by_external_ref("..")));
        assert!(!has_dot_segment(&by_external_ref("a.b")));
        assert!(!has_dot_segment(&list(Some("."), 1, 10)));
    }
}
