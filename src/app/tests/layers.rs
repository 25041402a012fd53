//! One answer to what is on top: keys go where drawing puts the top layer, and the facet view
//! (`%`) with its clusters and the `S =EXPR` preview.

use crossterm::event::KeyCode;

use super::changes::{list, phone_row, pick, requests};
use super::fixtures::{ch, ctrl, key, prospect, quits, send, type_text};
use super::problems::finished;
use crate::api::Prospect;
use crate::app::facet::Member;
use crate::app::keys::Context;
use crate::app::msg::ScanPart;
use crate::app::screens::{Overlay, Screen, Top, View};
use crate::app::set_expr::Result1;
use crate::app::{ApiRequest, Effect, Msg, Reply, RequestId, State};
use crate::scan::facet::{Facet, FacetField};
use crate::scan::fields::FieldRef;
use crate::scan::keys::By;
use crate::scan::{Progress, ScanSummary};

/// The status line's text (empty when there is none).
fn status(s: &State) -> String {
    s.status
        .as_ref()
        .map(|st| st.text.clone())
        .unwrap_or_default()
}

fn answer(req: RequestId, reply: Reply) -> Msg {
    Msg::Api { req, reply }
}

/// The members scan among `fx`: its request and the values it looks for.
fn members_request(fx: &[Effect]) -> (RequestId, Vec<Option<String>>) {
    requests(fx)
        .into_iter()
        .find_map(|(req, r)| match r {
            ApiRequest::Members { values, .. } => Some((req, values)),
            _ => None,
        })
        .expect("a members scan")
}

/// A part of a members scan that found one record holding `value`.
fn found(id: &str, label: &str, value: &str) -> Reply {
    Reply::Scanned {
        progress: progress(3, 3),
        part: ScanPart::Members(vec![Member {
            id: id.into(),
            label: label.into(),
            value: Some(value.into()),
        }]),
    }
}

#[test]
fn a_record_arriving_under_the_help_opens_its_form_under_it_and_the_help_keeps_the_keys() {
    let mut s = finished();
    // A rule's findings, then `e` on one: its record is fetched (a slow server).
    let fx = send(&mut s, [key(KeyCode::Enter), ch('e')]);
    let (req, _) = requests(&fx)
        .into_iter()
        .find(|(_, r)| matches!(r, ApiRequest::ById { .. }))
        .expect("the record is fetched");
    send(&mut s, [ch('?')]);
    assert_eq!(s.top(), Top::Overlay(Overlay::Help));
    let id = s
        .problems
        .as_ref()
        .and_then(|p| p.selected())
        .map(|f| f.id.clone());
    let mut record = prospect(1);
    record.id = id.expect("a finding selected");
    send(&mut s, [answer(req, Reply::Prospect(Ok(record)))]);
    assert!(s.form.is_some(), "the form opened");
    assert_eq!(s.top(), Top::Overlay(Overlay::Help), "under the help");
    assert_eq!(s.overlays(), vec![Overlay::Form, Overlay::Help]);
    // Keys go to the help (j scrolls it), not to the hidden form.
    let before = s.form.clone();
    send(&mut s, [ch('j'), ch('x')]);
    assert_eq!(s.form, before, "the hidden form got no keys");
    // `?` closes the help; then the form has the keys.
    send(&mut s, [ch('?')]);
    assert!(!s.help.open);
    assert_eq!(s.top(), Top::Overlay(Overlay::Form));
    send(&mut s, [ch('?')]);
    assert!(!s.help.open, "in the form ? is typed, not the help");
}

#[test]
fn the_quit_question_asked_over_the_help_is_on_top_and_answered_there() {
    let mut s = super::changes::staged_three();
    send(&mut s, [ch('?'), ctrl('c')]);
    assert_eq!(s.top(), Top::Overlay(Overlay::Quit), "asked over the help");
    // `n` answers the question (stay), and the help is back on top, still open.
    let fx = send(&mut s, [ch('n')]);
    assert!(!quits(&fx) && !s.quit_asked);
    assert_eq!(s.top(), Top::Overlay(Overlay::Help));
    assert!(!s.staged.is_empty(), "nothing was discarded");
    // Asked again, `d` discards only because the question is seen and answered.
    send(&mut s, [ctrl('c')]);
    let fx = send(&mut s, [ch('d')]);
    assert!(quits(&fx));
    assert!(s.staged.is_empty());
}

