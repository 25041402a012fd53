//! The sandbox over real HTTP: started on 127.0.0.1:0, spoken to by the library's client and
//! by raw, hand-signed `reqwest` requests for the cases the client never produces. Error
//! classes and retries are in `client_errors.rs`.

use crate::common;

use std::time::{Duration, SystemTime};

use common::{PERSONAL, Raw, body, client, sandbox};
use prospect::api::sign::http_date;
use prospect::api::{ApiClient, ApiError, ClientConfig, Prospect};
use prospect::sandbox::{Sandbox, SandboxOptions, data, generate};
use serde_json::{Value, json};

fn names_of(items: &[Prospect]) -> Vec<String> {
    items.iter().map(Prospect::full_name).collect()
}

#[tokio::test]
async fn list_pages_and_meta() {
    let sb = sandbox(500).await;
    let c = client(&sb);
    let page = c.list(None, 1, 10).await.unwrap();
    assert_eq!(page.items.len(), 10);
    let m = page.meta;
    assert_eq!(
        (
            m.current_page,
            m.item_count,
            m.items_per_page,
            m.total_items,
            m.total_pages
        ),
        (1, 10, 10, 500, 50)
    );
    assert_eq!(page.items[0].id, data::JOHN_DOE_ID);
    // The alias `externalId` is accepted by the client for even records.
    assert_eq!(
        page.items[0].external_reference.as_deref(),
        Some("CRM-0042")
    );
    assert_eq!(
        page.items[1].external_reference.as_deref(),
        Some("ACME 42/7")
    );

    let last = c.list(None, 7, 75).await.unwrap();
    assert_eq!((last.meta.item_count, last.meta.total_pages), (50, 7));
    let beyond = c.list(None, 8, 75).await.unwrap();
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.meta.total_items, 500);

    // Stable order, the same as the generated data.
    let expected = generate(500, 42);
    let p3 = c.list(None, 3, 100).await.unwrap();
    assert_eq!(p3.items[0].id, expected[200].id);

    // The wire: half the items use `externalId`, every item carries the extra fields.
    let (status, raw) = Raw::new(&sb, "GET", &format!("{PERSONAL}?page=1&limit=4"))
        .send(&sb)
        .await;
    assert_eq!(status, 200);
    let items = raw["items"].as_array().unwrap();
    assert!(items[0].get("externalId").is_some() && items[0].get("externalReference").is_none());
    assert!(items[1].get("externalReference").is_some() && items[1].get("externalId").is_none());
    for it in items {
        assert_eq!(it["partnerId"], data::PARTNER_ID);
        assert!(it["onboardingStates"].is_array());
    }
    assert_eq!(raw["meta"]["totalPages"], 125);
}

#[tokio::test]
async fn empty_sandbox_has_zero_pages() {
    let sb = sandbox(0).await;
    let page = client(&sb).list(Some("anyone"), 1, 10).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!((page.meta.total_items, page.meta.total_pages), (0, 0));
}

#[tokio::test]
async fn search_is_case_insensitive_and_unicode() {
    let sb = sandbox(500).await;
    let c = client(&sb);
    let data = generate(500, 42);
    let expect = |needle: &str| {
        let n = needle.to_lowercase();
        data.iter()
            .filter(|p| {
                let first_last = format!(
                    "{} {}",
                    p.first_name.as_deref().unwrap_or(""),
                    p.last_name.as_deref().unwrap_or("")
                );
                p.full_name().to_lowercase().contains(&n)
                    || first_last.to_lowercase().contains(&n)
                    || p.email.to_lowercase().contains(&n)
            })
            .count() as u64
    };
    for needle in [
        "zoë",
        "ZOË",
        "o'brien",
        "王",
        "佐藤",
        "smith-jones",
        "jean-luc",
        "EXAMPLE.ORG",
    ] {
        let page = c.list(Some(needle), 1, 100).await.unwrap();
        assert_eq!(page.meta.total_items, expect(needle), "{needle}");
        assert!(page.meta.total_items > 0, "{needle} finds someone");
        assert_eq!(page.meta.total_pages, expect(needle).div_ceil(100));
    }
    let zoe = c.list(Some("ZOË O'BRIEN"), 1, 10).await.unwrap();
    assert!(names_of(&zoe.items).contains(&"Zoë O'Brien".to_string()));
    let cjk = c.list(Some("芳 王"), 1, 10).await.unwrap();
    assert_eq!(cjk.items[0].id, data[data::CJK_INDEX].id);
    // The full name "first last" matches even with a middle name in between.
    let john = c.list(Some("john doe"), 1, 10).await.unwrap();
    assert_eq!(john.items[0].id, data::JOHN_DOE_ID);
    let john = c.list(Some("JOHN.DOE@EXAMPLE.COM"), 1, 10).await.unwrap();
    assert_eq!(john.meta.total_items, 1);
    let none = c.list(Some("no such person qq"), 1, 10).await.unwrap();
    assert_eq!((none.meta.total_items, none.meta.total_pages), (0, 0));
    // The keyword arrived percent-encoded, exactly as the client signed it.
    assert!(sb.requests().iter().any(|r| {
        r.path_and_query
            .ends_with("searchKeyword=ZO%C3%8B%20O%27BRIEN")
    }));
}

