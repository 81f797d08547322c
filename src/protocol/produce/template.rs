//! Placeholders filled per message, in handlebars syntax (the form the
//! placeholders are written in: `{{int 1 100}}`, `{{pick "a" "b"}}`):
//! `{{uuid}}`, `{{seq}}`, `{{now}}`, `{{now_ms}}`, `{{int A B}}`,
//! `{{float A B}}`, `{{pick ...}}`, `{{word}}`, `{{name}}`, `{{email}}`,
//! `{{hex N}}`. Text without `{{` is used as it is.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};

const WORDS: [&str; 24] = [
    "amber", "brook", "cedar", "delta", "ember", "fjord", "grove", "harbor", "island", "juniper",
    "kestrel", "lagoon", "meadow", "nettle", "orchid", "pebble", "quartz", "river", "spruce",
    "tundra", "umber", "valley", "willow", "zephyr",
];
const FIRST: [&str; 12] = [
    "Ada",
    "Alan",
    "Grace",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Ken",
    "Radia",
    "Leslie",
    "Katherine",
    "Niklaus",
];
const LAST: [&str; 12] = [
    "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson",
    "Perlman", "Lamport", "Johnson", "Wirth",
];

/// Where a template is wrong, for the form and the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A set of compiled templates (key, value, header values...), rendered
/// together for each message.
#[derive(Debug, Clone)]
pub struct Templates {
    hb: Handlebars<'static>,
}

fn arg<'a>(
    h: &'a Helper<'_>,
    i: usize,
    helper: &str,
) -> Result<&'a serde_json::Value, RenderErrorReason> {
    h.param(i)
        .map(|p| p.value())
        .ok_or_else(|| RenderErrorReason::Other(format!("{{{{{helper}}}}} needs more arguments")))
}

fn number(v: &serde_json::Value, helper: &str) -> Result<f64, RenderErrorReason> {
    v.as_f64()
        .ok_or_else(|| RenderErrorReason::Other(format!("{{{{{helper}}}}} takes numbers, not {v}")))
}

