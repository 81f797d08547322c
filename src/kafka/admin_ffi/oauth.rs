//! Handing librdkafka an OAUTHBEARER token that creel made (AWS MSK IAM).
//! rust-rdkafka only delivers a token refresh as an event to clients that
//! poll their main queue, which its admin client never does, and a
//! blocking call made before the first poll would wait for a token: so
//! creel sets the token itself, on every client it creates and again
//! before the token expires.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use rdkafka::client::{Client, ClientContext};
use rdkafka_sys as sys;

/// Set `token` (valid until `lifetime_ms`, Unix milliseconds) on a live
/// client configured for OAUTHBEARER.
pub fn set_oauth_token<C: ClientContext>(
    client: &Client<C>,
    token: &str,
    principal: &str,
    lifetime_ms: i64,
) -> Result<(), String> {
    let token = CString::new(token).map_err(|_| "the token contains a NUL byte".to_string())?;
    let principal =
        CString::new(principal).map_err(|_| "the principal contains a NUL byte".to_string())?;
    let mut err = [0 as c_char; 512];
    // SAFETY: the client is alive for the call (borrowed); the strings are
    // NUL-terminated and outlive the call, which copies them; no
    // extensions (null, 0); the error buffer is ours with its true size.
    let code = unsafe {
        sys::rd_kafka_oauthbearer_set_token(
            client.native_ptr(),
            token.as_ptr(),
            lifetime_ms,
            principal.as_ptr(),
            std::ptr::null_mut(),
            0,
            err.as_mut_ptr(),
            err.len(),
        )
    };
    if code == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        Ok(())
    } else {
        // SAFETY: librdkafka wrote a NUL-terminated message into the buffer.
        Err(unsafe { CStr::from_ptr(err.as_ptr()) }
            .to_string_lossy()
            .into_owned())
    }
}

/// Tell librdkafka no token could be had, and why: it reports the reason as
/// an authentication failure instead of waiting.
pub fn set_oauth_failure<C: ClientContext>(client: &Client<C>, why: &str) {
    let Ok(why) = CString::new(why.replace('\0', " ")) else {
        return;
    };
    // SAFETY: the client is alive for the call; the string outlives it.
    unsafe {
        sys::rd_kafka_oauthbearer_set_token_failure(client.native_ptr(), why.as_ptr());
    }
}
