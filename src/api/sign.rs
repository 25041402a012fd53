//! Request signing: HMAC-SHA256 over a compact JSON payload, exactly as partner-api.md defines.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The four headers that take part in a signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignedHeaders<'a> {
    pub authorization: &'a str,
    pub date: &'a str,
    #[serde(rename = "x-alg-nonce")]
    pub nonce: &'a str,
}

/// The signed payload. Field order is the contract: serde keeps declaration order.
#[derive(Debug, Clone, Serialize)]
pub struct Payload<'a> {
    /// Path and query as sent on the wire, without the base URL's path prefix.
    pub url: &'a str,
    /// Upper-case HTTP method.
    pub method: &'a str,
    pub headers: SignedHeaders<'a>,
    /// The raw body as sent, or "" when there is none.
    pub body: &'a str,
}

impl Payload<'_> {
    /// The compact JSON text that is signed.
    pub fn to_json(&self) -> String {
        // Serializing a struct of &str cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// base64 (standard, padded) of HMAC-SHA256(secret, payload).
    pub fn sign(&self, secret: &str) -> String {
        let mut mac = mac(secret);
        mac.update(self.to_json().as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }

    /// Checks a received signature in constant time.
    pub fn verify(&self, secret: &str, signature_b64: &str) -> bool {
        let Ok(sig) = STANDARD.decode(signature_b64.trim()) else {
            return false;
        };
        let mut mac = mac(secret);
        mac.update(self.to_json().as_bytes());
        mac.verify_slice(&sig).is_ok()
    }
}

fn mac(secret: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    HmacSha256::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!())
}

/// The current time as an RFC 7231 IMF-fixdate.
pub fn http_date(t: std::time::SystemTime) -> String {
    httpdate::fmt_http_date(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "pk_test_4f1c2a";
    const SECRET: &str = "sk_test_9b8e7d6c5b4a";
    const DATE: &str = "Thu, 26 Nov 2026 17:21:03 GMT";
    const NONCE: &str = "0b7f4a8e-3c1d-4e52-9a6b-2d8c1f0e7a35";

    fn payload<'a>(method: &'a str, url: &'a str, body: &'a str) -> Payload<'a> {
        Payload {
            url,
            method,
            headers: SignedHeaders {
                authorization: TOKEN,
                date: DATE,
                nonce: NONCE,
            },
            body,
        }
    }

    #[test]
    fn payload_text_matches_the_contract() {
        let p = payload("GET", "/v1/partner/prospects/personal?page=1&limit=10", "");
        assert_eq!(
            p.to_json(),
            r#"{"url":"/v1/partner/prospects/personal?page=1&limit=10","method":"GET","headers":{"authorization":"pk_test_4f1c2a","date":"Thu, 26 Nov 2026 17:21:03 GMT","x-alg-nonce":"0b7f4a8e-3c1d-4e52-9a6b-2d8c1f0e7a35"},"body":""}"#
        );
    }

    #[test]
    fn vector_list_first_page() {
        let p = payload("GET", "/v1/partner/prospects/personal?page=1&limit=10", "");
        assert_eq!(
            p.sign(SECRET),
            "2IZmsHg4dww7Zysa7wyCkxiojKpq+zae1+gy0STy/R4="
        );
    }

    #[test]
    fn vector_list_with_unicode_search() {
        let p = payload(
            "GET",
            "/v1/partner/prospects/personal?page=2&limit=25&searchKeyword=Zo%C3%AB%20O%27Brien",
            "",
        );
        assert_eq!(
            p.sign(SECRET),
            "JhZbAonEIxp3k3olEWCiWL2eb9fmcmCM9m6/pF+GdLA="
        );
    }

    #[test]
    fn vector_patch_with_body() {
        let p = payload(
            "PATCH",
            "/v1/partner/prospects/personal/a2b9649e-df7f-4349-adff-1c57283fef10",
            r#"{"email":"john.doe@example.com","middleName":null}"#,
        );
        let sig = p.sign(SECRET);
        assert_eq!(sig, "mNenZNiam4mw2DgIYGkMaVL6Dn0VNATg0KdMCADiQ7c=");
        assert!(p.verify(SECRET, &sig));
        assert!(!p.verify("other", &sig));
        assert!(!p.verify(SECRET, "not base64!"));
    }

    #[test]
    fn http_date_is_imf_fixdate() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_713_663);
        assert_eq!(http_date(t), "Thu, 26 Nov 2026 17:21:03 GMT");
    }
}
