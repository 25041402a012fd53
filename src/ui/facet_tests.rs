//! Snapshots of the facet view (`%`) and its clusters (`c`), counted for real by the worker
//! over the demo data with its planted problems (country codes spelt `gb`, `gbr`, `FR`…).

use crossterm::event::KeyCode;

use crate::app::State;
use crate::runtime::harness::{Harness, Setup, frame};
use crate::sandbox::SandboxOptions;

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (140, 40);

/// The demo with its problems, `%` on address.country, counted to the end.
async fn country_facet() -> Harness {
    let setup = Setup {
        sandbox: SandboxOptions {
            count: 500,
            problems: true,
            ..SandboxOptions::default()
        },
        ..Setup::default()
    };
    let mut h = Harness::start(setup, |_| {}).await;
    h.until("the first page", |s, _| s.list.shown.is_some() && !s.busy())
        .await;
    h.press(KeyCode::Char('%'));
    h.pick_field("address.country");
    h.until("the count's end", |s, _| {
        s.facet.as_ref().is_some_and(|f| f.scan.ended.is_some())
    })
    .await;
    h
}

fn still(state: &State) -> State {
    let mut s = state.clone();
    // A fading message depends on timing, not on the view.
    s.status = None;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facet_and_clusters_of_the_country_80x24_and_140x40() {
    let mut h = country_facet().await;
    let f = h.state().facet.as_ref().expect("the view");
    let gb = f
        .rows()
        .iter()
        .find(|r| r.value.as_deref() == Some("gb"))
        .expect("the planted group");
    assert_eq!(gb.count, 40, "counted exactly");
    let s = still(h.state());
    insta::assert_snapshot!("facet_80x24", frame(&s, NARROW).backend());
    insta::assert_snapshot!("facet_140x40", frame(&s, WIDE).backend());
    // A tiny terminal: the bar gives way, the values stay.
    insta::assert_snapshot!("facet_30x8", frame(&s, (30, 8)).backend());
    h.press(KeyCode::Char('c'));
    h.until("the clusters", |s, _| {
        s.facet
            .as_ref()
            .and_then(|f| f.clusters.as_ref())
            .is_some_and(|c| c.list.is_some())
    })
    .await;
    let s = still(h.state());
    let cluster = s
        .facet
        .as_ref()
        .and_then(|f| f.selected_cluster())
        .expect("a cluster");
    let spellings: Vec<&str> = cluster.values.iter().map(|v| v.value.as_str()).collect();
    assert!(
        spellings.contains(&"GBR") && spellings.contains(&"gbr"),
        "{spellings:?}"
    );
    insta::assert_snapshot!("clusters_80x24", frame(&s, NARROW).backend());
    insta::assert_snapshot!("clusters_140x40", frame(&s, WIDE).backend());
}
