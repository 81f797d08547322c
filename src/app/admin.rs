//! `:` admin commands as typed: checked and turned into the actions of
//! `protocol::admin` before anything is sent.

use std::collections::BTreeMap;

use crate::model::Watermarks;
pub use crate::protocol::admin::{
    plan_rows, resettable, AdminOp, ConfigEdit, ResetPlan, ResetRow, ResetTarget,
};

/// `name=value` words after a `:` command.
fn options(words: &[&str]) -> (Vec<String>, BTreeMap<String, String>) {
    let mut plain = vec![];
    let mut kv = BTreeMap::new();
    for w in words {
        match w.split_once('=') {
            Some((k, v)) => {
                kv.insert(k.to_string(), v.to_string());
            }
            None => plain.push(w.to_string()),
        }
    }
    (plain, kv)
}

/// Topic names Kafka accepts.
pub fn check_topic_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 249 {
        return Err("a topic name has 1 to 249 characters".into());
    }
    if name == "." || name == ".." {
        return Err("a topic cannot be named . or ..".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "{c:?} is not allowed in a topic name (letters, digits, . _ -)"
        ));
    }
    Ok(())
}

/// Config keys look like `retention.ms`: a typo such as a missing value is
/// caught here, the rest by the broker.
fn check_key(k: &str) -> Result<(), String> {
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '.' || c.is_ascii_digit())
    {
        return Err(format!("{k:?} is not a config key (like retention.ms)"));
    }
    Ok(())
}

fn check_config(k: &str, v: &str) -> Result<(), String> {
    check_key(k)?;
    if v.is_empty() {
        return Err(format!("{k} has no value"));
    }
    if k.ends_with(".ms") || k.ends_with(".bytes") {
        v.parse::<i64>()
            .map_err(|_| format!("{k} takes a number, not {v:?}"))?;
    }
    if k == "cleanup.policy"
        && !v
            .split(',')
            .all(|p| matches!(p.trim(), "delete" | "compact"))
    {
        return Err(format!(
            "cleanup.policy is delete, compact or both, not {v:?}"
        ));
    }
    Ok(())
}

/// `:create-topic NAME [partitions=N] [rf=N] [key=value...]`
pub fn parse_create_topic(words: &[&str]) -> Result<AdminOp, String> {
    let (plain, mut kv) = options(words);
    let name = plain
        .first()
        .ok_or("usage: :create-topic NAME [partitions=N] [rf=N] [retention.ms=...] [cleanup.policy=...]")?
        .clone();
    check_topic_name(&name)?;
    let num =
        |kv: &mut BTreeMap<String, String>, keys: &[&str], default: i32| -> Result<i32, String> {
            for k in keys {
                if let Some(v) = kv.remove(*k) {
                    return v
                        .parse::<i32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(format!("{k}={v}: a positive number"));
                }
            }
            Ok(default)
        };
    let partitions = num(&mut kv, &["partitions", "p"], 1)?;
    let replication = num(&mut kv, &["rf", "replication", "replication-factor"], 1)?;
    for (k, v) in &kv {
        check_config(k, v)?;
    }
    Ok(AdminOp::CreateTopic {
        name,
        partitions,
        replication,
        configs: kv.into_iter().collect(),
    })
}

/// `:set key=value...` and `:unset key...` on `topic`.
pub fn parse_config_edits(topic: &str, set: bool, words: &[&str]) -> Result<AdminOp, String> {
    let mut edits = vec![];
    for w in words {
        if set {
            let (k, v) = w.split_once('=').ok_or(format!("{w:?}: write key=value"))?;
            check_config(k, v)?;
            edits.push(ConfigEdit::Set(k.into(), v.into()));
        } else {
            check_key(w)?;
            edits.push(ConfigEdit::Delete(w.to_string()));
        }
    }
    if edits.is_empty() {
        return Err(if set {
            "usage: :set retention.ms=86400000 [key=value...]".into()
        } else {
            "usage: :unset retention.ms [key...]".into()
        });
    }
    Ok(AdminOp::AlterTopicConfigs {
        topic: topic.into(),
        edits,
    })
}

/// What a purge removes per partition: (partition, before, messages gone).
pub fn purge_plan(
    partitions: &[(i32, Watermarks)],
    only: Option<&[i32]>,
    before: Option<i64>,
) -> Vec<(i32, i64, i64)> {
    partitions
        .iter()
        .filter(|(p, _)| only.is_none_or(|o| o.contains(p)))
        .map(|(p, w)| {
            let b = before.unwrap_or(w.high).clamp(w.low, w.high);
            (*p, b, b - w.low)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(low: i64, high: i64) -> Watermarks {
        Watermarks { low, high }
    }

    #[test]
    fn create_and_config_commands_are_checked_before_anything_is_sent() {
        let op = parse_create_topic(&[
            "audit",
            "partitions=6",
            "rf=3",
            "retention.ms=86400000",
            "cleanup.policy=compact",
        ])
        .unwrap();
        assert_eq!(
            op,
            AdminOp::CreateTopic {
                name: "audit".into(),
                partitions: 6,
                replication: 3,
                configs: vec![
                    ("cleanup.policy".into(), "compact".into()),
                    ("retention.ms".into(), "86400000".into())
                ],
            }
        );
        assert!(op.typed_name().is_none(), "creating asks y/n");
        assert!(parse_create_topic(&["bad name!"])
            .unwrap_err()
            .contains("not allowed"));
        assert!(parse_create_topic(&["t", "partitions=0"]).is_err());
        assert!(parse_create_topic(&["t", "retention.ms=soon"])
            .unwrap_err()
            .contains("number"));
        assert!(parse_create_topic(&["t", "cleanup.policy=keep"]).is_err());
        assert!(parse_create_topic(&[]).unwrap_err().contains("usage"));
        let op = parse_config_edits("t", true, &["retention.ms=1000"]).unwrap();
        assert!(op.lines()[0].contains("IncrementalAlterConfigs"));
        assert!(parse_config_edits("t", true, &["retention.ms"]).is_err());
        let op = parse_config_edits("t", false, &["retention.ms"]).unwrap();
        assert_eq!(
            op,
            AdminOp::AlterTopicConfigs {
                topic: "t".into(),
                edits: vec![ConfigEdit::Delete("retention.ms".into())]
            }
        );
        assert_eq!(
            AdminOp::DeleteTopic { name: "t".into() }.typed_name(),
            Some("t")
        );
    }

    #[test]
    fn purge_counts_what_goes() {
        let parts = [(0, marks(10, 100)), (1, marks(0, 5))];
        assert_eq!(purge_plan(&parts, None, None), [(0, 100, 90), (1, 5, 5)]);
        assert_eq!(purge_plan(&parts, Some(&[0]), Some(40)), [(0, 40, 30)]);
        assert_eq!(purge_plan(&parts, None, Some(1)), [(0, 10, 0), (1, 1, 1)]);
    }
}
