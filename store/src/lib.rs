//! medcred storage: one connection pool over SQLite (the embedded default) or PostgreSQL, the
//! migrations for both, and small repositories that speak in plain rows — no SQL types leak out.

mod db;
pub mod error;
pub mod rows;
pub mod testing;

mod boards;
mod credentials;
mod keys;
mod ledger;
mod settings;
mod status;
mod tokens;
mod witness_forks;

pub use db::{Backend, Db, Tx};
pub use error::StoreError;
pub use rows::*;
