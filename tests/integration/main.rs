//! Integration tests, one binary (faster to link): each test starts its own Understudy on ephemeral
//! loopback ports, drives it over HTTP, and holds every response to the vendor's spec.

mod default_data;
mod diff;
mod drift_proxy;
mod harness;

mod browser;
mod check;
mod control;
mod cors;
mod coverage;
mod dynamic;
mod examples;
mod fixtures;
mod forcing;
mod generic;
mod moonkey;
mod nango;
mod paragraph;
mod proxy;
mod register;
mod robustness;
mod sdks;
mod spec_mode;
mod specs;
mod yaml;