fn helper(
    f: impl Fn(&Helper<'_>) -> Result<String, RenderErrorReason> + Send + Sync + 'static,
) -> impl Fn(
    &Helper<'_>,
    &Handlebars<'_>,
    &Context,
    &mut RenderContext<'_, '_>,
    &mut dyn Output,
) -> HelperResult
       + Send
       + Sync
       + 'static {
    move |h, _, _, _, out| {
        let s = f(h)?;
        out.write(&s)?;
        Ok(())
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

impl Templates {
    pub fn new() -> Templates {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        // Values are JSON, text or bytes, not HTML.
        hb.register_escape_fn(handlebars::no_escape);
        hb.register_helper(
            "uuid",
            Box::new(helper(|_| Ok(uuid::Uuid::new_v4().to_string()))),
        );
        hb.register_helper(
            "now",
            Box::new(helper(|_| {
                Ok(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            })),
        );
        hb.register_helper(
            "now_ms",
            Box::new(helper(|_| {
                Ok(chrono::Utc::now().timestamp_millis().to_string())
            })),
        );
        hb.register_helper(
            "int",
            Box::new(helper(|h| {
                let a = number(arg(h, 0, "int")?, "int")? as i64;
                let b = number(arg(h, 1, "int")?, "int")? as i64;
                if a > b {
                    return Err(RenderErrorReason::Other(format!(
                        "{{{{int {a} {b}}}}}: the first bound is above the second"
                    )));
                }
                Ok(fastrand::i64(a..=b).to_string())
            })),
        );
        hb.register_helper(
            "float",
            Box::new(helper(|h| {
                let a = number(arg(h, 0, "float")?, "float")?;
                let b = number(arg(h, 1, "float")?, "float")?;
                Ok(format!("{:.4}", a + fastrand::f64() * (b - a)))
            })),
        );
        hb.register_helper(
            "pick",
            Box::new(helper(|h| {
                let n = h.params().len();
                if n == 0 {
                    return Err(RenderErrorReason::Other(
                        "{{pick}} needs at least one choice".into(),
                    ));
                }
                let v = h.params()[fastrand::usize(..n)].value();
                Ok(match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            })),
        );
        hb.register_helper(
            "word",
            Box::new(helper(|_| Ok(WORDS[fastrand::usize(..WORDS.len())].into()))),
        );
        hb.register_helper(
            "name",
            Box::new(helper(|_| {
                Ok(format!(
                    "{} {}",
                    FIRST[fastrand::usize(..FIRST.len())],
                    LAST[fastrand::usize(..LAST.len())]
                ))
            })),
        );
        hb.register_helper(
            "email",
            Box::new(helper(|_| {
                Ok(format!(
                    "{}.{}{}@example.com",
                    FIRST[fastrand::usize(..FIRST.len())].to_ascii_lowercase(),
                    LAST[fastrand::usize(..LAST.len())].to_ascii_lowercase(),
                    fastrand::u32(..1000)
                ))
            })),
        );
        hb.register_helper(
            "hex",
            Box::new(helper(|h| {
                let n = number(arg(h, 0, "hex")?, "hex")? as usize;
                Ok((0..n.min(4096))
                    .map(|_| format!("{:x}", fastrand::u8(..16)))
                    .collect())
            })),
        );
        Templates { hb }
    }

    /// Compile `text` under `name`, then render it once, so an unknown
    /// placeholder is found before anything is sent.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        self.hb.register_template_string(name, text).map_err(|e| {
            let (line, column) = e.pos().map_or((None, None), |(l, c)| (Some(l), Some(c)));
            TemplateError {
                line,
                column,
                message: e.reason().to_string(),
            }
        })?;
        self.render(name, 0).map(|_| ())
    }

    /// Fill the template `name` for message number `seq`.
    pub fn render(&self, name: &str, seq: u64) -> Result<String, TemplateError> {
        let data = serde_json::json!({ "seq": seq });
        self.hb.render(name, &data).map_err(|e| TemplateError {
            line: e.line_no,
            column: e.column_no,
            message: match e.reason() {
                RenderErrorReason::MissingVariable(Some(v)) => {
                    format!("unknown placeholder {{{{{v}}}}}")
                }
                RenderErrorReason::HelperNotFound(h) => {
                    format!("unknown placeholder {{{{{h} ...}}}}")
                }
                other => other.to_string(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> Result<String, TemplateError> {
        let mut t = Templates::new();
        t.add("t", text)?;
        t.render("t", 41)
    }

    #[test]
    fn every_placeholder_fills() {
        let uuid = render("{{uuid}}").unwrap();
        assert!(uuid::Uuid::parse_str(&uuid).is_ok(), "{uuid}");
        assert_ne!(render("{{uuid}}").unwrap(), uuid, "a new one each time");
        assert_eq!(render("n={{seq}}").unwrap(), "n=41");
        let now = render("{{now}}").unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(&now).is_ok(), "{now}");
        let ms: i64 = render("{{now_ms}}").unwrap().parse().unwrap();
        assert!((ms - chrono::Utc::now().timestamp_millis()).abs() < 5_000);
        for _ in 0..50 {
            let i: i64 = render("{{int 1 3}}").unwrap().parse().unwrap();
            assert!((1..=3).contains(&i));
            let f: f64 = render("{{float 0 1}}").unwrap().parse().unwrap();
            assert!((0.0..=1.0).contains(&f));
            let p = render(r#"{{pick "a" "b" "c"}}"#).unwrap();
            assert!(["a", "b", "c"].contains(&p.as_str()));
        }
        assert!(WORDS.contains(&render("{{word}}").unwrap().as_str()));
        let name = render("{{name}}").unwrap();
        assert!(name.contains(' ') && FIRST.iter().any(|f| name.starts_with(f)));
        let email = render("{{email}}").unwrap();
        assert!(email.ends_with("@example.com") && email.contains('.'));
        let hex = render("{{hex 16}}").unwrap();
        assert_eq!(hex.len(), 16);
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
        // JSON around placeholders stays as it is: nothing is escaped.
        assert_eq!(
            render(r#"{"q":"<a & b>","n":{{seq}}}"#).unwrap(),
            r#"{"q":"<a & b>","n":41}"#
        );
    }

    #[test]
    fn mistakes_are_found_before_sending() {
        let e = render("{\n  \"id\": {{nope}}\n}").unwrap_err();
        assert!(e.message.contains("unknown placeholder {{nope}}"), "{e}");
        assert_eq!(e.line, Some(2), "{e:?}");
        let e = render("x {{nope 1 2}}").unwrap_err();
        assert!(e.message.contains("unknown placeholder {{nope"), "{e}");
        let e = render("{\n\"a\": {{int 1 }\n}").unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        assert!(e.column.is_some(), "{e:?}");
        let e = render("{{int 5 1}}").unwrap_err();
        assert!(e.message.contains("first bound"), "{e}");
        let e = render(r#"{{int "a" 2}}"#).unwrap_err();
        assert!(e.message.contains("numbers"), "{e}");
        assert!(render("{{pick}}").unwrap_err().message.contains("choice"));
    }
}
