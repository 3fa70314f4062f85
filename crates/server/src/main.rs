use clap::Parser as _;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    lectern_server::cli::run(lectern_server::cli::Cli::parse()).await
}
