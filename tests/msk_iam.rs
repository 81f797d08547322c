//! AWS MSK IAM, as far as it can be checked without MSK: the token creel
//! makes is a presigned kafka-cluster:Connect URL whose SigV4 signature an
//! independent implementation (tests/aws/sigv4_check.py, Python's standard
//! library) verifies with the secret key; a token signed with another key
//! fails that check. (That a broker sees the token, and that missing
//! credentials are said, is tested on the Kafka cluster in
//! tests/brokers/kafka_security.rs.)

use std::io::Write;
use std::process::{Command, Stdio};

fn check(secret: &str, token: &str) -> (bool, String) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aws/sigv4_check.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_msk_iam_token_is_signed_as_sigv4_says() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDCREELSIGV4");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "creel/sigv4+test-key");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("HOME", std::env::temp_dir());
    let token = creel::kafka::msk_iam_token(&creel::config::MskIam {
        region: "eu-central-1".into(),
        aws_profile: None,
        role_arn: None,
    })
    .unwrap();
    let (ok, said) = check("creel/sigv4+test-key", &token);
    assert!(ok, "{said}");
    assert!(
        said.contains("host=kafka.eu-central-1.amazonaws.com action=kafka-cluster:Connect region=eu-central-1 service=kafka-cluster expires=900 signed_headers=host"),
        "{said}"
    );
    // The same token does not verify with another key.
    let (ok, said) = check("another-key", &token);
    assert!(!ok, "{said}");
    assert!(said.contains("signature mismatch"), "{said}");
}