#[test]
fn screens_stack_and_esc_takes_the_top_one_off() {
    let mut s = finished();
    assert_eq!(s.view(), View::Screen(Screen::Problems));
    send(&mut s, [ch('F')]);
    type_text(&mut s, "email~example");
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.screens, vec![Screen::Problems, Screen::Filter]);
    assert_eq!(s.view(), View::Screen(Screen::Filter));
    // Esc stops the filter's scan, Esc closes it: the problems are back.
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert_eq!(s.view(), View::Screen(Screen::Problems));
    // The pending view sits over everything and goes as it came.
    send(&mut s, [ch('P')]);
    assert_eq!(s.view(), View::Screen(Screen::Pending));
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(s.view(), View::Screen(Screen::Problems));
}

/// Records with these phone numbers, counted as the worker counts them.
fn counts_of(phones: &[Option<&str>]) -> crate::app::facet::FacetCounts {
    let field = FacetField::Known(FieldRef::parse("phoneNumber").expect("a field"));
    let mut facet = Facet::new(field, By::Exact, false);
    for (i, phone) in phones.iter().enumerate() {
        let mut p: Prospect = prospect(i);
        p.phone_number = phone.map(str::to_string);
        facet.add(&p);
    }
    facet.report(0)
}

/// The count of `req` over `phones`, every record counted: its one part and its end.
fn counted_all(s: &mut State, req: RequestId, phones: &[Option<&str>]) {
    let n = phones.len() as u64;
    let end = Reply::ScanEnded(Ok(ScanSummary {
        records: n,
        ..ScanSummary::default()
    }));
    let part = Reply::Scanned {
        progress: progress(n, n),
        part: ScanPart::Counts(counts_of(phones)),
    };
    send(s, [answer(req, part), answer(req, end)]);
}

fn progress(scanned: u64, total: u64) -> Progress {
    Progress {
        scanned,
        total,
        pages: 1,
        server_limit: None,
    }
}

