//! The fields of a prospect a PATCH can change.

use crate::api::model::Prospect;

/// The scalar text fields of a prospect that a PATCH can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    FirstName,
    MiddleName,
    LastName,
    Email,
    PhoneNumber,
    DateOfBirth,
    IdentificationNumber,
}

impl Field {
    /// Every scalar field, in form order.
    pub const ALL: [Field; 7] = [
        Field::FirstName,
        Field::MiddleName,
        Field::LastName,
        Field::Email,
        Field::PhoneNumber,
        Field::DateOfBirth,
        Field::IdentificationNumber,
    ];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Field::FirstName => "firstName",
            Field::MiddleName => "middleName",
            Field::LastName => "lastName",
            Field::Email => "email",
            Field::PhoneNumber => "phoneNumber",
            Field::DateOfBirth => "dateOfBirth",
            Field::IdentificationNumber => "identificationNumber",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Field::FirstName => "First name",
            Field::MiddleName => "Middle name",
            Field::LastName => "Last name",
            Field::Email => "Email",
            Field::PhoneNumber => "Phone",
            Field::DateOfBirth => "Date of birth",
            Field::IdentificationNumber => "Identification no.",
        }
    }

    /// Looks a field up by its JSON key or a few friendly spellings (`first_name`, `phone`).
    pub fn parse(name: &str) -> Option<Field> {
        let norm: String = name
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        Some(match norm.as_str() {
            "firstname" | "first" => Field::FirstName,
            "middlename" | "middle" => Field::MiddleName,
            "lastname" | "last" => Field::LastName,
            "email" => Field::Email,
            "phonenumber" | "phone" => Field::PhoneNumber,
            "dateofbirth" | "dob" | "birthdate" => Field::DateOfBirth,
            "identificationnumber" | "idnumber" | "identification" => Field::IdentificationNumber,
            _ => return None,
        })
    }

    /// The field's value in a record (email as `Some`).
    pub fn get(self, p: &Prospect) -> Option<&str> {
        match self {
            Field::FirstName => p.first_name.as_deref(),
            Field::MiddleName => p.middle_name.as_deref(),
            Field::LastName => p.last_name.as_deref(),
            Field::Email => Some(p.email.as_str()),
            Field::PhoneNumber => p.phone_number.as_deref(),
            Field::DateOfBirth => p.date_of_birth.as_deref(),
            Field::IdentificationNumber => p.identification_number.as_deref(),
        }
    }

    /// Sets the field in a record; `None` clears it (email becomes empty).
    pub fn set(self, p: &mut Prospect, value: Option<String>) {
        match self {
            Field::FirstName => p.first_name = value,
            Field::MiddleName => p.middle_name = value,
            Field::LastName => p.last_name = value,
            Field::Email => p.email = value.unwrap_or_default(),
            Field::PhoneNumber => p.phone_number = value,
            Field::DateOfBirth => p.date_of_birth = value,
            Field::IdentificationNumber => p.identification_number = value,
        }
    }
}

/// The address parts a user can edit, with their JSON keys.
pub const ADDRESS_PARTS: [&str; 6] = ["type", "line1", "line2", "line3", "postcode", "country"];
