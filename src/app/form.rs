//! The edit form's state — the record it was opened from, one text input per editable field,
//! which step of a save it is in — and the pure questions asked of it: what was edited, the
//! minimal body, which fields are invalid. Keys are handled in `app::form_flow`, the save in
//! `app::save`.

use ratatui_textarea::{CursorMove, TextArea};

use crate::api::model::Prospect;
use crate::edit::conflict::Conflict;
use crate::edit::draft::Draft;
use crate::edit::journal::JournalEntry;
use crate::patch::field::{FIELDS, Slot};
use crate::patch::phone::{self, Region};
use crate::patch::{self, AddressPart, Field, FieldError, FieldKey, PatchBody};

/// One editable field of the form, in the order the form shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormField {
    Scalar(Field),
    /// An address part.
    Address(AddressPart),
}

/// Every field of the form, top to bottom: the settable rows of the field table.
pub const FORM_FIELDS: [FormField; 13] = {
    let mut out = [FormField::Scalar(Field::FirstName); 13];
    let (mut i, mut n) = (0, 0);
    while i < FIELDS.len() {
        match FIELDS[i].slot {
            Slot::Scalar(f) => {
                out[n] = FormField::Scalar(f);
                n += 1;
            }
            Slot::Address(part) => {
                out[n] = FormField::Address(part);
                n += 1;
            }
            Slot::Id | Slot::ExternalReference | Slot::CreateDate => {}
        }
        i += 1;
    }
    out
};

impl FormField {
    /// Its row of the field table.
    fn field_key(self) -> FieldKey {
        match self {
            FormField::Scalar(f) => FieldKey::scalar(f),
            FormField::Address(part) => FieldKey::address(part),
        }
    }

    /// The key validation and the server use: `email`, `address.country`…
    pub fn key(self) -> String {
        self.field_key().name().to_string()
    }

    /// The label shown in front of the input.
    pub fn label(self) -> &'static str {
        self.field_key().label()
    }

    /// The field's text in a record ("" for none).
    pub fn text(self, p: &Prospect) -> String {
        match self {
            FormField::Scalar(f) => f.get(p).unwrap_or("").to_string(),
            FormField::Address(part) => p
                .address
                .as_ref()
                .and_then(|a| a.get(part))
                .unwrap_or("")
                .to_string(),
        }
    }

    /// The form field a validation or server message is about, if any: the message names the
    /// field's key (`email must be…`, `address.country …`).
    pub fn for_message(message: &str) -> Option<FormField> {
        let m = message.trim_start();
        // Address parts first: `address.line1` must not be taken for a bare `address`.
        FORM_FIELDS
            .into_iter()
            .rev()
            .find(|f| m.starts_with(&f.key()))
            .or_else(|| {
                FORM_FIELDS.into_iter().rev().find(|f| {
                    let key = f.key();
                    m.split(|c: char| !(c.is_alphanumeric() || c == '.'))
                        .any(|word| word == key)
                })
            })
            .or_else(|| {
                m.starts_with("address")
                    .then_some(FormField::Address(AddressPart::Line1))
            })
    }
}

/// A single-line `ratatui-textarea` input, compared by its text and cursor so `State` stays
/// comparable in tests.
#[derive(Debug, Clone)]
pub struct FieldInput(pub TextArea<'static>);

impl PartialEq for FieldInput {
    fn eq(&self, other: &Self) -> bool {
        self.0.lines() == other.0.lines() && self.0.cursor() == other.0.cursor()
    }
}

/// How a value shows in a one-line input: line breaks (from the server) become spaces. An
/// input whose text is still this of the original's value is untouched (see
/// [`Form::field_changed`]), and the original value, line breaks and all, is what counts.
pub fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

impl FieldInput {
    /// An input holding `text` (made one line), cursor at the end.
    pub fn new(text: &str) -> Self {
        let mut t = TextArea::new(vec![one_line(text)]);
        t.move_cursor(CursorMove::End);
        FieldInput(t)
    }

    /// The text typed.
    pub fn text(&self) -> String {
        self.0.lines().join("")
    }

    /// The text before the cursor (for placing the terminal cursor).
    pub fn before_cursor(&self) -> String {
        let col = self.0.cursor().1;
        self.0
            .lines()
            .first()
            .map(|l| l.chars().take(col).collect())
            .unwrap_or_default()
    }
}

/// A change saved in this session: what `u` undoes.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedChange {
    pub entry: JournalEntry,
    /// The record as the save returned it.
    pub after: Prospect,
}

