//! `medcred`: one binary for the whole system — the server, the demo, and the board's CLI.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    medcred_web::main().await
}
