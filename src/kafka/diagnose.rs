//! librdkafka's connection failures, said as one sentence a person can act
//! on. librdkafka reports a wrong password or an untrusted certificate as a
//! transport failure with OpenSSL's or the broker's words inside; these are
//! the cases users meet, named by their cause.

use rdkafka::types::RDKafkaErrorCode;

/// A broker's error code in words; a missing ACL says so plainly.
pub fn code_text(code: RDKafkaErrorCode) -> String {
    use RDKafkaErrorCode::*;
    let what = match code {
        TopicAuthorizationFailed => "the topic",
        GroupAuthorizationFailed => "the consumer group",
        ClusterAuthorizationFailed => "the cluster",
        TransactionalIdAuthorizationFailed => "the transactional id",
        // librdkafka's own words ("Broker handle destroyed without
        // termination") say nothing to someone who runs a cluster.
        DestroyBroker => return format!("the broker it was sent to has left the cluster ({code})"),
        // rdkafka's Display is already "Name (description)".
        _ => return code.to_string(),
    };
    format!("not authorized: no ACL lets this user do that on {what} ({code:?})")
}

/// Whether retrying can help: a refusal (credentials, certificates) stays
/// a refusal until the configuration changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The broker or TLS refused us: fix the configuration.
    Refused,
    /// Nothing answered, or the connection broke: it may come back.
    Transient,
}

/// What a library said after `marker` (all of it when the marker is
/// missing).
fn after<'a>(reason: &'a str, marker: &str) -> &'a str {
    reason.split_once(marker).map_or(reason, |(_, r)| r).trim()
}

