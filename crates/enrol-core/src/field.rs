//! The fields of the enrolment wizard, named as on the wire (docs/contracts.md « Fields »).

use serde::{Serialize, Serializer};

/// A form field an error can point at. `as_str` gives the camelCase name used by the UI
/// and in `{code, field, key}` errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Nir,
    LastName,
    FirstName,
    BirthDate,
    Email,
    Phone,
    VerificationKind,
    VitaleSerial,
    ChildBirthDate,
    PaymentAmount,
    Department,
    Terms,
}

impl Field {
    /// Every field, in the order of the wizard.
    pub const ALL: [Field; 12] = [
        Field::Nir,
        Field::LastName,
        Field::FirstName,
        Field::BirthDate,
        Field::Email,
        Field::Phone,
        Field::VerificationKind,
        Field::VitaleSerial,
        Field::ChildBirthDate,
        Field::PaymentAmount,
        Field::Department,
        Field::Terms,
    ];

    /// The camelCase name of the field (docs/contracts.md « Fields »).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Nir => "nir",
            Field::LastName => "lastName",
            Field::FirstName => "firstName",
            Field::BirthDate => "birthDate",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::VerificationKind => "verificationKind",
            Field::VitaleSerial => "vitaleSerial",
            Field::ChildBirthDate => "childBirthDate",
            Field::PaymentAmount => "paymentAmount",
            Field::Department => "department",
            Field::Terms => "terms",
        }
    }

    /// The field named `name` (camelCase), if any.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.as_str()), Some(field));
        }
        assert_eq!(Field::from_name("Nir"), None);
    }
}
