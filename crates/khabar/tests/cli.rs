//! The `khabar` binary as an operator runs it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn khabar(data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_khabar"));
    command
        .arg("--data")
        .arg(data)
        .env_remove("KHABAR_DATABASE_URL");
    command
}

#[test]
fn every_command_has_help_and_a_version() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["admin", "create", "--help"],
        &["migrate-data", "--help"],
    ] {
        let output = khabar(dir.path()).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{args:?}"
        );
    }
    let output = khabar(dir.path()).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("khabar "));
}

#[test]
fn admin_create_reads_the_password_from_stdin_and_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let create = |username: &str, password: &str| {
        let mut child = khabar(dir.path())
            .args([
                "admin",
                "create",
                "--username",
                username,
                "--email",
                "editor@news.example",
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let first = create("chief", "a long enough passphrase");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("admin chief created"));

    let again = create("chief2", "a long enough passphrase");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("email is already taken"));

    let short = create("deputy", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
}

#[test]
fn migrate_applies_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    // Variables that share the prefix but are not settings are ignored.
    let output = khabar(dir.path())
        .arg("migrate")
        .env("KHABAR_TEST_DATABASE_URL", "postgres://elsewhere/test")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("migrations applied (sqlite database)")
    );
    assert!(dir.path().join("khabar.db").is_file());
}

/// A wrapper script's own `KHABAR_*` variables do not stop a command: they
/// are named in a warning, with the key a typo was probably meant to be;
/// a known key with a bad value still fails.
#[test]
fn unknown_khabar_variables_warn_and_bad_values_fail() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = khabar(dir.path())
        .args(["admin", "create", "--username", "chief"])
        .args(["--email", "chief@news.example", "--password-stdin"])
        .env("KHABAR_BIN", "/opt/khabar/bin/khabar")
        .env("KHABAR_SITE__COLOUR", "red")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "a long enough passphrase").unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("admin chief created"));
    assert!(
        stderr.contains("warning") && stderr.contains("KHABAR_BIN"),
        "{stderr}"
    );
    assert!(stderr.contains("KHABAR_SITE__COLOUR"), "{stderr}");

    let typo = khabar(dir.path())
        .arg("migrate")
        .env("KHABAR_LISTN", "127.0.0.1:9000")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&typo.stderr);
    assert!(typo.status.success(), "{stderr}");
    assert!(
        stderr.contains("KHABAR_LISTN") && stderr.contains("did you mean KHABAR_LISTEN?"),
        "{stderr}"
    );

    let garbage = khabar(dir.path())
        .arg("migrate")
        .env("KHABAR_LISTEN", "garbage")
        .output()
        .unwrap();
    assert!(!garbage.status.success());
    let stderr = String::from_utf8_lossy(&garbage.stderr);
    assert!(stderr.contains("LISTEN"), "{stderr}");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = khabar(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first line names the address once the server accepts connections.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.contains("khabar is serving http://127.0.0.1:"),
        "{line}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within 15 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn operators_create_an_admin_named_admin_and_mint_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = khabar(dir.path())
        .args([
            "admin",
            "create",
            "--username",
            "admin",
            "--email",
            "ops@news.example",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "a long enough passphrase").unwrap();
    let created = child.wait_with_output().unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );

    let output = khabar(dir.path())
        .args([
            "token", "create", "--user", "ADMIN", "--scope", "read", "--scope", "admin",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(token.starts_with("khp_") && token.len() == 68, "{token}");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains(&token),
        "the token is printed once, on stdout"
    );

    let refused = khabar(dir.path())
        .args(["token", "create", "--user", "nobody", "--scope", "read"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no user named nobody"));
    let bad_scope = khabar(dir.path())
        .args(["token", "create", "--user", "admin", "--scope", "root"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad_scope.stderr).contains("is not a scope"));
}

#[test]
fn migrate_data_refuses_a_source_that_is_not_there() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.db");
    let target = dir.path().join("target.db");
    let output = khabar(dir.path())
        .args(["migrate-data", "--from"])
        .arg(format!("sqlite://{}", missing.display()))
        .arg("--to")
        .arg(format!("sqlite://{}", target.display()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no database at"));
    assert!(!missing.exists(), "no empty database is left behind");
}