#[tokio::test]
async fn search_over_100_000_prospects() {
    let sb = sandbox(100_000).await;
    let c = client(&sb);
    let page = c.list(Some("john.doe@example.com"), 1, 10).await.unwrap();
    assert_eq!(page.meta.total_items, 1);
    assert_eq!(page.items[0].full_name(), "John James Doe");
    let all = c.list(None, 1000, 100).await.unwrap();
    assert_eq!(
        (all.meta.total_items, all.meta.total_pages),
        (100_000, 1000)
    );
    assert_eq!(all.items.len(), 100);
}

#[tokio::test]
async fn get_by_id_and_by_external_reference() {
    let sb = sandbox(50).await;
    let c = client(&sb);
    let john = c.get(data::JOHN_DOE_ID).await.unwrap();
    assert_eq!(john.full_name(), "John James Doe");
    assert_eq!(john.email, "john.doe@example.com");
    assert_eq!(john.extra["partnerId"], data::PARTNER_ID);
    assert_eq!(c.get_by_external_ref("CRM-0042").await.unwrap().id, john.id);

    sb.clear_requests();
    let zoe = c.get_by_external_ref("ACME 42/7").await.unwrap();
    assert_eq!(zoe.full_name(), "Zoë O'Brien");
    let seen = sb.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].path_and_query,
        format!("{PERSONAL}/externalReference/ACME%2042%2F7")
    );
    assert_eq!(seen[0].status, 200);

    // Single-record GETs always say `externalReference`.
    let (_, raw) = Raw::new(&sb, "GET", &format!("{PERSONAL}/{}", data::JOHN_DOE_ID))
        .send(&sb)
        .await;
    assert_eq!(raw["externalReference"], "CRM-0042");
    assert!(raw.get("externalId").is_none());

    let mallory = c
        .get(&generate(50, 42)[data::CONTROL_CHARS_INDEX].id)
        .await
        .unwrap();
    assert!(mallory.last_name.unwrap().contains("\u{1b}[31m"));

    let missing = uuid::Uuid::new_v4().to_string();
    assert!(matches!(
        c.get(&missing).await,
        Err(ApiError::NotFound { .. })
    ));
    let e = c.get_by_external_ref("ACME 42/8").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "Not found: no prospect with external reference ACME 42/8"
    );
    let (status, raw) = Raw::new(&sb, "GET", &format!("{PERSONAL}/{missing}"))
        .send(&sb)
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        raw,
        json!({"statusCode": 404, "message": "Prospect not found", "error": "Not Found"})
    );
}