/// Which step of editing and saving the form is in.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Typing.
    Editing,
    /// The body that will be sent, waiting for `Enter`/`y`. `base` is the record the body was
    /// computed against; `checked` when it already is the server's current version.
    Review {
        body: PatchBody,
        base: Prospect,
        checked: bool,
    },
    /// Fetching the server's current version before sending `body`.
    Checking { body: PatchBody },
    /// Someone changed fields the user is about to change: overwrite, rebase or go back.
    Conflict {
        server: Prospect,
        conflicts: Vec<Conflict>,
        /// What "overwrite with mine" sends.
        body: PatchBody,
    },
    /// The PATCH is on its way.
    Sending { body: PatchBody, base: Prospect },
    /// The PATCH's answer was lost (a timeout, a broken connection, a 5xx, an unreadable
    /// 2xx): fetching the record to learn whether it was applied. `lead` says what happened.
    Verifying {
        body: PatchBody,
        base: Prospect,
        lead: String,
    },
    /// "Discard changes?"; `quit` when ctrl-c asked (quits after discarding).
    Discard { quit: bool },
    /// A draft saved by an earlier session: restore or discard.
    DraftOffer(Box<Draft>),
}

/// The edit form.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// The version the form was opened from (or rebased onto): the base of the diff.
    pub original: Prospect,
    /// One input per entry of `FORM_FIELDS`.
    pub inputs: Vec<FieldInput>,
    /// Index into `FORM_FIELDS` of the field with the keyboard.
    pub focus: usize,
    /// Messages the server sent about fields (a 400), until the field is edited.
    pub server_errors: Vec<(FormField, String)>,
    /// Messages of a 400 that name no field: shown in full on top of the form until the next
    /// save attempt.
    pub server_messages: Vec<String>,
    pub stage: Stage,
    /// ctrl-c was pressed once while a save was in flight: a second one quits anyway.
    pub quit_armed: bool,
    /// How a national phone number typed here is read (`default_region`).
    pub region: Option<Region>,
}

impl Form {
    /// A form on `original` showing the values of `edited`.
    pub fn new(original: Prospect, edited: &Prospect) -> Self {
        Form {
            inputs: FORM_FIELDS
                .iter()
                .map(|f| FieldInput::new(&f.text(edited)))
                .collect(),
            original,
            focus: 0,
            server_errors: Vec::new(),
            server_messages: Vec::new(),
            stage: Stage::Editing,
            quit_armed: false,
            region: None,
        }
    }

    /// The same form, reading national phone numbers in `region`.
    pub fn in_region(mut self, region: Option<Region>) -> Self {
        self.region = region;
        self
    }

    /// The id of the prospect being edited.
    pub fn id(&self) -> &str {
        &self.original.id
    }

    /// The text of one field.
    pub fn text(&self, field: FormField) -> String {
        FORM_FIELDS
            .iter()
            .position(|f| *f == field)
            .and_then(|i| self.inputs.get(i))
            .map(FieldInput::text)
            .unwrap_or_default()
    }

    /// Whether the user changed `field`: its text is no longer what the form showed of the
    /// original's value.
    fn changed_field(&self, field: FormField) -> bool {
        one_line(&field.text(&self.original)) != self.text(field)
    }

