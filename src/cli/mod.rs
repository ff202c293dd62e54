//! The binary's subcommands that need more than a few lines of argument handling.

pub mod check;
pub mod diff;