/// `%` on the list, phoneNumber picked: the facet view and its scan's request.
fn faceting() -> (State, RequestId) {
    let mut s = list();
    send(&mut s, [ch('%')]);
    assert_eq!(s.top(), Top::Overlay(Overlay::Dialog(Context::FieldPick)));
    let mut fx = Vec::new();
    for _ in 0..phone_row() {
        fx.extend(send(&mut s, [ch('j')]));
    }
    fx.extend(send(&mut s, [key(KeyCode::Enter)]));
    let (req, request) = requests(&fx)
        .into_iter()
        .find(|(_, r)| matches!(r, ApiRequest::Facet { .. }))
        .expect("the count starts");
    match request {
        ApiRequest::Facet { field, .. } => assert_eq!(field.name(), "phoneNumber"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.view(), View::Screen(Screen::Facet));
    (s, req)
}

#[test]
fn percent_counts_a_fields_values_as_they_stream_in_and_esc_keeps_them() {
    let (mut s, req) = faceting();
    let counts = counts_of(&[Some("+441"), Some("+441"), Some("07123 456789"), None]);
    let part = Reply::Scanned {
        progress: progress(4, 10),
        part: ScanPart::Counts(counts),
    };
    send(&mut s, [answer(req, part)]);
    let f = s.facet.as_ref().expect("the view");
    assert_eq!(f.rows()[0].value.as_deref(), Some("+441"));
    assert_eq!(f.rows()[0].count, 2);
    assert!(f.title().contains("scanning 4 of 10"), "{}", f.title());
    // Esc stops the count and keeps it; another closes the view.
    let fx = send(&mut s, [key(KeyCode::Esc)]);
    assert!(fx.iter().any(|e| matches!(e, Effect::Cancel(_))));
    let f = s.facet.as_ref().expect("the view");
    assert_eq!(f.rows().len(), 3, "two values and (empty)");
    assert!(f.title().contains("stopped at 4 of 10"), "{}", f.title());
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(s.view(), View::List);
}

#[test]
fn enter_on_a_value_lists_its_records_exactly_and_v_marks_them() {
    let (mut s, req) = faceting();
    counted_all(
        &mut s,
        req,
        &[Some("07123 456789"), Some("+441"), Some("07123 456789")],
    );
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let filter = requests(&fx)
        .into_iter()
        .find_map(|(_, r)| match r {
            ApiRequest::Filter { filter, .. } => Some(filter),
            _ => None,
        })
        .expect("a filter scan");
    let mut same = prospect(1);
    same.phone_number = Some("07123 456789".into());
    let mut spaced = prospect(2);
    spaced.phone_number = Some("07123  456789".into());
    assert!(filter.matches(&same));
    assert!(!filter.matches(&spaced), "exactly the value counted");
    assert_eq!(s.screens, vec![Screen::Facet, Screen::Filter]);
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert_eq!(s.view(), View::Screen(Screen::Facet));
    // `V`: a scan finds the value's records and marks each.
    let fx = send(&mut s, [ch('V')]);
    let (mreq, values) = members_request(&fx);
    assert_eq!(values, vec![Some("07123 456789".to_string())]);
    let part = found("id-1", "Ann Lee · CRM-1", "07123 456789");
    send(&mut s, [answer(mreq, part)]);
    assert_eq!(
        s.marks.get("id-1").map(String::as_str),
        Some("Ann Lee · CRM-1")
    );
}

#[test]
fn c_clusters_the_values_and_a_stages_the_most_common_spelling_on_the_others() {
    let (mut s, req) = faceting();
    let counts = counts_of(&[
        Some("ACME Ltd"),
        Some("ACME Ltd"),
        Some("acme ltd."),
        Some("Other"),
    ]);
    let part = Reply::Scanned {
        progress: progress(4, 4),
        part: ScanPart::Counts(counts),
    };
    send(&mut s, [answer(req, part)]);
    let fx = send(&mut s, [ch('c')]);
    let (creq, values) = requests(&fx)
        .into_iter()
        .find_map(|(req, r)| match r {
            ApiRequest::Cluster { values, .. } => Some((req, values)),
            _ => None,
        })
        .expect("clustering starts");
    assert_eq!(values.len(), 3);
    let pairs: Vec<(&str, u64)> = values.iter().map(|(v, n)| (v.as_str(), *n)).collect();
    let list = crate::scan::facet::clusters(&pairs, crate::scan::facet::Method::Fingerprint);
    assert_eq!(list.len(), 1);
    send(&mut s, [answer(creq, Reply::Clustered(list))]);
    assert!(s.facet.as_ref().unwrap().title().contains("1 cluster"));
    let fx = send(&mut s, [ch('A')]);
    let (mreq, values) = members_request(&fx);
    assert_eq!(
        values,
        vec![Some("acme ltd.".to_string())],
        "the others only"
    );
    let part = found("id-9", "Bo Chan · CRM-9", "acme ltd.");
    send(&mut s, [answer(mreq, part)]);
    let staged = s.staged.records.get("id-9").expect("staged");
    let change = staged.fields.get("phoneNumber").expect("the field");
    assert_eq!(change.after.as_deref(), Some("ACME Ltd"));
    assert_eq!(change.before, Some(Some("acme ltd.".to_string())));
    let end = Reply::ScanEnded(Ok(ScanSummary::default()));
    send(&mut s, [answer(mreq, end)]);
    let status = status(&s);
    assert!(
        status.starts_with("Staged phoneNumber = \"ACME Ltd\" on 1 record (1 staged in all)"),
        "{status}"
    );
}

#[test]
fn an_expression_for_s_is_previewed_as_typed_and_staged_per_record() {
    let mut s = list();
    s.region = crate::patch::phone::Region::parse("GB").ok();
    s.list.rows[0].phone_number = Some("07123 456789".into());
    s.list.rows[1].phone_number = Some("+447123456780".into());
    s.list.rows[2].phone_number = Some("ask reception".into());
    send(&mut s, [ch(' '), ch(' '), ch(' ')]);
    pick(&mut s, phone_row());
    if let Some(p) = s.prompt.as_mut() {
        p.input.set("");
    }
    type_text(&mut s, "=replace(/[/, \"\")");
    let e = match s.set_field.as_ref().and_then(|f| f.preview.clone()) {
        Some(Err(e)) => e,
        other => panic!("{other:?}"),
    };
    assert!(e.starts_with("line 1, column 11"), "{e}");
    if let Some(p) = s.prompt.as_mut() {
        p.input.set("");
    }
    type_text(&mut s, "=e164");
    let rows = match s.set_field.as_ref().and_then(|f| f.preview.clone()) {
        Some(Ok(rows)) => rows,
        other => panic!("{other:?}"),
    };
    assert!(
        matches!(&rows[0].result, Result1::Change { after: Some(a), .. } if a == "+447123456789")
    );
    assert_eq!(rows[1].result, Result1::Same);
    assert!(matches!(rows[2].result, Result1::Skipped(_)));
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.staged.len(), 1, "only the record whose value changes");
    let id = s.list.rows[0].id.clone();
    let change = &s.staged.records[&id].fields["phoneNumber"];
    assert_eq!(change.after.as_deref(), Some("+447123456789"));
    let status = status(&s);
    assert!(
        status.contains("changed 1 · unchanged 1 · skipped 1"),
        "{status}"
    );
}

