//! The `:` commands: one table that the prompt completes from, the help
//! lists and `App` runs, so a command is written down once.

/// One `:` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    /// Other names it answers to.
    pub aliases: &'static [&'static str],
    /// Its arguments, as help shows them.
    pub args: &'static str,
    pub help: &'static str,
    /// Refused in read-only mode.
    pub writes: bool,
}

const fn cmd(
    name: &'static str,
    aliases: &'static [&'static str],
    args: &'static str,
    help: &'static str,
    writes: bool,
) -> CommandSpec {
    CommandSpec {
        name,
        aliases,
        args,
        help,
        writes,
    }
}

pub const COMMANDS: &[CommandSpec] = &[
    cmd("topics", &["topic", "t"], "", "the topic list", false),
    cmd(
        "messages",
        &["message", "msg"],
        "",
        "the messages screen",
        false,
    ),
    cmd(
        "search",
        &[],
        "[PATTERN]",
        "search the current topic (the bar opens with PATTERN typed)",
        false,
    ),
    cmd(
        "produce",
        &["p"],
        "",
        "the produce form, on the current topic",
        true,
    ),
    cmd("groups", &["group", "g"], "", "the consumer groups", false),
    cmd("brokers", &["broker", "b"], "", "the brokers", false),
    cmd(
        "schemas",
        &["schema", "subjects"],
        "",
        "the schema registry's subjects and their versions",
        false,
    ),
    cmd(
        "import",
        &[],
        "PATH",
        "send every message of a JSONL export to the produce form's topic",
        true,
    ),
    cmd(
        "create-topic",
        &[],
        "NAME [partitions=N] [rf=N] [key=value...]",
        "create a topic",
        true,
    ),
    cmd(
        "delete-topic",
        &[],
        "[NAME]",
        "delete a topic (the current one); its name is typed to confirm",
        true,
    ),
    cmd(
        "add-partitions",
        &[],
        "TOTAL",
        "grow the current topic to TOTAL partitions",
        true,
    ),
    cmd(
        "set",
        &[],
        "KEY=VALUE...",
        "change the current topic's configuration",
        true,
    ),
    cmd(
        "unset",
        &[],
        "KEY...",
        "return configuration keys to the broker's default",
        true,
    ),
    cmd(
        "purge",
        &[],
        "[before=OFFSET] [partitions=0,1]",
        "delete the current topic's records (all, or before an offset)",
        true,
    ),
    cmd(
        "delete-schema",
        &[],
        "[VERSION]",
        "delete a version of the subject on the schemas screen (the one shown)",
        true,
    ),
    cmd(
        "delete-group",
        &[],
        "[GROUP]",
        "delete a consumer group (the one on screen)",
        true,
    ),
    cmd(
        "delete-offsets",
        &[],
        "TOPIC",
        "delete the group's committed offsets on TOPIC",
        true,
    ),
    cmd(
        "reset-offsets",
        &[],
        "earliest|latest|offset=N|shift=±N|time=T [topic=T] [partitions=0,1]",
        "move the group's offsets (previewed first)",
        true,
    ),
    cmd(
        "profile",
        &["ctx", "context"],
        "[NAME]",
        "switch to another profile of the config file (none named: list them)",
        false,
    ),
    cmd(
        "refresh",
        &["r"],
        "",
        "refresh topics and groups now",
        false,
    ),
    cmd(
        "help",
        &["h", "?"],
        "",
        "the keys and these commands",
        false,
    ),
    cmd("quit", &["q", "q!", "exit"], "", "leave creel", false),
];

/// The command `word` names: its name, an alias, or a prefix of exactly
/// one name.
pub fn find(word: &str) -> Result<&'static CommandSpec, String> {
    let word = word.to_ascii_lowercase();
    if let Some(c) = COMMANDS
        .iter()
        .find(|c| c.name == word || c.aliases.contains(&word.as_str()))
    {
        return Ok(c);
    }
    let matches: Vec<&CommandSpec> = COMMANDS
        .iter()
        .filter(|c| c.name.starts_with(&word))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(match closest(&word) {
            Some(c) => format!("unknown command :{word}; did you mean :{c}? (:help lists them)"),
            None => format!("unknown command :{word} (:help lists them)"),
        }),
        many => Err(format!(
            ":{word} could be {}",
            many.iter()
                .map(|c| format!(":{}", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Tab on a `:` line: the command completed when one name starts with
/// what is typed, else the names it could be.
pub fn complete(typed: &str) -> Result<String, Vec<&'static str>> {
    let word = typed.trim_start().to_ascii_lowercase();
    if word.contains(' ') {
        return Err(vec![]);
    }
    let names: Vec<&'static str> = COMMANDS
        .iter()
        .map(|c| c.name)
        .filter(|n| n.starts_with(&word))
        .collect();
    match names.as_slice() {
        [one] => Ok(format!("{one} ")),
        [] => Err(vec![]),
        many => {
            // The longest prefix they share, when it adds something.
            let first = many[0];
            let shared = (word.len()..=first.len())
                .rev()
                .find(|&n| many.iter().all(|m| m.get(..n) == first.get(..n)))
                .unwrap_or(word.len());
            if shared > word.len() {
                Ok(first[..shared].to_string())
            } else {
                Err(many.to_vec())
            }
        }
    }
}

/// The command a mistyped word was most likely meant to be (at most two
/// edits away).
fn closest(word: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .map(|c| (strsim::levenshtein(word, c.name), c.name))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_unique_prefixes_find_a_command() {
        assert_eq!(find("groups").unwrap().name, "groups");
        assert_eq!(find("q").unwrap().name, "quit");
        assert_eq!(find("reset").unwrap().name, "reset-offsets");
        assert!(find("de").unwrap_err().contains(":delete-topic"));
        assert!(find("purg3").unwrap_err().contains("did you mean :purge"));
        assert!(find("zzzzzz").unwrap_err().starts_with("unknown command"));
    }

    #[test]
    fn tab_completes_a_unique_name_and_lists_the_others() {
        assert_eq!(complete("cre"), Ok("create-topic ".into()));
        assert_eq!(
            complete("delete-"),
            Err(vec![
                "delete-topic",
                "delete-schema",
                "delete-group",
                "delete-offsets"
            ])
        );
        assert_eq!(complete("del"), Ok("delete-".into()));
        assert_eq!(complete("xyz"), Err(vec![]));
    }
}
