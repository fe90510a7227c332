//! The pages, one file each.

pub mod account;
pub mod board;
pub mod home;
pub mod hospital;
pub mod not_found;
pub mod public_board;
pub mod signin;
pub mod verify;
pub mod wallet;