#[tokio::test]
async fn patch_round_trip_and_validation() {
    let sb = sandbox(50).await;
    let c = client(&sb);
    let id = data::JOHN_DOE_ID;

    let err = c
        .patch(id, &body(json!({"email": "not-an-email", "phoneNumber": "+44 7101", "dateOfBirth": "1990-02-30"})))
        .await
        .unwrap_err();
    let msgs = err.messages().join("\n");
    assert!(msgs.contains("email must be an email"), "{msgs}");
    assert!(msgs.contains("phoneNumber"), "{msgs}");
    assert!(msgs.contains("dateOfBirth"), "{msgs}");
    let err = c
        .patch(id, &body(json!({"email": null})))
        .await
        .unwrap_err();
    assert_eq!(err.messages(), ["email cannot be cleared"]);
    let err = c
        .patch(
            id,
            &body(json!({"address": {"type": "STRUCTURED", "line1": "1 A St", "country": "XXX"}})),
        )
        .await
        .unwrap_err();
    assert!(err.messages()[0].contains("address.country"));
    assert_eq!(
        sb.get_record(id).unwrap(),
        generate(1, 42)[0],
        "nothing changed"
    );

    let updated = c
        .patch(id, &body(json!({"firstName": "Jonathan", "middleName": null, "phoneNumber": "+447700900123"})))
        .await
        .unwrap();
    assert_eq!(updated.full_name(), "Jonathan Doe");
    assert_eq!(
        updated.extra["partnerId"],
        data::PARTNER_ID,
        "the response is the full record"
    );
    let again = c.get(id).await.unwrap();
    assert_eq!(again, updated);
    assert_eq!(sb.get_record(id).unwrap(), updated);
    assert_eq!(
        c.list(Some("jonathan"), 1, 10)
            .await
            .unwrap()
            .meta
            .total_items,
        1
    );

    // The address is replaced whole and keeps its server-side id.
    let addr = json!({"type": "STRUCTURED", "line1": "10 Downing Street", "line2": null, "line3": "London", "postcode": "SW1A 2AA", "country": "GBR"});
    let moved = c.patch(id, &body(json!({"address": addr}))).await.unwrap();
    let a = moved.address.unwrap();
    assert_eq!(a.line1.as_deref(), Some("10 Downing Street"));
    assert_eq!(a.id, Some(json!("addr-0001")));

    // Raw: an unknown key, a body that is not an object, and the recorder's view of a PATCH.
    let mut raw = Raw::new(&sb, "PATCH", &format!("{PERSONAL}/{id}"));
    raw.body = Some(r#"{"foo":1,"lastName":"X"}"#.into());
    let (status, v) = raw.send(&sb).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"], "Bad Request");
    assert_eq!(v["message"], json!(["property foo should not exist"]));
    let mut raw = Raw::new(&sb, "PATCH", &format!("{PERSONAL}/{id}"));
    raw.body = Some("[1]".into());
    assert_eq!(raw.send(&sb).await.0, 400);
    let last = sb.requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.body.as_str(), last.status),
        ("PATCH", "[1]", 400)
    );
    let mut raw = Raw::new(
        &sb,
        "PATCH",
        &format!("{PERSONAL}/{}", uuid::Uuid::new_v4()),
    );
    raw.body = Some(r#"{"lastName":"X"}"#.into());
    assert_eq!(raw.send(&sb).await.0, 404);
}

#[tokio::test]
async fn a_record_changed_behind_the_users_back_is_served() {
    let sb = sandbox(20).await;
    let mut p = sb.get_record(data::JOHN_DOE_ID).unwrap();
    p.last_name = Some("Changed".into());
    p.external_reference = Some("CRM-9999".into());
    sb.put_record(p.clone());
    let c = client(&sb);
    assert_eq!(c.get(data::JOHN_DOE_ID).await.unwrap(), p);
    assert_eq!(c.get_by_external_ref("CRM-9999").await.unwrap().id, p.id);
    assert!(c.get_by_external_ref("CRM-0042").await.is_err());
    assert_eq!(c.list(None, 1, 10).await.unwrap().meta.total_items, 20);
}

