//! IncrementalAlterConfigs.

use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka_sys as sys;

use super::*;
use crate::protocol::admin::ConfigEdit;

struct ConfigResource(*mut sys::rd_kafka_ConfigResource_t);
impl Drop for ConfigResource {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_ConfigResource_new, destroyed once;
        // librdkafka copied it when the request was made.
        unsafe { sys::rd_kafka_ConfigResource_destroy(self.0) }
    }
}

/// IncrementalAlterConfigs on one topic: only the keys named change (the
/// non-incremental AlterConfigs would reset every other override).
pub fn incremental_alter_topic_configs<C: ClientContext>(
    client: &Client<C>,
    topic: &str,
    changes: &[ConfigEdit],
    timeout: Duration,
) -> Result<(), OpError> {
    let op = Op::AlterConfigs;
    let name = std::ffi::CString::new(topic).map_err(|_| invalid(op, "the topic name"))?;
    let cstr = |s: &str| std::ffi::CString::new(s).map_err(|_| invalid(op, &format!("{s:?}")));
    // SAFETY: `client` is borrowed for the call; the resource is ours until
    // dropped; each added key and value is copied by librdkafka; the result
    // is read while its event lives.
    unsafe {
        let res = ConfigResource(sys::rd_kafka_ConfigResource_new(
            sys::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC,
            name.as_ptr(),
        ));
        for change in changes {
            let (key, how, value) = match change {
                ConfigEdit::Set(k, v) => (
                    cstr(k)?,
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET,
                    Some(cstr(v)?),
                ),
                ConfigEdit::Delete(k) => (
                    cstr(k)?,
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE,
                    None,
                ),
            };
            let err = sys::rd_kafka_ConfigResource_add_incremental_config(
                res.0,
                key.as_ptr(),
                how,
                value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr()),
            );
            if !err.is_null() {
                let e = error_of(op, err);
                sys::rd_kafka_error_destroy(err);
                return Err(e.unwrap_or_else(|| OpError::new(op, ErrorKind::Internal, "?")));
            }
        }
        let mut arr = [res.0];
        let event = run_admin(
            op,
            client.native_ptr(),
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
            timeout,
            |rk, opts, q| sys::rd_kafka_IncrementalAlterConfigs(rk, arr.as_mut_ptr(), 1, opts, q),
        )?;
        let result = expect(
            op,
            sys::rd_kafka_event_IncrementalAlterConfigs_result(event.0),
        )?;
        let mut n = 0usize;
        let resources = sys::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut n);
        for i in 0..n {
            let r = *resources.add(i);
            if sys::rd_kafka_ConfigResource_error(r)
                != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
            {
                let code = sys::rd_kafka_ConfigResource_error(r);
                let text = owned_str(sys::rd_kafka_ConfigResource_error_string(r))
                    .filter(|s| !s.is_empty())
                    .or_else(|| owned_str(sys::rd_kafka_err2str(code)))
                    .unwrap_or_default();
                return Err(sys_code_error(op, code, &text));
            }
        }
        Ok(())
    }
}
