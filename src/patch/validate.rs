//! Field validation: the one place where the CLI, the form and the sandbox learn what is valid.

use chrono::NaiveDate;

/// A problem with one field, phrased for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The API's key, e.g. `phoneNumber` or `address.country`.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The longest text value a field may hold, in characters: the sandbox refuses longer ones
/// (as a real service's validation would), and the form, `patch` and `apply` do first.
pub const MAX_TEXT_CHARS: usize = 1000;

/// `Ok` when any text field may hold `value`: at most [`MAX_TEXT_CHARS`] characters and no
/// control characters (a NUL byte, a line break, an escape sequence).
pub fn text(field: &str, value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(format!(
            "{field} must be shorter than or equal to {MAX_TEXT_CHARS} characters"
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("{field} must not contain control characters"));
    }
    Ok(())
}

/// `Ok` when `value` looks like an email address a mail server would accept.
pub fn email(value: &str) -> Result<(), String> {
    let msg = || format!("email must be an email (got {value:?})");
    if value.is_empty() {
        return Err("email cannot be empty".into());
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) || value.len() > 254 {
        return Err(msg());
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err(msg());
    };
    let domain_ok = !domain.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || local.contains('@') || !domain_ok {
        return Err(msg());
    }
    Ok(())
}

/// Digits with an optional leading `+`, no spaces or other characters.
pub fn phone(value: &str) -> Result<(), String> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "phoneNumber must be a number such as +447123456789: digits with an optional leading + (got {value:?})"
        ));
    }
    if digits.len() > 15 {
        return Err("phoneNumber must have at most 15 digits".into());
    }
    Ok(())
}

/// A real calendar date written `YYYY-MM-DD`.
pub fn date(value: &str) -> Result<(), String> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if shaped && NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() {
        Ok(())
    } else {
        Err(format!(
            "dateOfBirth must be a real date written YYYY-MM-DD (got {value:?})"
        ))
    }
}

/// An ISO 3166-1 alpha-3 country code, e.g. `GBR`.
pub fn country(value: &str) -> Result<(), String> {
    match isocountry::CountryCode::for_alpha3(value) {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "address.country must be an ISO 3166-1 alpha-3 code such as GBR (got {value:?})"
        )),
    }
}

/// The English name of an alpha-3 country code, for display.
pub fn country_name(code: &str) -> Option<&'static str> {
    isocountry::CountryCode::for_alpha3(code)
        .ok()
        .map(|c| c.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_holds_no_control_characters_and_at_most_the_limit() {
        assert!(text("middleName", "Zoë").is_ok());
        assert!(text("middleName", &"x".repeat(MAX_TEXT_CHARS)).is_ok());
        let long = text("middleName", &"x".repeat(MAX_TEXT_CHARS + 1)).unwrap_err();
        assert!(long.contains("1000 characters"), "{long}");
        for bad in ["a\0b", "a\nb", "\u{1b}[2J"] {
            let e = text("lastName", bad).unwrap_err();
            assert_eq!(e, "lastName must not contain control characters");
        }
    }

    #[test]
    fn emails() {
        assert!(email("john.doe@example.com").is_ok());
        assert!(email("zoë@exämple.de").is_ok());
        for bad in [
            "",
            "john",
            "john@",
            "@x.com",
            "a b@x.com",
            "a@x",
            "a@.x.com",
            "a@x..com",
        ] {
            assert!(email(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn phones() {
        assert!(phone("+447101231111").is_ok());
        assert!(phone("07101231111").is_ok());
        for bad in [
            "",
            "+",
            "+44 7101",
            "0710-123",
            "++44",
            "abc",
            "+1234567890123456",
        ] {
            assert!(phone(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn dates() {
        assert!(date("1990-02-28").is_ok());
        assert!(date("2024-02-29").is_ok());
        for bad in [
            "2023-02-29",
            "1990-2-3",
            "1990-13-01",
            "19900203",
            "",
            "1990-02-28T00:00",
        ] {
            assert!(date(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn countries() {
        assert!(country("GBR").is_ok());
        assert!(country("FRA").is_ok());
        assert!(country("GB").is_err());
        assert!(country("gbr").is_err());
        assert!(country("XXX").is_err());
        assert_eq!(country_name("DEU"), Some("Germany"));
    }
}