/// One sentence for a librdkafka connection error: `raw` as librdkafka
/// said it, `reason` the part of it after the broker's name.
pub fn explain(raw: &str, reason: &str) -> (Failure, String) {
    let lower = raw.to_ascii_lowercase();
    let has = |s: &str| lower.contains(s);
    if has("invalid credentials") || has("authentication failed") && has("sasl") {
        let mech = reason
            .rsplit_once("mechanism ")
            .map(|(_, m)| m.trim().trim_end_matches(')'))
            .filter(|m| !m.is_empty());
        let how = mech.map(|m| format!(" (SASL {m})")).unwrap_or_default();
        return (
            Failure::Refused,
            format!("authentication failed: the broker rejected the user name or password{how}"),
        );
    }
    if has("failed to acquire sasl oauthbearer token") {
        // librdkafka's OIDC client: the token endpoint said no, or could
        // not be reached.
        let said = after(reason, "token: ");
        if said.starts_with("MSK IAM:") || said.starts_with("OAUTHBEARER needs") {
            // creel's own token source said why (no AWS credentials...).
            return (Failure::Refused, said.to_string());
        }
        if has("invalid_client") || has("unauthorized") || has("(401)") {
            return (
                Failure::Refused,
                format!(
                    "OAUTHBEARER: the token endpoint refused the client id or secret ({said}): \
                     check sasl.oauthbearer.client.id and sasl.oauthbearer.client.secret"
                ),
            );
        }
        return (
            Failure::Transient,
            format!("OAUTHBEARER: no token from sasl.oauthbearer.token.endpoint.url: {said}"),
        );
    }
    if has("sasl authentication error") && has("invalid_token") {
        return (
            Failure::Refused,
            "authentication failed: the broker rejected the OAUTHBEARER token (invalid_token): \
             its signature, audience, issuer or scope is not what the broker expects"
                .into(),
        );
    }
    if has("gssapi error") {
        // Cyrus SASL's words after librdkafka's; the part after "GSSAPI
        // Error:" is MIT Kerberos' own (no ticket, unknown server, skew).
        let said = after(reason, "GSSAPI Error: ");
        return (
            Failure::Refused,
            format!(
                "Kerberos (GSSAPI): {said}: check sasl.kerberos.principal and \
                 sasl.kerberos.keytab (librdkafka runs kinit with them), or run kinit"
            ),
        );
    }
    if has("unsupported sasl mechanism") || has("no common sasl mechanism") {
        return (
            Failure::Refused,
            format!("authentication failed: {reason} (check sasl.mechanism)"),
        );
    }
    if has("certificate verify failed") {
        if has("hostname mismatch") || has("ip address mismatch") {
            return (
                Failure::Refused,
                "TLS: the broker's certificate is not made out to the host name creel connected to \
                 (ssl.endpoint.identification.algorithm=none turns the check off, at a risk)"
                    .into(),
            );
        }
        if has("expired") {
            return (
                Failure::Refused,
                "TLS: the broker's certificate has expired".into(),
            );
        }
        return (
            Failure::Refused,
            "TLS: the broker's certificate is not trusted (not signed by a CA creel knows): \
             set ssl.ca.location to the CA that signed it"
                .into(),
        );
    }
    if has("alert bad certificate")
        || has("alert certificate required")
        || has("alert number 42")
        || has("alert number 116")
    {
        return (
            Failure::Refused,
            "TLS: the broker requires a client certificate it trusts (mutual TLS): \
             set ssl.certificate.location and ssl.key.location"
                .into(),
        );
    }
    if has("alert unknown ca") || has("alert number 48") {
        return (
            Failure::Refused,
            "TLS: the broker does not trust creel's client certificate (unknown CA)".into(),
        );
    }
    if has("ssl handshake failed") || has("wrong version number") {
        return (
            Failure::Refused,
            format!("TLS handshake failed: {reason} (is this listener TLS, and security.protocol right?)"),
        );
    }
    if has("incorrect security.protocol")
        || has("connection closed by peer") && has("state apiversion_query")
    {
        return (
            Failure::Refused,
            "the broker closed the connection during the handshake: security.protocol does not \
             match this listener (SSL? SASL?)"
                .into(),
        );
    }
    if (has("broken pipe") || has("connection closed by peer")) && has("after 0ms in state up") {
        return (
            Failure::Transient,
            "the broker hangs up as soon as creel speaks: does this listener need SASL or TLS? \
             (check security.protocol)"
                .into(),
        );
    }
    // Refused connections, DNS failures, timeouts: librdkafka's own words
    // say it ("Connect to ipv4#127.0.0.1:1 failed: Connection refused").
    (Failure::Transient, reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain1(reason: &str) -> (Failure, String) {
        explain(reason, reason)
    }

    /// A code is named once: the row of an unread partition used to say
    /// "UnknownPartition (Local: Unknown partition) (UnknownPartition)".
    #[test]
    fn a_code_is_named_once_with_its_description() {
        assert_eq!(
            code_text(RDKafkaErrorCode::UnknownPartition),
            "UnknownPartition (Local: Unknown partition)"
        );
    }

    #[test]
    fn the_cases_users_meet_are_named_by_their_cause() {
        let (f, s) = explain1("SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
        assert_eq!(f, Failure::Refused);
        assert_eq!(
            s,
            "authentication failed: the broker rejected the user name or password (SASL SCRAM-SHA-512)"
        );
        let (f, s) = explain1("SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured or root CA certificates are installed (install ca-certificates package)");
        assert_eq!(f, Failure::Refused);
        assert!(
            s.starts_with("TLS: the broker's certificate is not trusted"),
            "{s}"
        );
        let (f, s) = explain1(
            "Receive failed: error:0A000412:SSL routines::sslv3 alert bad certificate: SSL alert number 42",
        );
        assert_eq!(f, Failure::Refused);
        assert!(
            s.starts_with("TLS: the broker requires a client certificate"),
            "{s}"
        );
        let (f, s) = explain1("Connect to ipv4#127.0.0.1:1 failed: Connection refused");
        assert_eq!(f, Failure::Transient);
        assert_eq!(s, "Connect to ipv4#127.0.0.1:1 failed: Connection refused");
        assert_eq!(explain1("something new").1, "something new");
        // OIDC: the token endpoint refusing the client, or unreachable, and
        // the broker refusing the token.
        let (f, s) =
            explain1(r#"Failed to acquire SASL OAUTHBEARER token: {"error": "invalid_client"}"#);
        assert_eq!(f, Failure::Refused);
        assert_eq!(
            s,
            r#"OAUTHBEARER: the token endpoint refused the client id or secret ({"error": "invalid_client"}): check sasl.oauthbearer.client.id and sasl.oauthbearer.client.secret"#
        );
        let (f, s) = explain1("Failed to acquire SASL OAUTHBEARER token: Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server");
        assert_eq!(f, Failure::Transient);
        assert_eq!(s, "OAUTHBEARER: no token from sasl.oauthbearer.token.endpoint.url: Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server");
        let (f, s) = explain1("Failed to initialize SASL authentication: SASL handshake failed (start (-1)): SASL(-1): generic failure: GSSAPI Error: No credentials were supplied, or the credentials were unavailable or inaccessible (No Kerberos credentials available (default cache: FILE:/tmp/cc))");
        assert_eq!(f, Failure::Refused);
        assert_eq!(s, "Kerberos (GSSAPI): No credentials were supplied, or the credentials were unavailable or inaccessible (No Kerberos credentials available (default cache: FILE:/tmp/cc)): check sasl.kerberos.principal and sasl.kerberos.keytab (librdkafka runs kinit with them), or run kinit");
        let (f, s) = explain1(r#"SASL authentication error: {"status":"invalid_token"}"#);
        assert_eq!(f, Failure::Refused);
        assert!(
            s.starts_with("authentication failed: the broker rejected the OAUTHBEARER token"),
            "{s}"
        );
        assert_eq!(
            code_text(RDKafkaErrorCode::TopicAuthorizationFailed),
            "not authorized: no ACL lets this user do that on the topic (TopicAuthorizationFailed)"
        );
        // A plaintext client at a TLS listener: the broker hangs up at once.
        let raw = "127.0.0.1:1/bootstrap: Disconnected: connection closed by peer: receive 0 after POLLIN (after 1ms in state APIVERSION_QUERY)";
        let (f, s) = explain(
            raw,
            "Disconnected: connection closed by peer: receive 0 after POLLIN",
        );
        assert_eq!(f, Failure::Refused);
        assert!(s.contains("security.protocol does not match"), "{s}");
    }
}