#[test]
fn an_expression_on_a_facet_value_is_computed_once_per_value_and_staged_on_its_records() {
    let (mut s, req) = faceting();
    s.region = crate::patch::phone::Region::parse("GB").ok();
    let counts = counts_of(&[Some("07123 456789"), Some("07123 456789"), Some("+441")]);
    let part = Reply::Scanned {
        progress: progress(3, 3),
        part: ScanPart::Counts(counts),
    };
    send(&mut s, [answer(req, part)]);
    // `S` on the first value (07123 456789, two records), `=e164`: previewed per value.
    send(&mut s, [ch('S')]);
    type_text(&mut s, "=e164");
    let rows = match s.set_field.as_ref().and_then(|f| f.preview.clone()) {
        Some(Ok(rows)) => rows,
        other => panic!("{other:?}"),
    };
    assert!(
        matches!(&rows[0].result, Result1::Change { after: Some(a), .. } if a == "+447123456789"),
        "{rows:?}"
    );
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let (mreq, values) = members_request(&fx);
    assert_eq!(values, vec![Some("07123 456789".to_string())]);
    send(
        &mut s,
        [answer(
            mreq,
            found("id-3", "Cy Dee · CRM-3", "07123 456789"),
        )],
    );
    let change = &s.staged.records["id-3"].fields["phoneNumber"];
    assert_eq!(change.after.as_deref(), Some("+447123456789"));
    send(
        &mut s,
        [answer(mreq, Reply::ScanEnded(Ok(ScanSummary::default())))],
    );
    let status = status(&s);
    assert!(
        status.starts_with("Staged phoneNumber (e164) on 1 record"),
        "{status}"
    );
}

/// A batch sent from over the facet view that changes the field's value on a record: the
/// title says the counts are out of date until `r` counts again; a change to another field
/// does not.
#[test]
fn a_sent_change_to_the_field_marks_the_counts_out_of_date() {
    let (mut s, req) = faceting();
    counted_all(&mut s, req, &[Some("07123 456789"), Some("+441")]);
    let mut national = prospect(0);
    national.phone_number = Some("07123 456789".into());
    let named = prospect(1);
    let phone = crate::patch::field_path::FieldPath::parse("phoneNumber").expect("a field");
    let first = crate::patch::field_path::FieldPath::parse("firstName").expect("a field");
    s.staged.stage(
        &national.id,
        "national",
        phone,
        Some("+447123456789".into()),
        Some(national.phone_number.clone()),
    );
    s.staged.stage(
        &named.id,
        "named",
        first,
        Some("Renamed".into()),
        Some(named.first_name.clone()),
    );
    let fx = send(&mut s, [ch('P'), key(KeyCode::Enter), ch('y')]);
    let (batch, _) = requests(&fx)
        .into_iter()
        .find(|(_, r)| matches!(r, ApiRequest::SendBatch { .. }))
        .expect("the batch is sent");
    let mut to_e164 = super::changes::planned(&national.id, crate::batch::Outcome::Applied, "");
    to_e164.before = Some(national);
    to_e164
        .body
        .insert("phoneNumber".into(), "+447123456789".into());
    let mut renamed = super::changes::planned(&named.id, crate::batch::Outcome::Applied, "");
    renamed.before = Some(named);
    renamed.body.insert("firstName".into(), "Renamed".into());
    send(
        &mut s,
        [answer(
            batch,
            Reply::Sent {
                batch: "B".into(),
                rows: vec![to_e164, renamed],
                error: None,
            },
        )],
    );
    send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(s.view(), View::Screen(Screen::Facet));
    let title = s.facet.as_ref().expect("the view").title();
    assert!(
        title.ends_with(" · 1 record changed since (r counts again)"),
        "{title}"
    );
    // Counting again starts over.
    send(&mut s, [ch('r')]);
    let title = s.facet.as_ref().expect("the view").title();
    assert!(!title.contains("changed since"), "{title}");
}
