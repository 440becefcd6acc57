//! The OpenAPI document is a contract: its shape changes only on purpose.
//! After an intended change, rerun with `INSTA_UPDATE=always` (or review
//! with `cargo insta review`) and commit the new snapshot under
//! `tests/snapshots/`. Under `CI=true` a mismatch fails and writes nothing.

#[test]
fn openapi_document_matches_its_snapshot() {
    let document = serde_json::to_string_pretty(&khabar_web::api::openapi_document()).unwrap();
    insta::assert_snapshot!("openapi", document);
}
