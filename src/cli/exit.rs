//! Exit codes, one table for every subcommand (the README lists it), so a
//! script can tell "the answer is no" from "creel could not tell" from "the
//! command or the config is wrong". Usage and config follow sysexits.h.

use std::process::ExitCode;

/// The answer is "no": a group is lagging, no message matched, a write was
/// refused or some deliveries failed.
pub const NO: u8 = 1;
/// creel could not tell: the cluster could not be reached or read, or a
/// group asked for does not exist.
pub const CANNOT_TELL: u8 = 2;
/// The command line is wrong (clap's errors included).
pub const USAGE: u8 = 64;
/// The config file, a profile or a client property (-X) is wrong.
pub const CONFIG: u8 = 78;

pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}

/// The exit code of a clap error: help and version are not errors, a bad
/// -X property is a config error, anything else a usage error.
pub fn of_clap(e: &clap::Error) -> u8 {
    use clap::error::{ContextKind, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => 0,
        _ => match e.get(ContextKind::InvalidArg) {
            Some(arg) if arg.to_string().starts_with("-X") => CONFIG,
            _ => USAGE,
        },
    }
}

/// The exit code of an error that reached main.
pub fn of_error(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<crate::config::ConfigError>().is_some() {
        CONFIG
    } else {
        CANNOT_TELL
    }
}