#[tokio::test]
async fn bad_requests_are_nestjs_400s() {
    let sb = sandbox(20).await;
    for (query, message) in [
        ("page=1&limit=101", "limit must not be greater than 100"),
        ("page=1&limit=0", "limit must not be less than 1"),
        ("page=0&limit=10", "page must not be less than 1"),
        ("page=abc&limit=10", "page must be an integer number"),
        ("page=1&limit=ten", "limit must be an integer number"),
    ] {
        let (status, v) = Raw::new(&sb, "GET", &format!("{PERSONAL}?{query}"))
            .send(&sb)
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(v["statusCode"], 400);
        assert_eq!(v["error"], "Bad Request");
        assert_eq!(v["message"], json!([message]), "{query}");
    }
    let (status, v) = Raw::new(&sb, "GET", PERSONAL).send(&sb).await;
    assert_eq!(
        (status, v["meta"]["itemsPerPage"].clone()),
        (200, json!(10)),
        "defaults"
    );
    let (status, v) = Raw::new(&sb, "GET", &format!("{PERSONAL}/not-a-uuid"))
        .send(&sb)
        .await;
    assert_eq!(status, 400);
    assert_eq!(v["message"], json!(["prospectId must be a UUID"]));
    let err = client(&sb).get("12345").await.unwrap_err();
    assert!(matches!(err, ApiError::Validation { .. }), "{err:?}");
    let (status, v) = Raw::new(&sb, "GET", "/v1/nothing/here").send(&sb).await;
    assert_eq!((status, v["error"].clone()), (404, json!("Not Found")));
    let (status, _) = Raw::new(&sb, "DELETE", &format!("{PERSONAL}/{}", data::JOHN_DOE_ID))
        .send(&sb)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_401_cause() {
    let sb = sandbox(5).await;
    let target = format!("{PERSONAL}?page=1&limit=10");
    let expect_401 = |(status, v): (u16, Value), why: &str| {
        assert_eq!(status, 401, "{why}");
        assert_eq!(v["statusCode"], 401, "{why}");
        assert!(v["message"].is_string(), "{why}");
    };
    for header in ["authorization", "date", "x-alg-nonce", "x-alg-signature"] {
        let mut r = Raw::new(&sb, "GET", &target);
        r.omit = Some(header);
        let (status, v) = r.send(&sb).await;
        assert!(v["message"].as_str().unwrap().contains(header));
        expect_401((status, v), header);
    }
    let mut r = Raw::new(&sb, "GET", &target);
    r.token = "pk_sbx_unknown".into();
    expect_401(r.send(&sb).await, "unknown token");
    let mut r = Raw::new(&sb, "GET", &target);
    r.secret = "wrong secret".into();
    expect_401(r.send(&sb).await, "wrong signature");
    let r = Raw::new(&sb, "GET", &target);
    expect_401(
        r.send_to(&sb, Some(&format!("{PERSONAL}?page=2&limit=10")))
            .await,
        "tampered target",
    );
    let r = Raw::new(
        &sb,
        "GET",
        &format!("{PERSONAL}/externalReference/ACME%2042%2F7"),
    );
    expect_401(
        r.send_to(
            &sb,
            Some(&format!("{PERSONAL}/externalReference/ACME%2042/7")),
        )
        .await,
        "target decoded differently",
    );
    let mut r = Raw::new(&sb, "PATCH", &format!("{PERSONAL}/{}", data::JOHN_DOE_ID));
    r.body = Some(r#"{"lastName":"Signed"}"#.into());
    let signature = r.signature();
    let (status, _) = {
        let resp = reqwest::Client::new()
            .patch(format!("{}{}", sb.base_url(), r.target))
            .header("authorization", &r.token)
            .header("date", &r.date)
            .header("x-alg-nonce", &r.nonce)
            .header("x-alg-signature", signature)
            .body(r#"{"lastName":"Tampered"}"#)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), ())
    };
    assert_eq!(status, 401, "tampered body");
    assert_eq!(
        sb.get_record(data::JOHN_DOE_ID)
            .unwrap()
            .last_name
            .as_deref(),
        Some("Doe")
    );
    for (skew, why) in [(-400i64, "stale date"), (400, "future date")] {
        let mut r = Raw::new(&sb, "GET", &target);
        let t = if skew < 0 {
            SystemTime::now() - Duration::from_secs(skew.unsigned_abs())
        } else {
            SystemTime::now() + Duration::from_secs(skew as u64)
        };
        r.date = http_date(t);
        expect_401(r.send(&sb).await, why);
    }
    let mut r = Raw::new(&sb, "GET", &target);
    r.date = http_date(SystemTime::now() - Duration::from_secs(200));
    assert_eq!(r.send(&sb).await.0, 200, "200 s of skew is allowed");
    let mut r = Raw::new(&sb, "GET", &target);
    r.date = "yesterday".into();
    expect_401(r.send(&sb).await, "malformed date");

    let r = Raw::new(&sb, "GET", &target);
    assert_eq!(r.send(&sb).await.0, 200);
    expect_401(r.send(&sb).await, "reused nonce");
    // A fresh nonce with the same everything else is fine again.
    let mut r2 = Raw::new(&sb, "GET", &target);
    r2.date = r.date.clone();
    assert_eq!(r2.send(&sb).await.0, 200);

    let e = ApiClient::new(ClientConfig::new(
        &sb.base_url(),
        sb.token(),
        "nope",
        "sandbox",
    ))
    .unwrap()
    .list(None, 1, 10)
    .await
    .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
}

#[tokio::test]
async fn mounted_under_a_path_prefix() {
    let sb = Sandbox::start(SandboxOptions {
        count: 20,
        prefix: "/partner/".into(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    assert!(sb.base_url().ends_with("/partner"), "{}", sb.base_url());
    let c = client(&sb);
    assert_eq!(c.list(None, 1, 10).await.unwrap().meta.total_items, 20);
    assert_eq!(
        c.get_by_external_ref("ACME 42/7")
            .await
            .unwrap()
            .full_name(),
        "Zoë O'Brien"
    );
    let p = c
        .patch(data::JOHN_DOE_ID, &body(json!({"middleName": null})))
        .await
        .unwrap();
    assert_eq!(p.full_name(), "John Doe");
    let seen = sb.requests();
    assert!(
        seen.iter()
            .all(|r| r.path_and_query.starts_with("/partner/v1/")),
        "{seen:?}"
    );
    assert!(seen.iter().all(|r| r.status == 200), "{seen:?}");
    // Without the prefix there is nothing there.
    let origin = format!("http://{}", sb.addr());
    let bare = ApiClient::new(ClientConfig::new(
        &origin,
        sb.token(),
        sb.secret(),
        "sandbox",
    ))
    .unwrap();
    assert!(matches!(
        bare.list(None, 1, 10).await,
        Err(ApiError::NotFound { .. })
    ));
}

#[tokio::test]
async fn shutdown_stops_the_server_and_banner_has_exports() {
    let sb = Sandbox::start(SandboxOptions {
        count: 3,
        token: Some("pk_given".into()),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(sb.token(), "pk_given");
    assert!(sb.secret().starts_with("sk_sbx_"));
    let banner = sb.banner();
    assert!(banner.contains(&format!("export PROSPECT_BASE_URL={}", sb.base_url())));
    assert!(banner.contains("export PROSPECT_API_TOKEN=pk_given"));
    assert!(banner.contains(&format!("export PROSPECT_API_SECRET={}", sb.secret())));
    let c = client(&sb);
    c.list(None, 1, 1).await.unwrap();
    sb.shutdown().await;
    let e = c.list(None, 1, 1).await.unwrap_err();
    assert!(matches!(e, ApiError::Connection { .. }), "{e:?}");

    let other = sandbox(1).await;
    assert!(other.token().starts_with("pk_sbx_"));
    let url = other.base_url();
    drop(other);
    // Stopping is asynchronous: poll with a generous deadline rather than sleep a fixed time.
    let target = format!("{url}{PERSONAL}");
    common::poll_until(
        "the dropped sandbox stops serving",
        Duration::from_secs(30),
        async || reqwest::get(&target).await.is_err().then_some(()),
    )
    .await;
}

#[tokio::test]
async fn stop_keeps_the_recorded_requests_and_records_readable() {
    let mut stopped = sandbox(3).await;
    let c = client(&stopped);
    let first = c.list(None, 1, 1).await.unwrap().items[0].clone();
    stopped.stop().await;
    let e = c.list(None, 1, 1).await.unwrap_err();
    assert!(matches!(e, ApiError::Connection { .. }), "{e:?}");
    assert_eq!(
        stopped.requests().len(),
        1,
        "what reached it is still recorded"
    );
    assert_eq!(stopped.get_record(&first.id), Some(first));
    stopped.stop().await; // twice is harmless
}