    /// The record as the form now has it. A field the user has not changed keeps the
    /// original's exact value (a line break the one-line input could not show included), so
    /// it never ends up in the body.
    pub fn edited(&self) -> Prospect {
        let mut p = self.original.clone();
        for f in Field::ALL {
            if self.changed_field(FormField::Scalar(f)) {
                let mut t = self.text(FormField::Scalar(f));
                if f == Field::PhoneNumber && !t.is_empty() {
                    // Any format that parses is sent as E.164 (the review shows it).
                    t = phone::for_api(&t, self.region);
                }
                f.set(&mut p, (!t.is_empty() || f == Field::Email).then_some(t));
            }
        }
        let original = self.original.address.as_ref();
        let part = |part: AddressPart| {
            let field = FormField::Address(part);
            if self.changed_field(field) {
                let t = self.text(field);
                (!t.is_empty()).then_some(t)
            } else {
                original.and_then(|a| a.get(part)).map(str::to_owned)
            }
        };
        let parts = AddressPart::TEXT.map(part);
        let kind_field = FormField::Address(AddressPart::Type);
        let kind = self.text(kind_field);
        p.address = match original {
            None if kind.is_empty() && parts.iter().all(Option::is_none) => None,
            original => {
                let mut a = original.cloned().unwrap_or_default();
                if original.is_none() {
                    // A new address without a type is the only kind the API has today.
                    a.kind = if kind.is_empty() {
                        "STRUCTURED".into()
                    } else {
                        kind
                    };
                } else if self.changed_field(kind_field) {
                    a.kind = kind;
                }
                let [l1, l2, l3, pc, c] = parts;
                (a.line1, a.line2, a.line3, a.postcode, a.country) = (l1, l2, l3, pc, c);
                Some(a)
            }
        };
        p
    }

    /// The minimal body for what the form holds now.
    pub fn body(&self) -> PatchBody {
        patch::diff(&self.original, &self.edited())
    }

    /// Whether anything differs from the original.
    pub fn changed(&self) -> bool {
        !self.body().is_empty()
    }

    /// Whether the user changed the field at index `i` (its text differs from what the form
    /// showed of the original's value).
    pub fn field_changed(&self, i: usize) -> bool {
        FORM_FIELDS.get(i).is_some_and(|f| self.changed_field(*f))
    }

    /// Validation problems of the change, each with the field it belongs to (the same rules
    /// as the CLI: `patch::validate_body` on the diff).
    pub fn errors(&self) -> Vec<(FormField, FieldError)> {
        patch::validate_body(&self.body())
            .into_iter()
            .map(|e| {
                let field = FORM_FIELDS
                    .into_iter()
                    .find(|f| f.key() == e.field)
                    .or_else(|| FormField::for_message(&e.message))
                    .unwrap_or(FormField::Address(AddressPart::Line1));
                (field, e)
            })
            .collect()
    }

    /// Every message for the field at index `i`: validation first, then the server's.
    pub fn messages_for(&self, i: usize) -> Vec<String> {
        let Some(field) = FORM_FIELDS.get(i).copied() else {
            return Vec::new();
        };
        let mut out: Vec<String> = self
            .errors()
            .into_iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, e)| e.message)
            .collect();
        out.extend(
            self.server_errors
                .iter()
                .filter(|(f, _)| *f == field)
                .map(|(_, m)| m.clone()),
        );
        out.extend(self.phone_note(field));
        out
    }

    /// For a changed phone number: the E.164 form it is sent as, and a warning (never a
    /// refusal) when it is not a valid number for its region.
    fn phone_note(&self, field: FormField) -> Option<String> {
        if field != FormField::Scalar(Field::PhoneNumber) || !self.changed_field(field) {
            return None;
        }
        let typed = self.text(field);
        if let Some(w) = phone::warning(&typed, self.region) {
            return Some(w);
        }
        let sent = phone::for_api(&typed, self.region);
        (!typed.is_empty() && sent != typed).then(|| format!("sent as {sent}"))
    }

    /// The field with the keyboard.
    pub fn focused(&self) -> FormField {
        FORM_FIELDS
            .get(self.focus)
            .copied()
            .unwrap_or(FORM_FIELDS[0])
    }
}
