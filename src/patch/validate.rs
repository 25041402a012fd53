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
            "phoneNumber must be digits with an optional leading + and no spaces (got {value:?})"
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
