//! AWS MSK IAM: the OAUTHBEARER token is a SigV4-presigned
//! `kafka-cluster:Connect` URL, made by `aws-msk-iam-sasl-signer` (on the
//! AWS SDK's credential chain: environment, ~/.aws, SSO, instance or task
//! role; or a named profile, or a role to assume). creel talks to one
//! cluster at a time: the source is set when a client config is built for
//! a profile, and the token is cached until five minutes before it expires
//! (MSK's tokens live 15 minutes), so the many clients creel makes share
//! one signature.

use std::sync::Mutex;
use std::time::Duration;

use rdkafka::client::{Client, ClientContext, OAuthToken};

use crate::config::MskIam;

static SOURCE: Mutex<Option<MskIam>> = Mutex::new(None);
static CACHE: Mutex<Option<Cached>> = Mutex::new(None);

/// Signing may wait on the AWS credential chain (SSO, instance metadata).
const SIGN_TIMEOUT: Duration = Duration::from_secs(15);
/// A token is renewed when it has less than this left.
const RENEW_BEFORE_MS: i64 = 5 * 60 * 1000;
/// MSK ignores the principal name; librdkafka wants one.
const PRINCIPAL: &str = "creel";

#[derive(Clone)]
struct Cached {
    source: MskIam,
    token: String,
    expires_ms: i64,
}

/// Use `source` for the clients made from now on (`None`: not MSK IAM).
pub fn configure(source: Option<&MskIam>) {
    let mut s = SOURCE.lock().unwrap_or_else(|e| e.into_inner());
    if s.as_ref() != source {
        *s = source.cloned();
    }
}

fn source() -> Option<MskIam> {
    SOURCE.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A token for the configured cluster, from the cache while it has five
/// minutes left. The error is one sentence, prefixed "MSK IAM:".
pub fn token() -> Result<OAuthToken, String> {
    let Some(source) = source() else {
        return Err(
            "OAUTHBEARER needs a token source: sasl.oauthbearer.method=oidc \
                    (with a token endpoint), or aws_msk_iam in the profile"
                .into(),
        );
    };
    token_for(source)
}

/// A token for `source`, from the cache while it has five minutes left.
pub(super) fn token_for(source: MskIam) -> Result<OAuthToken, String> {
    {
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.as_ref() {
            if c.source == source && c.expires_ms - now_ms() > RENEW_BEFORE_MS {
                return Ok(oauth(c));
            }
        }
    }
    let (token, expires_ms) = sign(&source)?;
    let c = Cached {
        source,
        token,
        expires_ms,
    };
    let out = oauth(&c);
    *CACHE.lock().unwrap_or_else(|e| e.into_inner()) = Some(c);
    Ok(out)
}

fn oauth(c: &Cached) -> OAuthToken {
    OAuthToken {
        token: c.token.clone(),
        principal_name: PRINCIPAL.into(),
        lifetime_ms: c.expires_ms,
    }
}

/// The signer is async (the AWS SDK). Its callers are librdkafka's
/// threads and the worker's tokio runtime, where `block_on` would panic:
/// it runs on a thread of its own with a small runtime.
fn sign(source: &MskIam) -> Result<(String, i64), String> {
    let source = source.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("creel-msk-iam".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let result = match rt {
                Ok(rt) => rt.block_on(sign_async(source)),
                Err(e) => Err(e.to_string()),
            };
            let _ = tx.send(result);
        })
        .map_err(|e| format!("MSK IAM: cannot start the signer: {e}"))?;
    match rx.recv_timeout(SIGN_TIMEOUT) {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(e)) => Err(crate::redact::redact(&format!(
            "MSK IAM: no token, the AWS credentials could not be had: {e}"
        ))
        .into_owned()),
        Err(_) => Err(format!(
            "MSK IAM: no token, the AWS credential chain did not answer within {} s",
            SIGN_TIMEOUT.as_secs()
        )),
    }
}

async fn sign_async(source: MskIam) -> Result<(String, i64), String> {
    use aws_msk_iam_sasl_signer as signer;
    let region = aws_types::region::Region::new(source.region.clone());
    let signed = match (&source.role_arn, &source.aws_profile) {
        (Some(role), _) => {
            signer::generate_auth_token_from_role(region, role.clone(), String::new()).await
        }
        (None, Some(profile)) => {
            signer::generate_auth_token_from_profile(region, profile.clone()).await
        }
        (None, None) => signer::generate_auth_token(region).await,
    };
    signed.map_err(|e| e.to_string())
}

/// Give a new client its token (no-op unless the profile is MSK IAM). A
/// token that cannot be had is handed to librdkafka as a failure, which
/// reports it as the connection's error.
pub fn authenticate<C: ClientContext>(client: &Client<C>) {
    if source().is_none() {
        return;
    }
    match token() {
        Ok(t) => {
            if let Err(e) = super::admin_ffi::set_oauth_token(
                client,
                &t.token,
                &t.principal_name,
                t.lifetime_ms,
            ) {
                tracing::warn!("MSK IAM: librdkafka refused the token: {e}");
            }
        }
        Err(why) => super::admin_ffi::set_oauth_failure(client, &why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    /// The token is base64url (no padding) of a presigned URL for the
    /// region's kafka-cluster:Connect, signed with the credentials of the
    /// environment; it expires in 15 minutes. (The signature itself is
    /// checked against an independent SigV4 implementation in
    /// tests/msk_iam.rs.)
    #[test]
    fn a_token_is_a_presigned_connect_url_for_the_region() {
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDCREELTEST");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "creel-test-secret-key");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        // Not through `configure`: other tests set the process's source.
        let source = MskIam {
            region: "eu-west-1".into(),
            aws_profile: None,
            role_arn: None,
        };
        let t = token_for(source.clone()).unwrap();
        let url = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&t.token)
                .unwrap(),
        )
        .unwrap();
        assert!(
            url.starts_with(
                "https://kafka.eu-west-1.amazonaws.com/?Action=kafka-cluster%3AConnect"
            ),
            "{url}"
        );
        assert!(url.contains("X-Amz-Credential=AKIDCREELTEST%2F"), "{url}");
        assert!(
            url.contains("%2Feu-west-1%2Fkafka-cluster%2Faws4_request"),
            "{url}"
        );
        assert!(url.contains("X-Amz-Signature="), "{url}");
        assert!(!url.contains("creel-test-secret-key"));
        let left = t.lifetime_ms - now_ms();
        assert!((14 * 60_000..=15 * 60_000).contains(&left), "{left}");
        // The second asks the cache, not the signer.
        assert_eq!(token_for(source).unwrap().token, t.token);
    }
}
