//! The OpenAPI document is a contract: its shape changes only on purpose.
//! After an intended change, run with `UPDATE_SNAPSHOTS=1` and commit the
//! new snapshot.

#[test]
fn openapi_document_matches_its_snapshot() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");
    let current =
        serde_json::to_string_pretty(&khabar_web::api::openapi_document()).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &current).unwrap();
        return;
    }
    let saved = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        saved == current,
        "the OpenAPI document changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and commit {path}"
    );
}
