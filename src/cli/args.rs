//! The command line, kcat-compatible where kcat has a flag for the job.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{parse_property, Overrides};

#[derive(Debug, Parser)]
#[command(
    name = "creel",
    version,
    about = "A terminal stream explorer and admin console for Kafka-compatible clusters",
    long_about = "creel opens a full-screen view of a Kafka-compatible cluster: brokers, topics, \
                  partitions and their watermarks. With a subcommand it prints the same facts \
                  as text or JSON instead.\n\n\
                  Configuration: profiles live in config.toml in creel's config directory \
                  (on Linux ~/.config/creel/config.toml), or the file named by --config or \
                  CREEL_CONFIG."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Watch this consumer group (repeatable), besides the profile's
    /// `groups`: for clusters that do not list their groups to this user
    #[arg(long = "group", short = 'g', value_name = "GROUP")]
    pub groups: Vec<String>,

    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Bootstrap servers, HOST:PORT[,HOST:PORT...] (overrides the profile's)
    #[arg(
        short = 'b',
        long = "bootstrap-servers",
        global = true,
        value_name = "HOST:PORT"
    )]
    pub bootstrap_servers: Option<String>,

    /// A librdkafka property, repeatable: -X security.protocol=SSL
    #[arg(short = 'X', value_name = "KEY=VALUE", value_parser = parse_property, global = true)]
    pub properties: Vec<(String, String)>,

    /// The profile of the config file to connect with
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// The config file to read (default: creel's config dir, or $CREEL_CONFIG)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Refuse every write to the cluster (admin actions, produce); the
    /// worker enforces it
    #[arg(long, global = true)]
    pub read_only: bool,

    /// A Schema Registry URL (overrides the profile's), as kcat's -r: Avro,
    /// Protobuf and JSON Schema messages are shown decoded
    #[arg(short = 'r', long, global = true, value_name = "URL")]
    pub schema_registry: Option<String>,

    /// Seconds between automatic refreshes
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub refresh: Option<u64>,

    /// Write a log (creel's and librdkafka's) to creel's state dir; LEVEL is
    /// error, warn, info (default), debug or trace
    /// (`--log=debug`: the level needs the `=`, so `creel --log topics` runs
    /// the topics subcommand with the default level)
    #[arg(long, global = true, env = "CREEL_LOG", value_name = "LEVEL", num_args = 0..=1, require_equals = true, default_missing_value = "info")]
    pub log: Option<String>,

    /// Benchmark hook: exit once the topic table is complete, writing timings
    /// as JSON to PATH
    #[arg(long, hide = true, global = true, value_name = "PATH")]
    pub exit_when_loaded: Option<PathBuf>,

    /// Benchmark hook: exit after the first frame, writing timings to PATH
    #[arg(long, hide = true, global = true, value_name = "PATH")]
    pub exit_after_first_frame: Option<PathBuf>,

    /// Benchmark hook: for each key, append to PATH when it was read and
    /// when the frame that answers it was drawn (microseconds since the
    /// epoch), to measure the UI's answer while Kafka is slow
    #[arg(long, hide = true, global = true, value_name = "PATH")]
    pub key_log: Option<PathBuf>,
}

impl GlobalArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            profile: self.profile.clone(),
            bootstrap_servers: self.bootstrap_servers.clone(),
            properties: self.properties.clone(),
            refresh_secs: self.refresh,
            read_only: self.read_only,
            groups: vec![],
            schema_registry: self.schema_registry.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Print every topic with partitions, replication factor and message count
    Topics {
        /// Print JSON (one document) instead of a table
        #[arg(long)]
        json: bool,
        /// Include internal topics (__consumer_offsets, _schemas...)
        #[arg(long)]
        internal: bool,
    },
    /// Print consumer-group lag with a status per group; exit 0 when every
    /// group is OK, 1 when any is WARN/STALL/STOP/REWIND, 2 when the cluster
    /// cannot be read
    Lag {
        /// Only these groups (repeatable); default: every group listed, plus
        /// the profile's watched groups
        #[arg(long = "group", short = 'g', value_name = "GROUP")]
        groups: Vec<String>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
        /// Keep printing every --interval seconds, through outages: a sample that cannot be taken is said ("cannot tell") and the next one is taken
        #[arg(long)]
        watch: bool,
        /// Samples a status is judged over, --interval apart (default: the
        /// profile's lag_window, 6); the lag figures are printed after the
        /// last one
        #[arg(long, value_parser = clap::value_parser!(u64).range(3..=100))]
        samples: Option<u64>,
        /// Seconds between samples
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
        interval: u64,
    },
    /// Print messages of a topic (the JSON envelope with --json), like kcat -C
    Tail {
        /// The topic to read
        #[arg(short = 't', long)]
        topic: String,
        /// Only this partition (repeatable)
        #[arg(short = 'p', long = "partition")]
        partitions: Vec<i32>,
        /// Where to start: beginning, end, -N (last N per partition),
        /// OFFSET, @RFC3339 time, or -15m / -2h / -1d
        #[arg(
            short = 'o',
            long = "offset",
            default_value = "end",
            allow_hyphen_values = true
        )]
        offset: String,
        /// Exit after COUNT messages
        #[arg(short = 'n', long)]
        count: Option<usize>,
        /// Exit at the end of every partition instead of waiting for more
        #[arg(short = 'e', long = "exit")]
        exit_at_end: bool,
        /// One JSON envelope per line (topic, partition, offset, timestamp,
        /// key, value, headers; non-UTF-8 bytes as base64)
        #[arg(long)]
        json: bool,
    },
    /// Search a topic with a regex (matched on bytes) and print the matches;
    /// a summary goes to stderr. Exit 0 when something matched, 1 when
    /// nothing did, 2 when the cluster cannot be read
    Search {
        /// The topic to search
        #[arg(short = 't', long)]
        topic: String,
        /// The regex (Rust regex syntax; (?-u)\xff matches a raw byte)
        #[arg(
            short = 'e',
            long = "regex",
            value_name = "REGEX",
            allow_hyphen_values = true
        )]
        pattern: String,
        /// Where to look: all, key, value, headers (names and values),
        /// header-names, header-values
        #[arg(long = "in", default_value = "all", value_name = "FIELD")]
        target: String,
        /// Ignore case
        #[arg(short = 'i', long)]
        ignore_case: bool,
        /// Print the messages that do not match
        #[arg(short = 'v', long)]
        invert: bool,
        /// Only this partition (repeatable)
        #[arg(short = 'p', long = "partition")]
        partitions: Vec<i32>,
        /// Where to start: beginning, OFFSET, -N, @RFC3339, -15m / -2h / -1d
        #[arg(long, default_value = "beginning", allow_hyphen_values = true)]
        from: String,
        /// Where to stop: end (as it is when the search starts), OFFSET
        /// (included), @RFC3339, -15m...
        #[arg(long, allow_hyphen_values = true)]
        to: Option<String>,
        /// Stop after this many matches
        #[arg(long, value_name = "N")]
        max_matches: Option<u64>,
        /// Stop after scanning this many messages
        #[arg(long, value_name = "N")]
        max_scanned: Option<u64>,
        /// One JSON envelope per match (like creel tail --json)
        #[arg(long)]
        json: bool,
        /// Match Avro, Protobuf and JSON Schema keys and values as their
        /// decoded JSON, as `creel tail` shows them (needs -r or a
        /// profile's schema_registry)
        #[arg(long)]
        decoded: bool,
    },
    /// Produce messages: each line of stdin as a value (like kcat -P), a
    /// template N times (--template, -n), or the lines of a JSONL export
    /// (--jsonl). Key and header values may hold placeholders such as
    /// {{seq}}, {{uuid}}, {{int 1 100}}. Exit 1 when any message failed
    Produce {
        /// The topic to send to
        #[arg(short = 't', long)]
        topic: String,
        /// The key (placeholders allowed); none: a null key
        #[arg(short = 'k', long)]
        key: Option<String>,
        /// A header, repeatable: -H trace=abc (placeholders allowed)
        #[arg(short = 'H', long = "header", value_name = "NAME=VALUE", value_parser = parse_property)]
        headers: Vec<(String, String)>,
        /// The partition; default: by key
        #[arg(short = 'p', long)]
        partition: Option<i32>,
        /// A file whose text is the value, placeholders filled per message
        /// (a .json file is checked as JSON)
        #[arg(long, value_name = "FILE")]
        template: Option<PathBuf>,
        /// How many messages (with --template; default 1), or at most this
        /// many lines of stdin
        #[arg(short = 'n', long)]
        count: Option<u64>,
        /// Messages per second (default: as fast as acknowledged)
        #[arg(long, value_name = "PER_SEC", value_parser = crate::protocol::produce::parse_rate)]
        rate: Option<f64>,
        /// Produce each line of a JSONL file written by `creel tail --json`
        /// or the explorer's export (base64 bytes decoded)
        #[arg(long, value_name = "FILE", conflicts_with = "template")]
        jsonl: Option<PathBuf>,
        /// all, 1 or 0
        #[arg(long, default_value = "all")]
        acks: String,
        /// none, gzip, snappy, lz4 or zstd
        #[arg(long, default_value = "none")]
        compression: String,
        /// Write each value (JSON) with a registered schema, in the
        /// Confluent wire format: a subject, subject@version or #id, then
        /// optionally a Protobuf message type; alone, the topic's
        /// `<topic>-value` subject. A value that does not fit is refused
        /// before anything is sent.
        #[arg(long, value_name = "SUBJECT", num_args = 0..=1, default_missing_value = "auto", conflicts_with = "jsonl")]
        value_schema: Option<String>,
        /// Write the key (JSON) with a registered schema, as --value-schema;
        /// alone, the topic's `<topic>-key` subject
        #[arg(long, value_name = "SUBJECT", num_args = 0..=1, default_missing_value = "auto", conflicts_with = "jsonl")]
        key_schema: Option<String>,
    },
    /// Create, delete or change a topic (every change is read back)
    Topic {
        #[command(subcommand)]
        cmd: TopicArgs,
    },
    /// Reset a consumer group's offsets (dry run unless --execute), delete
    /// a group, or delete its offsets on a topic
    Group {
        #[command(subcommand)]
        cmd: GroupArgs,
    },
    /// Start a living demo cluster inside creel (three mock brokers on
    /// loopback, a small shop's topics, live traffic, consumer groups) and
    /// open the TUI on it
    Demo {
        /// Print the demo cluster's bootstrap servers and keep it running
        /// without the TUI (Ctrl-C stops it), for other clients
        #[arg(long)]
        print_bootstrap: bool,
        /// Write a picture (SVG) of each main screen, taken from the demo's
        /// data, to DIR and exit (how screenshots/ is made)
        #[arg(long, value_name = "DIR")]
        screenshots: Option<PathBuf>,
    },
    /// List the profiles of the config file (never their properties) and
    /// which one is the default
    Profiles {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Print the brokers of the cluster
    Brokers {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TopicArgs {
    /// Create a topic
    Create {
        name: String,
        #[arg(long, default_value_t = 1)]
        partitions: i32,
        #[arg(long = "replication-factor", default_value_t = 1)]
        replication_factor: i32,
        /// A topic config, repeatable: --set retention.ms=86400000
        /// (--config names creel's own config file)
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_property)]
        configs: Vec<(String, String)>,
    },
    /// Delete a topic and every message in it
    Delete { name: String },
    /// Change topic configs with IncrementalAlterConfigs (other overrides
    /// stay as they are)
    Alter {
        name: String,
        /// Set a key, repeatable
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_property)]
        set: Vec<(String, String)>,
        /// Remove a key's override (back to the default), repeatable
        #[arg(long = "delete", value_name = "KEY")]
        delete: Vec<String>,
    },
    /// Grow a topic to TOTAL partitions
    AddPartitions {
        name: String,
        #[arg(long)]
        total: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum GroupArgs {
    /// Move a group's committed offsets; prints the plan and stops unless
    /// --execute. Refused while the group has active members
    ResetOffsets {
        group: String,
        #[arg(long, group = "to")]
        to_earliest: bool,
        #[arg(long, group = "to")]
        to_latest: bool,
        /// RFC 3339, or -15m / -2h / -1d
        #[arg(long, group = "to", allow_hyphen_values = true, value_name = "TIME")]
        to_datetime: Option<String>,
        #[arg(long, group = "to", value_name = "N")]
        to_offset: Option<i64>,
        #[arg(long, group = "to", allow_hyphen_values = true, value_name = "N")]
        shift_by: Option<i64>,
        /// Only this topic (default: every topic the group committed on)
        #[arg(long)]
        topic: Option<String>,
        /// Commit the new offsets (without it: a dry run)
        #[arg(long)]
        execute: bool,
        /// The same as leaving out --execute
        #[arg(long, conflicts_with = "execute")]
        dry_run: bool,
    },
    /// Delete a consumer group (it must have no active members)
    Delete { group: String },
    /// Delete a group's committed offsets on one topic
    DeleteOffsets {
        group: String,
        #[arg(long)]
        topic: String,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
